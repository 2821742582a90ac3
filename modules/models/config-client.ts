/**
 * Configuration Client (Mesh Protocol 1.1, 4.4.2): sends Configuration messages to a node with that node's
 * device key and waits for the status, sending again when none comes (kit.ts Requests: timeout and retries).
 * Used by the provisioner (host simulation, tools) and portable like the rest.
 *
 * Each request names the status that answers it (ANSWERS) and, where several requests of the same kind can
 * be outstanding, the fields that must match (an AppKey Status for the same key indexes, a Model App Status for
 * the same element and model, ...).
 */
import type { Bytes } from "../platform.js";
import type { Model, ModelContext, ModelId, OpcodeEntry } from "../access/model.js";
import { SigModel } from "../access/model.js";
import { CONFIG_TABLE, ConfigOp } from "./config-messages.js";
import type { Params } from "./codec.js";
import { decodeCompositionPage0 } from "./composition.js";
import type { CompositionPage0 } from "./composition.js";
import { ClientModel, encode, entry, modelFields } from "./kit.js";
import type { RequestOptions } from "./kit.js";
import { statusName } from "./status.js";

/** Request opcode -> the status opcode that answers it, and the fields the answer must repeat (frozen). */
interface Answer {
  readonly status: number;
  readonly same: readonly string[];
}
function answer(status: number, same: string[]): Answer {
  return Object.freeze({ status, same: Object.freeze(same) });
}
const ANSWERS: { readonly [request: number]: Answer | undefined } = Object.freeze({
  [ConfigOp.AppKeyAdd]: answer(ConfigOp.AppKeyStatus, ["netKeyIndex", "appKeyIndex"]),
  [ConfigOp.AppKeyUpdate]: answer(ConfigOp.AppKeyStatus, ["netKeyIndex", "appKeyIndex"]),
  [ConfigOp.AppKeyDelete]: answer(ConfigOp.AppKeyStatus, ["netKeyIndex", "appKeyIndex"]),
  [ConfigOp.AppKeyGet]: answer(ConfigOp.AppKeyList, ["netKeyIndex"]),
  [ConfigOp.CompositionDataGet]: answer(ConfigOp.CompositionDataStatus, []),
  [ConfigOp.BeaconGet]: answer(ConfigOp.BeaconStatus, []),
  [ConfigOp.BeaconSet]: answer(ConfigOp.BeaconStatus, []),
  [ConfigOp.DefaultTtlGet]: answer(ConfigOp.DefaultTtlStatus, []),
  [ConfigOp.DefaultTtlSet]: answer(ConfigOp.DefaultTtlStatus, []),
  [ConfigOp.FriendGet]: answer(ConfigOp.FriendStatus, []),
  [ConfigOp.FriendSet]: answer(ConfigOp.FriendStatus, []),
  [ConfigOp.GattProxyGet]: answer(ConfigOp.GattProxyStatus, []),
  [ConfigOp.GattProxySet]: answer(ConfigOp.GattProxyStatus, []),
  [ConfigOp.KeyRefreshPhaseGet]: answer(ConfigOp.KeyRefreshPhaseStatus, ["netKeyIndex"]),
  [ConfigOp.KeyRefreshPhaseSet]: answer(ConfigOp.KeyRefreshPhaseStatus, ["netKeyIndex"]),
  [ConfigOp.ModelPublicationGet]: answer(ConfigOp.ModelPublicationStatus, ["elementAddress", "modelId", "companyId"]),
  [ConfigOp.ModelPublicationSet]: answer(ConfigOp.ModelPublicationStatus, ["elementAddress", "modelId", "companyId"]),
  [ConfigOp.ModelPublicationVirtualAddressSet]: answer(ConfigOp.ModelPublicationStatus, ["elementAddress", "modelId", "companyId"]),
  [ConfigOp.ModelSubscriptionAdd]: answer(ConfigOp.ModelSubscriptionStatus, ["elementAddress", "address", "modelId", "companyId"]),
  [ConfigOp.ModelSubscriptionDelete]: answer(ConfigOp.ModelSubscriptionStatus, ["elementAddress", "address", "modelId", "companyId"]),
  [ConfigOp.ModelSubscriptionOverwrite]: answer(ConfigOp.ModelSubscriptionStatus, ["elementAddress", "address", "modelId", "companyId"]),
  [ConfigOp.ModelSubscriptionDeleteAll]: answer(ConfigOp.ModelSubscriptionStatus, ["elementAddress", "modelId", "companyId"]),
  [ConfigOp.ModelSubscriptionVirtualAddressAdd]: answer(ConfigOp.ModelSubscriptionStatus, ["elementAddress", "modelId", "companyId"]),
  [ConfigOp.ModelSubscriptionVirtualAddressDelete]: answer(ConfigOp.ModelSubscriptionStatus, ["elementAddress", "modelId", "companyId"]),
  [ConfigOp.ModelSubscriptionVirtualAddressOverwrite]: answer(ConfigOp.ModelSubscriptionStatus, ["elementAddress", "modelId", "companyId"]),
  [ConfigOp.SigModelSubscriptionGet]: answer(ConfigOp.SigModelSubscriptionList, ["elementAddress", "modelId"]),
  [ConfigOp.VendorModelSubscriptionGet]: answer(ConfigOp.VendorModelSubscriptionList, ["elementAddress", "modelId", "companyId"]),
  [ConfigOp.NetworkTransmitGet]: answer(ConfigOp.NetworkTransmitStatus, []),
  [ConfigOp.NetworkTransmitSet]: answer(ConfigOp.NetworkTransmitStatus, []),
  [ConfigOp.RelayGet]: answer(ConfigOp.RelayStatus, []),
  [ConfigOp.RelaySet]: answer(ConfigOp.RelayStatus, []),
  [ConfigOp.LowPowerNodePollTimeoutGet]: answer(ConfigOp.LowPowerNodePollTimeoutStatus, ["lpnAddress"]),
  [ConfigOp.HeartbeatPublicationGet]: answer(ConfigOp.HeartbeatPublicationStatus, []),
  [ConfigOp.HeartbeatPublicationSet]: answer(ConfigOp.HeartbeatPublicationStatus, []),
  [ConfigOp.HeartbeatSubscriptionGet]: answer(ConfigOp.HeartbeatSubscriptionStatus, []),
  [ConfigOp.HeartbeatSubscriptionSet]: answer(ConfigOp.HeartbeatSubscriptionStatus, []),
  [ConfigOp.ModelAppBind]: answer(ConfigOp.ModelAppStatus, ["elementAddress", "appKeyIndex", "modelId", "companyId"]),
  [ConfigOp.ModelAppUnbind]: answer(ConfigOp.ModelAppStatus, ["elementAddress", "appKeyIndex", "modelId", "companyId"]),
  [ConfigOp.NetKeyAdd]: answer(ConfigOp.NetKeyStatus, ["netKeyIndex"]),
  [ConfigOp.NetKeyUpdate]: answer(ConfigOp.NetKeyStatus, ["netKeyIndex"]),
  [ConfigOp.NetKeyDelete]: answer(ConfigOp.NetKeyStatus, ["netKeyIndex"]),
  [ConfigOp.NetKeyGet]: answer(ConfigOp.NetKeyList, []),
  [ConfigOp.NodeIdentityGet]: answer(ConfigOp.NodeIdentityStatus, ["netKeyIndex"]),
  [ConfigOp.NodeIdentitySet]: answer(ConfigOp.NodeIdentityStatus, ["netKeyIndex"]),
  [ConfigOp.NodeReset]: answer(ConfigOp.NodeResetStatus, []),
  [ConfigOp.SigModelAppGet]: answer(ConfigOp.SigModelAppList, ["elementAddress", "modelId"]),
  [ConfigOp.VendorModelAppGet]: answer(ConfigOp.VendorModelAppList, ["elementAddress", "modelId", "companyId"]),
});
const REQUEST_OPCODES: readonly number[] = Object.freeze(Object.keys(ANSWERS).map(Number));

/** The status opcodes the client receives: every message of the table that answers a request. */
const STATUS_OPCODES: readonly number[] = Object.freeze([...new Set(REQUEST_OPCODES.map((op) => ANSWERS[op]!.status))]);

/** A node the client configures: its primary address and its device key. */
export interface Target {
  address: number;
  deviceKey: Bytes;
  /** NetKey to send on (default: the client node's primary). */
  netKeyIndex?: number;
}

/** True when the answer repeats the request's `fields`. */
function sameFields(answer: Params, request: Params, fields: readonly string[]): boolean {
  for (const k of fields) if (answer[k] !== request[k]) return false;
  return true;
}

/** A status that reported something else than Success: the request was answered, not carried out. */
export class ConfigStatusError extends Error {
  constructor(readonly what: string, readonly status: number) {
    super(`${what}: ${statusName(status)}`);
    this.name = "ConfigStatusError";
  }
}

export class ConfigClient extends ClientModel implements Model {
  readonly id = { modelId: SigModel.CONFIGURATION_CLIENT };
  readonly keyPolicy = "device" as const;
  readonly opcodes: OpcodeEntry[];

  constructor(private readonly defaults: RequestOptions = {}) {
    super();
    this.opcodes = STATUS_OPCODES.map((op) => entry(CONFIG_TABLE.get(op)!, (p, msg) => this.requests?.deliver(msg, p)));
  }

  /**
   * Send Configuration message `op` with `params` to `target` and resolve with the decoded status
   * (whatever its status code). Rejects with RequestTimeout when no status came.
   */
  request(target: Target, op: number, params: Params = {}, options: RequestOptions = {}): Promise<Params> {
    if (!this.ctx || !this.requests) return Promise.reject(new Error("Configuration Client: the node is not running"));
    const { ctx, requests } = this.running("Configuration Client");
    const expected = ANSWERS[op];
    if (!expected) return Promise.reject(new RangeError(`Configuration Client: 0x${op.toString(16)} is not a request`));
    const spec = CONFIG_TABLE.get(op)!;
    const bytes = encode(CONFIG_TABLE, op, params);
    const same = expected.same.filter((k) => params[k] !== undefined);
    return requests.request(
      `${spec.name} to 0x${target.address.toString(16).padStart(4, "0")}`,
      () =>
        ctx.send(op, bytes, {
          dst: target.address,
          key: { kind: "device", deviceKey: target.deviceKey },
          ...(target.netKeyIndex !== undefined ? { netKeyIndex: target.netKeyIndex } : {}),
        }),
      { src: target.address, opcode: expected.status, accept: (p) => sameFields(p, params, same) },
      { ...this.defaults, ...options },
    );
  }

  /** request(), then reject with ConfigStatusError unless the status is Success (for messages that carry one). */
  async expectSuccess(target: Target, op: number, params: Params = {}, options: RequestOptions = {}): Promise<Params> {
    const p = await this.request(target, op, params, options);
    if (typeof p.status === "number" && p.status !== 0) throw new ConfigStatusError(CONFIG_TABLE.get(op)!.name, p.status);
    return p;
  }

  // ---- the steps a provisioner takes after provisioning ----

  async compositionData(target: Target, options?: RequestOptions): Promise<CompositionPage0> {
    const p = await this.request(target, ConfigOp.CompositionDataGet, { page: 0 }, options);
    const c = decodeCompositionPage0(p.data as Bytes);
    if (!c) throw new Error("Composition Data page 0 does not parse");
    return c;
  }

  appKeyAdd(target: Target, netKeyIndex: number, appKeyIndex: number, appKey: Bytes, options?: RequestOptions): Promise<Params> {
    return this.expectSuccess(target, ConfigOp.AppKeyAdd, { netKeyIndex, appKeyIndex, appKey }, options);
  }

  modelAppBind(target: Target, elementAddress: number, appKeyIndex: number, model: ModelId, options?: RequestOptions): Promise<Params> {
    return this.expectSuccess(target, ConfigOp.ModelAppBind, { elementAddress, appKeyIndex, ...modelFields(model) }, options);
  }

  modelPublicationSet(
    target: Target,
    elementAddress: number,
    model: ModelId,
    pub: { address: number; appKeyIndex: number; ttl?: number; period?: number; retransmit?: number; credentialFlag?: boolean },
    options?: RequestOptions,
  ): Promise<Params> {
    return this.expectSuccess(
      target,
      ConfigOp.ModelPublicationSet,
      {
        elementAddress,
        publishAddress: pub.address,
        appKeyIndex: pub.appKeyIndex,
        credentialFlag: pub.credentialFlag ? 1 : 0,
        publishTtl: pub.ttl ?? 0xff,
        publishPeriod: pub.period ?? 0,
        publishRetransmit: pub.retransmit ?? 0,
        ...modelFields(model),
      },
      options,
    );
  }

  modelSubscriptionAdd(target: Target, elementAddress: number, address: number, model: ModelId, options?: RequestOptions): Promise<Params> {
    return this.expectSuccess(target, ConfigOp.ModelSubscriptionAdd, { elementAddress, address, ...modelFields(model) }, options);
  }

  nodeReset(target: Target, options?: RequestOptions): Promise<Params> {
    return this.request(target, ConfigOp.NodeReset, {}, options);
  }
}

/** The Configuration messages a client sends (every request of ANSWERS is in the table). */
export const CONFIG_REQUESTS: readonly number[] = REQUEST_OPCODES;
