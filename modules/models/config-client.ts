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
import { CONFIG_MESSAGES, CONFIG_TABLE, ConfigOp } from "./config-messages.js";
import type { Params } from "./codec.js";
import { decodeCompositionPage0 } from "./composition.js";
import type { CompositionPage0 } from "./composition.js";
import { ClientModel, encode, entry, modelFields } from "./kit.js";
import type { RequestOptions } from "./kit.js";
import { statusName } from "./status.js";

/** Request opcode -> the status opcode that answers it, and the fields the answer must repeat. */
const ANSWERS: ReadonlyMap<number, { status: number; same: readonly string[] }> = new Map([
  [ConfigOp.AppKeyAdd, { status: ConfigOp.AppKeyStatus, same: ["netKeyIndex", "appKeyIndex"] }],
  [ConfigOp.AppKeyUpdate, { status: ConfigOp.AppKeyStatus, same: ["netKeyIndex", "appKeyIndex"] }],
  [ConfigOp.AppKeyDelete, { status: ConfigOp.AppKeyStatus, same: ["netKeyIndex", "appKeyIndex"] }],
  [ConfigOp.AppKeyGet, { status: ConfigOp.AppKeyList, same: ["netKeyIndex"] }],
  [ConfigOp.CompositionDataGet, { status: ConfigOp.CompositionDataStatus, same: [] }],
  [ConfigOp.BeaconGet, { status: ConfigOp.BeaconStatus, same: [] }],
  [ConfigOp.BeaconSet, { status: ConfigOp.BeaconStatus, same: [] }],
  [ConfigOp.DefaultTtlGet, { status: ConfigOp.DefaultTtlStatus, same: [] }],
  [ConfigOp.DefaultTtlSet, { status: ConfigOp.DefaultTtlStatus, same: [] }],
  [ConfigOp.FriendGet, { status: ConfigOp.FriendStatus, same: [] }],
  [ConfigOp.FriendSet, { status: ConfigOp.FriendStatus, same: [] }],
  [ConfigOp.GattProxyGet, { status: ConfigOp.GattProxyStatus, same: [] }],
  [ConfigOp.GattProxySet, { status: ConfigOp.GattProxyStatus, same: [] }],
  [ConfigOp.KeyRefreshPhaseGet, { status: ConfigOp.KeyRefreshPhaseStatus, same: ["netKeyIndex"] }],
  [ConfigOp.KeyRefreshPhaseSet, { status: ConfigOp.KeyRefreshPhaseStatus, same: ["netKeyIndex"] }],
  [ConfigOp.ModelPublicationGet, { status: ConfigOp.ModelPublicationStatus, same: ["elementAddress", "modelId", "companyId"] }],
  [ConfigOp.ModelPublicationSet, { status: ConfigOp.ModelPublicationStatus, same: ["elementAddress", "modelId", "companyId"] }],
  [ConfigOp.ModelPublicationVirtualAddressSet, { status: ConfigOp.ModelPublicationStatus, same: ["elementAddress", "modelId", "companyId"] }],
  [ConfigOp.ModelSubscriptionAdd, { status: ConfigOp.ModelSubscriptionStatus, same: ["elementAddress", "address", "modelId", "companyId"] }],
  [ConfigOp.ModelSubscriptionDelete, { status: ConfigOp.ModelSubscriptionStatus, same: ["elementAddress", "address", "modelId", "companyId"] }],
  [ConfigOp.ModelSubscriptionOverwrite, { status: ConfigOp.ModelSubscriptionStatus, same: ["elementAddress", "address", "modelId", "companyId"] }],
  [ConfigOp.ModelSubscriptionDeleteAll, { status: ConfigOp.ModelSubscriptionStatus, same: ["elementAddress", "modelId", "companyId"] }],
  [ConfigOp.ModelSubscriptionVirtualAddressAdd, { status: ConfigOp.ModelSubscriptionStatus, same: ["elementAddress", "modelId", "companyId"] }],
  [ConfigOp.ModelSubscriptionVirtualAddressDelete, { status: ConfigOp.ModelSubscriptionStatus, same: ["elementAddress", "modelId", "companyId"] }],
  [ConfigOp.ModelSubscriptionVirtualAddressOverwrite, { status: ConfigOp.ModelSubscriptionStatus, same: ["elementAddress", "modelId", "companyId"] }],
  [ConfigOp.SigModelSubscriptionGet, { status: ConfigOp.SigModelSubscriptionList, same: ["elementAddress", "modelId"] }],
  [ConfigOp.VendorModelSubscriptionGet, { status: ConfigOp.VendorModelSubscriptionList, same: ["elementAddress", "modelId", "companyId"] }],
  [ConfigOp.NetworkTransmitGet, { status: ConfigOp.NetworkTransmitStatus, same: [] }],
  [ConfigOp.NetworkTransmitSet, { status: ConfigOp.NetworkTransmitStatus, same: [] }],
  [ConfigOp.RelayGet, { status: ConfigOp.RelayStatus, same: [] }],
  [ConfigOp.RelaySet, { status: ConfigOp.RelayStatus, same: [] }],
  [ConfigOp.LowPowerNodePollTimeoutGet, { status: ConfigOp.LowPowerNodePollTimeoutStatus, same: ["lpnAddress"] }],
  [ConfigOp.HeartbeatPublicationGet, { status: ConfigOp.HeartbeatPublicationStatus, same: [] }],
  [ConfigOp.HeartbeatPublicationSet, { status: ConfigOp.HeartbeatPublicationStatus, same: [] }],
  [ConfigOp.HeartbeatSubscriptionGet, { status: ConfigOp.HeartbeatSubscriptionStatus, same: [] }],
  [ConfigOp.HeartbeatSubscriptionSet, { status: ConfigOp.HeartbeatSubscriptionStatus, same: [] }],
  [ConfigOp.ModelAppBind, { status: ConfigOp.ModelAppStatus, same: ["elementAddress", "appKeyIndex", "modelId", "companyId"] }],
  [ConfigOp.ModelAppUnbind, { status: ConfigOp.ModelAppStatus, same: ["elementAddress", "appKeyIndex", "modelId", "companyId"] }],
  [ConfigOp.NetKeyAdd, { status: ConfigOp.NetKeyStatus, same: ["netKeyIndex"] }],
  [ConfigOp.NetKeyUpdate, { status: ConfigOp.NetKeyStatus, same: ["netKeyIndex"] }],
  [ConfigOp.NetKeyDelete, { status: ConfigOp.NetKeyStatus, same: ["netKeyIndex"] }],
  [ConfigOp.NetKeyGet, { status: ConfigOp.NetKeyList, same: [] }],
  [ConfigOp.NodeIdentityGet, { status: ConfigOp.NodeIdentityStatus, same: ["netKeyIndex"] }],
  [ConfigOp.NodeIdentitySet, { status: ConfigOp.NodeIdentityStatus, same: ["netKeyIndex"] }],
  [ConfigOp.NodeReset, { status: ConfigOp.NodeResetStatus, same: [] }],
  [ConfigOp.SigModelAppGet, { status: ConfigOp.SigModelAppList, same: ["elementAddress", "modelId"] }],
  [ConfigOp.VendorModelAppGet, { status: ConfigOp.VendorModelAppList, same: ["elementAddress", "modelId", "companyId"] }],
]);

/** The status opcodes the client receives: every message of the table that answers a request. */
const STATUS_OPCODES = [...new Set([...ANSWERS.values()].map((a) => a.status))];

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
    const answer = ANSWERS.get(op);
    if (!answer) return Promise.reject(new RangeError(`Configuration Client: 0x${op.toString(16)} is not a request`));
    const spec = CONFIG_TABLE.get(op)!;
    const bytes = encode(CONFIG_TABLE, op, params);
    const same = answer.same.filter((k) => params[k] !== undefined);
    return requests.request(
      `${spec.name} to 0x${target.address.toString(16).padStart(4, "0")}`,
      () =>
        ctx.send(op, bytes, {
          dst: target.address,
          key: { kind: "device", deviceKey: target.deviceKey },
          ...(target.netKeyIndex !== undefined ? { netKeyIndex: target.netKeyIndex } : {}),
        }),
      { src: target.address, opcode: answer.status, accept: (p) => sameFields(p, params, same) },
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
export const CONFIG_REQUESTS: readonly number[] = CONFIG_MESSAGES.filter((m) => ANSWERS.has(m.opcode)).map((m) => m.opcode);
