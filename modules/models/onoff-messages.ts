/**
 * Generic OnOff messages (Mesh Model 1.1, 3.2.1; opcodes 7.1, Table 7.1) and the Generic Default Transition
 * Time encoding (3.1.3).
 */
import { specTable } from "./codec.js";

export const OnOffOp = Object.freeze({
  Get: 0x8201,
  Set: 0x8202,
  SetUnacknowledged: 0x8203,
  Status: 0x8204,
} as const);

/**
 * Every Generic OnOff message, one line each, "<opcode in hex> <name>=<fields>" (codec.ts SpecTable; opcodes OnOffOp).
 * Set and Set Unacknowledged (3.2.1.2, 3.2.1.3): Transition Time and Delay are present together or not at all;
 * Status (3.2.1.4): Target OnOff and Remaining Time likewise (during a transition). "|": the optional fields.
 */
export const ONOFF_TABLE = /* @__PURE__ */ specTable(`
8201 Generic OnOff Get=
8202 Generic OnOff Set=onOff:u8 tid:u8 | transitionTime:u8 delay:u8
8203 Generic OnOff Set Unacknowledged=onOff:u8 tid:u8 | transitionTime:u8 delay:u8
8204 Generic OnOff Status=presentOnOff:u8 | targetOnOff:u8 remainingTime:u8
`);

/**
 * Transition Time (3.1.3): 6-bit number of steps (0x3F: unknown, prohibited in a Set) and 2-bit step
 * resolution (100 ms, 1 s, 10 s, 10 min). Returns ms, or undefined for "unknown".
 */
export function transitionTimeMs(v: number): number | undefined {
  const steps = v & 0x3f;
  if (steps === 0x3f) return undefined;
  return steps * [100, 1000, 10_000, 600_000][v >> 6]!;
}

/** The Transition Time encoding nearest to (not below) `ms`, saturating at 0x3E steps of 10 min. */
export function encodeTransitionTime(ms: number): number {
  const res = [100, 1000, 10_000, 600_000];
  for (let r = 0; r < 4; r++) {
    const steps = Math.ceil(ms / res[r]!);
    if (steps <= 0x3e) return (r << 6) | steps;
  }
  return (3 << 6) | 0x3e;
}

/** Delay (3.2.1.2): steps of 5 ms. */
export const DELAY_STEP_MS = 5;
