/**
 * PB-ADV benchmark on the loopback air: provisioning-shaped exchanges (exchange.ts) per retransmission policy
 * and loss rate; prints one JSON line per (policy, loss): median / p95 time to Complete, failures, air events.
 * Run: npx tsx host-tests/bearer/bench-pbadv.ts [runs]
 */
import { retransmitPolicies } from "../../modules/bearer/retransmit.js";
import { runExchange } from "./exchange.js";

const runs = Number(process.argv[2] ?? 200);
const losses = (process.argv[3] ?? "0,0.1,0.2,0.3").split(",").map(Number);
const policies = (process.argv[4] ?? Object.keys(retransmitPolicies).join(",")).split(",");

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

for (const policy of policies) {
  for (const loss of losses) {
    const times: number[] = [];
    let failures = 0;
    let events = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const r = runExchange({ loss, seed, pbAdv: { retransmit: retransmitPolicies[policy]! } });
      if (!r.completed || r.errors.length) failures++;
      else times.push(r.timeMs);
      events += r.airEvents;
    }
    times.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        bench: "pb-adv-exchange",
        policy,
        loss,
        runs,
        medianMs: Math.round(quantile(times, 0.5)),
        p95Ms: Math.round(quantile(times, 0.95)),
        maxMs: Math.round(times.at(-1) ?? NaN),
        failures,
        airEventsPerRun: Math.round(events / runs),
      }),
    );
  }
}
