// UF2 writer (Microsoft's USB Flashing Format, https://github.com/microsoft/uf2): 512-byte blocks, each carrying
// 256 bytes of the image at its flash address, with the family ID flag set. nRF52840 family ID: 0xADA52840.
//
//   node tools/nrf52/uf2.mjs firmware.bin 0x1000 firmware.uf2
import { readFileSync, writeFileSync } from "node:fs";

export const UF2_MAGIC_START0 = 0x0a324655; // "UF2\n"
export const UF2_MAGIC_START1 = 0x9e5d5157;
export const UF2_MAGIC_END = 0x0ab16f30;
export const UF2_FLAG_FAMILY_ID_PRESENT = 0x00002000;
export const UF2_FAMILY_NRF52840 = 0xada52840;
export const UF2_PAYLOAD = 256;

/** The UF2 image of `bin` (a Uint8Array) placed at flash address `base`. */
export function toUf2(bin, base, familyId = UF2_FAMILY_NRF52840) {
  if (!Number.isInteger(base) || base < 0 || base % 4) throw new Error("UF2 base address must be a multiple of 4");
  const count = Math.ceil(bin.length / UF2_PAYLOAD);
  const out = new Uint8Array(count * 512);
  const view = new DataView(out.buffer);
  for (let i = 0; i < count; i++) {
    const o = i * 512;
    view.setUint32(o + 0, UF2_MAGIC_START0, true);
    view.setUint32(o + 4, UF2_MAGIC_START1, true);
    view.setUint32(o + 8, UF2_FLAG_FAMILY_ID_PRESENT, true);
    view.setUint32(o + 12, base + i * UF2_PAYLOAD, true); // target address
    view.setUint32(o + 16, UF2_PAYLOAD, true); // payload size
    view.setUint32(o + 20, i, true); // block number
    view.setUint32(o + 24, count, true); // number of blocks
    view.setUint32(o + 28, familyId, true); // family ID (the flag above says so)
    out.set(bin.subarray(i * UF2_PAYLOAD, Math.min(bin.length, (i + 1) * UF2_PAYLOAD)), o + 32);
    view.setUint32(o + 508, UF2_MAGIC_END, true);
  }
  return out;
}

/** Parse a UF2 image back into {base, bin, familyId} (checks magics, numbering and contiguity). */
export function fromUf2(uf2) {
  if (uf2.length % 512) throw new Error("UF2 length is not a multiple of 512");
  const view = new DataView(uf2.buffer, uf2.byteOffset, uf2.byteLength);
  const count = uf2.length / 512;
  let base = 0, familyId = 0;
  const parts = [];
  for (let i = 0; i < count; i++) {
    const o = i * 512;
    if (view.getUint32(o, true) !== UF2_MAGIC_START0 || view.getUint32(o + 4, true) !== UF2_MAGIC_START1 ||
      view.getUint32(o + 508, true) !== UF2_MAGIC_END) throw new Error(`block ${i}: bad magic`);
    if (view.getUint32(o + 20, true) !== i || view.getUint32(o + 24, true) !== count) throw new Error(`block ${i}: bad numbering`);
    const addr = view.getUint32(o + 12, true), size = view.getUint32(o + 16, true);
    if (i === 0) {
      base = addr;
      familyId = view.getUint32(o + 28, true);
    } else if (addr !== base + i * UF2_PAYLOAD) throw new Error(`block ${i}: not contiguous`);
    parts.push(uf2.subarray(o + 32, o + 32 + size));
  }
  const bin = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bin.set(p, at);
    at += p.length;
  }
  return { base, bin, familyId };
}

export function writeUf2(binPath, base, uf2Path) {
  const bin = new Uint8Array(readFileSync(binPath));
  writeFileSync(uf2Path, toUf2(bin, base));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [bin, base, out] = process.argv.slice(2);
  if (!bin || !base || !out) {
    process.stderr.write("usage: node tools/nrf52/uf2.mjs firmware.bin 0x1000 firmware.uf2\n");
    process.exit(2);
  }
  writeUf2(bin, Number(base), out);
}
