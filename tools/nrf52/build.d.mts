// Types for tools/nrf52/build.mjs (the firmware build), for TypeScript tests.
export declare const BUDGETS: {
  flashBytes: { nrf52: number; mps2: number };
  ramPlanBytes: { nrf52: number; mps2: number };
  prelinkedRamPlanBytes: { nrf52: number; mps2: number };
};
/** The node images' own budgets (variants light-node, switch-node; issue 10). */
export declare const NODE_PARTS: {
  node: true;
  flashBytes: { nrf52: number; mps2: number };
  ramPlanBytes: { nrf52: number; mps2: number };
};
export declare function budgetsFor(
  target: "nrf52" | "mps2",
  overrides?: { flashBytes?: number | string; ramPlanBytes?: number | string },
  preload?: boolean,
): { flashBytes: number; ramPlanBytes: number };
export declare function budgetViolations(size: Record<string, unknown>): string[];
export declare function mapBreakdown(
  mapText: string,
  groups: Record<string, string>,
): { flash: Record<string, number>; ram: Record<string, number> };
export declare function symbolBreakdown(
  elf: string,
  ramBase: number,
  flashBytes: number,
  ramBytes: number,
): { flash: Record<string, number>; ram: Record<string, number> };
export declare function buildImage(
  board: string,
  variant: string,
  options?: { app?: "xs" | "smoke"; runInPlace?: boolean; heapBytes?: number; out?: string;
    budgets?: { flashBytes?: number | string; ramPlanBytes?: number | string }; preload?: boolean },
): Promise<{ out: string; size: Record<string, unknown> }>;
export declare function preloadFlashParts(elf: string, flash: Record<string, number>, info: Record<string, unknown>): Record<string, number>;
