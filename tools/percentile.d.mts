/** Nearest-rank percentile (tools/percentile.mjs): sorted[ceil(q * n) - 1], q in [0, 1]; NaN for no values. */
export function percentile(values: readonly number[], q: number): number;
