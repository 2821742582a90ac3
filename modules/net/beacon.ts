/**
 * Secure Network beacons (Mesh Protocol 1.1, 3.10.3) and the IV Update procedure (3.10.5).
 *
 *   Beacon Type 0x01 | Flags (bit 0 Key Refresh, bit 1 IV Update) | Network ID (8) | IV Index (4) |
 *   Authentication Value (8) = the first 8 octets of AES-CMAC_BeaconKey(Flags || Network ID || IV Index)
 *
 * IV Update procedure, as applied to an authenticated beacon (and to the node's own need for SEQ values):
 * - a beacon with an IV Index below ours, or more than 42 above it, is ignored (3.10.5);
 * - Normal operation, beacon IV = ours + 1 with the IV Update flag: enter "IV Update in progress" at IV + 1
 *   (we keep sending with IV, and SEQ goes on), after at least 96 hours in Normal operation;
 * - In progress, beacon with our IV and the flag clear: back to Normal operation, SEQ restarts at 0, after
 *   at least 96 hours in progress; after 144 hours in progress the node returns to Normal by itself;
 * - IV Index Recovery (3.10.5.2): any other beacon above our IV Index (a node that was off during an
 *   update) sets the IV Index and flag from the beacon, SEQ restarts at 0; at most once per 192 hours;
 * - the node starts an update itself when its SEQ passes IV_UPDATE_SEQ_THRESHOLD, after 96 hours in Normal.
 * Test mode (3.10.5.1) waives the 96- and 192-hour minimum durations. Every change is one atomic write of
 * the mesh.net record (with the SEQ reset when there is one).
 */
import type { Bytes, CryptoPrimitives } from "../platform.js";
import { bytesEqual } from "../crypto/bytes.js";
import type { NetState } from "./state.js";

export const SECURE_BEACON_LENGTH = 22;
/** The node starts an IV Update when it has used this much of the 24-bit SEQ space (half of it). */
export const IV_UPDATE_SEQ_THRESHOLD = 0x800000;
export const IV_MIN_HOURS = 96;
export const IV_MAX_IN_PROGRESS_HOURS = 144;
export const IV_RECOVERY_HOURS = 192;
export const IV_RECOVERY_MAX_STEP = 42;

export interface SecureBeacon {
  keyRefresh: boolean;
  ivUpdate: boolean;
  networkId: Bytes;
  ivIndex: number;
}

function authData(b: SecureBeacon): Bytes {
  const d = new Uint8Array(13);
  d[0] = (b.keyRefresh ? 1 : 0) | (b.ivUpdate ? 2 : 0);
  d.set(b.networkId, 1);
  d[9] = (b.ivIndex >>> 24) & 0xff;
  d[10] = (b.ivIndex >>> 16) & 0xff;
  d[11] = (b.ivIndex >>> 8) & 0xff;
  d[12] = b.ivIndex & 0xff;
  return d;
}

export function encodeSecureBeacon(crypto: CryptoPrimitives, beaconKey: Bytes, b: SecureBeacon): Bytes {
  if (b.networkId.length !== 8) throw new RangeError("Network ID must be 8 octets");
  const data = authData(b);
  const out = new Uint8Array(SECURE_BEACON_LENGTH);
  out[0] = 0x01;
  out.set(data, 1);
  out.set(crypto.aesCmac(beaconKey, data).subarray(0, 8), 14);
  return out;
}

/** Decodes and authenticates a beacon against one subnet; undefined when it is not a valid beacon of that subnet. */
export function decodeSecureBeacon(crypto: CryptoPrimitives, beaconKey: Bytes, networkId: Bytes, data: Bytes): SecureBeacon | undefined {
  if (data.length !== SECURE_BEACON_LENGTH || data[0] !== 0x01) return undefined;
  // Flags bits 2-7 are RFU (3.10.3): ignored, but they are authenticated as sent.
  if (!bytesEqual(data.subarray(2, 10), networkId)) return undefined;
  const mac = crypto.aesCmac(beaconKey, data.subarray(1, 14)).subarray(0, 8);
  if (!bytesEqual(mac, data.subarray(14, 22))) return undefined;
  return {
    keyRefresh: (data[1]! & 1) !== 0,
    ivUpdate: (data[1]! & 2) !== 0,
    networkId: data.slice(2, 10),
    ivIndex: ((data[10]! << 24) | (data[11]! << 16) | (data[12]! << 8) | data[13]!) >>> 0,
  };
}

export type IvDecision = "ignored" | "enter-update" | "normal" | "recovery" | "too-early";

/** The IV Update procedure's rules over the persistent NetState. */
export class IvUpdate {
  constructor(
    private readonly state: NetState,
    readonly testMode = false,
    private readonly onChange?: () => void,
  ) {}

  private waited(hours: number, min: number): boolean {
    return this.testMode || hours >= min;
  }

  /** Applies an authenticated beacon's IV Index and IV Update flag. */
  onBeacon(ivIndex: number, ivUpdateFlag: boolean): IvDecision {
    const s = this.state;
    const cur = s.ivIndex;
    if (ivIndex < cur || ivIndex - cur > IV_RECOVERY_MAX_STEP) return "ignored";
    if (!s.ivUpdate) {
      if (ivIndex === cur) return "ignored";
      if (ivIndex === cur + 1 && ivUpdateFlag) {
        if (!this.waited(s.hoursInState, IV_MIN_HOURS)) return "too-early";
        return this.transition(cur + 1, true, false, false, "enter-update");
      }
    } else {
      if (ivIndex === cur && !ivUpdateFlag) {
        if (!this.waited(s.hoursInState, IV_MIN_HOURS)) return "too-early";
        return this.transition(cur, false, true, false, "normal");
      }
      if (ivIndex === cur) return "ignored";
    }
    // IV Index Recovery (3.10.5.2).
    const recovered = s.hoursSinceRecovery;
    if (recovered !== 0xffff && !this.waited(recovered, IV_RECOVERY_HOURS)) return "too-early";
    return this.transition(ivIndex, ivUpdateFlag, true, true, "recovery");
  }

  /** Called after SEQ allocations and every hour: starts or ends an update by the node's own rules. */
  check(): IvDecision {
    const s = this.state;
    if (!s.ivUpdate && s.seq >= IV_UPDATE_SEQ_THRESHOLD && this.waited(s.hoursInState, IV_MIN_HOURS)) {
      return this.transition(s.ivIndex + 1, true, false, false, "enter-update");
    }
    if (s.ivUpdate && s.hoursInState >= IV_MAX_IN_PROGRESS_HOURS) return this.transition(s.ivIndex, false, true, false, "normal");
    return "ignored";
  }

  private transition(ivIndex: number, ivUpdate: boolean, resetSeq: boolean, recovery: boolean, d: IvDecision): IvDecision {
    if (!this.state.setIv(ivIndex, ivUpdate, resetSeq, recovery)) return "ignored";
    this.onChange?.();
    return d;
  }
}
