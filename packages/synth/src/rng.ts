/**
 * A small, fast, seedable PRNG: xoshiro128** seeded through splitmix32.
 * Every player gets an independent stream derived from `(seed, playerIndex)`,
 * so a player's events do not depend on how many players came before it and a
 * range of players can be generated on its own.
 */

function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** A cumulative weight table for `Rng.weighted`, built once with `weights()`. */
export interface WeightTable<T> {
  readonly items: readonly T[];
  readonly cumulative: Float64Array;
}

/**
 * Builds a weight table from `[item, weight]` pairs (weights need not sum to 1).
 *
 * @example
 * const device = weights([['mobile', 6], ['desktop', 3], ['app', 1]]);
 * rng.weighted(device); // 'mobile' about 60% of the time
 */
export function weights<T>(pairs: readonly (readonly [T, number])[]): WeightTable<T> {
  const cumulative = new Float64Array(pairs.length);
  let sum = 0;
  pairs.forEach(([, w], i) => {
    if (!(w >= 0)) throw new RangeError(`weight must be non-negative, got ${w}`);
    sum += w;
    cumulative[i] = sum;
  });
  if (sum <= 0) throw new RangeError('weights must not all be zero');
  for (let i = 0; i < cumulative.length; i++) cumulative[i]! /= sum;
  return { items: pairs.map(([item]) => item), cumulative };
}

/**
 * A deterministic random stream.
 *
 * @example
 * const rng = new Rng(7, 0);
 * rng.float();            // same number for seed 7, stream 0, on every runtime
 * rng.lognormal(3, 1.2);  // heavy-tailed, median 3
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` is a non-negative safe integer; `stream` selects an independent sequence (a player index). */
  constructor(seed: number, stream: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let s = splitmix32(lo ^ splitmix32(hi ^ splitmix32(stream ^ 0x5bd1e995)));
    this.a = s = splitmix32(s);
    this.b = s = splitmix32(s);
    this.c = s = splitmix32(s);
    this.d = splitmix32(s) | 1;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal (Box–Muller; one value per call keeps the stream simple to reason about). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal with the given median; mean is `median * exp(sigma² / 2)`. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.below(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  weighted<T>(table: WeightTable<T>): T {
    const x = this.float();
    const cum = table.cumulative;
    let i = 0;
    while (i < cum.length - 1 && cum[i]! <= x) i++;
    return table.items[i]!;
  }

  /** `n` random decimal digits. */
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(48 + this.below(10));
    return s;
  }
}
