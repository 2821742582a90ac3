import { test } from "node:test";
import assert from "node:assert/strict";
import { fcs, fcsCheck } from "../../modules/bearer/fcs.js";
import { SAMPLE } from "./pbadv-sample.js";
import { prng, unhex } from "./loopback.js";

/** The Provisioning PDU and the FCS of each multi- or single-segment transaction of the 8.7 sample frames. */
function sampleTransactions(): { name: string; pdu: Uint8Array; fcs: number }[] {
  const out: { name: string; pdu: Uint8Array; fcs: number }[] = [];
  for (const [name, frames] of Object.entries(SAMPLE.frames)) {
    const first = unhex(frames[0]!);
    if ((first[5]! & 3) !== 0) continue; // not a Transaction Start
    const parts = [first.subarray(9), ...frames.slice(1).map((f) => unhex(f).subarray(6))];
    const total = (first[6]! << 8) | first[7]!;
    const pdu = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      pdu.set(p, o);
      o += p.length;
    }
    assert.equal(pdu.length, total, name);
    out.push({ name, pdu, fcs: first[8]! });
  }
  return out;
}

/** An independent bitwise CRC: TS 27.010's shift register, fed LSB first, polynomial x^8+x^2+x+1. */
function fcsBitwise(data: Uint8Array): number {
  let reg = 0xff;
  for (const byte of data) {
    for (let bit = 0; bit < 8; bit++) {
      const inBit = (byte >> bit) & 1;
      const fb = (reg & 1) ^ inBit;
      reg >>= 1;
      if (fb) reg ^= 0xe0; // reflected 0x07
    }
  }
  return 0xff - reg;
}

test("FCS of every transaction in the Mesh Protocol 1.1 8.7 sample frames", () => {
  const txs = sampleTransactions();
  assert.equal(txs.length, 11);
  for (const t of txs) {
    assert.equal(fcs(t.pdu), t.fcs, t.name);
    assert.ok(fcsCheck(t.pdu, t.fcs), t.name);
    assert.ok(!fcsCheck(t.pdu, t.fcs ^ 1), t.name);
  }
  // Provisioning Invite (Attention Duration 0): 00 00 -> 0x14.
  assert.equal(fcs(Uint8Array.of(0x00, 0x00)), 0x14);
});

test("TS 27.010 frames: SABM and UA on DLCI 0 (basic option, FCS over address, control and length)", () => {
  // F9 03 3F 01 1C F9 (SABM, P=1) and F9 03 73 01 D7 F9 (UA, F=1): the well-known CMUX start-up frames.
  assert.equal(fcs(Uint8Array.of(0x03, 0x3f, 0x01)), 0x1c);
  assert.equal(fcs(Uint8Array.of(0x03, 0x73, 0x01)), 0xd7);
  assert.ok(fcsCheck(Uint8Array.of(0x03, 0x3f, 0x01), 0x1c));
  assert.equal(fcs(new Uint8Array(0)), 0x00);
});

test("table-driven FCS equals a bitwise CRC on random inputs; fcsCheck detects single-bit errors", () => {
  const rnd = prng(27010);
  for (let n = 0; n < 500; n++) {
    const data = new Uint8Array(Math.floor(rnd() * 80));
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
    const f = fcs(data);
    assert.equal(f, fcsBitwise(data));
    assert.ok(fcsCheck(data, f));
    if (data.length) {
      const i = Math.floor(rnd() * data.length);
      data[i] ^= 1 << Math.floor(rnd() * 8);
      assert.ok(!fcsCheck(data, f));
    }
  }
  assert.ok(!fcsCheck(Uint8Array.of(0, 0), 0x114));
});
