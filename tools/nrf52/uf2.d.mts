// Types for tools/nrf52/uf2.mjs (the UF2 writer), for TypeScript callers and tests.
export declare const UF2_MAGIC_START0: number;
export declare const UF2_MAGIC_START1: number;
export declare const UF2_MAGIC_END: number;
export declare const UF2_FLAG_FAMILY_ID_PRESENT: number;
export declare const UF2_FAMILY_NRF52840: number;
export declare const UF2_PAYLOAD: number;
export declare function toUf2(bin: Uint8Array, base: number, familyId?: number): Uint8Array;
export declare function fromUf2(uf2: Uint8Array): { base: number; bin: Uint8Array; familyId: number };
export declare function writeUf2(binPath: string, base: number, uf2Path: string): void;
