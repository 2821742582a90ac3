// Types for tools/nrf52/build.mjs (the firmware build), for TypeScript tests.
export declare const BUDGETS: { flashBytes: number; ramPlanBytes: number };
export declare function mapBreakdown(
  mapText: string,
  groups: Record<string, string>,
): { flash: Record<string, number>; ram: Record<string, number> };
export declare function buildImage(
  board: string,
  variant: string,
  options?: { app?: "xs" | "smoke"; runInPlace?: boolean; heapBytes?: number; out?: string },
): Promise<{ out: string; size: Record<string, unknown> }>;
