/**
 * tools/fw/profile-runs.mjs: the figures it takes from each twin-e2e line and their minimum, median and maximum over
 * the runs (the README's twin figures are its medians).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
// @ts-expect-error: a JavaScript tool without type declarations
import { figuresOf, summarizeRuns } from "../../tools/fw/profile-runs.mjs";

const report = (boot: number, invite: number) => ({
  instructions: {
    inviteToComplete: invite,
    split: { p256: 1_229_800, aesNatives: 90_920, gc: 590_080, rest: invite - 1_910_800 },
    boot: { toFirstBeacon: boot, toAppMain: 20_480, createMachine: 53_520, importEntry: boot - 108_240, runToBeacon: 34_240 },
  },
});

test("profile-runs: each run's figures, and min / median / max over the runs", () => {
  const runs: Record<string, number>[] = [report(900_440, 7_591_080), report(900_400, 7_590_600), report(900_480, 7_591_200)].map(
    (r) => figuresOf(r) as Record<string, number>,
  );
  assert.equal(runs[0].boot, 900_440);
  assert.equal(runs[0]["split.rest"], 7_591_080 - 1_910_800);
  const s = summarizeRuns(runs);
  assert.deepEqual(s.boot, { min: 900_400, median: 900_440, max: 900_480, values: [900_440, 900_400, 900_480] });
  assert.deepEqual(s.inviteToComplete, { min: 7_590_600, median: 7_591_080, max: 7_591_200, values: [7_591_080, 7_590_600, 7_591_200] });
  assert.equal(s["split.p256"].median, 1_229_800);
});
