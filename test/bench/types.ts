/**
 * The contract every benchmark in `npm run bench` fulfils. A bench file
 * `test/bench/<name>.bench.ts` default-exports a `Bench`. Each figure is
 * measured next to its baseline in the same run, so ratios hold on a noisy
 * machine; each value is the median of `repeats` runs.
 */
export interface Figure {
  /** What was measured, e.g. 'ingest events/s (POST /v1/events, 4 shards)'. */
  name: string;
  value: number;
  unit: string;
  /** What it is compared with, e.g. 'COPY into the same tables'. */
  baseline?: { name: string; value: number };
  /** value / baseline (or baseline / value for lower-is-better units, see `higherIsBetter`). */
  ratio?: number;
  higherIsBetter: boolean;
  /** Human-readable goal, e.g. '≥ 0.5 × COPY' or 'p99 < 10 ms'. */
  goal?: string;
  met?: boolean;
  /** Raw samples (e.g. latencies in ms) for distribution plots. */
  samples?: number[];
}

export interface BenchContext {
  /** `--quick` shrinks sizes for a smoke run. */
  quick: boolean;
  /** Number of repetitions for medians. */
  repeats: number;
  log(message: string): void;
}

export interface Bench {
  name: string;
  run(ctx: BenchContext): Promise<Figure[]>;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The q-quantile (0..1) by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
