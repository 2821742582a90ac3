// Writes a unit's factory record (modules/factory/record.ts, encode.ts; docs/firmware.md "Factory data"): the per-unit values
// the firmware entry (native/xs/js/device-main.js) reads at boot over the build's defaults.
//
//   node tools/fw/factory.mjs [--static HEX] [--uuid HEX] [--output SIZE:ACTION[,ACTION...]|none]
//                             [--input SIZE:ACTION[,ACTION...]|none] --out FILE
//   node tools/fw/factory.mjs --read FILE
//
//   --static HEX   the Static OOB value, 16 or 32 bytes (32 or 64 hex digits; Mesh Protocol 1.1, 5.4.2.4)
//   --uuid HEX     the Device UUID (32 hex digits, dashes allowed); without it the FICR-derived one
//   --output, --input   the Output / Input OOB Capabilities (5.4.1.2): the largest size (1..8) and the actions
//                  (output: blink, beep, vibrate, numeric, alphanumeric; input: push, twist, numeric, alphanumeric);
//                  "none": the method is not offered. Without them, the kind's defaults (main.ts)
//   --out FILE     FILE.hex: Intel HEX at the nRF52840's UICR.CUSTOMER[0] (0x10001080), for the programmer
//                  (e.g. nrfjprog --program FILE.hex, on an erased UICR); any other name: the raw record, for
//                  the twin (qemu-system-arm -device loader,file=FILE,addr=0x00100000,force-raw=on)
//   --read FILE    decodes a raw record (or a factory area dump) and prints it as JSON; exit 1 if corrupt
// A mistake on the command line: one line on stderr, exit 2.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const { decodeFactoryRecord } = await tsImport("../../modules/factory/record.ts", import.meta.url);
const { encodeFactoryRecord } = await tsImport("../../modules/factory/encode.ts", import.meta.url);
const { OutputOobAction, InputOobAction } = await tsImport("../../modules/prov/pdu.ts", import.meta.url);

/** nRF52840 PS v1.7, 4.5: UICR.CUSTOMER[0] */
export const UICR_CUSTOMER = 0x10001080;
/** The twin's factory area (native/mps2/hal_mps2.c) */
export const TWIN_FACTORY = 0x00100000;

const ACTIONS = {
  output: { blink: OutputOobAction.Blink, beep: OutputOobAction.Beep, vibrate: OutputOobAction.Vibrate, numeric: OutputOobAction.OutputNumeric, alphanumeric: OutputOobAction.OutputAlphanumeric },
  input: { push: InputOobAction.Push, twist: InputOobAction.Twist, numeric: InputOobAction.InputNumeric, alphanumeric: InputOobAction.InputAlphanumeric },
};

class UsageError extends Error {}

function hexBytes(text, what, lengths) {
  const h = String(text).replace(/-/g, "");
  if (!/^([0-9a-fA-F]{2})+$/.test(h) || !lengths.includes(h.length / 2)) throw new UsageError(`${what} must be ${lengths.join(" or ")} bytes of hex, got "${text}"`);
  return Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));
}

function oob(text, which) {
  if (text === "none") return { size: 0, action: 0 };
  const m = /^([1-8]):([a-z,]+)$/.exec(String(text));
  if (!m) throw new UsageError(`--${which} must be SIZE:ACTION[,ACTION...] (size 1..8) or none, got "${text}"`);
  let action = 0;
  for (const name of m[2].split(",")) {
    const bit = ACTIONS[which][name];
    if (bit === undefined) throw new UsageError(`--${which}: unknown action "${name}" (${Object.keys(ACTIONS[which]).join(", ")})`);
    action |= 1 << bit;
  }
  return { size: Number(m[1]), action };
}

/** The record's fields from the command line's options. */
export function recordOf(o) {
  const r = {};
  if (o.static !== undefined) r.staticOob = hexBytes(o.static, "--static", [16, 32]);
  if (o.uuid !== undefined) r.uuid = hexBytes(o.uuid, "--uuid", [16]);
  if (o.output !== undefined) r.output = oob(o.output, "output");
  if (o.input !== undefined) r.input = oob(o.input, "input");
  return r;
}

/** Intel HEX of `bytes` at `address`: an Extended Linear Address record, data records of 16 bytes, the end. */
export function intelHex(bytes, address) {
  const record = (type, offset, data) => {
    const b = [data.length, (offset >> 8) & 0xff, offset & 0xff, type, ...data];
    const sum = (0x100 - (b.reduce((a, x) => a + x, 0) & 0xff)) & 0xff;
    return ":" + [...b, sum].map((x) => x.toString(16).toUpperCase().padStart(2, "0")).join("") + "\n";
  };
  let out = record(4, 0, [(address >>> 24) & 0xff, (address >>> 16) & 0xff]);
  for (let i = 0; i < bytes.length; i += 16) out += record(0, (address + i) & 0xffff, [...bytes.subarray(i, i + 16)]);
  return out + record(1, 0, []);
}

function main(argv) {
  const o = {};
  const names = ["static", "uuid", "output", "input", "out", "read"];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : "";
    if (!names.includes(name)) throw new UsageError(`unexpected argument "${argv[i]}"`);
    if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
    o[name] = argv[++i];
  }
  if (o.read !== undefined) {
    const r = decodeFactoryRecord(new Uint8Array(readFileSync(o.read)));
    if (!r.ok) {
      process.stderr.write(`factory: ${o.read}: ${r.reason}\n`);
      return 1;
    }
    const hex = (b) => Buffer.from(b).toString("hex");
    const shown = { ...r.record };
    if (shown.staticOob) shown.staticOob = hex(shown.staticOob);
    if (shown.uuid) shown.uuid = hex(shown.uuid);
    process.stdout.write(JSON.stringify(shown) + "\n");
    return 0;
  }
  if (o.out === undefined) throw new UsageError("--out FILE is needed (FILE.hex: Intel HEX for the UICR; else the raw record)");
  const bytes = encodeFactoryRecord(recordOf(o));
  writeFileSync(o.out, o.out.endsWith(".hex") ? intelHex(bytes, UICR_CUSTOMER) : bytes);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof RangeError)) throw e;
    process.stderr.write(`factory: ${e.message}\n`);
    process.exitCode = 2;
  }
}
