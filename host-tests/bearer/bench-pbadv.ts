/**
 * PB-ADV benchmark on the loopback air: provisioning-shaped exchanges (exchange.ts) per retransmission policy
 * and loss rate; prints one JSON line per (policy, loss): median / p95 time to Complete, failures, air events.
 * Run: npx tsx host-tests/bearer/bench-pbadv.ts [runs] [losses, e.g. 0,0.2] [policies] [--hub]
 * --hub runs on the simulated air of host/air/hub.ts instead of the test loopback.
 */
import { retransmitPolicies } from "../../modules/bearer/retransmit.js";
import { runExchange } from "./exchange.js";
import { percentile } from "../../tools/percentile.mjs";

const hub = process.argv.includes("--hub");
const args = process.argv.slice(2).filter((a) => a !== "--hub");
const runs = Number(args[0] ?? 200);
const losses = (args[1] ?? "0,0.1,0.2,0.3").split(",").map(Number);
const policies = (args[2] ?? Object.keys(retransmitPolicies).join(",")).split(",");

for (const policy of policies) {
  for (const loss of losses) {
    const times: number[] = [];
    let failures = 0;
    let events = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const r = runExchange({ loss, seed, hub, pbAdv: { retransmit: retransmitPolicies[policy]! } });
      if (!r.completed || r.errors.length) failures++;
      else times.push(r.timeMs);
      events += r.airEvents;
    }
    times.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        bench: "pb-adv-exchange",
        air: hub ? "hub" : "loopback",
        policy,
        loss,
        runs,
        medianMs: Math.round(percentile(times, 0.5)),
        p95Ms: Math.round(percentile(times, 0.95)),
        maxMs: Math.round(times.at(-1) ?? NaN),
        failures,
        airEventsPerRun: Math.round(events / runs),
      }),
    );
  }
}
