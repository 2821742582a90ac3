import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bleCrc24,
  blePseudoHeader,
  buildAdvNonconnInd,
  checkLlCrc,
  crcBytes,
  LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR,
  PcapWriter,
  PHDR_FLAGS,
  rfChannel,
} from "../../host/air/pcap.js";
import { AirHub } from "../../host/air/hub.js";
import { hex, toHex } from "./helpers.js";

const haveTshark = spawnSync("sh", ["-c", "command -v tshark"], { stdio: "ignore" }).status === 0;
const skipTshark = haveTshark ? false : "SKIPPED: tshark is not installed (apt-get install tshark, or run tools/install-cross.sh)";
if (!haveTshark) console.error(`!!! host-tests/air/pcap.test.ts: the Wireshark decoding tests are ${skipTshark}`);

function tshark(args: string[]): string {
  const r = spawnSync("tshark", args, { encoding: "utf8" });
  assert.equal(r.status, 0, `tshark ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

function tmp(): { dir: string; file: (n: string) => string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "air-pcap-"));
  return { dir, file: (n) => join(dir, n), done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** CRC-24 written independently: the register reflected (bit 0 = position 23), shifting right. */
function crcReflected(pdu: Uint8Array): Uint8Array {
  let r = 0;
  for (let i = 0; i < 24; i++) if ((0x555555 >> i) & 1) r |= 1 << (23 - i);
  for (const byte of pdu) {
    for (let b = 0; b < 8; b++) {
      const fb = (r ^ (byte >> b)) & 1;
      r >>>= 1;
      if (fb) r ^= 0xda6000; // 0x00065B bit-reversed over 24 bits
    }
  }
  return Uint8Array.of(r & 0xff, (r >> 8) & 0xff, (r >> 16) & 0xff);
}

test("CRC-24 agrees with an independently written reflected implementation on random PDUs", () => {
  for (let i = 0; i < 300; i++) {
    const pdu = new Uint8Array(randomBytes(2 + (i % 38)));
    assert.equal(toHex(crcBytes(bleCrc24(pdu))), toHex(crcReflected(pdu)), toHex(pdu));
  }
  assert.equal(bleCrc24(new Uint8Array(0)), 0x555555);
});

test("ADV_NONCONN_IND layout: access address, header, AdvA least significant first, AD structure, CRC", () => {
  const advA = hex("c51234567890");
  const ll = buildAdvNonconnInd(advA, 0x2b, hex("00aabb"));
  assert.equal(toHex(ll.subarray(0, 4)), "d6be898e");
  assert.equal(ll[4], 0x42); // ADV_NONCONN_IND, TxAdd = 1
  assert.equal(ll[5], 6 + 2 + 3);
  assert.equal(toHex(ll.subarray(6, 12)), "9078563412c5");
  assert.equal(toHex(ll.subarray(12, 17)), "042b00aabb");
  assert.equal(ll.length, 4 + 2 + 11 + 3);
  assert.ok(checkLlCrc(ll));
  ll[14]! ^= 1;
  assert.ok(!checkLlCrc(ll));
  assert.deepEqual([rfChannel(37), rfChannel(38), rfChannel(39)], [0, 12, 39]);
  assert.throws(() => rfChannel(36), RangeError);
  assert.throws(() => buildAdvNonconnInd(advA, 0x29, new Uint8Array(30)), RangeError);
  const ph = blePseudoHeader(38, -55, PHDR_FLAGS.DEWHITENED | PHDR_FLAGS.CRC_CHECKED | PHDR_FLAGS.CRC_VALID);
  assert.equal(toHex(ph), "0c" + "c9" + "80" + "00" + "d6be898e" + "010c");
});

test("pcap file: global header with link type 256, records with timestamps", () => {
  const t = tmp();
  try {
    const w = new PcapWriter(t.file("x.pcap"));
    w.writeAdv(1234.567, 37, hex("c51234567890"), 0x2b, hex("00"));
    w.close();
    const b = new Uint8Array(readFileSync(t.file("x.pcap")));
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    assert.equal(v.getUint32(0, true), 0xa1b2c3d4);
    assert.equal(v.getUint32(20, true), LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR);
    assert.equal(v.getUint32(24, true), 1); // seconds
    assert.equal(v.getUint32(28, true), 234567); // microseconds
    const len = v.getUint32(32, true);
    assert.equal(len, 10 + 4 + 2 + 6 + 3 + 3);
    assert.equal(b.length, 24 + 16 + len);
    assert.equal(w.records, 1);
  } finally {
    t.done();
  }
});

const FRAMES = {
  LinkOpen: "23af5850000370cf7c9732a345b691494810d2e9cbf4",
  LinkAck: "23af58500007",
  Invite: "23af585000000002140000",
  InviteAck: "23af58500001",
  Capabilities: "23af58508000000cd6010100010000000000000000",
  PublicKey1: "23af585002080041d1032c31a47b5779809ef44cb5eaaf5c3e43d5f8fa",
  PublicKey2: "23af58500206ad4a8794cb987e9b03745c78dd919512183898dfbecd52",
  PublicKey3: "23af5850020ae2408e43871fd021109117bd3ed4eaf8437743715d4f",
  LinkClose: "23af5850000b00",
};
const UUID = "70cf7c9732a345b691494810d2e9cbf4";

test("Wireshark decodes PB-ADV and beacon captures: Mesh provisioning layers, good CRC, nothing malformed", { skip: skipTshark }, () => {
  const t = tmp();
  try {
    const w = new PcapWriter(t.file("mesh.pcap"));
    const advA = hex("c0ffee123456");
    let time = 0;
    w.writeAdv(time, 37, advA, 0x2b, hex("00" + UUID + "0000")); // Unprovisioned Device beacon
    for (const f of Object.values(FRAMES)) w.writeAdv((time += 10), 37 + (Math.round(time / 10) % 3), advA, 0x29, hex(f));
    w.close();
    const out = tshark(["-r", t.file("mesh.pcap"), "-V"]);
    assert.ok(!/Malformed/i.test(out), "Malformed packet reported");
    assert.ok(!/Incorrect CRC/i.test(out), "CRC reported incorrect");
    for (const want of [
      "Bluetooth Low Energy Link Layer",
      "ADV_NONCONN_IND",
      "Tx Address: Random",
      "Advertising Address: c0:ff:ee:12:34:56",
      "Bluetooth Mesh Beacon",
      "Unprovisioned Device Beacon",
      "Device UUID: 70cf7c97-32a3-45b6-9149-4810d2e9cbf4",
      "Bluetooth Mesh PB-ADV",
      "Link Open",
      "Link Close",
      "Provisioning Invite PDU",
      "Provisioning Capabilities PDU",
      "Bluetooth Mesh Provisioning PDU",
      "CRC Valid: True",
      "Advertising channel 37",
      "Advertising channel 38",
      "Advertising channel 39",
    ]) {
      assert.ok(out.includes(want), `tshark output lacks "${want}"`);
    }
    assert.equal(tshark(["-r", t.file("mesh.pcap"), "-T", "fields", "-e", "frame.number"]).trim().split("\n").length, 10);
  } finally {
    t.done();
  }
});

test("Wireshark's own CRC check is live: a corrupted CRC is reported", { skip: skipTshark }, () => {
  const t = tmp();
  try {
    const w = new PcapWriter(t.file("bad.pcap"));
    const ll = buildAdvNonconnInd(hex("c0ffee123456"), 0x29, hex(FRAMES.LinkOpen));
    ll[ll.length - 2]! ^= 0x10;
    const rec = new Uint8Array(10 + ll.length);
    rec.set(blePseudoHeader(37, -50, PHDR_FLAGS.DEWHITENED), 0); // CRC not checked at capture: Wireshark checks
    rec.set(ll, 10);
    w.writeRecord(0, rec);
    const good = buildAdvNonconnInd(hex("c0ffee123456"), 0x29, hex(FRAMES.LinkOpen));
    const rec2 = new Uint8Array(10 + good.length);
    rec2.set(blePseudoHeader(37, -50, PHDR_FLAGS.DEWHITENED), 0);
    rec2.set(good, 10);
    w.writeRecord(1, rec2);
    w.close();
    const out = tshark(["-r", t.file("bad.pcap"), "-V"]);
    const frames = out.split(/^Frame \d+:/m).slice(1);
    assert.equal(frames.length, 2);
    assert.ok(/Incorrect CRC/.test(frames[0]!), "the corrupted CRC is not reported");
    assert.ok(!/Incorrect CRC/.test(frames[1]!), "the good CRC is reported incorrect");
  } finally {
    t.done();
  }
});

test("the hub's pcap has every transmitted packet (each channel of each event) at its air time", { skip: skipTshark }, async () => {
  const t = tmp();
  try {
    const hub = new AirHub({ mode: "virtual", seed: 3, pcapPath: t.file("hub.pcap") });
    const starts: string[] = [];
    hub.observe((e) => {
      if (e.type === "tx") starts.push(`${(e.start / 1000).toFixed(6)} ${e.channel}`);
    });
    const a = hub.createRadio("prov", { address: hex("c0ffee000001") });
    const b = hub.createRadio("dev", { address: hex("c0ffee000002") });
    b.setReceiver(() => {});
    a.advertise(0x29, hex(FRAMES.LinkOpen), { count: 5, intervalMs: 20 });
    b.advertise(0x2b, hex("00" + UUID + "0000"), { count: 5, intervalMs: 100 });
    await hub.runUntil(1000);
    await hub.close();
    const n = hub.counters.txPackets;
    assert.equal(n, 30);
    const fields = tshark(["-r", t.file("hub.pcap"), "-T", "fields", "-e", "frame.time_epoch", "-e", "btle_rf.channel", "-e", "btle.advertising_address"]);
    const rows = fields.trim().split("\n").map((l) => l.split("\t"));
    assert.equal(rows.length, n);
    const chIndex: Record<string, string> = { "0": "37", "12": "38", "39": "39" };
    const got = rows.map((r) => `${Number(r[0]).toFixed(6)} ${chIndex[r[1]!]}`);
    assert.deepEqual(got, starts);
    assert.deepEqual(new Set(rows.map((r) => r[2])), new Set(["c0:ff:ee:00:00:01", "c0:ff:ee:00:00:02"]));
    const out = tshark(["-r", t.file("hub.pcap"), "-V"]);
    assert.ok(!/Malformed|Incorrect CRC/i.test(out));
    assert.ok(out.includes("Link Open") && out.includes("Unprovisioned Device Beacon"));
  } finally {
    t.done();
  }
});
