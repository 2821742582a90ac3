/**
 * The provisioning rules both roles apply, written once (as Zephyr shares bt_mesh_prov_auth between its
 * device and provisioner): the Start fields checked against the Capabilities (5.4.1.3, 5.4.2.2), the
 * AuthValue and OOB values (5.4.2.4) and the AuthValue an application provides. (The provisioner's own rules,
 * the Start fields of its choice and the automatic "strongest method" policy, are in provisioner.ts, so that
 * a device image does not carry them.)
 *
 * Pure functions, no state: provisionee.ts checks a received Start with them, provisioner.ts checks its own
 * choice before sending it.
 */
import type { Bytes } from "../platform.js";
import { Algorithm, AuthenticationMethod, InputOobAction, MAX_OOB_SIZE, OobType, OutputOobAction, PublicKeyType, StartPublicKey } from "./pdu.js";
import { checkStartFields } from "./pdu.js";
import type { CapabilitiesFields, StartFields } from "./pdu.js";
import { readU32BE, writeU32BE } from "../util/bytes.js";
import type { OobValue } from "./common.js";

/**
 * Check Start fields against the device's Capabilities (5.4.1.3, 5.4.2.2): the algorithm offered, an OOB public
 * key only when offered (and, on the device, when it has the key pair), the method/action/size within the
 * capabilities; a device that supports only OOB-authenticated provisioning refuses No OOB and
 * BTM_ECDH_P256_CMAC_AES128_AES_CCM. The fields are octets valid on their own (pdu.ts checkStartFields): the
 * device checks a received Start's first (provisionee.ts onStart), the provisioner its choice's (checkStartChoice).
 * The device refuses such a Start with Invalid Format; the provisioner refuses such a choice before sending it.
 * Returns a reason, or null when acceptable.
 */
export function checkStartAgainstCapabilities(start: StartFields, caps: CapabilitiesFields, haveOobKeyPair = true): string | null {
  if (start.algorithm > Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM || !(caps.algorithms & (1 << start.algorithm))) {
    return "algorithm not offered";
  }
  if (start.publicKey === StartPublicKey.OobPublicKey && (!(caps.publicKeyType & PublicKeyType.PublicKeyOobInformationAvailable) || !haveOobKeyPair)) {
    return "OOB public key not offered";
  }
  switch (start.authenticationMethod) {
    case AuthenticationMethod.StaticOob:
      if (!(caps.oobType & OobType.StaticOobInformationAvailable)) return "static OOB not offered";
      break;
    case AuthenticationMethod.OutputOob:
      if (!caps.outputOobSize || start.authenticationSize > caps.outputOobSize) return "Output OOB size not offered";
      if (!(caps.outputOobAction & (1 << start.authenticationAction))) return "Output OOB action not offered";
      break;
    case AuthenticationMethod.InputOob:
      if (!caps.inputOobSize || start.authenticationSize > caps.inputOobSize) return "Input OOB size not offered";
      if (!(caps.inputOobAction & (1 << start.authenticationAction))) return "Input OOB action not offered";
      break;
  }
  if (
    caps.oobType & OobType.OnlyOobAuthenticatedProvisioningSupported &&
    (start.authenticationMethod === AuthenticationMethod.NoOob || start.algorithm === Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM)
  ) {
    return "only OOB-authenticated provisioning (with BTM_ECDH_P256_HMAC_SHA256_AES_CCM) is supported";
  }
  return null;
}

/**
 * Start fields that do not come from a decoded PDU (the provisioner's choice): each an octet and valid on its own
 * (pdu.ts checkStartFields, 5.4.1.3), then against the Capabilities (checkStartAgainstCapabilities). Returns a
 * reason, or null when acceptable.
 */
export function checkStartChoice(start: StartFields, caps: CapabilitiesFields): string | null {
  for (const k of ["algorithm", "publicKey", "authenticationMethod", "authenticationAction", "authenticationSize"] as const) {
    const v = start[k];
    if (!Number.isInteger(v) || v < 0 || v > 0xff) return k + " must be an integer 0..255";
  }
  return checkStartFields(start) ?? checkStartAgainstCapabilities(start, caps);
}

// ---------------------------------------------------------------------------------------------------------
// AuthValue (5.4.2.4) and OOB values
// ---------------------------------------------------------------------------------------------------------

/** 10^size, size 1..8. */
function pow10(size: number): number {
  let n = 1;
  for (let i = 0; i < size; i++) n *= 10;
  return n;
}

/** What a person sees or enters for an action: a count (never 0), a number, or alphanumeric characters. */
export type OobValueKind = "count" | "numeric" | "alphanumeric";

/** The kind of value of an Output or Input OOB action (5.4.2.4: Tables of Output/Input OOB actions). */
export function oobValueKind(method: number, action: number): OobValueKind | undefined {
  if (method === AuthenticationMethod.OutputOob) {
    if (action === OutputOobAction.Blink || action === OutputOobAction.Beep || action === OutputOobAction.Vibrate) return "count";
    if (action === OutputOobAction.OutputNumeric) return "numeric";
    if (action === OutputOobAction.OutputAlphanumeric) return "alphanumeric";
  } else if (method === AuthenticationMethod.InputOob) {
    if (action === InputOobAction.Push || action === InputOobAction.Twist) return "count";
    if (action === InputOobAction.InputNumeric) return "numeric";
    if (action === InputOobAction.InputAlphanumeric) return "alphanumeric";
  }
  return undefined;
}

/** AuthValue of a number: big-endian in the last bytes of `length` (16 or 32) bytes, the rest zero (5.4.2.4). */
export function authValueFromNumber(value: number, length: 16 | 32): Bytes {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError("authValueFromNumber: not a 32-bit value");
  const out = new Uint8Array(length);
  writeU32BE(out, length - 4, value);
  return out;
}

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** AuthValue of an alphanumeric string: its ASCII characters left-aligned, zero padded (5.4.2.4). */
export function authValueFromString(value: string, length: 16 | 32): Bytes {
  const out = new Uint8Array(length);
  if (value.length > length) throw new RangeError("authValueFromString: string too long");
  for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i) & 0xff;
  return out;
}

/**
 * Check an OOB value given by the application for `action`/`size`. Returns a reason, or null when valid:
 * counts are integers 1 .. 10^size - 1, numbers 0 .. 10^size - 1, strings 1..size characters '0'-'9','A'-'Z'.
 */
export function checkOobValue(method: number, action: number, size: number, value: OobValue): string | null {
  const kind = oobValueKind(method, action);
  if (!kind) return "no OOB value for this method/action";
  if (!Number.isInteger(size) || size < 1 || size > MAX_OOB_SIZE) return "size out of 1..8";
  if (kind === "alphanumeric") {
    if (typeof value !== "string") return "an alphanumeric action needs a string";
    if (value.length < 1 || value.length > size) return "string length out of 1.." + size;
    for (let i = 0; i < value.length; i++) if (ALPHANUMERIC.indexOf(value[i]!) < 0) return "characters must be 0-9 or A-Z";
    return null;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) return "a numeric action needs an integer";
  const min = kind === "count" ? 1 : 0;
  if (value < min || value > pow10(size) - 1) return `value out of ${min}..${pow10(size) - 1}`;
  return null;
}

/** AuthValue of a checked OOB value. */
export function authValueFromOob(value: OobValue, length: 16 | 32): Bytes {
  return typeof value === "string" ? authValueFromString(value, length) : authValueFromNumber(value, length);
}

/** A uniform random integer in 0 .. n-1 (n <= 2^32), by rejection sampling on 32-bit draws. */
export function randomBelow(randomBytes: (n: number) => Bytes, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new RangeError("randomBelow: n out of range");
  const limit = 0x100000000 - (0x100000000 % n);
  for (;;) {
    const b = randomBytes(4);
    const v = readU32BE(b, 0);
    if (v < limit) return v % n;
  }
}

/**
 * A random OOB value for an Output OOB (device) or Input OOB (provisioner) action (5.4.2.4): counts
 * (blink, beep, vibrate, push, twist) in 1 .. 10^size - 1, numbers in 0 .. 10^size - 1, strings of `size`
 * characters from '0'-'9', 'A'-'Z'.
 */
export function generateOobValue(randomBytes: (n: number) => Bytes, method: number, action: number, size: number): OobValue {
  const kind = oobValueKind(method, action);
  if (!kind || !Number.isInteger(size) || size < 1 || size > MAX_OOB_SIZE) {
    throw new RangeError("generateOobValue: no OOB value for this method/action/size");
  }
  if (kind === "alphanumeric") {
    let s = "";
    for (let i = 0; i < size; i++) s += ALPHANUMERIC[randomBelow(randomBytes, ALPHANUMERIC.length)]!;
    return s;
  }
  if (kind === "count") return 1 + randomBelow(randomBytes, pow10(size) - 1);
  return randomBelow(randomBytes, pow10(size));
}

/** What a session awaits from the application's authDataProvide (5.4.2.4). */
export type AuthDataAwaited =
  | { kind: "static"; length: 16 | 32 }
  | { kind: "oob"; method: number; action: number; size: number; length: 16 | 32 };

/**
 * The AuthValue (5.4.2.4) of the application's authDataProvide: Static OOB takes exactly `length` (16 with
 * CMAC, 32 with HMAC) bytes; an Output/Input OOB value is checked against its action and size (common.ts
 * checkOobValue) and encoded. Returns the AuthValue, or a reason the data is refused.
 */
export function authValueOf(awaited: AuthDataAwaited, data: Bytes | OobValue): { ok: true; authValue: Bytes } | { ok: false; reason: string } {
  if (awaited.kind === "static") {
    if (!(data instanceof Uint8Array) || data.length !== awaited.length) return { ok: false, reason: `static OOB data must be ${awaited.length} bytes` };
    return { ok: true, authValue: data.slice() };
  }
  const bad = data instanceof Uint8Array ? "a number or string is expected" : checkOobValue(awaited.method, awaited.action, awaited.size, data);
  if (bad) return { ok: false, reason: bad };
  return { ok: true, authValue: authValueFromOob(data as OobValue, awaited.length) };
}
