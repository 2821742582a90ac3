import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesToHex, hexToBytes } from "../../modules/crypto/bytes.js";
import { decodeParams, encodeParams, fieldsOf, lengthRange, specTable } from "../../modules/models/codec.js";
import type { MessageSpec, Params } from "../../modules/models/codec.js";
import { CONFIG_TABLE, ConfigOp, packTransmit, unpackTransmit } from "../../modules/models/config-messages.js";
import { HEALTH_TABLE, HealthOp } from "../../modules/models/health-messages.js";
import { ONOFF_TABLE, OnOffOp, encodeTransitionTime, transitionTimeMs } from "../../modules/models/onoff-messages.js";
import { statusName } from "../../modules/models/status.js";
import { CONFIG_REQUESTS } from "../../modules/models/config-client.js";
import { ConfigStatus, SigModel } from "../../modules/access/model.js";
import { COMPANY_ID, decodeCompositionPage0, encodeCompositionPage0 } from "../../modules/models/composition.js";

const CONFIG_MESSAGES = CONFIG_TABLE.specs();
const ALL = [...CONFIG_MESSAGES, ...HEALTH_TABLE.specs(), ...ONOFF_TABLE.specs()];

/** Sample parameters for a spec: distinct values per field so that a swapped field shows. */
function sample(spec: MessageSpec, vendor: boolean): Params {
  const p: Params = {};
  let k = 1;
  for (const [name, type] of fieldsOf(spec).fields) {
    k++;
    switch (type) {
      case "u8":
        p[name] = k;
        break;
      case "u16":
        p[name] = 0x0100 + k;
        break;
      case "u24":
        p[name] = 0x010200 + k;
        break;
      case "idx":
        p[name] = 0x0a0 + k;
        break;
      case "idx2":
      case "pubIdx": {
        const [a, b] = name.split(",");
        p[a!] = 0x123;
        p[b!] = type === "pubIdx" ? 1 : 0x456;
        break;
      }
      case "key16":
        p[name] = new Uint8Array(16).fill(k);
        break;
      case "model":
        p.modelId = 0x1000;
        if (vendor) p.companyId = 0x0059;
        break;
      case "sigModel":
        p.modelId = 0x1001;
        break;
      case "vendorModel":
        p.modelId = 0x0002;
        p.companyId = 0x0059;
        break;
      case "u16s":
        p[name] = [0xc000, 0xc001, 0x8001];
        break;
      case "idxs":
        p[name] = [0x001, 0x002, 0xfff];
        break;
      case "rest":
        p[name] = Uint8Array.of(1, 2, 3);
        break;
    }
  }
  return p;
}

test("every message of the tables round-trips, SIG and vendor model identifiers", () => {
  for (const spec of ALL) {
    for (const vendor of [false, true]) {
      const params = sample(spec, vendor);
      const bytes = encodeParams(spec, params);
      const { min, max } = lengthRange(spec);
      assert.ok(bytes.length >= min && bytes.length <= max, `${spec.name}: ${bytes.length} in ${min}..${max}`);
      const back = decodeParams(spec, bytes);
      assert.ok(back.ok, `${spec.name}: ${back.ok ? "" : back.reason}`);
      assert.deepEqual(back.params, params, spec.name);
    }
  }
});

test("a message one octet shorter than its minimum, or longer than its maximum, is refused with its name", () => {
  let checked = 0;
  for (const spec of ALL) {
    const { min, max } = lengthRange(spec);
    if (min > 0) {
      const r = decodeParams(spec, new Uint8Array(min - 1));
      assert.equal(r.ok, false, spec.name);
      if (!r.ok) assert.match(r.reason, new RegExp(spec.name));
      checked++;
    }
    if (max !== Infinity) {
      const r = decodeParams(spec, new Uint8Array(max + 1));
      assert.equal(r.ok, false, spec.name);
      checked++;
    }
  }
  assert.ok(checked > 100);
});

test("Mesh Protocol 1.1 8.3.6 / 8.3.7: Config AppKey Add and Status parameters byte for byte", () => {
  const add = CONFIG_TABLE.get(ConfigOp.AppKeyAdd)!;
  const params = { netKeyIndex: 0x456, appKeyIndex: 0x123, appKey: hexToBytes("63964771734fbd76e3b40519d1d94a48") };
  assert.equal(bytesToHex(encodeParams(add, params)), "56341263964771734fbd76e3b40519d1d94a48");
  const d = decodeParams(add, hexToBytes("56341263964771734fbd76e3b40519d1d94a48"));
  assert.ok(d.ok);
  assert.deepEqual(d.params, params);
  const status = CONFIG_TABLE.get(ConfigOp.AppKeyStatus)!;
  assert.equal(bytesToHex(encodeParams(status, { status: 0, netKeyIndex: 0x456, appKeyIndex: 0x123 })), "00563412");
});

test("Mesh Protocol 1.1 8.3.19: Health Current Status with three faults", () => {
  const spec = HEALTH_TABLE.get(HealthOp.CurrentStatus)!;
  const d = decodeParams(spec, hexToBytes("000000010703"));
  assert.ok(d.ok);
  assert.equal(d.params.testId, 0);
  assert.equal(d.params.companyId, 0);
  assert.equal(bytesToHex(d.params.faults as Uint8Array), "010703");
});

test("key index lists pack two indexes in three octets, an odd last one in two (4.3.1.1)", () => {
  const spec = CONFIG_TABLE.get(ConfigOp.NetKeyList)!;
  assert.equal(bytesToHex(encodeParams(spec, { netKeyIndexes: [0x123, 0x456, 0x789] })), "2361458907");
  assert.equal(bytesToHex(encodeParams(spec, { netKeyIndexes: [] })), "");
  const d = decodeParams(spec, hexToBytes("2361458907"));
  assert.ok(d.ok);
  assert.deepEqual(d.params.netKeyIndexes, [0x123, 0x456, 0x789]);
  // one stray octet cannot be a key index
  assert.equal(decodeParams(spec, hexToBytes("23614589070102")).ok, false);
  assert.equal(decodeParams(spec, hexToBytes("23")).ok, false);
});

test("a 12-bit key index ignores its RFU bits on receipt and refuses more than 12 bits when sending", () => {
  const spec = CONFIG_TABLE.get(ConfigOp.NetKeyDelete)!;
  const d = decodeParams(spec, hexToBytes("ff0f"));
  assert.ok(d.ok && d.params.netKeyIndex === 0xfff);
  const rfu = decodeParams(spec, hexToBytes("01f0"));
  assert.ok(rfu.ok && rfu.params.netKeyIndex === 0x001);
  assert.throws(() => encodeParams(spec, { netKeyIndex: 0x1000 }), RangeError);
});

test("Model Identifier: 2 octets SIG, 4 octets vendor (Company ID first), anything else refused", () => {
  const spec = CONFIG_TABLE.get(ConfigOp.ModelAppBind)!;
  assert.equal(bytesToHex(encodeParams(spec, { elementAddress: 0x0102, appKeyIndex: 1, modelId: 0x1000 })), "020101000010");
  assert.equal(bytesToHex(encodeParams(spec, { elementAddress: 0x0102, appKeyIndex: 1, companyId: 0x0059, modelId: 0x0001 })), "0201010059000100");
  assert.equal(decodeParams(spec, hexToBytes("020101000010aa")).ok, false);
});

test("Model Publication Set: AppKey Index, Credential Flag and RFU bits (4.3.2.16)", () => {
  const spec = CONFIG_TABLE.get(ConfigOp.ModelPublicationSet)!;
  const bytes = encodeParams(spec, { elementAddress: 0x0100, publishAddress: 0xc000, appKeyIndex: 0x001, credentialFlag: 1, publishTtl: 5, publishPeriod: 0x41, publishRetransmit: 0x0a, modelId: 0x1001 });
  assert.equal(bytesToHex(bytes), "000100c0011005410a0110");
  assert.equal(lengthRange(spec).min, 11);
  assert.equal(lengthRange(spec).max, 13);
  assert.equal(lengthRange(CONFIG_TABLE.get(ConfigOp.ModelPublicationVirtualAddressSet)!).min, 25);
  assert.equal(lengthRange(CONFIG_TABLE.get(ConfigOp.ModelPublicationStatus)!).min, 12);
});

test("Network Transmit and Relay Retransmit states: 3-bit count, 5-bit steps of 10 ms (4.2.19, 4.2.20)", () => {
  assert.equal(packTransmit({ count: 2, intervalSteps: 1 }), 0x0a);
  assert.deepEqual(unpackTransmit(0x0a), { count: 2, intervalSteps: 1 });
  assert.deepEqual(unpackTransmit(0xff), { count: 7, intervalSteps: 31 });
});

test("Generic OnOff Set: Transition Time and Delay both or neither; Status likewise (Mesh Model 1.1, 3.2.1)", () => {
  const set = ONOFF_TABLE.get(OnOffOp.Set)!;
  assert.deepEqual(lengthRange(set), { min: 2, max: 4 });
  assert.equal(bytesToHex(encodeParams(set, { onOff: 1, tid: 7 })), "0107");
  assert.equal(bytesToHex(encodeParams(set, { onOff: 1, tid: 7, transitionTime: 0x41, delay: 2 })), "01074102");
  assert.equal(decodeParams(set, hexToBytes("010741")).ok, false, "Transition Time without Delay");
  const short = decodeParams(set, hexToBytes("0107"));
  assert.ok(short.ok && short.params.transitionTime === undefined);
  const status = ONOFF_TABLE.get(OnOffOp.Status)!;
  assert.deepEqual(lengthRange(status), { min: 1, max: 3 });
  assert.equal(decodeParams(status, hexToBytes("0001")).ok, false);
  assert.equal(transitionTimeMs(0x41), 1000);
  assert.equal(transitionTimeMs(0x3f), undefined);
  assert.equal(transitionTimeMs(encodeTransitionTime(250)), 300);
  assert.equal(encodeTransitionTime(0), 0);
});

test("the opcode tables hold no opcode twice and the spec's values for a few well-known ones", () => {
  assert.equal(CONFIG_TABLE.size, CONFIG_MESSAGES.length);
  assert.equal(ConfigOp.ModelAppBind, 0x803d);
  assert.equal(ConfigOp.VendorModelAppGet, 0x804d);
  assert.equal(ConfigOp.HeartbeatPublicationStatus, 0x06);
  assert.equal(HealthOp.FaultTestUnacknowledged, 0x8033);
  assert.equal(OnOffOp.SetUnacknowledged, 0x8203);
  const all = new Set(ALL.map((s) => s.opcode));
  assert.equal(all.size, ALL.length);
  // every opcode of ConfigOp (4.3.4) has its message in the text table, under its own name, and nothing else is there
  assert.deepEqual(CONFIG_MESSAGES.map((s) => s.opcode).sort((a, b) => a - b), Object.values(ConfigOp).sort((a, b) => a - b));
  for (const [name, op] of Object.entries(ConfigOp)) {
    const spec = CONFIG_TABLE.get(op)!;
    assert.equal(spec.name.replace(/^Config |[ ]/g, "").toLowerCase(), name.toLowerCase(), `0x${op.toString(16)}`);
  }
  assert.equal(HEALTH_TABLE.size, Object.keys(HealthOp).length);
  assert.equal(CONFIG_TABLE.get(0x8050), undefined);
  assert.throws(() => specTable("8001 A=\n8002 B=\n8001 C=u8"), /duplicate opcode 0x8001/);
});

test("status codes of 4.3.5 have their names; RFU ones say so", () => {
  assert.equal(statusName(ConfigStatus.INVALID_APPKEY_INDEX), "Invalid AppKey Index");
  assert.equal(statusName(0x15), "Invalid Bearer");
  assert.equal(statusName(0x16), "RFU 0x16");
});

test("Composition Data page 0: our company, product and version, elements and models (4.2.2.1)", () => {
  const c = {
    cid: COMPANY_ID,
    pid: 1,
    vid: 0x0001,
    crpl: 32,
    features: 1,
    elements: [{ location: 0, sigModels: [SigModel.CONFIGURATION_SERVER, SigModel.HEALTH_SERVER, SigModel.GENERIC_ONOFF_SERVER], vendorModels: [{ companyId: 0x0059, modelId: 7 }] }],
  };
  const bytes = encodeCompositionPage0(c);
  assert.equal(bytesToHex(bytes), "ffff010001002000010000000301" + "000002000010" + "59000700");
  assert.deepEqual(decodeCompositionPage0(bytes), c);
  assert.equal(decodeCompositionPage0(bytes.subarray(0, bytes.length - 1)), null);
  assert.equal(decodeCompositionPage0(bytes.subarray(0, 9)), null);
});

test("the Configuration Client knows the answer of every Configuration request, all in the message table, and the tables are frozen", () => {
  assert.equal(CONFIG_REQUESTS.length, 47);
  for (const op of CONFIG_REQUESTS) assert.ok(CONFIG_TABLE.get(op), `0x${op.toString(16)}`);
  assert.ok(Object.isFrozen(ConfigOp) && Object.isFrozen(CONFIG_TABLE) && Object.isFrozen(HEALTH_TABLE));
});
