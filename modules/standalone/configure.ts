/**
 * The standalone provisioner's configuration of a node it provisioned (Mesh Protocol 1.1, 4.4.2 Configuration
 * Client; the messages 4.3.2), with the node's DeviceKey, so that the provisioner's button toggles its lights:
 *
 *   1. Config Composition Data Get, page 0 (4.3.2.4/4.3.2.5): the elements that carry a Generic OnOff Server
 *      (SIG model 0x1000, Mesh Model 1.1, 7.3);
 *   2. Config AppKey Add (4.3.2.37) of the provisioner's AppKey (Key Index 0, bound to NetKey Index 0);
 *   3. per such element: Config Model App Bind (4.3.2.46) of the Generic OnOff Server to that AppKey, and Config
 *      Model Subscription Add (4.3.2.19) of the group the button publishes to.
 *
 * Every request is sent again when no status comes (the Configuration Client's timeout and retries, kit.ts
 * Requests). Each step is idempotent at the node (4.4.1.2: the same AppKey at the same index, a binding or a
 * subscription it already has, each answer Success), so an interrupted configuration is resumed from step 1 after
 * a restart; the AppKey is the provisioner's one key, kept with its network (provisioner-app.ts), so a resumed
 * configuration never adds a different key. A status other than Success is a refusal: reported, not retried.
 *
 * Portable: the Configuration Client only.
 */
import type { Bytes } from "../platform.js";
import { SigModel } from "../access/model.js";
import { ConfigClient, ConfigStatusError } from "../models/config-client.js";
import type { Target } from "../models/config-client.js";
import type { RequestOptions } from "../models/kit.js";

/** The group the lights subscribe to and the provisioner's button publishes to (3.4.2.4: 0xC000..0xFEFF). */
export const LIGHTS_GROUP = 0xc000;
/** The provisioner's AppKey's indexes: Key Index 0, bound to NetKey Index 0 (its network's, 4.3.1.1). */
export const APP_KEY_INDEX = 0;
export const NET_KEY_INDEX = 0;

/** The outcome of one configuration. */
export type ConfigureResult =
  /** Every step answered Success: `servers` elements with a Generic OnOff Server bound and subscribed. */
  | { ok: true; servers: number }
  /** A step answered another status (refused: not tried again), or got no answer (`refused` false: tried again at
   * the next start). `step` names the message. */
  | { ok: false; refused: boolean; step: string; reason: string };

/** The element addresses (primary + index) whose element carries a Generic OnOff Server, from Composition Data. */
export function onOffServerElements(primary: number, elements: ReadonlyArray<{ sigModels: readonly number[] }>): number[] {
  const out: number[] = [];
  for (let i = 0; i < elements.length; i++) if (elements[i]!.sigModels.includes(SigModel.GENERIC_ONOFF_SERVER)) out.push(primary + i);
  return out;
}

/** Configure the node `target` (its primary address and DeviceKey) with `appKey`; see the file comment. */
export async function configureNode(cc: ConfigClient, target: Target, appKey: Bytes, group: number, options: RequestOptions = {}): Promise<ConfigureResult> {
  let step = "Config Composition Data Get";
  try {
    const composition = await cc.compositionData(target, options);
    const servers = onOffServerElements(target.address, composition.elements);
    step = "Config AppKey Add";
    await cc.appKeyAdd(target, NET_KEY_INDEX, APP_KEY_INDEX, appKey, options);
    const model = { modelId: SigModel.GENERIC_ONOFF_SERVER };
    for (const element of servers) {
      step = "Config Model App Bind";
      await cc.modelAppBind(target, element, APP_KEY_INDEX, model, options);
      step = "Config Model Subscription Add";
      await cc.modelSubscriptionAdd(target, element, group, model, options);
    }
    return { ok: true, servers: servers.length };
  } catch (e) {
    return { ok: false, refused: e instanceof ConfigStatusError, step, reason: e instanceof Error ? e.message : String(e) };
  }
}
