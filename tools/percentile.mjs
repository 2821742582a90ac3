// The one definition of a percentile for every benchmark (p50 = median, p95, ...): the nearest-rank method, the
// smallest of the values such that at least the fraction q of them are less than or equal to it,
// sorted[ceil(q * n) - 1] (q = 0 gives the smallest). The result is always one of the measured values (no
// interpolation between runs). The values need not be sorted and are not changed. An empty list gives NaN
// (JSON.stringify prints it as null).
export function percentile(values, q) {
  if (typeof q !== "number" || !(q >= 0 && q <= 1)) throw new RangeError(`percentile: q must be in [0, 1], not ${q}`);
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}
