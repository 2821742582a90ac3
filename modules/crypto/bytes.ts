/**
 * Small portable byte helpers (no Node API, no TextEncoder: they run on XS too).
 */
import type { Bytes } from "../platform.js";

const HEX = "0123456789abcdef";

/** Lower-case hex of `bytes`. */
export function bytesToHex(bytes: Bytes): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    s += HEX[b >> 4] + HEX[b & 15];
  }
  return s;
}

function hexNibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30; // 0-9
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10; // a-f
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10; // A-F
  return -1;
}

/**
 * Bytes of a hex string (either case). Spaces are ignored, so "00 01 02" works.
 * Throws RangeError on an odd number of digits or a non-hex character.
 */
export function hexToBytes(hex: string): Bytes {
  const clean = hex.indexOf(" ") >= 0 ? hex.split(" ").join("") : hex;
  if (clean.length % 2 !== 0) throw new RangeError("hexToBytes: odd number of hex digits");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(clean.charCodeAt(2 * i));
    const lo = hexNibble(clean.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new RangeError("hexToBytes: not a hex digit at " + 2 * i);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** The concatenation of all arguments, in a new array. */
export function concatBytes(...parts: Bytes[]): Bytes {
  // indexed loops: an array iterator costs allocations on XS
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i]!.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * UTF-8 encoding of a JavaScript string. Lone surrogates become U+FFFD (as TextEncoder does).
 */
export function utf8Encode(s: string): Bytes {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      c = 0xfffd;
    }
    if (c < 0x80) {
      out.push(c);
    } else if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    } else {
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return Uint8Array.from(out);
}

/** The one constant-time comparison lives in modules/util/bytes.ts; re-exported for the crypto modules. */
export { bytesEqual } from "../util/bytes.js";

/** a XOR b into a new array (equal lengths required; the caller checks). */
export function xorBytes(a: Bytes, b: Bytes): Bytes {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}
