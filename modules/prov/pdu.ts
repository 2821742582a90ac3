/**
 * Provisioning PDUs (Mesh Protocol 1.1, section 5.4.1; Mesh Profile 1.0.1, section 5.4.1): constants with the
 * spec's names, and a table-driven codec. Decoding never throws: it returns a typed result whose error maps
 * onto the Provisioning Failed error codes (Invalid PDU / Invalid Format).
 *
 * A Provisioning PDU is one octet of Padding (2 bits, 0b00) and Type (6 bits), then the parameters
 * (5.4.1).
 */
import type { Bytes } from "../platform.js";
import { readU16BE, readU32BE, writeU16BE, writeU32BE } from "../util/bytes.js";
import { PROVISIONING_DATA_LENGTH, PROVISIONING_DATA_MIC_LENGTH } from "../crypto/mesh.js";

/** Provisioning PDU types (5.4.1). 0x0E-0x3F are RFU. */
export const PduType = {
  Invite: 0x00,
  Capabilities: 0x01,
  Start: 0x02,
  PublicKey: 0x03,
  InputComplete: 0x04,
  Confirmation: 0x05,
  Random: 0x06,
  Data: 0x07,
  Complete: 0x08,
  Failed: 0x09,
  /** Mesh Protocol 1.1 certificate-based provisioning (5.4.1.11-5.4.1.14): not supported here. */
  RecordRequest: 0x0a,
  RecordResponse: 0x0b,
  RecordsGet: 0x0c,
  RecordsList: 0x0d,
} as const;
export type PduType = (typeof PduType)[keyof typeof PduType];

/** Spec names of the PDU types without their common first word, for logs (pduName). */
const PDU_NAMES: readonly string[] = [
  "Invite",
  "Capabilities",
  "Start",
  "Public Key",
  "Input Complete",
  "Confirmation",
  "Random",
  "Data",
  "Complete",
  "Failed",
  "Record Request",
  "Record Response",
  "Records Get",
  "Records List",
];

/** Spec name of a PDU type ("Provisioning Invite", ...), or "RFU 0x..", for logs. */
export function pduName(type: number): string {
  const name = PDU_NAMES[type];
  return name !== undefined ? "Provisioning " + name : rfuName(type);
}

/** The name of a reserved (RFU) value: "RFU 0x0e". */
function rfuName(value: number): string {
  return "RFU 0x" + value.toString(16).padStart(2, "0");
}

/** Provisioning Failed error codes (Mesh Protocol 1.1, 5.4.1.10). 0x0A-0xFF are RFU. */
export const ErrorCode = {
  Prohibited: 0x00,
  InvalidPdu: 0x01,
  InvalidFormat: 0x02,
  UnexpectedPdu: 0x03,
  ConfirmationFailed: 0x04,
  OutOfResources: 0x05,
  DecryptionFailed: 0x06,
  UnexpectedError: 0x07,
  CannotAssignAddresses: 0x08,
  InvalidData: 0x09,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const ERROR_NAMES = [
  "Prohibited",
  "Invalid PDU",
  "Invalid Format",
  "Unexpected PDU",
  "Confirmation Failed",
  "Out of Resources",
  "Decryption Failed",
  "Unexpected Error",
  "Cannot Assign Addresses",
  "Invalid Data",
];

/** Spec name of a Provisioning Failed error code. */
export function errorCodeName(code: number): string {
  return ERROR_NAMES[code] ?? rfuName(code);
}

/** Algorithm values of the Provisioning Start PDU (5.4.1.3) = bit numbers of the Algorithms field. */
export { Algorithm } from "../crypto/mesh.js";
// The lengths are the crypto layer's (modules/crypto/mesh.ts), defined once there.
export { CONFIRMATION_INPUTS_LENGTH, PROVISIONING_DATA_LENGTH, PROVISIONING_DATA_MIC_LENGTH } from "../crypto/mesh.js";

/** Algorithms field bits of the Provisioning Capabilities PDU (5.4.1.2). */
export const AlgorithmsBit = {
  BTM_ECDH_P256_CMAC_AES128_AES_CCM: 1 << 0,
  BTM_ECDH_P256_HMAC_SHA256_AES_CCM: 1 << 1,
} as const;

/** Public Key Type field of the Capabilities PDU (5.4.1.2): bit 0, others Prohibited. */
export const PublicKeyType = {
  PublicKeyOobInformationAvailable: 0x01,
} as const;

/**
 * OOB Type field of the Capabilities PDU (Mesh Protocol 1.1, 5.4.1.2; "Static OOB Type" in
 * Mesh Profile 1.0.1, where only bit 0 exists). Bits 2-7 are Prohibited.
 */
export const OobType = {
  StaticOobInformationAvailable: 0x01,
  OnlyOobAuthenticatedProvisioningSupported: 0x02,
} as const;

/** Output OOB Action values (5.4.1.2, bit numbers = 5.4.1.3 Authentication Action values). */
export const OutputOobAction = {
  Blink: 0x00,
  Beep: 0x01,
  Vibrate: 0x02,
  OutputNumeric: 0x03,
  OutputAlphanumeric: 0x04,
} as const;
export type OutputOobAction = (typeof OutputOobAction)[keyof typeof OutputOobAction];

/** Input OOB Action values (5.4.1.2, bit numbers = 5.4.1.3 Authentication Action values). */
export const InputOobAction = {
  Push: 0x00,
  Twist: 0x01,
  InputNumeric: 0x02,
  InputAlphanumeric: 0x03,
} as const;
export type InputOobAction = (typeof InputOobAction)[keyof typeof InputOobAction];

/** Public Key field of the Start PDU (5.4.1.3). 0x02-0xFF Prohibited. */
export const StartPublicKey = {
  NoOobPublicKey: 0x00,
  OobPublicKey: 0x01,
} as const;

/** Authentication Method field of the Start PDU (5.4.1.3). 0x04-0xFF Prohibited. */
export const AuthenticationMethod = {
  NoOob: 0x00,
  StaticOob: 0x01,
  OutputOob: 0x02,
  InputOob: 0x03,
} as const;
export type AuthenticationMethod = (typeof AuthenticationMethod)[keyof typeof AuthenticationMethod];

/** Largest Output/Input OOB Size and Authentication Size (5.4.1.2; 0x09-0xFF RFU). */
export const MAX_OOB_SIZE = 8;

// ---------------------------------------------------------------------------------------------------------
// Decoded PDUs
// ---------------------------------------------------------------------------------------------------------

export interface InvitePdu {
  type: typeof PduType.Invite;
  /** Attention Duration, seconds (5.4.1.1). */
  attentionDuration: number;
}

/** The eleven parameter fields of the Provisioning Capabilities PDU (5.4.1.2). */
export interface CapabilitiesFields {
  /** Number of Elements: 0x01-0xFF (0x00 Prohibited). */
  numberOfElements: number;
  /** Algorithms: bit field of AlgorithmsBit (16 bits). */
  algorithms: number;
  /** Public Key Type: PublicKeyType bits. */
  publicKeyType: number;
  /** OOB Type (1.1) / Static OOB Type (1.0.1): OobType bits. */
  oobType: number;
  /** Output OOB Size: 0 = Output OOB not supported, 1-8 maximum size. */
  outputOobSize: number;
  /** Output OOB Action: bit n set = OutputOobAction value n supported (16 bits). */
  outputOobAction: number;
  /** Input OOB Size: 0 = Input OOB not supported, 1-8 maximum size. */
  inputOobSize: number;
  /** Input OOB Action: bit n set = InputOobAction value n supported (16 bits). */
  inputOobAction: number;
}

export interface CapabilitiesPdu extends CapabilitiesFields {
  type: typeof PduType.Capabilities;
}

/** The five parameter fields of the Provisioning Start PDU (5.4.1.3). */
export interface StartFields {
  algorithm: number;
  publicKey: number;
  authenticationMethod: number;
  authenticationAction: number;
  authenticationSize: number;
}

export interface StartPdu extends StartFields {
  type: typeof PduType.Start;
}

export interface PublicKeyPdu {
  type: typeof PduType.PublicKey;
  /** Public Key X, 32 octets big-endian (5.4.1.4). */
  publicKeyX: Bytes;
  /** Public Key Y, 32 octets big-endian. */
  publicKeyY: Bytes;
}

export interface InputCompletePdu {
  type: typeof PduType.InputComplete;
}

export interface ConfirmationPdu {
  type: typeof PduType.Confirmation;
  /** 16 octets (BTM_ECDH_P256_CMAC_AES128_AES_CCM) or 32 (BTM_ECDH_P256_HMAC_SHA256_AES_CCM) (5.4.1.6). */
  confirmation: Bytes;
}

export interface RandomPdu {
  type: typeof PduType.Random;
  /** 16 or 32 octets, as Confirmation (5.4.1.7). */
  random: Bytes;
}

export interface DataPdu {
  type: typeof PduType.Data;
  /** Encrypted Provisioning Data, 25 octets (5.4.1.8). */
  encryptedProvisioningData: Bytes;
  /** Provisioning Data MIC, 8 octets. */
  provisioningDataMic: Bytes;
}

export interface CompletePdu {
  type: typeof PduType.Complete;
}

export interface FailedPdu {
  type: typeof PduType.Failed;
  /** Error Code (5.4.1.10); 0x00 Prohibited. */
  errorCode: number;
}

export type ProvisioningPdu =
  | InvitePdu
  | CapabilitiesPdu
  | StartPdu
  | PublicKeyPdu
  | InputCompletePdu
  | ConfirmationPdu
  | RandomPdu
  | DataPdu
  | CompletePdu
  | FailedPdu;

/** Why a PDU could not be decoded, named after the Provisioning Failed error it maps to. */
export type PduDecodeError = "invalid-pdu" | "invalid-format";

export type PduDecodeResult =
  | { ok: true; pdu: ProvisioningPdu }
  | { ok: false; error: PduDecodeError; type: number; reason: string };

/** Raised by the encoders for a value that cannot be encoded (a programming error of the caller). */
export class PduEncodeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "PduEncodeError";
  }
}

// ---------------------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------------------

/** Checks of the Start PDU fields that do not depend on the device's capabilities (5.4.1.3). */
export function checkStartFields(s: StartFields): string | null {
  if (s.publicKey > StartPublicKey.OobPublicKey) return "Public Key value Prohibited";
  switch (s.authenticationMethod) {
    case AuthenticationMethod.NoOob:
    case AuthenticationMethod.StaticOob:
      if (s.authenticationAction !== 0 || s.authenticationSize !== 0) return "Authentication Action/Size shall be 0x00";
      return null;
    case AuthenticationMethod.OutputOob:
      if (s.authenticationAction > OutputOobAction.OutputAlphanumeric) return "Output OOB Action RFU";
      break;
    case AuthenticationMethod.InputOob:
      if (s.authenticationAction > InputOobAction.InputAlphanumeric) return "Input OOB Action RFU";
      break;
    default:
      return "Authentication Method Prohibited";
  }
  if (s.authenticationSize < 1 || s.authenticationSize > MAX_OOB_SIZE) return "Authentication Size out of range";
  return null;
}

/**
 * The layout of each supported PDU type (5.4.1, Table 5.18 and the PDU tables): the allowed parameter lengths,
 * then each field in order as name:size, size 1 or 2 (an integer, big-endian) or bN (N octets; "b" alone:
 * the rest). One string per type: the table is compact, as it lives in the device's heap.
 */
const LAYOUTS: readonly (string | undefined)[] = [
  /* Invite */ "1 attentionDuration:1",
  /* Capabilities */ "11 numberOfElements:1 algorithms:2 publicKeyType:1 oobType:1 outputOobSize:1 outputOobAction:2 inputOobSize:1 inputOobAction:2",
  /* Start */ "5 algorithm:1 publicKey:1 authenticationMethod:1 authenticationAction:1 authenticationSize:1",
  /* Public Key */ "64 publicKeyX:b32 publicKeyY:b32",
  /* Input Complete */ "0",
  /* Confirmation */ "16,32 confirmation:b",
  /* Random */ "16,32 random:b",
  // a literal (a template would be a second copy in the preloaded heap); host-tests/prov/pdu.test.ts checks it
  // against PROVISIONING_DATA_LENGTH and PROVISIONING_DATA_MIC_LENGTH
  /* Data */ "33 encryptedProvisioningData:b25 provisioningDataMic:b8",
  /* Complete */ "0",
  /* Failed */ "1 errorCode:1",
];

// The layouts are read on each use, a word at a time (they are not parsed into objects: on the default device image
// those would stay in the heap; parsing them into arrays and objects on each use cost about 0.7 M instructions
// per provisioning on the twin). XS strings are UTF-8: an index into a long string costs a walk from its start,
// so the scanning works on the short words.

/**
 * Scans the allowed parameter lengths (the layout's first word, "16,32"): whether `n` is one of them; each is
 * pushed on `list` when given.
 */
function scanLengths(word: string, n: number, list?: number[]): boolean {
  let v = 0;
  let found = false;
  const end = word.length;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? word.charCodeAt(i) : 0x2c;
    if (c === 0x2c /* , */) {
      if (v === n) found = true;
      list?.push(v);
      v = 0;
    } else v = v * 10 + c - 0x30;
  }
  return found;
}

// The field readField read: its name and size (1, 2: an integer; -N: N octets; 0: the rest).
let fieldName = "";
let fieldSize = 0;

/** Reads one field word ("name:2", "name:b32", "name:b") into fieldName and fieldSize. */
function readField(word: string): void {
  const colon = word.indexOf(":");
  fieldName = word.slice(0, colon);
  fieldSize = word.charCodeAt(colon + 1) === 0x62 /* b */ ? -Number(word.slice(colon + 2) || 0) : Number(word.slice(colon + 1));
}

function layoutOf(type: number): string | undefined {
  return type >= 0 ? LAYOUTS[type] : undefined;
}

/** Capabilities values that are Prohibited (5.4.1.2) in a way that makes the PDU unusable; a reason or null. */
export function checkCapabilitiesPdu(p: CapabilitiesFields): string | null {
  if (p.numberOfElements === 0) return "Number of Elements 0x00 Prohibited";
  if (p.publicKeyType & 0xfe) return "Public Key Type bits 1-7 Prohibited";
  if (p.oobType & 0xfc) return "OOB Type bits 2-7 Prohibited";
  return null;
}

/** Provisioning Failed with Error Code 0x00, Prohibited (5.4.1.10); a reason or null. */
export function checkFailedPdu(p: FailedPdu): string | null {
  return p.errorCode === ErrorCode.Prohibited ? "Error Code 0x00 Prohibited" : null;
}

/**
 * Values that are Prohibited in a way that makes the PDU unusable (5.4.1); returns a reason or null. The roles'
 * sessions apply the same checks to the PDUs they receive (provisionee.ts onStart, provisioner.ts onCapabilities
 * and onFailed), so that a device carries only the Start's.
 */
function checkPdu(pdu: ProvisioningPdu): string | null {
  switch (pdu.type) {
    case PduType.Capabilities:
      return checkCapabilitiesPdu(pdu);
    case PduType.Start:
      return checkStartFields(pdu);
    case PduType.Failed:
      return checkFailedPdu(pdu);
    default:
      return null;
  }
}

/** Allowed parameter lengths of each supported PDU type (without the type octet); undefined for others. */
export function pduParameterLengths(type: number): readonly number[] | undefined {
  const text = layoutOf(type);
  if (text === undefined) return undefined;
  const list: number[] = [];
  const space = text.indexOf(" ");
  scanLengths(space < 0 ? text : text.slice(0, space), -1, list);
  return list;
}

/** Whether this build supports PDUs of `type` (a layout is known for it). */
export function isSupportedPduType(type: number): boolean {
  return layoutOf(type) !== undefined;
}

/** True for the Record PDU types of Mesh Protocol 1.1 (known, not supported here). */
export function isRecordPdu(type: number): boolean {
  return type >= PduType.RecordRequest && type <= PduType.RecordsList;
}

/** The Type field (low 6 bits of the first octet), or -1 for an empty PDU. */
export function pduType(pdu: Bytes): number {
  return pdu.length ? pdu[0]! & 0x3f : -1;
}

function fail(error: PduDecodeError, type: number, reason: string): PduDecodeResult {
  return { ok: false, error, type, reason };
}

/**
 * Decode one Provisioning PDU. Never throws.
 * - empty, RFU type (0x0E-0x3F) or a Record PDU (not supported): "invalid-pdu";
 * - non-zero Padding bits, a parameter length other than the type's, or a Prohibited field value:
 *   "invalid-format".
 */
export function decodePdu(data: Bytes): PduDecodeResult {
  const r = decodePduFields(data);
  if (!r.ok) return r;
  const reason = checkPdu(r.pdu);
  return reason ? fail("invalid-format", r.pdu.type, reason) : r;
}

/**
 * Decode one Provisioning PDU as decodePdu does, but without the checks of Prohibited field values (checkPdu):
 * the sessions make those of the PDU types they receive. Never throws.
 */
export function decodePduFields(data: Bytes): PduDecodeResult {
  if (!(data instanceof Uint8Array) || data.length === 0) return fail("invalid-pdu", -1, "empty PDU");
  const type = data[0]! & 0x3f;
  const text = layoutOf(type);
  if (text === undefined) {
    return fail("invalid-pdu", type, isRecordPdu(type) ? pduName(type) + ": not supported" : "RFU PDU type");
  }
  if (data[0]! & 0xc0) return fail("invalid-format", type, "Padding bits not 0b00");
  const n = data.length - 1;
  const words = text.split(" ");
  if (!scanLengths(words[0]!, n)) return fail("invalid-format", type, pduName(type) + ": wrong length " + n);
  const out: Record<string, number | Bytes> = { type };
  let o = 1;
  for (let w = 1; w < words.length; w++) {
    readField(words[w]!);
    const name = fieldName;
    const size = fieldSize;
    if (size === 1) {
      out[name] = data[o]!;
      o += 1;
    } else if (size === 2) {
      out[name] = readU16BE(data, o);
      o += 2;
    } else {
      const len = size < 0 ? -size : data.length - o;
      out[name] = data.slice(o, o + len);
      o += len;
    }
  }
  return { ok: true, pdu: out as unknown as ProvisioningPdu };
}

/**
 * Encode one Provisioning PDU (type octet + parameters). Throws PduEncodeError for values that do not fit
 * their fields or for a parameter length the type does not allow. Prohibited values are not checked here,
 * so a test can build hostile PDUs.
 */
export function encodePdu(pdu: ProvisioningPdu): Bytes {
  const type = (pdu as { type: unknown }).type;
  const text = typeof type === "number" ? layoutOf(type) : undefined;
  if (text === undefined) throw new PduEncodeError("encodePdu: unknown PDU type " + String(type));
  const values = pdu as unknown as Record<string, unknown>;
  // checked and measured first, then written into one array of the right size
  const words = text.split(" ");
  let n = 0;
  for (let w = 1; w < words.length; w++) {
    readField(words[w]!);
    const name = fieldName;
    const size = fieldSize;
    const v = values[name];
    if (size <= 0) {
      if (!(v instanceof Uint8Array) || (size < 0 && v.length !== -size)) {
        throw new PduEncodeError(`encodePdu: ${name} must be ${size < 0 ? -size : "a"} byte(s)`);
      }
      n += v.length;
    } else {
      const max = size === 1 ? 0xff : 0xffff;
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
        throw new PduEncodeError(`encodePdu: ${name} must be an integer 0..${max}`);
      }
      n += size;
    }
  }
  if (!scanLengths(words[0]!, n)) {
    throw new PduEncodeError(`encodePdu: ${pduName(type as number)} parameters must be ${pduParameterLengths(type as number)!.join(" or ")} bytes`);
  }
  const out = new Uint8Array(1 + n);
  out[0] = type as number;
  let o = 1;
  for (let w = 1; w < words.length; w++) {
    readField(words[w]!);
    const v = values[fieldName];
    if (fieldSize <= 0) {
      out.set(v as Uint8Array, o);
      o += (v as Uint8Array).length;
    } else {
      if (fieldSize === 2) out[o++] = (v as number) >> 8;
      out[o++] = (v as number) & 0xff;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Provisioning Data (5.4.2.5): the 25 octets encrypted into the Provisioning Data PDU
// ---------------------------------------------------------------------------------------------------------

export interface ProvisioningData {
  /** Network Key, 16 octets. */
  networkKey: Bytes;
  /** Key Index: the NetKey Index, 12 bits (0x000-0xFFF), sent as 2 octets big-endian. */
  keyIndex: number;
  flags: {
    /** Key Refresh Flag (bit 0): Key Refresh Phase 2 in progress. */
    keyRefresh: boolean;
    /** IV Update Flag (bit 1): IV Update active. */
    ivUpdate: boolean;
  };
  /** Current IV Index, 4 octets big-endian. */
  ivIndex: number;
  /** Unicast Address of the primary element, 2 octets big-endian. */
  unicastAddress: number;
}


/** Why Provisioning Data is refused, named after the Provisioning Failed error it maps to. */
export type ProvisioningDataError = "invalid-format" | "invalid-data" | "cannot-assign-addresses";

export type ProvisioningDataResult =
  | { ok: true; data: ProvisioningData }
  | { ok: false; error: ProvisioningDataError; reason: string };

/** Lowest and highest unicast address (3.4.2.2). */
export const UNICAST_FIRST = 0x0001;
export const UNICAST_LAST = 0x7fff;

/** True for a unicast address (3.4.2.2: 0x0001-0x7FFF). */
export function isUnicastAddress(a: number): boolean {
  return Number.isInteger(a) && a >= UNICAST_FIRST && a <= UNICAST_LAST;
}

/**
 * Check Provisioning Data values. `numberOfElements`, when given, also checks that the element addresses
 * (Unicast Address .. + Number of Elements - 1) are all unicast ("Cannot Assign Addresses").
 * Returns null when valid.
 */
export function checkProvisioningData(
  d: ProvisioningData,
  numberOfElements?: number,
): { error: ProvisioningDataError; reason: string } | null {
  if (!(d.networkKey instanceof Uint8Array) || d.networkKey.length !== 16) {
    return { error: "invalid-format", reason: "Network Key must be 16 bytes" };
  }
  if (!Number.isInteger(d.keyIndex) || d.keyIndex < 0 || d.keyIndex > 0x0fff) {
    return { error: "invalid-data", reason: "Key Index out of 0x000-0xFFF" };
  }
  if (!Number.isInteger(d.ivIndex) || d.ivIndex < 0 || d.ivIndex > 0xffffffff) {
    return { error: "invalid-data", reason: "IV Index out of 32 bits" };
  }
  if (!isUnicastAddress(d.unicastAddress)) return { error: "invalid-data", reason: "Unicast Address not unicast" };
  if (numberOfElements !== undefined && d.unicastAddress + numberOfElements - 1 > UNICAST_LAST) {
    return { error: "cannot-assign-addresses", reason: "element addresses leave the unicast range" };
  }
  return null;
}

/** Encode Provisioning Data (25 octets). Throws PduEncodeError for invalid values. */
export function encodeProvisioningData(d: ProvisioningData): Bytes {
  const bad = checkProvisioningData(d);
  if (bad) throw new PduEncodeError("encodeProvisioningData: " + bad.reason);
  const out = new Uint8Array(PROVISIONING_DATA_LENGTH);
  out.set(d.networkKey, 0);
  writeU16BE(out, 16, d.keyIndex);
  out[18] = (d.flags.keyRefresh ? 0x01 : 0) | (d.flags.ivUpdate ? 0x02 : 0);
  writeU32BE(out, 19, d.ivIndex);
  writeU16BE(out, 23, d.unicastAddress);
  return out;
}

/**
 * Decode and check decrypted Provisioning Data. Never throws. Flags bits 2-7 (RFU) are ignored.
 * Wrong length: "invalid-format"; Key Index above 0xFFF or a non-unicast address: "invalid-data";
 * element addresses beyond 0x7FFF (when `numberOfElements` is given): "cannot-assign-addresses".
 */
export function decodeProvisioningData(data: Bytes, numberOfElements?: number): ProvisioningDataResult {
  if (!(data instanceof Uint8Array) || data.length !== PROVISIONING_DATA_LENGTH) {
    return { ok: false, error: "invalid-format", reason: `Provisioning Data must be ${PROVISIONING_DATA_LENGTH} bytes` };
  }
  const d: ProvisioningData = {
    networkKey: data.slice(0, 16),
    keyIndex: readU16BE(data, 16),
    flags: { keyRefresh: (data[18]! & 0x01) !== 0, ivUpdate: (data[18]! & 0x02) !== 0 },
    ivIndex: readU32BE(data, 19),
    unicastAddress: readU16BE(data, 23),
  };
  const bad = checkProvisioningData(d, numberOfElements);
  if (bad) return { ok: false, error: bad.error, reason: bad.reason };
  return { ok: true, data: d };
}

/** The Provisioning Failed error code for a decode error. */
export function errorCodeOf(error: PduDecodeError | ProvisioningDataError): ErrorCode {
  switch (error) {
    case "invalid-pdu":
      return ErrorCode.InvalidPdu;
    case "invalid-format":
      return ErrorCode.InvalidFormat;
    case "invalid-data":
      return ErrorCode.InvalidData;
    case "cannot-assign-addresses":
      return ErrorCode.CannotAssignAddresses;
  }
}
