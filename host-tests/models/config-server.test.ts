import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigStatus, SigModel } from "../../modules/access/model.js";
import type { Element } from "../../modules/access/model.js";
import { decodeParams } from "../../modules/models/codec.js";
import type { Params } from "../../modules/models/codec.js";
import { CONFIG_TABLE, ConfigOp } from "../../modules/models/config-messages.js";
import { ConfigServer } from "../../modules/models/config-server.js";
import { HealthServer } from "../../modules/models/health-server.js";
import { OnOffServer } from "../../modules/models/onoff.js";
import { decodeCompositionPage0, COMPANY_ID } from "../../modules/models/composition.js";
import { encode } from "../../modules/models/kit.js";
import { Harness } from "./harness.js";

const LABEL = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const VIRTUAL = 0x8abc;
const KEY = new Uint8Array(16).fill(0x42);
const ONOFF = { modelId: SigModel.GENERIC_ONOFF_SERVER };

function setup() {
  const onoff = new OnOffServer();
  const elements: Element[] = [{ location: 0, models: [new ConfigServer({ virtualAddress: (l) => (l[0] === 1 ? VIRTUAL : 0x8001) }), new HealthServer(), onoff] }];
  const h = new Harness(elements, 0x0100);
  /** Send a Configuration message; return the one answer, decoded (or undefined when none). */
  const ask = (op: number, params: Params = {}, o: Parameters<Harness["deliver"]>[2] = {}): { opcode: number; p: Params } | undefined => {
    h.deliver(op, encode(CONFIG_TABLE, op, params), o);
    const out = h.take();
    assert.ok(out.length <= 1, "at most one answer");
    if (!out.length) return undefined;
    const d = decodeParams(CONFIG_TABLE.get(out[0]!.opcode)!, out[0]!.params);
    assert.ok(d.ok);
    return { opcode: out[0]!.opcode, p: d.params };
  };
  return { h, ask, onoff };
}

test("Composition Data Get: page 0 with our CID/PID/VID, CRPL, features and the element's models; any page asked gets page 0", () => {
  const { ask } = setup();
  for (const page of [0, 1, 0xff]) {
    const a = ask(ConfigOp.CompositionDataGet, { page })!;
    assert.equal(a.opcode, ConfigOp.CompositionDataStatus);
    assert.equal(a.p.page, 0);
    const c = decodeCompositionPage0(a.p.data as Uint8Array)!;
    assert.equal(c.cid, COMPANY_ID);
    assert.equal(c.crpl, 32);
    assert.deepEqual(c.elements[0]!.sigModels, [SigModel.CONFIGURATION_SERVER, SigModel.HEALTH_SERVER, SigModel.GENERIC_ONOFF_SERVER]);
  }
});

test("AppKey Add / Get / Update / Delete and their status codes (4.4.1.2.4, 4.3.5)", () => {
  const { ask, h } = setup();
  const add = (net: number, app: number, key = KEY) => ask(ConfigOp.AppKeyAdd, { netKeyIndex: net, appKeyIndex: app, appKey: key })!;
  let a = add(0, 1);
  assert.equal(a.opcode, ConfigOp.AppKeyStatus);
  assert.deepEqual(a.p, { status: ConfigStatus.SUCCESS, netKeyIndex: 0, appKeyIndex: 1 });
  assert.equal(add(0, 1).p.status, ConfigStatus.SUCCESS, "the same key again is Success");
  assert.equal(add(0, 1, new Uint8Array(16)).p.status, ConfigStatus.KEY_INDEX_ALREADY_STORED);
  assert.equal(add(7, 2).p.status, ConfigStatus.INVALID_NETKEY_INDEX);
  h.config.maxAppKeys = 1;
  assert.equal(add(0, 2).p.status, ConfigStatus.INSUFFICIENT_RESOURCES);
  a = ask(ConfigOp.AppKeyGet, { netKeyIndex: 0 })!;
  assert.deepEqual(a.p, { status: 0, netKeyIndex: 0, appKeyIndexes: [1] });
  assert.equal(ask(ConfigOp.AppKeyGet, { netKeyIndex: 5 })!.p.status, ConfigStatus.INVALID_NETKEY_INDEX);
  assert.equal(ask(ConfigOp.AppKeyUpdate, { netKeyIndex: 0, appKeyIndex: 1, appKey: KEY })!.p.status, ConfigStatus.CANNOT_UPDATE);
  assert.equal(ask(ConfigOp.AppKeyUpdate, { netKeyIndex: 0, appKeyIndex: 9, appKey: KEY })!.p.status, ConfigStatus.INVALID_APPKEY_INDEX);
  assert.equal(ask(ConfigOp.AppKeyDelete, { netKeyIndex: 0, appKeyIndex: 9 })!.p.status, ConfigStatus.SUCCESS, "deleting an absent key is Success");
  assert.equal(ask(ConfigOp.AppKeyDelete, { netKeyIndex: 0, appKeyIndex: 1 })!.p.status, ConfigStatus.SUCCESS);
  assert.deepEqual(ask(ConfigOp.AppKeyGet, { netKeyIndex: 0 })!.p.appKeyIndexes, []);
});

test("Model App Bind / Unbind / SIG and Vendor Model App Get: Invalid Address, Invalid Model, Invalid AppKey Index, Cannot Bind", () => {
  const { ask } = setup();
  ask(ConfigOp.AppKeyAdd, { netKeyIndex: 0, appKeyIndex: 1, appKey: KEY });
  const bind = (el: number, app: number, modelId: number, companyId?: number) =>
    ask(ConfigOp.ModelAppBind, { elementAddress: el, appKeyIndex: app, modelId, ...(companyId !== undefined ? { companyId } : {}) })!;
  const ok = bind(0x0100, 1, SigModel.GENERIC_ONOFF_SERVER);
  assert.equal(ok.opcode, ConfigOp.ModelAppStatus);
  assert.deepEqual(ok.p, { status: 0, elementAddress: 0x0100, appKeyIndex: 1, modelId: SigModel.GENERIC_ONOFF_SERVER });
  assert.equal(bind(0x0105, 1, SigModel.GENERIC_ONOFF_SERVER).p.status, ConfigStatus.INVALID_ADDRESS);
  assert.equal(bind(0x0100, 1, SigModel.GENERIC_ONOFF_CLIENT).p.status, ConfigStatus.INVALID_MODEL);
  assert.equal(bind(0x0100, 1, 0x1000, 0x0059).p.status, ConfigStatus.INVALID_MODEL, "a vendor model the element lacks");
  assert.equal(bind(0x0100, 3, SigModel.GENERIC_ONOFF_SERVER).p.status, ConfigStatus.INVALID_APPKEY_INDEX);
  assert.equal(bind(0x0100, 1, SigModel.CONFIGURATION_SERVER).p.status, ConfigStatus.CANNOT_BIND, "the Configuration Server uses the device key only");
  const list = ask(ConfigOp.SigModelAppGet, { elementAddress: 0x0100, modelId: SigModel.GENERIC_ONOFF_SERVER })!;
  assert.equal(list.opcode, ConfigOp.SigModelAppList);
  assert.deepEqual(list.p.appKeyIndexes, [1]);
  const vendor = ask(ConfigOp.VendorModelAppGet, { elementAddress: 0x0100, companyId: 0x0059, modelId: 1 })!;
  assert.equal(vendor.opcode, ConfigOp.VendorModelAppList);
  assert.equal(vendor.p.status, ConfigStatus.INVALID_MODEL);
  assert.deepEqual(vendor.p.appKeyIndexes, []);
  const un = ask(ConfigOp.ModelAppUnbind, { elementAddress: 0x0100, appKeyIndex: 1, modelId: SigModel.GENERIC_ONOFF_SERVER })!;
  assert.equal(un.p.status, 0);
  assert.deepEqual(ask(ConfigOp.SigModelAppGet, { elementAddress: 0x0100, modelId: SigModel.GENERIC_ONOFF_SERVER })!.p.appKeyIndexes, []);
});

test("Model Publication Set / Virtual Address Set / Get; prohibited TTL and a virtual address without its label are ignored", () => {
  const { ask } = setup();
  ask(ConfigOp.AppKeyAdd, { netKeyIndex: 0, appKeyIndex: 1, appKey: KEY });
  const pub = { elementAddress: 0x0100, appKeyIndex: 1, credentialFlag: 0, publishTtl: 5, publishPeriod: 0x41, publishRetransmit: 0x0a, modelId: SigModel.GENERIC_ONOFF_SERVER };
  const a = ask(ConfigOp.ModelPublicationSet, { ...pub, publishAddress: 0xc000 })!;
  assert.equal(a.opcode, ConfigOp.ModelPublicationStatus);
  assert.deepEqual(a.p, { status: 0, ...pub, publishAddress: 0xc000 });
  assert.deepEqual(ask(ConfigOp.ModelPublicationGet, { elementAddress: 0x0100, modelId: SigModel.GENERIC_ONOFF_SERVER })!.p, { status: 0, ...pub, publishAddress: 0xc000 });
  assert.equal(ask(ConfigOp.ModelPublicationSet, { ...pub, publishAddress: 0xc000, publishTtl: 0x80 }), undefined, "TTL 0x80 is prohibited");
  assert.equal(ask(ConfigOp.ModelPublicationSet, { ...pub, publishAddress: 0x8123 }), undefined, "a virtual address needs the Virtual Address Set");
  assert.equal(ask(ConfigOp.ModelPublicationSet, { ...pub, publishAddress: 0xc000, appKeyIndex: 2 })!.p.status, ConfigStatus.INVALID_APPKEY_INDEX);
  assert.equal(ask(ConfigOp.ModelPublicationSet, { ...pub, publishAddress: 0xc000, elementAddress: 0x0200 })!.p.status, ConfigStatus.INVALID_ADDRESS);
  assert.equal(ask(ConfigOp.ModelPublicationSet, { ...pub, publishAddress: 0xc000, modelId: 0x1234 })!.p.status, ConfigStatus.INVALID_MODEL);
  const v = ask(ConfigOp.ModelPublicationVirtualAddressSet, { ...pub, label: LABEL })!;
  assert.equal(v.p.status, 0);
  assert.equal(v.p.publishAddress, VIRTUAL, "the status gives the virtual address of the label");
  const off = ask(ConfigOp.ModelPublicationSet, { ...pub, publishAddress: 0 })!;
  assert.equal(off.p.status, 0);
  assert.equal(off.p.publishAddress, 0);
});

test("Model Subscription Add / Delete / Overwrite / Delete All / Virtual variants / SIG and Vendor Get", () => {
  const { ask, h } = setup();
  const m = { elementAddress: 0x0100, modelId: SigModel.GENERIC_ONOFF_SERVER };
  const sub = (op: number, address: number) => ask(op, { ...m, address })!;
  assert.deepEqual(sub(ConfigOp.ModelSubscriptionAdd, 0xc000).p, { status: 0, ...m, address: 0xc000 });
  assert.equal(sub(ConfigOp.ModelSubscriptionAdd, 0xc001).p.status, 0);
  assert.deepEqual(ask(ConfigOp.SigModelSubscriptionGet, m)!.p.addresses, [0xc000, 0xc001]);
  assert.equal(sub(ConfigOp.ModelSubscriptionDelete, 0xc000).p.status, 0);
  assert.deepEqual(ask(ConfigOp.SigModelSubscriptionGet, m)!.p.addresses, [0xc001]);
  assert.equal(sub(ConfigOp.ModelSubscriptionOverwrite, 0xc005).p.status, 0);
  assert.deepEqual(ask(ConfigOp.SigModelSubscriptionGet, m)!.p.addresses, [0xc005]);
  const va = ask(ConfigOp.ModelSubscriptionVirtualAddressAdd, { ...m, label: LABEL })!;
  assert.deepEqual(va.p, { status: 0, ...m, address: VIRTUAL });
  assert.deepEqual(ask(ConfigOp.SigModelSubscriptionGet, m)!.p.addresses, [0xc005, VIRTUAL]);
  assert.equal(ask(ConfigOp.ModelSubscriptionVirtualAddressDelete, { ...m, label: LABEL })!.p.status, 0);
  assert.equal(ask(ConfigOp.ModelSubscriptionVirtualAddressOverwrite, { ...m, label: LABEL })!.p.status, 0);
  assert.deepEqual(ask(ConfigOp.SigModelSubscriptionGet, m)!.p.addresses, [VIRTUAL]);
  const all = ask(ConfigOp.ModelSubscriptionDeleteAll, m)!;
  assert.deepEqual(all.p, { status: 0, ...m, address: 0 });
  assert.deepEqual(ask(ConfigOp.SigModelSubscriptionGet, m)!.p.addresses, []);
  // status codes
  for (const bad of [0x0000, 0x0005, 0xffff, 0xff00]) assert.equal(sub(ConfigOp.ModelSubscriptionAdd, bad).p.status, ConfigStatus.INVALID_ADDRESS, `address 0x${bad.toString(16)}`);
  assert.equal(ask(ConfigOp.ModelSubscriptionAdd, { ...m, elementAddress: 0x0101, address: 0xc000 })!.p.status, ConfigStatus.INVALID_ADDRESS);
  assert.equal(ask(ConfigOp.ModelSubscriptionAdd, { ...m, modelId: 0x1001, address: 0xc000 })!.p.status, ConfigStatus.INVALID_MODEL);
  assert.equal(ask(ConfigOp.ModelSubscriptionAdd, { elementAddress: 0x0100, modelId: SigModel.CONFIGURATION_SERVER, address: 0xc000 })!.p.status, ConfigStatus.NOT_A_SUBSCRIBE_MODEL);
  h.config.maxSubs = 1;
  sub(ConfigOp.ModelSubscriptionAdd, 0xc000);
  assert.equal(sub(ConfigOp.ModelSubscriptionAdd, 0xc001).p.status, ConfigStatus.INSUFFICIENT_RESOURCES);
  const vendor = ask(ConfigOp.VendorModelSubscriptionGet, { elementAddress: 0x0100, companyId: 0x0059, modelId: 2 })!;
  assert.equal(vendor.opcode, ConfigOp.VendorModelSubscriptionList);
  assert.equal(vendor.p.status, ConfigStatus.INVALID_MODEL);
});

test("Beacon, Default TTL, GATT Proxy, Friend, Relay, Network Transmit: Get, Set, prohibited values ignored, unsupported features say so", () => {
  const { ask, h } = setup();
  assert.deepEqual(ask(ConfigOp.BeaconGet)!.p, { beacon: 1 });
  assert.deepEqual(ask(ConfigOp.BeaconSet, { beacon: 0 })!.p, { beacon: 0 });
  assert.equal(ask(ConfigOp.BeaconSet, { beacon: 2 }), undefined);
  assert.deepEqual(ask(ConfigOp.DefaultTtlGet)!.p, { ttl: 5 });
  assert.deepEqual(ask(ConfigOp.DefaultTtlSet, { ttl: 0x7f })!.p, { ttl: 0x7f });
  assert.deepEqual(ask(ConfigOp.DefaultTtlSet, { ttl: 0 })!.p, { ttl: 0 });
  assert.equal(ask(ConfigOp.DefaultTtlSet, { ttl: 1 }), undefined);
  assert.equal(ask(ConfigOp.DefaultTtlSet, { ttl: 0x80 }), undefined);
  assert.equal(h.config.defaultTtl, 0);
  assert.deepEqual(ask(ConfigOp.GattProxyGet)!.p, { gattProxy: 2 });
  assert.deepEqual(ask(ConfigOp.GattProxySet, { gattProxy: 1 })!.p, { gattProxy: 2 });
  assert.equal(ask(ConfigOp.GattProxySet, { gattProxy: 2 }), undefined);
  assert.deepEqual(ask(ConfigOp.FriendGet)!.p, { friend: 2 });
  assert.deepEqual(ask(ConfigOp.FriendSet, { friend: 1 })!.p, { friend: 2 });
  assert.equal(ask(ConfigOp.FriendSet, { friend: 5 }), undefined);
  assert.deepEqual(ask(ConfigOp.RelayGet)!.p, { relay: 1, relayRetransmit: 0x0a });
  assert.deepEqual(ask(ConfigOp.RelaySet, { relay: 0, relayRetransmit: 0x13 })!.p, { relay: 0, relayRetransmit: 0x13 });
  assert.equal(ask(ConfigOp.RelaySet, { relay: 2, relayRetransmit: 0 }), undefined);
  h.config.relay = 2;
  assert.deepEqual(ask(ConfigOp.RelaySet, { relay: 1, relayRetransmit: 0 })!.p, { relay: 2, relayRetransmit: 0x13 }, "Relay not supported: nothing changes");
  assert.deepEqual(ask(ConfigOp.NetworkTransmitGet)!.p, { networkTransmit: 0x0a });
  assert.deepEqual(ask(ConfigOp.NetworkTransmitSet, { networkTransmit: 0xfb })!.p, { networkTransmit: 0xfb });
  assert.deepEqual(h.config.networkTransmit, { count: 3, intervalSteps: 31 });
});

test("NetKey Add / Update / Delete / Get, Key Refresh Phase, Node Identity, PollTimeout", () => {
  const { ask } = setup();
  assert.deepEqual(ask(ConfigOp.NetKeyGet)!.p, { netKeyIndexes: [0] });
  assert.deepEqual(ask(ConfigOp.NetKeyAdd, { netKeyIndex: 1, netKey: KEY })!.p, { status: 0, netKeyIndex: 1 });
  assert.equal(ask(ConfigOp.NetKeyAdd, { netKeyIndex: 1, netKey: new Uint8Array(16) })!.p.status, ConfigStatus.KEY_INDEX_ALREADY_STORED);
  assert.equal(ask(ConfigOp.NetKeyAdd, { netKeyIndex: 2, netKey: KEY })!.p.status, ConfigStatus.INSUFFICIENT_RESOURCES);
  assert.deepEqual(ask(ConfigOp.NetKeyGet)!.p, { netKeyIndexes: [0, 1] });
  assert.equal(ask(ConfigOp.NetKeyUpdate, { netKeyIndex: 1, netKey: KEY })!.p.status, ConfigStatus.CANNOT_UPDATE);
  assert.equal(ask(ConfigOp.NetKeyUpdate, { netKeyIndex: 3, netKey: KEY })!.p.status, ConfigStatus.INVALID_NETKEY_INDEX);
  assert.equal(ask(ConfigOp.NetKeyDelete, { netKeyIndex: 1 })!.p.status, 0);
  assert.equal(ask(ConfigOp.NetKeyDelete, { netKeyIndex: 0 })!.p.status, ConfigStatus.CANNOT_REMOVE);
  assert.deepEqual(ask(ConfigOp.KeyRefreshPhaseGet, { netKeyIndex: 0 })!.p, { status: 0, netKeyIndex: 0, phase: 0 });
  assert.equal(ask(ConfigOp.KeyRefreshPhaseGet, { netKeyIndex: 4 })!.p.status, ConfigStatus.INVALID_NETKEY_INDEX);
  assert.deepEqual(ask(ConfigOp.KeyRefreshPhaseSet, { netKeyIndex: 0, transition: 2 })!.p, { status: 0, netKeyIndex: 0, phase: 0 });
  assert.equal(ask(ConfigOp.KeyRefreshPhaseSet, { netKeyIndex: 0, transition: 1 }), undefined);
  assert.deepEqual(ask(ConfigOp.NodeIdentityGet, { netKeyIndex: 0 })!.p, { status: 0, netKeyIndex: 0, identity: 2 });
  assert.deepEqual(ask(ConfigOp.NodeIdentitySet, { netKeyIndex: 0, identity: 1 })!.p, { status: 0, netKeyIndex: 0, identity: 2 });
  assert.equal(ask(ConfigOp.NodeIdentitySet, { netKeyIndex: 9, identity: 1 })!.p.status, ConfigStatus.INVALID_NETKEY_INDEX);
  assert.equal(ask(ConfigOp.NodeIdentitySet, { netKeyIndex: 0, identity: 3 }), undefined);
  assert.deepEqual(ask(ConfigOp.LowPowerNodePollTimeoutGet, { lpnAddress: 0x0203 })!.p, { lpnAddress: 0x0203, pollTimeout: 0 });
  assert.equal(ask(ConfigOp.LowPowerNodePollTimeoutGet, { lpnAddress: 0xc000 }), undefined);
});

test("Heartbeat Publication and Subscription: Set, Get, Invalid NetKey Index, prohibited values ignored", () => {
  const { ask } = setup();
  const pub = { destination: 0xc000, countLog: 4, periodLog: 2, ttl: 7, features: 1, netKeyIndex: 0 };
  assert.deepEqual(ask(ConfigOp.HeartbeatPublicationSet, pub)!.p, { status: 0, ...pub });
  assert.deepEqual(ask(ConfigOp.HeartbeatPublicationGet)!.p, { status: 0, ...pub });
  assert.deepEqual(ask(ConfigOp.HeartbeatPublicationSet, { ...pub, netKeyIndex: 3 })!.p, { status: ConfigStatus.INVALID_NETKEY_INDEX, ...pub, netKeyIndex: 3 });
  for (const bad of [{ countLog: 0x12 }, { periodLog: 0x12 }, { ttl: 0x80 }, { destination: 0x8001 }]) assert.equal(ask(ConfigOp.HeartbeatPublicationSet, { ...pub, ...bad }), undefined, JSON.stringify(bad));
  assert.equal(ask(ConfigOp.HeartbeatPublicationSet, { ...pub, countLog: 0xff })!.p.status, 0, "0xFF: indefinitely");
  const sub = ask(ConfigOp.HeartbeatSubscriptionSet, { source: 0x0005, destination: 0x0100, periodLog: 3 })!;
  assert.deepEqual(sub.p, { status: 0, source: 5, destination: 0x0100, periodLog: 3, countLog: 0, minHops: 0, maxHops: 0 });
  assert.deepEqual(ask(ConfigOp.HeartbeatSubscriptionGet)!.p.source, 5);
  assert.equal(ask(ConfigOp.HeartbeatSubscriptionSet, { source: 0xc000, destination: 0x0100, periodLog: 3 }), undefined, "a group source is prohibited");
  assert.equal(ask(ConfigOp.HeartbeatSubscriptionSet, { source: 5, destination: 0x0100, periodLog: 0x12 }), undefined);
  assert.equal(ask(ConfigOp.HeartbeatSubscriptionSet, { source: 5, destination: 0x0300, periodLog: 1 })!.p.status, ConfigStatus.INVALID_ADDRESS);
});

test("Node Reset: the status is answered first, then the node forgets", () => {
  const { h } = setup();
  h.deliver(ConfigOp.NodeReset, new Uint8Array(0));
  const out = h.take();
  assert.equal(out.length, 1);
  assert.equal(out[0]!.opcode, ConfigOp.NodeResetStatus);
  assert.equal(h.config.resets, 1);
});

test("bad input: a Configuration message with an application key, too short, too long or with a 3-octet model is not answered", () => {
  const { h } = setup();
  assert.equal(h.deliver(ConfigOp.BeaconGet, new Uint8Array(0), { key: { kind: "app", appKeyIndex: 0 } }), false, "the Configuration Server takes the device key only");
  h.deliver(ConfigOp.AppKeyAdd, new Uint8Array(18));
  h.deliver(ConfigOp.BeaconSet, new Uint8Array(2));
  h.deliver(ConfigOp.ModelAppBind, Uint8Array.of(0, 1, 1, 0, 0, 0x10, 0));
  h.deliver(ConfigOp.SigModelSubscriptionGet, Uint8Array.of(0, 1, 0, 0x10, 0));
  assert.deepEqual(h.take(), []);
});

test("every Configuration Server shares one frozen opcode table (made at import, in flash on the device); each still uses its own virtualAddress", () => {
  const other = new ConfigServer({ virtualAddress: () => 0x9001 });
  const { ask, h } = setup();
  const first = h.elements[0]!.models[0] as ConfigServer;
  assert.equal(first.opcodes, other.opcodes, "the same table");
  assert.ok(Object.isFrozen(first.opcodes) && first.opcodes.every((e) => Object.isFrozen(e)));
  // every Configuration message the server takes (4.4.1) is in it once, with the message's length limits
  assert.equal(new Set(first.opcodes.map((e) => e.opcode)).size, first.opcodes.length);
  assert.equal(first.opcodes.length, 47);
  const bind = first.opcodes.find((e) => e.opcode === ConfigOp.ModelAppBind)!;
  assert.deepEqual([bind.minLength, bind.maxLength], [6, 8]);
  const m = { elementAddress: 0x0100, modelId: SigModel.GENERIC_ONOFF_SERVER };
  assert.equal(ask(ConfigOp.ModelSubscriptionVirtualAddressAdd, { ...m, label: LABEL })!.p.address, VIRTUAL);
  const h2 = new Harness([{ location: 0, models: [other, new OnOffServer()] }], 0x0200);
  h2.deliver(ConfigOp.ModelSubscriptionVirtualAddressAdd, encode(CONFIG_TABLE, ConfigOp.ModelSubscriptionVirtualAddressAdd, { elementAddress: 0x0200, modelId: SigModel.GENERIC_ONOFF_SERVER, label: LABEL }));
  const out = h2.take();
  assert.equal(out.length, 1);
  const d = decodeParams(CONFIG_TABLE.get(out[0]!.opcode)!, out[0]!.params);
  assert.ok(d.ok && d.params.address === 0x9001, "the second server's own virtual address");
});
