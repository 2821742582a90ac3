/**
 * The Configuration Server on the node's real state (modules/node/state.ts, with its records in storage): the
 * 4.3.5 status codes the state decides, the limits, and Storage Failure when flash refuses a write (the state
 * stays as it was).
 */
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
import { encode } from "../../modules/models/kit.js";
import { MeshCrypto } from "../../modules/crypto/mesh.js";
import { NodeState, LIMITS } from "../../modules/node/state.js";
import { RecordStore } from "../../modules/node/records.js";
import { MemoryStorage } from "../../host/storage.js";
import { NodeCryptoPrimitives } from "../../host/node-crypto.js";
import { Harness } from "./harness.js";
import { virtualAddress } from "../../modules/net/keys.js";

class FlakyStorage extends MemoryStorage {
  refuse = false;
  override write(key: string, value: Uint8Array): void {
    if (this.refuse) throw new Error("flash write failed");
    super.write(key, value);
  }
}

function setup() {
  const mc = new MeshCrypto(new NodeCryptoPrimitives());
  const elements: Element[] = [{ location: 0, models: [new ConfigServer({ virtualAddress: (l) => virtualAddress(mc, l) }), new HealthServer(), new OnOffServer()] }];
  const storage = new FlakyStorage();
  const state = new NodeState(mc, new RecordStore(storage, 1), 0x0100, elements, { cid: 0xffff, pid: 1, vid: 1, crpl: 32, features: 1 }, {
    netKeyIndex: 0,
    netKey: new Uint8Array(16).fill(1),
    defaultTtl: 5,
    relaySupported: true,
  });
  const h = new Harness(elements, 0x0100, state);
  const ask = (op: number, params: Params = {}): Params | undefined => {
    h.deliver(op, encode(CONFIG_TABLE, op, params));
    const out = h.take();
    if (!out.length) return undefined;
    const d = decodeParams(CONFIG_TABLE.get(out[0]!.opcode)!, out[0]!.params);
    assert.ok(d.ok);
    return d.params;
  };
  return { h, ask, storage, state, mc };
}

const key = (n: number) => new Uint8Array(16).fill(n);
const ONOFF = { elementAddress: 0x0100, modelId: SigModel.GENERIC_ONOFF_SERVER };

test("AppKeys on the node's state: Success, Key Index Already Stored, Invalid NetKey Index, Insufficient Resources past its limit", () => {
  const { ask } = setup();
  assert.equal(ask(ConfigOp.AppKeyAdd, { netKeyIndex: 0, appKeyIndex: 0, appKey: key(2) })!.status, ConfigStatus.SUCCESS);
  assert.equal(ask(ConfigOp.AppKeyAdd, { netKeyIndex: 0, appKeyIndex: 0, appKey: key(2) })!.status, ConfigStatus.SUCCESS);
  assert.equal(ask(ConfigOp.AppKeyAdd, { netKeyIndex: 0, appKeyIndex: 0, appKey: key(3) })!.status, ConfigStatus.KEY_INDEX_ALREADY_STORED);
  assert.equal(ask(ConfigOp.AppKeyAdd, { netKeyIndex: 1, appKeyIndex: 1, appKey: key(3) })!.status, ConfigStatus.INVALID_NETKEY_INDEX);
  for (let i = 1; i < LIMITS.appKeys; i++) assert.equal(ask(ConfigOp.AppKeyAdd, { netKeyIndex: 0, appKeyIndex: i, appKey: key(10 + i) })!.status, ConfigStatus.SUCCESS);
  assert.equal(ask(ConfigOp.AppKeyAdd, { netKeyIndex: 0, appKeyIndex: 0x100, appKey: key(99) })!.status, ConfigStatus.INSUFFICIENT_RESOURCES);
  assert.equal(ask(ConfigOp.AppKeyUpdate, { netKeyIndex: 0, appKeyIndex: 0, appKey: key(5) })!.status, ConfigStatus.CANNOT_UPDATE);
  assert.equal((ask(ConfigOp.AppKeyGet, { netKeyIndex: 0 })!.appKeyIndexes as number[]).length, LIMITS.appKeys);
});

test("bindings, publication and subscriptions on the node's state: the element/model/key checks in the spec's order", () => {
  const { ask } = setup();
  ask(ConfigOp.AppKeyAdd, { netKeyIndex: 0, appKeyIndex: 1, appKey: key(2) });
  assert.equal(ask(ConfigOp.ModelAppBind, { ...ONOFF, appKeyIndex: 1 })!.status, ConfigStatus.SUCCESS);
  assert.equal(ask(ConfigOp.ModelAppBind, { ...ONOFF, elementAddress: 0x0101, appKeyIndex: 1 })!.status, ConfigStatus.INVALID_ADDRESS);
  assert.equal(ask(ConfigOp.ModelAppBind, { ...ONOFF, modelId: 0x1001, appKeyIndex: 1 })!.status, ConfigStatus.INVALID_MODEL);
  assert.equal(ask(ConfigOp.ModelAppBind, { ...ONOFF, appKeyIndex: 2 })!.status, ConfigStatus.INVALID_APPKEY_INDEX);
  assert.equal(ask(ConfigOp.ModelAppBind, { elementAddress: 0x0100, modelId: SigModel.CONFIGURATION_SERVER, appKeyIndex: 1 })!.status, ConfigStatus.CANNOT_BIND);
  const pub = { ...ONOFF, publishAddress: 0xc000, appKeyIndex: 1, credentialFlag: 0, publishTtl: 7, publishPeriod: 0, publishRetransmit: 0x11 };
  assert.deepEqual(ask(ConfigOp.ModelPublicationSet, pub), { status: 0, ...pub });
  assert.equal(ask(ConfigOp.ModelPublicationSet, { ...pub, appKeyIndex: 3 })!.status, ConfigStatus.INVALID_APPKEY_INDEX);
  for (let i = 0; i < LIMITS.subscriptionsPerModel; i++) assert.equal(ask(ConfigOp.ModelSubscriptionAdd, { ...ONOFF, address: 0xc000 + i })!.status, ConfigStatus.SUCCESS);
  assert.equal(ask(ConfigOp.ModelSubscriptionAdd, { ...ONOFF, address: 0xc100 })!.status, ConfigStatus.INSUFFICIENT_RESOURCES);
  assert.equal(ask(ConfigOp.ModelSubscriptionAdd, { ...ONOFF, address: 0xffff })!.status, ConfigStatus.INVALID_ADDRESS);
  assert.equal(ask(ConfigOp.ModelSubscriptionAdd, { elementAddress: 0x0100, modelId: SigModel.CONFIGURATION_SERVER, address: 0xc000 })!.status, ConfigStatus.NOT_A_SUBSCRIBE_MODEL);
  const label = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  assert.equal(ask(ConfigOp.ModelSubscriptionVirtualAddressOverwrite, { ...ONOFF, label })!.status, ConfigStatus.SUCCESS);
  const virtual = ask(ConfigOp.SigModelSubscriptionGet, ONOFF)!.addresses as number[];
  assert.equal(virtual.length, 1);
  assert.ok(virtual[0]! >= 0x8000 && virtual[0]! < 0xc000, "the Label UUID's virtual address");
  // deleting the AppKey unbinds it and ends the publication that used it (4.4.1.2.5 / 4.2.3)
  assert.equal(ask(ConfigOp.AppKeyDelete, { netKeyIndex: 0, appKeyIndex: 1 })!.status, ConfigStatus.SUCCESS);
  assert.deepEqual(ask(ConfigOp.SigModelAppGet, ONOFF)!.appKeyIndexes, []);
  assert.equal(ask(ConfigOp.ModelPublicationGet, ONOFF)!.publishAddress, 0);
});

test("Storage Failure: a refused flash write is reported with the spec's status and changes nothing", () => {
  const { ask, storage } = setup();
  storage.refuse = true;
  assert.equal(ask(ConfigOp.AppKeyAdd, { netKeyIndex: 0, appKeyIndex: 1, appKey: key(2) })!.status, ConfigStatus.STORAGE_FAILURE);
  assert.equal(ask(ConfigOp.NetKeyAdd, { netKeyIndex: 1, netKey: key(4) })!.status, ConfigStatus.STORAGE_FAILURE);
  storage.refuse = false;
  assert.deepEqual(ask(ConfigOp.AppKeyGet, { netKeyIndex: 0 })!.appKeyIndexes, []);
  assert.deepEqual(ask(ConfigOp.NetKeyGet)!.netKeyIndexes, [0]);
});

test("the node's state survives a restart: what the Configuration Server stored is there again", () => {
  const { ask, storage, mc } = setup();
  ask(ConfigOp.AppKeyAdd, { netKeyIndex: 0, appKeyIndex: 1, appKey: key(2) });
  ask(ConfigOp.ModelAppBind, { ...ONOFF, appKeyIndex: 1 });
  ask(ConfigOp.ModelSubscriptionAdd, { ...ONOFF, address: 0xc000 });
  ask(ConfigOp.DefaultTtlSet, { ttl: 9 });
  const elements: Element[] = [{ location: 0, models: [new ConfigServer({ virtualAddress: (l) => virtualAddress(mc, l) }), new HealthServer(), new OnOffServer()] }];
  const again = new NodeState(mc, new RecordStore(storage, 1), 0x0100, elements, { cid: 0xffff, pid: 1, vid: 1, crpl: 32, features: 1 }, { netKeyIndex: 0, netKey: new Uint8Array(16).fill(1), defaultTtl: 5, relaySupported: true });
  const h2 = new Harness(elements, 0x0100, again);
  h2.deliver(ConfigOp.SigModelSubscriptionGet, encode(CONFIG_TABLE, ConfigOp.SigModelSubscriptionGet, ONOFF));
  const list = decodeParams(CONFIG_TABLE.get(ConfigOp.SigModelSubscriptionList)!, h2.take()[0]!.params);
  assert.ok(list.ok);
  assert.deepEqual(list.params.addresses, [0xc000]);
  assert.equal(again.defaultTtl, 9);
  assert.deepEqual(again.boundAppKeys({ elementAddress: 0x0100, modelId: { modelId: SigModel.GENERIC_ONOFF_SERVER } }), { status: 0, value: [1] });
});
