// NodeState (the NodeConfig the Configuration Server uses): the 4.3.5 status codes for each change, in the
// order 4.4.1.2 checks them (address, then model, then keys), and the limits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigStatus as S } from "../../modules/access/model.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { CaptureRadio } from "../bearer/loopback.js";
import { APP_KEY, NET_KEY, TestModel, makeNode, record } from "./helpers.js";

const ONOFF = { modelId: 0x1000 };
const CFG = { modelId: 0x0000 };

function node() {
  const clock = new VirtualClock();
  const models = [new TestModel(CFG, [], "device"), new TestModel(ONOFF, [])];
  Object.assign(models[0]!, { subscribable: false });
  return makeNode(new CaptureRadio(clock), clock, record(0x100), models).node.state;
}

const at = (elementAddress: number, modelId: { modelId: number; companyId?: number }) => ({ elementAddress, modelId });

test("NetKeys: add, same again, other key at the index, limits, delete rules, update not supported", () => {
  const st = node();
  const k2 = NET_KEY.map((b) => b ^ 2);
  assert.equal(st.addNetKey(1, k2), S.SUCCESS);
  assert.equal(st.addNetKey(1, k2), S.SUCCESS, "idempotent");
  assert.equal(st.addNetKey(1, NET_KEY), S.KEY_INDEX_ALREADY_STORED);
  assert.equal(st.addNetKey(2, k2.map((b) => b ^ 3)), S.SUCCESS);
  assert.equal(st.addNetKey(3, k2.map((b) => b ^ 4)), S.SUCCESS);
  assert.equal(st.addNetKey(4, k2.map((b) => b ^ 5)), S.INSUFFICIENT_RESOURCES);
  assert.equal(st.updateNetKey(1, k2), S.CANNOT_UPDATE);
  assert.equal(st.updateNetKey(9, k2), S.INVALID_NETKEY_INDEX);
  assert.equal(st.deleteNetKey(9), S.SUCCESS, "deleting an absent key");
  for (const i of [1, 2, 3]) assert.equal(st.deleteNetKey(i), S.SUCCESS);
  assert.equal(st.deleteNetKey(0), S.CANNOT_REMOVE, "the last NetKey");
  assert.deepEqual(st.netKeyIndexes(), [0]);
});

test("AppKeys: net index checks, already stored, binding to another NetKey, delete cascades to bindings and publication", () => {
  const st = node();
  assert.equal(st.addAppKey(5, 1, APP_KEY), S.INVALID_NETKEY_INDEX);
  assert.equal(st.addAppKey(0, 1, APP_KEY), S.SUCCESS);
  assert.equal(st.addAppKey(0, 1, APP_KEY.map((b) => b ^ 1)), S.KEY_INDEX_ALREADY_STORED);
  st.addNetKey(1, NET_KEY.map((b) => b ^ 1));
  assert.equal(st.addAppKey(1, 1, APP_KEY), S.INVALID_NETKEY_INDEX, "index bound to another NetKey");
  assert.equal(st.updateAppKey(0, 9, APP_KEY), S.INVALID_APPKEY_INDEX);
  assert.equal(st.updateAppKey(1, 1, APP_KEY), S.INVALID_BINDING);
  assert.equal(st.updateAppKey(0, 1, APP_KEY), S.CANNOT_UPDATE);
  assert.deepEqual(st.appKeyIndexes(0), { status: S.SUCCESS, value: [1] });
  assert.deepEqual(st.appKeyIndexes(7), { status: S.INVALID_NETKEY_INDEX });
  assert.equal(st.bindAppKey(at(0x100, ONOFF), 1), S.SUCCESS);
  assert.equal(st.setPublication(at(0x100, ONOFF), { address: 0xc000, appKeyIndex: 1, credentialFlag: false, ttl: 5, period: 0, retransmit: { count: 0, intervalSteps: 0 } }), S.SUCCESS);
  assert.equal(st.deleteAppKey(1, 1), S.INVALID_BINDING);
  assert.equal(st.deleteAppKey(0, 1), S.SUCCESS);
  assert.equal(st.deleteAppKey(0, 1), S.SUCCESS, "deleting an absent AppKey");
  assert.deepEqual(st.boundAppKeys(at(0x100, ONOFF)), { status: S.SUCCESS, value: [] });
  const pub = st.getPublication(at(0x100, ONOFF));
  assert.equal(pub.status === S.SUCCESS && pub.value.address, 0, "publication disabled with its AppKey");
  for (let i = 0; i < 8; i++) assert.equal(st.addAppKey(0, 10 + i, APP_KEY.map((b) => b ^ (i + 10))), S.SUCCESS);
  assert.equal(st.addAppKey(0, 30, APP_KEY.map((b) => b ^ 30)), S.INSUFFICIENT_RESOURCES);
});

test("model bindings, publication, subscriptions: invalid address, invalid model, key and parameter checks", () => {
  const st = node();
  st.addAppKey(0, 1, APP_KEY);
  assert.equal(st.bindAppKey(at(0x105, ONOFF), 1), S.INVALID_ADDRESS);
  assert.equal(st.bindAppKey(at(0x100, { modelId: 0x1300 }), 1), S.INVALID_MODEL);
  assert.equal(st.bindAppKey(at(0x100, { modelId: 0x1000, companyId: 0x59 }), 1), S.INVALID_MODEL, "vendor model with the same 16 bits");
  assert.equal(st.bindAppKey(at(0x100, ONOFF), 2), S.INVALID_APPKEY_INDEX);
  assert.equal(st.bindAppKey(at(0x100, CFG), 1), S.CANNOT_BIND, "Configuration Server: device key only");
  assert.equal(st.bindAppKey(at(0x100, ONOFF), 1), S.SUCCESS);
  assert.equal(st.unbindAppKey(at(0x100, ONOFF), 2), S.INVALID_APPKEY_INDEX);
  const pub = { address: 0xc000, appKeyIndex: 1, credentialFlag: false, ttl: 5, period: 0, retransmit: { count: 0, intervalSteps: 0 } };
  assert.equal(st.setPublication(at(0x100, ONOFF), { ...pub, appKeyIndex: 4 }), S.INVALID_APPKEY_INDEX);
  assert.equal(st.setPublication(at(0x100, ONOFF), { ...pub, ttl: 0x80 }), S.INVALID_PUBLISH_PARAMETERS);
  assert.equal(st.setPublication(at(0x100, ONOFF), { ...pub, address: 0x8123 }), S.INVALID_PUBLISH_PARAMETERS, "virtual without its label");
  assert.equal(st.setPublication(at(0x100, ONOFF), pub), S.SUCCESS);
  assert.equal(st.addSubscription(at(0x100, ONOFF), 0x0001), S.INVALID_ADDRESS, "unicast");
  assert.equal(st.addSubscription(at(0x100, ONOFF), 0xffff), S.INVALID_ADDRESS, "all-nodes");
  assert.equal(st.addSubscription(at(0x100, ONOFF), 0xff10), S.INVALID_ADDRESS, "RFU fixed group");
  assert.equal(st.addSubscription(at(0x100, CFG), 0xc000), S.NOT_A_SUBSCRIBE_MODEL);
  for (let i = 0; i < 8; i++) assert.equal(st.addSubscription(at(0x100, ONOFF), 0xc000 + i), S.SUCCESS);
  assert.equal(st.addSubscription(at(0x100, ONOFF), 0xc000), S.SUCCESS, "already there");
  assert.equal(st.addSubscription(at(0x100, ONOFF), 0xc100), S.INSUFFICIENT_RESOURCES);
  assert.equal(st.deleteSubscription(at(0x100, ONOFF), 0xc003), S.SUCCESS);
  const label = Uint8Array.from({ length: 16 }, (_, i) => i);
  assert.equal(st.overwriteSubscription(at(0x100, ONOFF), 0, label), S.SUCCESS);
  const subs = st.subscriptions(at(0x100, ONOFF));
  assert.ok(subs.status === S.SUCCESS && subs.value.length === 1 && subs.value[0]! >= 0x8000 && subs.value[0]! < 0xc000);
  assert.equal(st.deleteAllSubscriptions(at(0x100, ONOFF)), S.SUCCESS);
  assert.deepEqual(st.subscriptions(at(0x100, ONOFF)), { status: S.SUCCESS, value: [] });
});

test("simple states: Default TTL, beacon, relay, network transmit, heartbeat publication checks", () => {
  const st = node();
  assert.equal(st.setDefaultTtl(1), S.CANNOT_SET);
  assert.equal(st.setDefaultTtl(0x80), S.CANNOT_SET);
  assert.equal(st.setDefaultTtl(0), S.SUCCESS);
  assert.equal(st.setBeacon(2), S.CANNOT_SET);
  assert.equal(st.setBeacon(0), S.SUCCESS);
  assert.equal(st.setRelay(0, { count: 1, intervalSteps: 2 }), S.SUCCESS);
  assert.equal(st.relay, 0);
  assert.equal(st.setRelay(1, { count: 8, intervalSteps: 2 }), S.CANNOT_SET);
  assert.equal(st.setNetworkTransmit({ count: 7, intervalSteps: 31 }), S.SUCCESS);
  assert.deepEqual(st.networkTransmit, { count: 7, intervalSteps: 31 });
  assert.equal(st.gattProxy, 2);
  assert.equal(st.friend, 2);
  assert.equal(st.setHeartbeatPublication({ dst: 0xc000, countLog: 2, periodLog: 2, ttl: 5, features: 1, netKeyIndex: 9 }), S.INVALID_NETKEY_INDEX);
  assert.equal(st.setHeartbeatPublication({ dst: 0x8001, countLog: 2, periodLog: 2, ttl: 5, features: 1, netKeyIndex: 0 }), S.CANNOT_SET);
  assert.equal(st.setHeartbeatPublication({ dst: 0xc000, countLog: 2, periodLog: 2, ttl: 5, features: 1, netKeyIndex: 0 }), S.SUCCESS);
  assert.equal(st.setHeartbeatSubscription(0x8000, 0x100, 3), S.CANNOT_SET);
});

test("composition facts: CRPL is the replay list size; Relay in the features", () => {
  const st = node();
  assert.equal(st.composition.crpl, 32);
  assert.equal(st.composition.features & 1, 1);
  assert.equal(st.composition.cid, 0xffff);
});
