// How every benchmark prints: `BENCH <name> <value> <unit>`, one line each, and the quantiles it
// reports. Benchmarks print numbers; they never assert how fast anything is.

export function bench(name: string, value: number, unit: string): void {
  const text = Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 3 : 1);
  console.log(`BENCH ${name} ${text} ${unit}`);
}

/** The q-quantile (0..1) of the values, nearest rank; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/** `<name>_median`, `<name>` (the p95, the figure a target is set for) and `<name>_max` in ms. */
export function p95Report(name: string, values: readonly number[]): void {
  bench(`${name}_median`, quantile(values, 0.5), 'ms');
  bench(name, quantile(values, 0.95), 'ms');
  bench(`${name}_max`, quantile(values, 1), 'ms');
}

/** `<name>_p50`, `_p95` and `_max` in ms. */
export function summary(name: string, values: readonly number[]): void {
  bench(`${name}_p50`, quantile(values, 0.5), 'ms');
  bench(`${name}_p95`, quantile(values, 0.95), 'ms');
  bench(`${name}_max`, quantile(values, 1), 'ms');
}
