/**
 * The byte helpers every layer shares (portable: no Node API): one constant-time comparison and one
 * big-endian reader/writer for 16- and 32-bit fields (Mesh Protocol 1.1, 3.1: multi-octet fields are
 * big-endian unless said otherwise).
 */
import type { Bytes } from "../platform.js";

/**
 * True when `a` and `b` hold the same bytes. For equal lengths the time taken does not depend on the
 * contents (no early exit), so it is safe for comparing MICs and confirmation values. Different lengths
 * return false at once (lengths are not secret).
 */
export function bytesEqual(a: Bytes, b: Bytes): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The big-endian 16-bit value at `offset` (the caller checks the length). */
export function readU16BE(b: Bytes, offset: number): number {
  return (b[offset]! << 8) | b[offset + 1]!;
}

/** The big-endian 32-bit value at `offset`, unsigned (the caller checks the length). */
export function readU32BE(b: Bytes, offset: number): number {
  return ((b[offset]! << 24) | (b[offset + 1]! << 16) | (b[offset + 2]! << 8) | b[offset + 3]!) >>> 0;
}

/** Write the low 16 bits of `value` big-endian at `offset`. */
export function writeU16BE(b: Bytes, offset: number, value: number): void {
  b[offset] = (value >>> 8) & 0xff;
  b[offset + 1] = value & 0xff;
}

/** Write the 32 bits of `value` big-endian at `offset`. */
export function writeU32BE(b: Bytes, offset: number, value: number): void {
  b[offset] = (value >>> 24) & 0xff;
  b[offset + 1] = (value >>> 16) & 0xff;
  b[offset + 2] = (value >>> 8) & 0xff;
  b[offset + 3] = value & 0xff;
}
