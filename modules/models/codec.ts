/**
 * A table-driven codec for access-message parameters (the bytes after the opcode; Mesh Protocol 1.1, 3.7.3).
 *
 * Each message is described once, as a list of fields; the same description encodes, decodes and gives the
 * minimum and maximum parameter lengths. Decoding never throws: a message whose length does not fit its
 * description is reported (the caller drops it: 3.7.3.1, a message that cannot be parsed is ignored).
 *
 * Field types (all multi-octet values little-endian, 3.1.1.1):
 *   u8, u16, u24     unsigned integers
 *   idx              a 12-bit key index in two octets, the upper 4 bits RFU (4.3.1.1)
 *   idx2             two 12-bit key indexes packed in three octets, the first in the lower 12 bits (4.3.1.1);
 *                    the field's name is "a,b"
 *   pubIdx           Publish AppKey Index (12 bits), Credential Flag (bit 12), RFU (4.3.2.16): names "a,b"
 *   key16            16 octets (a key or a Label UUID)
 *   model            the Model Identifier that ends a message: 2 octets (SIG) or 4 octets (vendor: Company ID,
 *                    then model ID, 4.3.1.2 / 3.7.2); decodes into "modelId" and "companyId" (absent for SIG)
 *   sigModel         2-octet SIG Model ID, "modelId"
 *   vendorModel      4-octet vendor Model ID, "modelId" and "companyId"
 *   u16s             the rest: a list of 16-bit values (addresses)
 *   idxs             the rest: a list of key indexes packed two per three octets, an odd last one in two
 *                    octets (4.3.1.1)
 *   rest             the rest: raw bytes
 * A message's fields are one string, "name:type name:type | name:type": the fields after "|" are present all
 * together or not at all (e.g. Transition Time and Delay). One string per message keeps the tables small in
 * RAM on the device (the string stays in flash with the bytecode); fieldsOf() splits it when needed.
 */
import type { Bytes } from "../platform.js";

export type FieldType = "u8" | "u16" | "u24" | "idx" | "idx2" | "pubIdx" | "key16" | "model" | "sigModel" | "vendorModel" | "u16s" | "idxs" | "rest";

export type FieldSpec = readonly [name: string, type: FieldType];

export interface MessageSpec {
  opcode: number;
  /** The spec's name, e.g. "Config AppKey Add". */
  name: string;
  /** "name:type ..." with an optional "|" before the optional fields. */
  fields: string;
}

/** The fields of a message, and the index from which they are optional (all or none). */
export function fieldsOf(spec: MessageSpec): { fields: FieldSpec[]; optionalFrom: number | undefined } {
  const fields: FieldSpec[] = [];
  let optionalFrom: number | undefined;
  for (const token of spec.fields.split(" ")) {
    if (token === "") continue;
    if (token === "|") {
      optionalFrom = fields.length;
      continue;
    }
    const colon = token.indexOf(":");
    fields.push([token.slice(0, colon), token.slice(colon + 1) as FieldType]);
  }
  return { fields, optionalFrom };
}

/** Decoded parameters: numbers, bytes, or lists of numbers. */
export type Params = { [name: string]: number | Bytes | number[] | undefined };

export type DecodeResult = { ok: true; params: Params } | { ok: false; reason: string };

const FIXED: Readonly<Partial<Record<FieldType, number>>> = Object.freeze({ u8: 1, u16: 2, u24: 3, idx: 2, idx2: 3, pubIdx: 2, key16: 16, sigModel: 2, vendorModel: 4 });

/** The minimum and maximum parameter length of a message (max Infinity for a variable list). */
export function lengthRange(spec: MessageSpec): { min: number; max: number } {
  const { fields, optionalFrom } = fieldsOf(spec);
  let min = 0;
  let max = 0;
  for (let i = 0; i < fields.length; i++) {
    const type = fields[i]![1];
    const optional = optionalFrom !== undefined && i >= optionalFrom;
    const fixed = FIXED[type];
    if (fixed !== undefined) {
      if (!optional) min += fixed;
      max += fixed;
    } else if (type === "model") {
      if (!optional) min += 2;
      max += 4;
    } else {
      max = Infinity;
    }
  }
  return { min, max };
}

function names(name: string): [string, string] {
  const [a, b] = name.split(",");
  return [a!, b!];
}

/** Decode the parameters of `spec` from `data`. Lengths are checked first; nothing throws. */
export function decodeParams(spec: MessageSpec, data: Bytes): DecodeResult {
  const { min, max } = lengthRange(spec);
  if (data.length < min) return { ok: false, reason: `${spec.name}: ${data.length} octets, at least ${min} expected` };
  if (data.length > max) return { ok: false, reason: `${spec.name}: ${data.length} octets, at most ${max} expected` };
  const params: Params = {};
  const { fields, optionalFrom } = fieldsOf(spec);
  let o = 0;
  const u16 = (pos: number): number => data[pos]! | (data[pos + 1]! << 8);
  for (let i = 0; i < fields.length; i++) {
    const [name, type] = fields[i]!;
    if (optionalFrom !== undefined && i === optionalFrom && o === data.length) break;
    const left = data.length - o;
    const need = FIXED[type];
    if (need !== undefined && left < need) return { ok: false, reason: `${spec.name}: truncated at ${name}` };
    switch (type) {
      case "u8":
        params[name] = data[o]!;
        o += 1;
        break;
      case "u16":
        params[name] = u16(o);
        o += 2;
        break;
      case "u24":
        params[name] = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16);
        o += 3;
        break;
      case "idx":
        params[name] = u16(o) & 0x0fff;
        o += 2;
        break;
      case "idx2": {
        const [a, b] = names(name);
        const v = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16);
        params[a] = v & 0x0fff;
        params[b] = (v >> 12) & 0x0fff;
        o += 3;
        break;
      }
      case "pubIdx": {
        const [a, b] = names(name);
        const v = u16(o);
        params[a] = v & 0x0fff;
        params[b] = (v >> 12) & 1;
        o += 2;
        break;
      }
      case "key16":
        params[name] = data.slice(o, o + 16);
        o += 16;
        break;
      case "sigModel":
        params.modelId = u16(o);
        o += 2;
        break;
      case "vendorModel":
        params.companyId = u16(o);
        params.modelId = u16(o + 2);
        o += 4;
        break;
      case "model":
        // the Model Identifier ends the message: its length tells SIG (2) from vendor (4)
        if (left === 2) {
          params.modelId = u16(o);
          o += 2;
        } else if (left === 4) {
          params.companyId = u16(o);
          params.modelId = u16(o + 2);
          o += 4;
        } else return { ok: false, reason: `${spec.name}: Model Identifier of ${left} octets (2 or 4 expected)` };
        break;
      case "u16s": {
        if (left % 2 !== 0) return { ok: false, reason: `${spec.name}: odd length of the ${name} list` };
        const list: number[] = [];
        for (; o < data.length; o += 2) list.push(u16(o));
        params[name] = list;
        break;
      }
      case "idxs": {
        if (left % 3 === 1) return { ok: false, reason: `${spec.name}: bad length of the ${name} list` };
        const list: number[] = [];
        while (data.length - o >= 3) {
          const v = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16);
          list.push(v & 0x0fff, (v >> 12) & 0x0fff);
          o += 3;
        }
        if (data.length - o === 2) {
          list.push(u16(o) & 0x0fff);
          o += 2;
        }
        params[name] = list;
        break;
      }
      case "rest":
        params[name] = data.slice(o);
        o = data.length;
        break;
    }
  }
  if (o !== data.length) return { ok: false, reason: `${spec.name}: ${data.length - o} octet(s) too many` };
  return { ok: true, params };
}

function num(params: Params, name: string, spec: MessageSpec): number {
  const v = params[name];
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new RangeError(`${spec.name}: ${name} must be a non-negative integer`);
  return v;
}

/**
 * Encode the parameters of `spec`. Throws RangeError for a missing or out-of-range value (a programming
 * error of the sender, never input from the air). Optional fields are written when the first one is given.
 */
export function encodeParams(spec: MessageSpec, params: Params): Bytes {
  const out: number[] = [];
  const put16 = (v: number): void => {
    out.push(v & 0xff, (v >> 8) & 0xff);
  };
  const check = (v: number, max: number, name: string): number => {
    if (v > max) throw new RangeError(`${spec.name}: ${name} out of range`);
    return v;
  };
  const { fields, optionalFrom } = fieldsOf(spec);
  for (let i = 0; i < fields.length; i++) {
    const [name, type] = fields[i]!;
    if (optionalFrom !== undefined && i === optionalFrom) {
      const first = type === "idx2" || type === "pubIdx" ? names(name)[0] : name;
      if (params[first] === undefined) break;
    }
    switch (type) {
      case "u8":
        out.push(check(num(params, name, spec), 0xff, name));
        break;
      case "u16":
        put16(check(num(params, name, spec), 0xffff, name));
        break;
      case "u24": {
        const v = check(num(params, name, spec), 0xffffff, name);
        out.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff);
        break;
      }
      case "idx":
        put16(check(num(params, name, spec), 0xfff, name));
        break;
      case "idx2": {
        const [a, b] = names(name);
        const v = check(num(params, a, spec), 0xfff, a) | (check(num(params, b, spec), 0xfff, b) << 12);
        out.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff);
        break;
      }
      case "pubIdx": {
        const [a, b] = names(name);
        put16(check(num(params, a, spec), 0xfff, a) | (check(num(params, b, spec), 1, b) << 12));
        break;
      }
      case "key16": {
        const v = params[name];
        if (!(v instanceof Uint8Array) || v.length !== 16) throw new RangeError(`${spec.name}: ${name} must be 16 bytes`);
        for (const b of v) out.push(b);
        break;
      }
      case "sigModel":
        put16(check(num(params, "modelId", spec), 0xffff, "modelId"));
        break;
      case "vendorModel":
      case "model": {
        const cid = params.companyId;
        if (cid !== undefined) put16(check(num(params, "companyId", spec), 0xffff, "companyId"));
        else if (type === "vendorModel") throw new RangeError(`${spec.name}: companyId missing`);
        put16(check(num(params, "modelId", spec), 0xffff, "modelId"));
        break;
      }
      case "u16s":
      case "idxs": {
        const v = params[name];
        if (!Array.isArray(v)) throw new RangeError(`${spec.name}: ${name} must be a list`);
        if (type === "u16s") for (const a of v) put16(check(a, 0xffff, name));
        else {
          for (let k = 0; k + 1 < v.length; k += 2) {
            const p = check(v[k]!, 0xfff, name) | (check(v[k + 1]!, 0xfff, name) << 12);
            out.push(p & 0xff, (p >> 8) & 0xff, (p >> 16) & 0xff);
          }
          if (v.length % 2) put16(check(v[v.length - 1]!, 0xfff, name));
        }
        break;
      }
      case "rest": {
        const v = params[name];
        if (!(v instanceof Uint8Array)) throw new RangeError(`${spec.name}: ${name} must be bytes`);
        for (const b of v) out.push(b);
        break;
      }
    }
  }
  return Uint8Array.from(out);
}

/**
 * Message specs by opcode, checked for duplicates, from one text of lines "<opcode in hex> <name>=<fields>": each spec
 * made when asked for, so a table of many messages costs the device one string in flash with the bytecode, not an
 * object per message (the literal itself is kept when it is already in the table's form, "\n" before and after each
 * line: a string made at import would be copied into the preloaded heap).
 */
export class SpecTable {
  readonly size: number;
  private readonly text: string;

  constructor(specs: string) {
    const seen: { [opcode: number]: true } = {};
    const lines = specs.split("\n").filter((l) => l !== "");
    for (const l of lines) {
      const op = parseInt(l, 16);
      if (seen[op]) throw new Error(`duplicate opcode 0x${op.toString(16)} (${l})`);
      seen[op] = true;
    }
    const text = "\n" + lines.join("\n") + "\n";
    this.text = text === specs ? specs : text;
    this.size = lines.length;
    Object.freeze(this);
  }

  get(opcode: number): MessageSpec | undefined {
    const text = this.text;
    const key = "\n" + opcode.toString(16) + " ";
    const pos = text.indexOf(key);
    if (pos < 0) return undefined;
    const line = text.slice(pos + key.length, text.indexOf("\n", pos + 1));
    const eq = line.indexOf("=");
    return { opcode, name: line.slice(0, eq), fields: line.slice(eq + 1) };
  }

  /** Every spec of the table, in its order. */
  specs(): MessageSpec[] {
    return this.text.split("\n").filter((l) => l !== "").map((l) => this.get(parseInt(l, 16))!);
  }
}

export function specTable(specs: string): SpecTable {
  return new SpecTable(specs);
}

/** Helpers for decoded parameters (the decoder guarantees the types; these only narrow them). */
export function n(p: Params, name: string): number {
  return p[name] as number;
}
export function nOpt(p: Params, name: string): number | undefined {
  return p[name] as number | undefined;
}
export function bytes(p: Params, name: string): Bytes {
  return p[name] as Bytes;
}
export function list(p: Params, name: string): number[] {
  return p[name] as number[];
}
