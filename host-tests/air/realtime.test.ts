import { test } from "node:test";
import assert from "node:assert/strict";
import { AirHub } from "../../host/air/hub.js";
import { AirClient } from "../../host/air/client.js";
import { WallClock } from "../../host/air/wall-clock.js";
import { hex, memoryLogger } from "./helpers.js";

// Real-time mode is for interactive use: these are smoke tests (they wait for things to happen, never
// assert how long anything took).

test("real-time mode: the same model on the wall clock; in-process radios exchange packets", async () => {
  const hub = new AirHub({ mode: "real", seed: 1 });
  assert.ok(hub.clock instanceof WallClock);
  assert.throws(() => hub.virtualClock, /real mode/);
  const a = hub.createRadio("a");
  const b = hub.createRadio("b");
  const got: number[] = [];
  b.setReceiver((p) => got.push(p.time));
  let doneAt = -1;
  a.advertise(0x2b, hex("00112233"), { count: 5, intervalMs: 20 }, () => (doneAt = hub.clock.now()));
  const finished = await hub.runWhile(() => doneAt < 0, 10_000);
  assert.ok(finished, "onDone never came");
  assert.ok(got.length >= 1, "nothing received");
  assert.ok(got.every((t, i) => i === 0 || t > got[i - 1]!));
  const c = hub.counters;
  assert.equal(c.advEvents, 5);
  assert.equal(c.txPackets, 15);
  assert.equal(c.delivered + c.lostNotListening, 15);
  await hub.close();
});

test("real-time mode: an AirClient joins with a wall clock and talks both ways", async () => {
  const hub = new AirHub({ mode: "real", seed: 2, logger: memoryLogger() });
  const { port } = await hub.listen({});
  const c = await AirClient.connect({ port: port!, name: "rc" });
  assert.equal(c.mode, "real");
  assert.ok(c.clock instanceof WallClock);
  const local = hub.createRadio("local");
  let heard = 0;
  c.radio.setReceiver((p) => {
    heard++;
    if (heard === 1) c.radio.advertise(0x2a, p.data, { count: 3, intervalMs: 20 });
  });
  let answered = false;
  local.setReceiver((p) => {
    if (p.adType === 0x2a) answered = true;
  });
  local.advertise(0x29, hex("abcdef"), { count: 50, intervalMs: 20 });
  assert.ok(await hub.runWhile(() => !answered, 10_000), "no answer from the client");
  assert.ok(heard >= 1);
  await c.close();
  await hub.close();
});
