/**
 * Heartbeat Log fields (Mesh Protocol 1.1, 4.2.17.2 / 4.2.18.2): 2^(Log-1) computed by doubling (the device image has
 * no `**`: docs/xs.md "libc and libm"), checked against the exponentiation formula over every byte value and every
 * count the runtime converts back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromLog, toLog } from "../../modules/node/heartbeat.js";

const oldFromLog = (log: number): number => (log === 0 ? 0 : log === 0xff ? 0xffff : 2 ** (log - 1));
function oldToLog(n: number): number {
  if (n <= 0) return 0;
  if (n > 0xfffe) return 0xff;
  let log = 1;
  while (2 ** (log - 1) < n) log++;
  return log;
}

test("heartbeat fromLog: 2^(log-1) for every byte value, 0 for 0, 0xFFFF for 0xFF", () => {
  for (let log = 0; log <= 0xff; log++) assert.equal(fromLog(log), oldFromLog(log), `log ${log}`);
  assert.equal(fromLog(1), 1);
  assert.equal(fromLog(0x11), 0x10000);
  assert.equal(fromLog(0x12), 0x20000);
  assert.equal(fromLog(0x20), 2147483648, "beyond 31 bits still exact (no 32-bit shift)");
  assert.equal(fromLog(0xfe), 2 ** 253);
});

test("heartbeat toLog: the smallest Log covering n, over every count and period", () => {
  for (let n = -2; n <= 0x10001; n++) assert.equal(toLog(n), oldToLog(n), `n ${n}`);
  for (const n of [0.5, 1.5, 2.0001, 65533.9, 65534.5, Infinity, -Infinity, NaN]) assert.equal(toLog(n), oldToLog(n), `n ${n}`);
  assert.equal(toLog(0x8000), 0x10);
  assert.equal(toLog(0x8001), 0x11);
  assert.equal(toLog(0xfffe), 0x11);
  assert.equal(toLog(0xffff), 0xff);
});
