import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigStatus } from "../../modules/access/model.js";
import { CONFIG_TABLE, ConfigOp } from "../../modules/models/config-messages.js";
import { ConfigClient, ConfigStatusError } from "../../modules/models/config-client.js";
import { encode, RequestTimeout } from "../../modules/models/kit.js";
import { Harness } from "./harness.js";

const target = { address: 0x0200, deviceKey: new Uint8Array(16).fill(9) };

function client() {
  const cc = new ConfigClient({ timeoutMs: 1000, retries: 2 });
  const h = new Harness([{ location: 0, models: [cc] }], 0x0001);
  return { cc, h };
}

test("Configuration Client: sent with the target's device key; the status for the same key indexes answers it, another one does not", async () => {
  const { cc, h } = client();
  const p = cc.appKeyAdd(target, 0, 1, new Uint8Array(16));
  const sent = h.take();
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.opcode, ConfigOp.AppKeyAdd);
  assert.deepEqual(sent[0]!.options!.key, { kind: "device", deviceKey: target.deviceKey });
  assert.equal(sent[0]!.dst, 0x0200);
  let settled = false;
  void p.then(() => (settled = true));
  h.deliver(ConfigOp.AppKeyStatus, encode(CONFIG_TABLE, ConfigOp.AppKeyStatus, { status: 0, netKeyIndex: 0, appKeyIndex: 2 }), { src: 0x0200 });
  h.deliver(ConfigOp.AppKeyStatus, encode(CONFIG_TABLE, ConfigOp.AppKeyStatus, { status: 0, netKeyIndex: 0, appKeyIndex: 1 }), { src: 0x0300 });
  await Promise.resolve();
  assert.equal(settled, false, "another AppKey's status, or another node's, is not the answer");
  h.deliver(ConfigOp.AppKeyStatus, encode(CONFIG_TABLE, ConfigOp.AppKeyStatus, { status: 0, netKeyIndex: 0, appKeyIndex: 1 }), { src: 0x0200 });
  assert.deepEqual(await p, { status: 0, netKeyIndex: 0, appKeyIndex: 1 });
});

test("Configuration Client: a status other than Success rejects with its name; no answer: sent again, then RequestTimeout", async () => {
  const { cc, h } = client();
  const bind = cc.modelAppBind(target, 0x0200, 3, { modelId: 0x1000 });
  h.deliver(ConfigOp.ModelAppStatus, encode(CONFIG_TABLE, ConfigOp.ModelAppStatus, { status: ConfigStatus.INVALID_APPKEY_INDEX, elementAddress: 0x0200, appKeyIndex: 3, modelId: 0x1000 }), { src: 0x0200 });
  await assert.rejects(bind, (e: unknown) => e instanceof ConfigStatusError && e.status === ConfigStatus.INVALID_APPKEY_INDEX && /Invalid AppKey Index/.test(e.message));
  h.take();
  const lost = cc.compositionData(target);
  h.clock.runFor(3500);
  await assert.rejects(lost, RequestTimeout);
  assert.deepEqual(h.take().map((s) => s.time), [0, 1000, 2000], "three attempts, 1 s apart");
  await assert.rejects(cc.request(target, ConfigOp.AppKeyStatus, { status: 0, netKeyIndex: 0, appKeyIndex: 0 }), RangeError, "a status is not a request");
});
