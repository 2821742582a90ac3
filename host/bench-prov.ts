/**
 * `npm run bench:prov`: provisioning time per retransmission policy and loss rate, on the simulated air in
 * virtual time. One JSON object per line:
 *   {"policy","loss","runs","success","medianMs","p95Ms", ...}
 * medianMs / p95Ms: simulated time from the provisioner's first Link Open to Complete, over the successful
 * runs. Every policy runs the same seeds (paired). Each side's ECDH is charged `--ecdh-ms` (default 30 ms, a
 * software P-256 on a 64 MHz Cortex-M4) of simulated time, so the figure stays honest.
 *
 * `--peers`: "acks" (both sides are ours), "device-never-acks" (our provisioner against a device that never
 * sends a Transaction Acknowledgment, like BlueZ meshd at its worst: host/air/faults.ts), "provisioner-never-acks"
 * (our device against such a provisioner). Each line says which ("peer").
 *
 *   npm run bench:prov [-- --runs 100 --oob none --alg hmac --ecdh-ms 30 --policies adaptive,fixed-500ms,fixed-2s
 *                          --peers acks,device-never-acks,provisioner-never-acks]
 */
import { parseArgs } from "node:util";
import { SimNetwork, capabilitiesFor } from "./network.js";
import { stopTransactionAcks } from "./air/faults.js";
import type { AlgChoice, OobChoice, ProvisionerOptions } from "./network.js";
import { percentile } from "../tools/percentile.mjs";

const { values } = parseArgs({
  options: {
    runs: { type: "string" },
    oob: { type: "string" },
    alg: { type: "string" },
    "ecdh-ms": { type: "string" },
    losses: { type: "string" },
    policies: { type: "string" },
    peers: { type: "string" },
  },
});
const PEERS = ["acks", "device-never-acks", "provisioner-never-acks"] as const;
type Peer = (typeof PEERS)[number];
const peers = (values.peers ?? PEERS.join(",")).split(",") as Peer[];
for (const p of peers) {
  if (!PEERS.includes(p)) {
    process.stderr.write(`bench:prov: unknown peer "${p}" (have: ${PEERS.join(", ")})\n`);
    process.exit(2);
  }
}
const runs = Number(values.runs ?? 200);
const ecdhComputeMs = Number(values["ecdh-ms"] ?? 30);
const losses = (values.losses ?? "0,0.1,0.2,0.3").split(",").map(Number);
const policies = (values.policies ?? "adaptive,fixed-500ms,fixed-2s").split(",");
const prov: ProvisionerOptions = { oob: (values.oob ?? "none") as OobChoice, alg: (values.alg ?? "hmac") as AlgChoice };

const p = (times: number[], q: number): number => Math.round(percentile(times, q) * 10) / 10;

async function one(policy: string, loss: number, seed: number, peer: Peer): Promise<{ ok: boolean; ms: number | null; advEvents: number }> {
  const net = new SimNetwork({ seed, link: { loss }, policy, ecdhComputeMs });
  net.addDevice({ name: "dev", kind: "light", capabilities: capabilitiesFor(prov), staticOob: prov.oob === "static", beaconIntervalMs: 1000 });
  net.addProvisioner(prov);
  if (peer === "device-never-acks") stopTransactionAcks(net.hub.radio("dev")!, net.hub.clock);
  if (peer === "provisioner-never-acks") stopTransactionAcks(net.hub.radio("provisioner")!, net.hub.clock);
  net.start();
  await net.run(5 * 60_000);
  const r = net.results()[0]!;
  const advEvents = net.hub.counters.advEvents;
  await net.close();
  return { ok: r.provisioned, ms: r.durationMs, advEvents };
}

async function main(): Promise<void> {
  for (const peer of peers) for (const loss of losses) {
    for (const policy of policies) {
      const times: number[] = [];
      let success = 0;
      let advEvents = 0;
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) {
        const r = await one(policy, loss, 1000 + i, peer);
        advEvents += r.advEvents;
        if (r.ok && r.ms !== null) {
          success++;
          times.push(r.ms);
        }
      }
      times.sort((a, b) => a - b);
      process.stdout.write(
        JSON.stringify({
          peer,
          policy,
          loss,
          runs,
          success,
          medianMs: p(times, 0.5),
          p95Ms: p(times, 0.95),
          maxMs: times.length ? Math.round(times[times.length - 1]! * 10) / 10 : null,
          advEventsPerRun: Math.round(advEvents / runs),
          oob: prov.oob,
          alg: prov.alg,
          ecdhComputeMs,
          wallMs: Math.round(performance.now() - t0),
        }) + "\n",
      );
    }
  }
}

main().catch((e) => {
  process.stderr.write(`bench:prov: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
