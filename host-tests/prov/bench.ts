/**
 * Provisioning benchmark (not a test): prints one JSON line per scenario.
 *   node --import tsx host-tests/prov/bench.ts [--quick]
 *
 * - "prov-loopback": wall-clock cost of one whole provisioning (both roles, real P-256 via node:crypto) on
 *   the PDU loopback bearer, per algorithm.
 * - "prov-air": N devices provisioned by one provisioner over PB-ADV on the simulated air at a loss rate:
 *   virtual time until all are done, air events, wall time, heap growth.
 */
import { performance } from "node:perf_hooks";
import { AuthenticationMethod, OutputOobAction } from "../../modules/prov/pdu.js";
import { pair } from "./helpers.js";
import { World } from "./air-world.js";

const quick = process.argv.includes("--quick");

function loopback(alg: "cmac" | "hmac", runs: number): void {
  // Warm up.
  for (let i = 0; i < 3; i++) {
    const p = pair({ alg, sample: false });
    p.start();
    p.run();
  }
  const t0 = performance.now();
  let ok = 0;
  for (let i = 0; i < runs; i++) {
    const p = pair({ alg, sample: false });
    p.start();
    p.run();
    ok += p.device.of("complete").length;
  }
  const ms = (performance.now() - t0) / runs;
  console.log(JSON.stringify({ bench: "prov-loopback", algorithm: alg, runs, completed: ok, wallMsPerProvisioning: +ms.toFixed(3) }));
}

function air(devices: number, loss: number, seed: number): void {
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const world = new World({ seed, link: { loss, duplicate: loss / 2, delayMs: loss ? 10 : 0 }, ecdhComputeMs: 50 });
  for (let i = 0; i < devices; i++) {
    world.addDevice("dev" + i, { capabilities: { algorithms: 3, outputOobSize: 6, outputOobAction: 1 << OutputOobAction.OutputNumeric } });
  }
  world.addProvisioner(() => ({ algorithm: 1, publicKey: 0, method: AuthenticationMethod.OutputOob, action: OutputOobAction.OutputNumeric, size: 6 }));
  world.start(1000);
  const done = world.runUntilAllDone(60 * 60_000);
  const completed = world.devices.filter((d) => d.node.of("complete").length > 0).length;
  const times = world.provisioner!.of("complete").length;
  console.log(
    JSON.stringify({
      bench: "prov-air",
      devices,
      loss,
      seed,
      allDone: done,
      completed,
      provisionerCompleted: times,
      virtualMs: Math.round(world.clock.now()),
      advEvents: world.hub.counters.advEvents,
      lostLink: world.hub.counters.lostLink,
      lostCollision: world.hub.counters.lostCollision,
      wallMs: +(performance.now() - t0).toFixed(1),
      heapDeltaKiB: Math.round((process.memoryUsage().heapUsed - heap0) / 1024),
    }),
  );
}

loopback("cmac", quick ? 20 : 200);
loopback("hmac", quick ? 20 : 200);
for (const devices of quick ? [1, 4] : [1, 4, 16]) {
  for (const loss of [0, 0.1, 0.3]) air(devices, loss, 500 + devices * 10 + loss * 100);
}
