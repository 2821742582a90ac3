import { test } from "node:test";
import assert from "node:assert/strict";
import { hexToBytes } from "../../modules/crypto/bytes.js";
import {
  AuthenticationMethod,
  ErrorCode,
  PduEncodeError,
  PduType,
  decodePdu,
  decodeProvisioningData,
  encodePdu,
  encodeProvisioningData,
  errorCodeName,
  errorCodeOf,
  pduName,
  pduParameterLengths,
  PROVISIONING_DATA_LENGTH,
  PROVISIONING_DATA_MIC_LENGTH,
} from "../../modules/prov/pdu.js";
import type { ProvisioningPdu } from "../../modules/prov/pdu.js";

const b = (n: number, fill = 0xab) => new Uint8Array(n).fill(fill);

/** One valid PDU of every supported type, both lengths where there are two. */
const VALID: { pdu: ProvisioningPdu; hex?: string }[] = [
  { pdu: { type: PduType.Invite, attentionDuration: 0 }, hex: "0000" },
  { pdu: { type: PduType.Invite, attentionDuration: 255 }, hex: "00ff" },
  {
    pdu: {
      type: PduType.Capabilities,
      numberOfElements: 1,
      algorithms: 0x0001,
      publicKeyType: 0,
      oobType: 0,
      outputOobSize: 0,
      outputOobAction: 0,
      inputOobSize: 0,
      inputOobAction: 0,
    },
    // Mesh Protocol 1.1, 8.17.1 sample Capabilities.
    hex: "01" + "0100010000000000000000",
  },
  {
    pdu: {
      type: PduType.Capabilities,
      numberOfElements: 3,
      algorithms: 0x0003,
      publicKeyType: 1,
      oobType: 3,
      outputOobSize: 8,
      outputOobAction: 0x001f,
      inputOobSize: 4,
      inputOobAction: 0x000f,
    },
    hex: "01" + "03000301030800" + "1f04000f",
  },
  {
    pdu: { type: PduType.Start, algorithm: 0, publicKey: 0, authenticationMethod: 0, authenticationAction: 0, authenticationSize: 0 },
    hex: "02" + "0000000000",
  },
  {
    pdu: { type: PduType.Start, algorithm: 1, publicKey: 0, authenticationMethod: 1, authenticationAction: 0, authenticationSize: 0 },
    // 8.17.2 sample Start.
    hex: "02" + "0100010000",
  },
  {
    pdu: { type: PduType.Start, algorithm: 1, publicKey: 1, authenticationMethod: 2, authenticationAction: 4, authenticationSize: 8 },
    hex: "02" + "0101020408",
  },
  {
    pdu: { type: PduType.Start, algorithm: 0, publicKey: 0, authenticationMethod: 3, authenticationAction: 3, authenticationSize: 1 },
    hex: "02" + "0000030301",
  },
  { pdu: { type: PduType.PublicKey, publicKeyX: b(32, 1), publicKeyY: b(32, 2) } },
  { pdu: { type: PduType.InputComplete }, hex: "04" },
  { pdu: { type: PduType.Confirmation, confirmation: b(16) } },
  { pdu: { type: PduType.Confirmation, confirmation: b(32) } },
  { pdu: { type: PduType.Random, random: b(16) } },
  { pdu: { type: PduType.Random, random: b(32) } },
  { pdu: { type: PduType.Data, encryptedProvisioningData: b(25), provisioningDataMic: b(8, 0xcd) } },
  { pdu: { type: PduType.Complete }, hex: "08" },
  { pdu: { type: PduType.Failed, errorCode: ErrorCode.InvalidData }, hex: "0909" },
  { pdu: { type: PduType.Failed, errorCode: 0x0a }, hex: "090a" }, // RFU codes are carried
];

test("every PDU type encodes and decodes back (both Confirmation/Random lengths)", () => {
  for (const { pdu, hex } of VALID) {
    const bytes = encodePdu(pdu);
    if (hex) assert.equal(Buffer.from(bytes).toString("hex"), hex, pduName(pdu.type));
    const r = decodePdu(bytes);
    assert.ok(r.ok, pduName(pdu.type) + ": " + (!r.ok ? r.reason : ""));
    assert.deepEqual(r.pdu, pdu);
  }
});

test("PDU lengths on the wire: Invite 2, Capabilities 12, Start 6, Public Key 65, Confirmation/Random 17 or 33, Data 34", () => {
  const len = (p: ProvisioningPdu) => encodePdu(p).length;
  assert.deepEqual(
    VALID.map((v) => len(v.pdu)),
    [2, 2, 12, 12, 6, 6, 6, 6, 65, 1, 17, 33, 17, 33, 34, 1, 2, 2],
  );
});

test("reserved and unsupported types -> Invalid PDU", () => {
  for (let t = 0x0a; t <= 0x3f; t++) {
    const r = decodePdu(Uint8Array.of(t, 0, 0));
    assert.ok(!r.ok);
    assert.equal(r.error, "invalid-pdu", "type 0x" + t.toString(16));
    assert.equal(r.type, t);
    if (t <= 0x0d) assert.match(r.reason, /not supported/);
  }
  const empty = decodePdu(new Uint8Array(0));
  assert.ok(!empty.ok && empty.error === "invalid-pdu");
  // not a byte array at all
  const junk = decodePdu("00" as unknown as Uint8Array);
  assert.ok(!junk.ok && junk.error === "invalid-pdu");
});

test("padding bits -> Invalid Format, for every supported type", () => {
  for (const { pdu } of VALID) {
    const bytes = encodePdu(pdu);
    for (const pad of [0x40, 0x80, 0xc0]) {
      const bad = bytes.slice();
      bad[0] = bad[0]! | pad;
      const r = decodePdu(bad);
      assert.ok(!r.ok && r.error === "invalid-format", pduName(pdu.type));
    }
  }
});

test("every wrong parameter length -> Invalid Format", () => {
  const allowed: Record<number, number[]> = { 0: [1], 1: [11], 2: [5], 3: [64], 4: [0], 5: [16, 32], 6: [16, 32], 7: [33], 8: [0], 9: [1] };
  for (let type = 0; type <= 9; type++) {
    for (let n = 0; n <= 70; n++) {
      const data = new Uint8Array(1 + n); // zeros are valid values, but for these first parameters:
      data[0] = type;
      if (n > 0 && (type === PduType.Capabilities || type === PduType.Failed)) data[1] = 1;
      const r = decodePdu(data);
      if (allowed[type]!.includes(n)) assert.ok(r.ok, `${pduName(type)} with ${n} bytes`);
      else assert.ok(!r.ok && r.error === "invalid-format", `${pduName(type)} with ${n} bytes`);
    }
  }
});

test("Prohibited field values -> Invalid Format", () => {
  const bad = (hex: string, why: string) => {
    const r = decodePdu(hexToBytes(hex));
    assert.ok(!r.ok && r.error === "invalid-format", why);
  };
  bad("01" + "0000010000000000000000", "Capabilities: Number of Elements 0");
  bad("01" + "0100010200000000000000", "Capabilities: Public Key Type bit 1");
  bad("01" + "0100018000000000000000", "Capabilities: Public Key Type bit 7");
  bad("01" + "0100010004000000000000", "Capabilities: OOB Type bit 2");
  bad("02" + "0002000000", "Start: Public Key 0x02");
  bad("02" + "0000040000", "Start: Authentication Method 0x04");
  bad("02" + "00000001ff".slice(0, 10), "Start: No OOB with action/size");
  bad("02" + "0000000001", "Start: No OOB with size");
  bad("02" + "0000010100", "Start: Static OOB with action");
  bad("02" + "0000020500", "Start: Output OOB action 5 (RFU)");
  bad("02" + "0000020000", "Start: Output OOB size 0");
  bad("02" + "0000020009", "Start: Output OOB size 9");
  bad("02" + "0000030401", "Start: Input OOB action 4 (RFU)");
  bad("02" + "0000030009", "Start: Input OOB size 9");
  bad("0900", "Failed: Error Code 0x00 Prohibited");
  // RFU values that are not Prohibited decode (the role decides): Start algorithm 0x02, OOB sizes 9.
  assert.ok(decodePdu(hexToBytes("02" + "0200000000")).ok);
  assert.ok(decodePdu(hexToBytes("01" + "0180010009ffff09ffff")).ok === false); // 10 bytes: wrong length
  assert.ok(decodePdu(hexToBytes("01" + "01ffff0000090020090010")).ok);
});

test("random bytes never make decodePdu throw", () => {
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  for (let i = 0; i < 20000; i++) {
    const data = new Uint8Array(rnd() % 70);
    for (let j = 0; j < data.length; j++) data[j] = rnd();
    if (data.length) data[0] = data[0]! & 0x4f; // mostly known types
    const r = decodePdu(data);
    if (r.ok) assert.deepEqual(decodePdu(encodePdu(r.pdu)), r);
  }
});

test("encodePdu refuses values that do not fit", () => {
  assert.throws(() => encodePdu({ type: PduType.Invite, attentionDuration: 256 }), PduEncodeError);
  assert.throws(() => encodePdu({ type: PduType.Confirmation, confirmation: b(20) }), PduEncodeError);
  assert.throws(() => encodePdu({ type: PduType.PublicKey, publicKeyX: b(31), publicKeyY: b(32) }), PduEncodeError);
  assert.throws(() => encodePdu({ type: 0x0c } as unknown as ProvisioningPdu), PduEncodeError);
  assert.throws(
    () => encodePdu({ type: PduType.Capabilities, numberOfElements: 1, algorithms: 0x10000 } as unknown as ProvisioningPdu),
    PduEncodeError,
  );
});

test("error codes: spec values and names", () => {
  assert.deepEqual(
    [
      ErrorCode.Prohibited,
      ErrorCode.InvalidPdu,
      ErrorCode.InvalidFormat,
      ErrorCode.UnexpectedPdu,
      ErrorCode.ConfirmationFailed,
      ErrorCode.OutOfResources,
      ErrorCode.DecryptionFailed,
      ErrorCode.UnexpectedError,
      ErrorCode.CannotAssignAddresses,
      ErrorCode.InvalidData,
    ],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.equal(errorCodeName(4), "Confirmation Failed");
  assert.equal(errorCodeName(0x0a), "RFU 0x0a");
  assert.equal(errorCodeOf("invalid-pdu"), 1);
  assert.equal(errorCodeOf("invalid-format"), 2);
  assert.equal(errorCodeOf("cannot-assign-addresses"), 8);
  assert.equal(errorCodeOf("invalid-data"), 9);
  assert.equal(AuthenticationMethod.InputOob, 3);
});

test("Provisioning Data: the 8.17 sample encodes to ProvData and decodes back", () => {
  const data = {
    networkKey: hexToBytes("efb2255e6422d330088e09bb015ed707"),
    keyIndex: 0x0567,
    flags: { keyRefresh: false, ivUpdate: false },
    ivIndex: 0x01020304,
    unicastAddress: 0x0b0c,
  };
  const enc = encodeProvisioningData(data);
  assert.equal(Buffer.from(enc).toString("hex"), "efb2255e6422d330088e09bb015ed707056700010203040b0c");
  const dec = decodeProvisioningData(enc);
  assert.ok(dec.ok);
  assert.deepEqual(dec.data, data);
  const flags = encodeProvisioningData({ ...data, flags: { keyRefresh: true, ivUpdate: true }, ivIndex: 0xfffffffe });
  assert.equal(flags[18], 3);
  const d2 = decodeProvisioningData(flags);
  assert.ok(d2.ok && d2.data.flags.keyRefresh && d2.data.flags.ivUpdate && d2.data.ivIndex === 0xfffffffe);
});

test("Provisioning Data validation: length, Key Index, address, address range", () => {
  const good = hexToBytes("efb2255e6422d330088e09bb015ed707056700010203040b0c");
  const at = (i: number, v: number) => {
    const x = good.slice();
    x[i] = v;
    return x;
  };
  const err = (x: Uint8Array, elements?: number) => {
    const r = decodeProvisioningData(x, elements);
    return r.ok ? "ok" : r.error;
  };
  assert.equal(err(good.slice(0, 24)), "invalid-format");
  assert.equal(err(at(16, 0x10)), "invalid-data"); // Key Index 0x1067 > 0xFFF
  assert.equal(err(at(23, 0x80)), "invalid-data"); // 0x800c: group range
  const zero = good.slice();
  zero[23] = 0;
  zero[24] = 0;
  assert.equal(err(zero), "invalid-data"); // unassigned address
  const last = good.slice();
  last[23] = 0x7f;
  last[24] = 0xff;
  assert.equal(err(last, 1), "ok");
  assert.equal(err(last, 2), "cannot-assign-addresses");
  assert.equal(err(at(18, 0xfc)), "ok"); // RFU flag bits are ignored
  assert.throws(() => encodeProvisioningData({ ...decodeOk(good), unicastAddress: 0x8000 }), PduEncodeError);
  assert.throws(() => encodeProvisioningData({ ...decodeOk(good), networkKey: b(15) }), PduEncodeError);
});

function decodeOk(x: Uint8Array) {
  const r = decodeProvisioningData(x);
  assert.ok(r.ok);
  return r.data;
}

test("the Data PDU's layout agrees with the Provisioning Data and MIC lengths (its text is a literal)", () => {
  assert.deepEqual(pduParameterLengths(PduType.Data), [PROVISIONING_DATA_LENGTH + PROVISIONING_DATA_MIC_LENGTH]);
  const data = { type: PduType.Data, encryptedProvisioningData: b(PROVISIONING_DATA_LENGTH), provisioningDataMic: b(PROVISIONING_DATA_MIC_LENGTH, 1) } as ProvisioningPdu;
  const bytes = encodePdu(data);
  assert.equal(bytes.length, 1 + PROVISIONING_DATA_LENGTH + PROVISIONING_DATA_MIC_LENGTH);
  assert.deepEqual(decodePdu(bytes), { ok: true, pdu: data });
});
