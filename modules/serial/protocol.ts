/**
 * The mesh modem's protocol layer (docs/serial-protocol.md §2, §3): versions, status codes, command opcodes,
 * event codes, and the payload codec of every command, response and event, in both directions. One codec
 * for the modem (modules/serial/modem.ts) and the host (host/serial/driver.ts).
 */
import type { Bytes } from "../platform.js";
import type { OobUseParams, OobValue, ProvisioningData } from "../prov/api.js";


export const PROTOCOL_MAJOR = 1;
export const PROTOCOL_MINOR = 1;

/** Response status codes (§2.1). */
export const Status = {
  Ok: 0x00,
  UnknownCommand: 0x01,
  InvalidLength: 0x02,
  InvalidArgument: 0x03,
  InvalidState: 0x04,
  NotSupported: 0x05,
  NoResources: 0x06,
  VersionMismatch: 0x07,
  Busy: 0x08,
  InternalError: 0x09,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

const STATUS_NAMES = ["OK", "UNKNOWN_COMMAND", "INVALID_LENGTH", "INVALID_ARGUMENT", "INVALID_STATE", "NOT_SUPPORTED", "NO_RESOURCES", "VERSION_MISMATCH", "BUSY", "INTERNAL_ERROR"];

export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? "STATUS_0x" + status.toString(16);
}

/** Command opcodes (§3.1). */
export const Op = {
  Hello: 0x01,
  Ping: 0x02,
  Replay: 0x03,
  Init: 0x10,
  ScanStart: 0x11,
  ScanStop: 0x12,
  Provision: 0x13,
  OobUse: 0x14,
  AuthData: 0x15,
  OobPubkey: 0x16,
  EcdhSecret: 0x17,
  LinkClose: 0x18,
  Listen: 0x19,
  ListenStop: 0x1a,
  NetSetup: 0x20,
  AppKeySet: 0x21,
  NetStateGet: 0x22,
  Restore: 0x23,
  Send: 0x24,
} as const;

const OP_NAMES: Record<number, string> = {
  0x01: "HELLO",
  0x02: "PING",
  0x03: "REPLAY",
  0x10: "INIT",
  0x11: "SCAN_START",
  0x12: "SCAN_STOP",
  0x13: "PROVISION",
  0x14: "OOB_USE",
  0x15: "AUTH_DATA",
  0x16: "OOB_PUBKEY",
  0x17: "ECDH_SECRET",
  0x18: "LINK_CLOSE",
  0x19: "LISTEN",
  0x1a: "LISTEN_STOP",
  0x20: "NET_SETUP",
  0x21: "APP_KEY_SET",
  0x22: "NET_STATE_GET",
  0x23: "RESTORE",
  0x24: "SEND",
};

export function opName(op: number): string {
  return OP_NAMES[op] ?? "0x" + op.toString(16).padStart(2, "0");
}

/** Event codes (§3.2). */
export const Ev = {
  Started: 0x01,
  FrameError: 0x02,
  Unprovisioned: 0x10,
  LinkEstablished: 0x11,
  LinkClosed: 0x12,
  Capabilities: 0x13,
  StaticRequest: 0x14,
  InputRequest: 0x15,
  OutputRequest: 0x16,
  OobPubkeyRequest: 0x17,
  EcdhRequest: 0x18,
  Complete: 0x19,
  Failed: 0x1a,
  Message: 0x20,
  Store: 0x21,
  SendDone: 0x22,
} as const;

/** STARTED reset reasons (§3.2). */
export const ResetReason = { PowerOn: 0, Soft: 1, HostGone: 2 } as const;

/** HELLO response roles bits. */
export const RoleBits = { Provisioner: 1, Provisionee: 2, Mesh: 4 } as const;

/** Events the modem keeps for REPLAY (§1.6). */
export const REPLAY_EVENTS = 32;

/** The longest reason string carried by an error response or a FAILED event, in bytes. */
export const MAX_REASON = 64;

// ---- the mesh commands and events (§3.5, modules/serial/mesh.ts) ----

/** The node's identity as the host gives it in NET_SETUP (the same every time: the records are bound to it). */
export interface MeshSetup {
  unicastAddress: number;
  netKeyIndex: number;
  netKey: Bytes;
  ivIndex: number;
  ivUpdate: boolean;
  /** The modem node's own device key, kept by the host. */
  deviceKey: Bytes;
}

export interface MeshMessage {
  src: number;
  dst: number;
  netKeyIndex: number;
  /** undefined: the device key (of this node, or of the node that answers a Configuration Client). */
  appKeyIndex: number | undefined;
  ttl: number;
  rssi: number;
  /** Opcode and parameters, as on the air. */
  payload: Bytes;
}

export interface MeshSend {
  dst: number;
  netKeyIndex: number;
  ttl: number;
  /** An AppKey index, or a device key (the target's, for a Configuration Client). */
  key: { appKeyIndex: number } | { deviceKey: Bytes };
  payload: Bytes;
}

export const SEND_RESULTS = ["sent", "acked", "failed", "not-sent"] as const;

/** Keys of storage records: printable ASCII, 1..32 characters (modules/node/records.ts keys are). */
export const MAX_STORE_KEY = 32;

/** The commands, decoded (§3.1). */
export type Command =
  | { op: "hello"; major: number; minor: number; hostTimeoutMs: number }
  | { op: "ping" }
  | { op: "replay"; fromSeq: number }
  | { op: "init"; unprovisionedReportIntervalMs: number }
  | { op: "scan-start" }
  | { op: "scan-stop" }
  | { op: "provision"; uuid: Bytes; attentionDuration: number; publicKey: Bytes; data: ProvisioningData }
  | { op: "oob-use"; ctx: number; params: OobUseParams }
  | { op: "auth-data"; ctx: number; value: Bytes | OobValue }
  | { op: "oob-pubkey"; ctx: number; publicKey: Bytes }
  | { op: "ecdh-secret"; ctx: number; secret: Bytes }
  | { op: "link-close"; ctx: number }
  | { op: "listen"; uuid: Bytes; oobInfo: number }
  | { op: "listen-stop" }
  | { op: "net-setup"; setup: MeshSetup }
  | { op: "app-key-set"; netKeyIndex: number; appKeyIndex: number; appKey: Bytes }
  | { op: "net-state-get" }
  | { op: "restore"; key: string; value: Bytes }
  | { op: "send"; tag: number; send: MeshSend };

/** The events, decoded (§3.2). */
export type ModemEvent =
  | { ev: "started"; major: number; minor: number; resetReason: number }
  | { ev: "frame-error"; reason: number; droppedTotal: number }
  | { ev: "unprovisioned"; uuid: Bytes; oobInfo: number; rssi: number; uriHash?: Bytes }
  | { ev: "link-established"; ctx: number }
  | { ev: "link-closed"; ctx: number; reason: number; byPeer: boolean }
  | { ev: "capabilities"; ctx: number; capabilities: Bytes }
  | { ev: "static-request"; ctx: number; length: number }
  | { ev: "input-request"; ctx: number; method: number; action: number; size: number }
  | { ev: "output-request"; ctx: number; method: number; action: number; size: number; value: OobValue }
  | { ev: "oob-pubkey-request"; ctx: number }
  | { ev: "ecdh-request"; ctx: number; peerPublicKey: Bytes }
  | { ev: "complete"; ctx: number; unicastAddress: number; numberOfElements: number; provisionerRandom: Bytes; deviceRandom: Bytes }
  | { ev: "failed"; ctx: number; code: number; byPeer: boolean; reason: string }
  | ({ ev: "message" } & MeshMessage)
  | { ev: "store"; key: string; value: Bytes | undefined }
  | { ev: "send-done"; tag: number; result: number };

/** NET_STATE_GET's result (§3.5). */
export interface NetStateResult {
  ivIndex: number;
  ivUpdate: boolean;
  seq: number;
  seqLimit: number;
}

export function encodeNetState(n: NetStateResult): Bytes {
  return new Writer().u32(n.ivIndex).u8(n.ivUpdate ? 2 : 0).u32(n.seq).u32(n.seqLimit).done();
}

export function decodeNetState(b: Bytes): NetStateResult {
  const r = new Reader(b);
  return { ivIndex: r.u32(), ivUpdate: (r.u8() & 2) !== 0, seq: r.u32(), seqLimit: r.u32() };
}

/** LINK_CLOSED reasons (§3.2), as the API names them. */
export const LINK_CLOSED_REASONS = ["success", "timeout", "error"] as const;

/** HELLO's result (§3.1). */
export interface HelloResult {
  major: number;
  minor: number;
  maxPayload: number;
  credits: number;
  maxLinks: number;
  roles: number;
}

/** A decoding failure: the status to answer and a reason for the log. */
export interface DecodeError {
  status: Status;
  reason: string;
}

// ---------------------------------------------------------------------------------------------------------
// Byte writer/reader
// ---------------------------------------------------------------------------------------------------------

export class Writer {
  private parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  bytes(b: Bytes): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]!);
    return this;
  }
  done(): Bytes {
    return Uint8Array.from(this.parts);
  }
}

export class Reader {
  private pos = 0; // not "at": the device engine leaves Array.prototype.at out, and its build refuses the name
  constructor(private readonly b: Bytes) {}
  get left(): number {
    return this.b.length - this.pos;
  }
  u8(): number {
    if (this.pos >= this.b.length) throw new RangeError("short payload");
    return this.b[this.pos++]!;
  }
  u16(): number {
    return this.u8() | (this.u8() << 8);
  }
  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }
  bytes(n: number): Bytes {
    if (this.pos + n > this.b.length) throw new RangeError("short payload");
    const out = this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  rest(): Bytes {
    return this.bytes(this.left);
  }
}

const ascii = (s: string): Bytes => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return out;
};
// Printable ASCII by code - 0x20: the device engine leaves String.fromCharCode out (tools/fw/lean.mjs).
const PRINTABLE = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
/** Bytes as text: printable ASCII as itself, any other byte as "?". */
const fromAscii = (b: Bytes): string => {
  let s = "";
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    s += c >= 0x20 && c <= 0x7e ? PRINTABLE[c - 0x20] : "?";
  }
  return s;
};

/** Printable ASCII only (no regular expressions: the device engine has none), at most MAX_REASON characters. */
function printable(s: string): string {
  let out = "";
  for (let i = 0; i < s.length && out.length < MAX_REASON; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x20 && c <= 0x7e ? s[i] : "?";
  }
  return out;
}

/** A reason string for the wire: printable ASCII, at most MAX_REASON bytes. */
export function reasonBytes(reason: string): Bytes {
  return ascii(printable(reason));
}

export function reasonText(bytes: Bytes): string {
  return printable(fromAscii(bytes.subarray(0, MAX_REASON)));
}

// ---------------------------------------------------------------------------------------------------------
// OOB values (§2.4)
// ---------------------------------------------------------------------------------------------------------

const OOB_BYTES = 0;
const OOB_NUMBER = 1;
const OOB_STRING = 2;

function writeOob(w: Writer, value: Bytes | OobValue): void {
  if (value instanceof Uint8Array) w.u8(OOB_BYTES).bytes(value);
  else if (typeof value === "number") w.u8(OOB_NUMBER).u32(value);
  else w.u8(OOB_STRING).bytes(ascii(value));
}

function readOob(r: Reader): Bytes | OobValue {
  const kind = r.u8();
  if (kind === OOB_BYTES) return r.rest();
  if (kind === OOB_NUMBER) {
    if (r.left !== 4) throw new RangeError("a number is 4 bytes");
    return r.u32();
  }
  if (kind === OOB_STRING) return fromAscii(r.rest());
  throw new TypeError("unknown OOB value kind " + kind);
}

// ---------------------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------------------

/** Exact payload lengths of the fixed-size commands (§3.1); AUTH_DATA is variable (at least 3). */
const COMMAND_LENGTHS: Record<number, number> = {
  [Op.Hello]: 6,
  [Op.Ping]: 0,
  [Op.Replay]: 1,
  [Op.Init]: 4,
  [Op.ScanStart]: 0,
  [Op.ScanStop]: 0,
  [Op.Provision]: 106,
  [Op.OobUse]: 7,
  [Op.OobPubkey]: 66,
  [Op.EcdhSecret]: 34,
  [Op.LinkClose]: 2,
  [Op.Listen]: 18,
  [Op.ListenStop]: 0,
  [Op.NetSetup]: 41,
  [Op.AppKeySet]: 20,
  [Op.NetStateGet]: 0,
};

/** Least payload lengths of the variable-size commands (§3.1, §3.5). */
const COMMAND_MIN_LENGTHS: Record<number, number> = { [Op.AuthData]: 3, [Op.Restore]: 2, [Op.Send]: 11 };

export function encodeCommand(c: Command): { code: number; payload: Bytes } {
  const w = new Writer();
  switch (c.op) {
    case "hello":
      return { code: Op.Hello, payload: w.u8(c.major).u8(c.minor).u32(c.hostTimeoutMs).done() };
    case "ping":
      return { code: Op.Ping, payload: w.done() };
    case "replay":
      return { code: Op.Replay, payload: w.u8(c.fromSeq).done() };
    case "init":
      return { code: Op.Init, payload: w.u32(c.unprovisionedReportIntervalMs).done() };
    case "scan-start":
      return { code: Op.ScanStart, payload: w.done() };
    case "scan-stop":
      return { code: Op.ScanStop, payload: w.done() };
    case "provision": {
      const d = c.data;
      w.bytes(c.uuid).u8(c.attentionDuration).bytes(c.publicKey).bytes(d.networkKey).u16(d.keyIndex);
      w.u8((d.flags.keyRefresh ? 1 : 0) | (d.flags.ivUpdate ? 2 : 0)).u32(d.ivIndex).u16(d.unicastAddress);
      return { code: Op.Provision, payload: w.done() };
    }
    case "oob-use": {
      const p = c.params;
      return { code: Op.OobUse, payload: w.u16(c.ctx).u8(p.algorithm).u8(p.publicKey).u8(p.method).u8(p.action).u8(p.size).done() };
    }
    case "auth-data":
      w.u16(c.ctx);
      writeOob(w, c.value);
      return { code: Op.AuthData, payload: w.done() };
    case "oob-pubkey":
      return { code: Op.OobPubkey, payload: w.u16(c.ctx).bytes(c.publicKey).done() };
    case "ecdh-secret":
      return { code: Op.EcdhSecret, payload: w.u16(c.ctx).bytes(c.secret).done() };
    case "link-close":
      return { code: Op.LinkClose, payload: w.u16(c.ctx).done() };
    case "listen":
      return { code: Op.Listen, payload: w.bytes(c.uuid).u16(c.oobInfo).done() };
    case "listen-stop":
      return { code: Op.ListenStop, payload: w.done() };
    case "net-setup": {
      const m = c.setup;
      w.u16(m.unicastAddress).u16(m.netKeyIndex).bytes(m.netKey).u32(m.ivIndex).u8(m.ivUpdate ? 2 : 0).bytes(m.deviceKey);
      return { code: Op.NetSetup, payload: w.done() };
    }
    case "app-key-set":
      return { code: Op.AppKeySet, payload: w.u16(c.netKeyIndex).u16(c.appKeyIndex).bytes(c.appKey).done() };
    case "net-state-get":
      return { code: Op.NetStateGet, payload: w.done() };
    case "restore":
      return { code: Op.Restore, payload: w.u8(c.key.length).bytes(ascii(c.key)).bytes(c.value).done() };
    case "send": {
      const m = c.send;
      w.u16(c.tag).u16(m.dst).u16(m.netKeyIndex).u8(m.ttl);
      if ("appKeyIndex" in m.key) w.u8(0).u16(m.key.appKeyIndex);
      else w.u8(1).bytes(m.key.deviceKey);
      return { code: Op.Send, payload: w.bytes(m.payload).done() };
    }
  }
}

/** Decode a command's payload; lengths are checked here, values by the modem (through the API). */
export function decodeCommand(code: number, payload: Bytes): Command | DecodeError {
  if (!(code in OP_NAMES)) return { status: Status.UnknownCommand, reason: "unknown command " + opName(code) };
  const want = COMMAND_LENGTHS[code];
  if (want !== undefined ? payload.length !== want : payload.length < COMMAND_MIN_LENGTHS[code]!) {
    return { status: Status.InvalidLength, reason: `${opName(code)} with ${payload.length} payload bytes` };
  }
  const r = new Reader(payload);
  try {
    switch (code) {
      case Op.Hello:
        return { op: "hello", major: r.u8(), minor: r.u8(), hostTimeoutMs: r.u32() };
      case Op.Ping:
        return { op: "ping" };
      case Op.Replay:
        return { op: "replay", fromSeq: r.u8() };
      case Op.Init:
        return { op: "init", unprovisionedReportIntervalMs: r.u32() };
      case Op.ScanStart:
        return { op: "scan-start" };
      case Op.ScanStop:
        return { op: "scan-stop" };
      case Op.Provision: {
        const uuid = r.bytes(16);
        const attentionDuration = r.u8();
        const publicKey = r.bytes(64);
        const networkKey = r.bytes(16);
        const keyIndex = r.u16();
        const flags = r.u8();
        const ivIndex = r.u32();
        const unicastAddress = r.u16();
        if (flags & ~3) return { status: Status.InvalidArgument, reason: "PROVISION flags has RFU bits" };
        return {
          op: "provision",
          uuid,
          attentionDuration,
          publicKey,
          data: { networkKey, keyIndex, flags: { keyRefresh: !!(flags & 1), ivUpdate: !!(flags & 2) }, ivIndex, unicastAddress },
        };
      }
      case Op.OobUse:
        return { op: "oob-use", ctx: r.u16(), params: { algorithm: r.u8(), publicKey: r.u8(), method: r.u8(), action: r.u8(), size: r.u8() } };
      case Op.AuthData:
        return { op: "auth-data", ctx: r.u16(), value: readOob(r) };
      case Op.OobPubkey:
        return { op: "oob-pubkey", ctx: r.u16(), publicKey: r.bytes(64) };
      case Op.EcdhSecret:
        return { op: "ecdh-secret", ctx: r.u16(), secret: r.bytes(32) };
      case Op.LinkClose:
        return { op: "link-close", ctx: r.u16() };
      case Op.Listen:
        return { op: "listen", uuid: r.bytes(16), oobInfo: r.u16() };
      case Op.ListenStop:
        return { op: "listen-stop" };
      case Op.NetSetup: {
        const unicastAddress = r.u16();
        const netKeyIndex = r.u16();
        const netKey = r.bytes(16);
        const ivIndex = r.u32();
        const flags = r.u8();
        if (flags & ~2) return { status: Status.InvalidArgument, reason: "NET_SETUP flags has RFU bits" };
        return { op: "net-setup", setup: { unicastAddress, netKeyIndex, netKey, ivIndex, ivUpdate: (flags & 2) !== 0, deviceKey: r.bytes(16) } };
      }
      case Op.AppKeySet:
        return { op: "app-key-set", netKeyIndex: r.u16(), appKeyIndex: r.u16(), appKey: r.bytes(16) };
      case Op.NetStateGet:
        return { op: "net-state-get" };
      case Op.Restore: {
        const n = r.u8();
        if (n < 1 || n > MAX_STORE_KEY) return { status: Status.InvalidArgument, reason: "RESTORE key length must be 1..32" };
        return { op: "restore", key: fromAscii(r.bytes(n)), value: r.rest() };
      }
      default: {
        const tag = r.u16();
        const dst = r.u16();
        const netKeyIndex = r.u16();
        const ttl = r.u8();
        const kind = r.u8();
        if (kind > 1) return { status: Status.InvalidArgument, reason: "SEND key kind must be 0 (AppKey) or 1 (device key)" };
        const key = kind === 0 ? { appKeyIndex: r.u16() } : { deviceKey: r.bytes(16) };
        const payload = r.rest();
        if (!payload.length) return { status: Status.InvalidLength, reason: "SEND without an access payload" };
        return { op: "send", tag, send: { dst, netKeyIndex, ttl, key, payload } };
      }
    }
  } catch (e) {
    return { status: Status.InvalidArgument, reason: `${opName(code)}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------------

export function encodeHelloResult(h: HelloResult): Bytes {
  return new Writer().u8(h.major).u8(h.minor).u16(h.maxPayload).u8(h.credits).u8(h.maxLinks).u8(h.roles).done();
}

export function decodeHelloResult(b: Bytes): HelloResult {
  const r = new Reader(b);
  return { major: r.u8(), minor: r.u8(), maxPayload: r.u16(), credits: r.u8(), maxLinks: r.u8(), roles: r.u8() };
}

// ---------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------

export function encodeEvent(e: ModemEvent): { code: number; payload: Bytes } {
  const w = new Writer();
  switch (e.ev) {
    case "started":
      return { code: Ev.Started, payload: w.u8(e.major).u8(e.minor).u8(e.resetReason).done() };
    case "frame-error":
      return { code: Ev.FrameError, payload: w.u8(e.reason).u32(e.droppedTotal).done() };
    case "unprovisioned":
      w.bytes(e.uuid).u16(e.oobInfo).u8(e.rssi);
      if (e.uriHash) w.bytes(e.uriHash);
      return { code: Ev.Unprovisioned, payload: w.done() };
    case "link-established":
      return { code: Ev.LinkEstablished, payload: w.u16(e.ctx).done() };
    case "link-closed":
      return { code: Ev.LinkClosed, payload: w.u16(e.ctx).u8(e.reason).u8(e.byPeer ? 1 : 0).done() };
    case "capabilities":
      return { code: Ev.Capabilities, payload: w.u16(e.ctx).bytes(e.capabilities).done() };
    case "static-request":
      return { code: Ev.StaticRequest, payload: w.u16(e.ctx).u8(e.length).done() };
    case "input-request":
      return { code: Ev.InputRequest, payload: w.u16(e.ctx).u8(e.method).u8(e.action).u8(e.size).done() };
    case "output-request":
      w.u16(e.ctx).u8(e.method).u8(e.action).u8(e.size);
      writeOob(w, e.value);
      return { code: Ev.OutputRequest, payload: w.done() };
    case "oob-pubkey-request":
      return { code: Ev.OobPubkeyRequest, payload: w.u16(e.ctx).done() };
    case "ecdh-request":
      return { code: Ev.EcdhRequest, payload: w.u16(e.ctx).bytes(e.peerPublicKey).done() };
    case "complete":
      w.u16(e.ctx).u16(e.unicastAddress).u8(e.numberOfElements).u8(e.provisionerRandom.length);
      return { code: Ev.Complete, payload: w.bytes(e.provisionerRandom).bytes(e.deviceRandom).done() };
    case "failed":
      return { code: Ev.Failed, payload: w.u16(e.ctx).u8(e.code).u8(e.byPeer ? 1 : 0).bytes(reasonBytes(e.reason)).done() };
    case "message":
      w.u16(e.src).u16(e.dst).u16(e.netKeyIndex).u8(e.appKeyIndex === undefined ? 1 : 0).u16(e.appKeyIndex ?? 0).u8(e.ttl).u8(e.rssi);
      return { code: Ev.Message, payload: w.bytes(e.payload).done() };
    case "store":
      w.u8(e.key.length).bytes(ascii(e.key)).u8(e.value ? 0 : 1);
      return { code: Ev.Store, payload: w.bytes(e.value ?? new Uint8Array(0)).done() };
    case "send-done":
      return { code: Ev.SendDone, payload: w.u16(e.tag).u8(e.result).done() };
  }
}

/** Decode an event; null for an unknown code or a malformed payload (a host ignores those, §2). */
export function decodeEvent(code: number, payload: Bytes): ModemEvent | null {
  const r = new Reader(payload);
  try {
    let e: ModemEvent;
    switch (code) {
      case Ev.Started:
        e = { ev: "started", major: r.u8(), minor: r.u8(), resetReason: r.u8() };
        break;
      case Ev.FrameError:
        e = { ev: "frame-error", reason: r.u8(), droppedTotal: r.u32() };
        break;
      case Ev.Unprovisioned: {
        const uuid = r.bytes(16);
        const oobInfo = r.u16();
        const rssi = (r.u8() << 24) >> 24;
        if (r.left !== 0 && r.left !== 4) return null;
        e = r.left ? { ev: "unprovisioned", uuid, oobInfo, rssi, uriHash: r.bytes(4) } : { ev: "unprovisioned", uuid, oobInfo, rssi };
        break;
      }
      case Ev.LinkEstablished:
        e = { ev: "link-established", ctx: r.u16() };
        break;
      case Ev.LinkClosed:
        e = { ev: "link-closed", ctx: r.u16(), reason: r.u8(), byPeer: r.u8() !== 0 };
        break;
      case Ev.Capabilities:
        e = { ev: "capabilities", ctx: r.u16(), capabilities: r.bytes(11) };
        break;
      case Ev.StaticRequest:
        e = { ev: "static-request", ctx: r.u16(), length: r.u8() };
        break;
      case Ev.InputRequest:
        e = { ev: "input-request", ctx: r.u16(), method: r.u8(), action: r.u8(), size: r.u8() };
        break;
      case Ev.OutputRequest: {
        const ctx = r.u16();
        const method = r.u8();
        const action = r.u8();
        const size = r.u8();
        const value = readOob(r);
        if (value instanceof Uint8Array) return null;
        return { ev: "output-request", ctx, method, action, size, value };
      }
      case Ev.OobPubkeyRequest:
        e = { ev: "oob-pubkey-request", ctx: r.u16() };
        break;
      case Ev.EcdhRequest:
        e = { ev: "ecdh-request", ctx: r.u16(), peerPublicKey: r.bytes(64) };
        break;
      case Ev.Complete: {
        const ctx = r.u16();
        const unicastAddress = r.u16();
        const numberOfElements = r.u8();
        const n = r.u8();
        if (n !== 16 && n !== 32) return null;
        e = { ev: "complete", ctx, unicastAddress, numberOfElements, provisionerRandom: r.bytes(n), deviceRandom: r.bytes(n) };
        break;
      }
      case Ev.Failed:
        return { ev: "failed", ctx: r.u16(), code: r.u8(), byPeer: r.u8() !== 0, reason: reasonText(r.rest()) };
      case Ev.Message: {
        const src = r.u16();
        const dst = r.u16();
        const netKeyIndex = r.u16();
        const device = r.u8() === 1;
        const appKeyIndex = r.u16();
        const ttl = r.u8();
        const rssi = (r.u8() << 24) >> 24;
        const payload = r.rest();
        if (!payload.length) return null;
        return { ev: "message", src, dst, netKeyIndex, appKeyIndex: device ? undefined : appKeyIndex, ttl, rssi, payload };
      }
      case Ev.Store: {
        const n = r.u8();
        if (n < 1 || n > MAX_STORE_KEY) return null;
        const key = fromAscii(r.bytes(n));
        const removed = r.u8() === 1;
        const value = r.rest();
        return removed ? (value.length ? null : { ev: "store", key, value: undefined }) : { ev: "store", key, value };
      }
      case Ev.SendDone:
        e = { ev: "send-done", tag: r.u16(), result: r.u8() };
        break;
      default:
        return null;
    }
    return r.left === 0 ? e : null;
  } catch {
    return null;
  }
}
