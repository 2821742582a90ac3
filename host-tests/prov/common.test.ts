/** AuthValue rules and OOB values (Mesh Protocol 1.1, 5.4.2.4), ConfirmationInputs (5.4.2.4.1). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { seededRandom } from "../../host/node-crypto.js";
import {
  authValueFromNumber,
  authValueFromOob,
  authValueFromString,
  checkOobValue,
  generateOobValue,
  oobValueKind,
  randomBelow,
} from "../../modules/prov/rules.js";
import { ConfirmationInputs } from "../../modules/prov/common.js";
import { AuthenticationMethod as M, InputOobAction as I, OutputOobAction as O } from "../../modules/prov/pdu.js";
import { hex } from "./helpers.js";

test("numeric AuthValue: big-endian number in the last bytes, zeros before", () => {
  assert.equal(hex(authValueFromNumber(0, 16)), "00".repeat(16));
  assert.equal(hex(authValueFromNumber(123456, 16)), "00".repeat(12) + "0001e240");
  assert.equal(hex(authValueFromNumber(99999999, 32)), "00".repeat(28) + "05f5e0ff");
  assert.throws(() => authValueFromNumber(-1, 16), RangeError);
  assert.throws(() => authValueFromNumber(1.5, 16), RangeError);
});

test("alphanumeric AuthValue: ASCII left-aligned, zero padded", () => {
  assert.equal(hex(authValueFromString("A1Z", 16)), "41315a" + "00".repeat(13));
  assert.equal(hex(authValueFromString("12345678", 32)), "3132333435363738" + "00".repeat(24));
  assert.equal(hex(authValueFromOob("7", 16)), "37" + "00".repeat(15));
  assert.equal(hex(authValueFromOob(7, 16)), "00".repeat(15) + "07");
});

test("value kinds of every action", () => {
  assert.deepEqual(
    [O.Blink, O.Beep, O.Vibrate, O.OutputNumeric, O.OutputAlphanumeric, 5].map((a) => oobValueKind(M.OutputOob, a)),
    ["count", "count", "count", "numeric", "alphanumeric", undefined],
  );
  assert.deepEqual(
    [I.Push, I.Twist, I.InputNumeric, I.InputAlphanumeric, 4].map((a) => oobValueKind(M.InputOob, a)),
    ["count", "count", "numeric", "alphanumeric", undefined],
  );
  assert.equal(oobValueKind(M.StaticOob, 0), undefined);
  assert.equal(oobValueKind(M.NoOob, 0), undefined);
});

test("generated counts are 1 .. 10^size - 1, never 0; numbers 0 .. 10^size - 1; strings of size from 0-9A-Z", () => {
  const rnd = seededRandom(42);
  for (const size of [1, 2, 8]) {
    let min = Infinity, max = -1;
    for (let i = 0; i < 3000; i++) {
      const c = generateOobValue(rnd, M.OutputOob, O.Blink, size) as number;
      const p = generateOobValue(rnd, M.InputOob, I.Push, size) as number;
      const n = generateOobValue(rnd, M.OutputOob, O.OutputNumeric, size) as number;
      for (const v of [c, p]) {
        assert.ok(Number.isInteger(v) && v >= 1 && v <= 10 ** size - 1, `count ${v}`);
        assert.equal(checkOobValue(M.OutputOob, O.Blink, size, v), null);
      }
      assert.ok(Number.isInteger(n) && n >= 0 && n <= 10 ** size - 1);
      min = Math.min(min, n);
      max = Math.max(max, n);
      const s = generateOobValue(rnd, M.InputOob, I.InputAlphanumeric, size) as string;
      assert.match(s, new RegExp(`^[0-9A-Z]{${size}}$`));
    }
    if (size === 1) assert.deepEqual([min, max], [0, 9]); // every digit shows up
  }
  // Size 1 counts cover 1..9 and nothing else.
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(generateOobValue(rnd, M.InputOob, I.Twist, 1) as number);
  assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => generateOobValue(rnd, M.OutputOob, O.Blink, 0), RangeError);
  assert.throws(() => generateOobValue(rnd, M.OutputOob, O.Blink, 9), RangeError);
  assert.throws(() => generateOobValue(rnd, M.StaticOob, 0, 1), RangeError);
});

test("randomBelow is uniform (chi-square on 10 buckets) and rejects the biased tail", () => {
  const rnd = seededRandom(7);
  const counts = new Array(10).fill(0);
  const N = 50000;
  for (let i = 0; i < N; i++) counts[randomBelow(rnd, 10)]++;
  const e = N / 10;
  const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
  assert.ok(chi2 < 30, "chi2 " + chi2); // 9 degrees of freedom: p < 0.001 at 27.9
  // Draws of 0xFFFFFFFF lie in the rejected tail for n = 10: the next draw is used.
  const draws = [Uint8Array.of(0xff, 0xff, 0xff, 0xff), Uint8Array.of(0, 0, 0, 13)];
  assert.equal(randomBelow(() => draws.shift()!, 10), 3);
});

test("checkOobValue: what the application may enter", () => {
  assert.equal(checkOobValue(M.InputOob, I.Push, 2, 99), null);
  assert.match(checkOobValue(M.InputOob, I.Push, 2, 0)!, /out of 1\.\.99/);
  assert.match(checkOobValue(M.InputOob, I.Push, 2, 100)!, /out of/);
  assert.equal(checkOobValue(M.OutputOob, O.OutputNumeric, 3, 0), null);
  assert.match(checkOobValue(M.OutputOob, O.OutputNumeric, 3, "12")!, /integer/);
  assert.match(checkOobValue(M.OutputOob, O.OutputNumeric, 3, 1.5)!, /integer/);
  assert.equal(checkOobValue(M.OutputOob, O.OutputAlphanumeric, 4, "AB12"), null);
  assert.match(checkOobValue(M.OutputOob, O.OutputAlphanumeric, 4, "ab12")!, /0-9 or A-Z/);
  assert.match(checkOobValue(M.OutputOob, O.OutputAlphanumeric, 4, "ABCDE")!, /length/);
  assert.match(checkOobValue(M.OutputOob, O.OutputAlphanumeric, 4, 12)!, /string/);
  assert.match(checkOobValue(M.StaticOob, 0, 0, 1)!, /no OOB value/);
});

test("ConfirmationInputs: Invite || Capabilities || Start || PublicKeyProvisioner || PublicKeyDevice", () => {
  const ci = new ConfirmationInputs();
  assert.throws(() => ci.bytes(), RangeError);
  ci.setPublicKeyDevice(new Uint8Array(64).fill(5));
  ci.setInvite(Uint8Array.of(1));
  ci.setStart(new Uint8Array(5).fill(3));
  ci.setCapabilities(new Uint8Array(11).fill(2));
  assert.equal(ci.complete, false);
  ci.setPublicKeyProvisioner(new Uint8Array(64).fill(4));
  const b = ci.bytes();
  assert.equal(b.length, 145);
  assert.equal(hex(b), "01" + "02".repeat(11) + "03".repeat(5) + "04".repeat(64) + "05".repeat(64));
  assert.throws(() => ci.setStart(new Uint8Array(4)), RangeError);
});
