import { describe, expect, it, runtime } from '@pitboss/test/harness';
import { EVENT_EXAMPLES, EVENT_TYPES, Event, parseEvent } from '@pitboss/core';
import { fastParseEvent } from '../src/events.js';

/**
 * The fast path of `parseEvent` against the zod schemas: over the examples,
 * bulk-like events and tens of thousands of mutated and malformed ones,
 * `parseEvent` gives the same result (accepted event with its keys in the same
 * order, or the same issues with the same messages) with and without it, and
 * whatever the fast path accepts, zod accepts with exactly that output.
 */

const NOW = Date.parse('2026-03-10T00:00:00Z');

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Every string an enum of the schema allows, plus near misses. */
const ENUM_WORDS = [
  'single', 'multi', 'system', 'web', 'mobile_web', 'app', 'retail', 'phone', 'won', 'lost', 'void', 'half_won', 'half_lost', 'cashed_out',
  'slots', 'table', 'live_casino', 'crash', 'instant', 'poker', 'bingo', 'other', 'deposit', 'withdrawal', 'requested', 'approved', 'rejected',
  'cancelled', 'rolled_back', 'card', 'bank_transfer', 'e_wallet', 'pix', 'open_banking', 'crypto', 'voucher', 'cash', 'player', 'operator',
  'desktop', 'mobile', 'tablet', 'logout', 'timeout', 'reality_check', 'limit_reached', 'loss', 'wager', 'time', 'bets', 'session', 'day',
  'week', 'month', 'self_exclusion', 'time_out', 'national_register', 'low', 'medium', 'high', 'email', 'chat', 'in_app', 'letter', 'in_person',
  'information', 'limit_suggested', 'acknowledged', 'accepted', 'declined', 'escalated', 'Single', 'WON', ' won', 'won ', 'sportsbook', 'casino',
];

const STRINGS = [
  '', 'a', 'x', ' ', 'has space', 'tab\there', 'new\nline', 'cr\rhere', 'back\\slash', 'nul\u0000', 'lone\ud800', 'low\udc00x', 'pair\ud83d\ude00',
  'é', 'ação', '~/', '"quoted"', ...[63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512, 513, 4000, 4001].map((n) => 'x'.repeat(n)),
  'é'.repeat(64), 'é'.repeat(65), '\ud83d\ude00'.repeat(32), '\ud83d\ude00'.repeat(33),
  'BRL', 'brl', 'EUR', 'XXX', 'ZZZ', 'BR', 'pt-BR', '1', '0', 'true', 'null',
  '2026-03-01T09:15:00Z', '2026-03-01T09:15:00.123456Z', '2026-03-01T09:15:00+03:00', '2026-03-01T09:15:00-03:30', '2026-03-01T09:15:00.5-00:00',
  '2026-03-01T09:15:00', '2026-03-01T09:15Z', '2026-03-01 09:15:00Z', '2026-03-01T09:15:00z', '2026-03-01T09:15:00+24:00', '2026-03-01T09:15:00+0300',
  '2026-03-01T24:00:00Z', '2026-13-01T00:00:00Z', '2026-02-29T00:00:00Z', '2024-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2000-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z', '2026-03-01T09:15:60Z', '2026-03-01T09:15:00.Z', '+2026-03-01T09:15:00Z', '2026-03-01T09:15:00Z ', '2099-01-01T00:00:00Z',
  '2026-03-09T23:59:00Z', '2026-03-10T00:04:59Z', '2026-03-10T00:05:01Z', '2026-03-10T00:10:00Z',
  ...ENUM_WORDS,
];

const NUMBERS = [0, -0, 1, -1, 0.5, 1.5, 1.0000001, 2, 99.99, 100, 1900, 2100, 100_000, 100_000.5, 100_001, 1e9, 1e9 + 1, 2 ** 31, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e300, 5e-324, NaN, Infinity, -Infinity];

const OTHERS: unknown[] = [true, false, null, undefined, {}, [], [{}], { a: 1 }, ['x'], [1, 2], new Date(NOW), Object.create(null)];

const POOL: unknown[] = [...STRINGS, ...NUMBERS, ...OTHERS];

/** Bulk-like events of the shapes the fast path takes, with and without optional and defaulted fields. */
function bulkEvents(): Record<string, unknown>[] {
  const base = (i: number) => ({ schema_version: 1, event_id: `ev-${i}`, player_id: `pl-${i % 7}`, occurred_at: new Date(NOW - i * 3_600_000).toISOString() });
  const leg = { sport: 'football', market: '1x2', odds: 1.9, event: 'Flamengo v Palmeiras' };
  return [
    { ...base(1), type: 'casino.round', round_id: 'r1', game_id: 'starburst', game_type: 'slots', provider: 'netent', stake_minor: 100, win_minor: 0, currency: 'BRL' },
    { ...base(2), type: 'casino.round', round_id: 'r2', game_id: 'x', game_type: 'live_casino', stake_minor: 0, bonus_stake_minor: 5, win_minor: 7, currency: 'EUR' },
    { ...base(3), type: 'bet.placed', bet_id: 'b1', bet_type: 'single', stake_minor: 500, currency: 'BRL', odds: 2.5, legs: [leg] },
    { ...base(4), type: 'bet.placed', bet_id: 'b2', bet_type: 'multi', stake_minor: 1, currency: 'BRL', odds: 1e9, live: true, channel: 'web', legs: [leg, { ...leg, live: true, selection: 's', competition: 'c' }] },
    { ...base(5), type: 'bet.settled', bet_id: 'b1', result: 'won', payout_minor: 1250, currency: 'BRL' },
    { ...base(6), type: 'payment', payment_id: 'p1', direction: 'withdrawal', status: 'cancelled', method: 'pix', amount_minor: 1000, currency: 'BRL', cancelled_by: 'player', failure_reason: 'none' },
    { ...base(7), type: 'session.started', session_id: 's1', device: 'app' },
    { ...base(8), type: 'limit.changed', limit_type: 'time', period: 'day', old_value: null, new_value: 60 },
    { ...base(9), type: 'exclusion.started', kind: 'time_out', scope: 'operator', until: null },
    { ...base(10), type: 'bonus.granted', bonus_id: 'bn', amount_minor: 10, currency: 'GBP' },
  ];
}

/** Paths to every key of an event, nested ones included (legs, profile, personal, consents, attributes). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const out: (string | number)[][] = [];
  for (const [k, v] of Object.entries(value)) {
    const key = Array.isArray(value) ? Number(k) : k;
    out.push([...prefix, key], ...paths(v, [...prefix, key]));
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  const copy = clone(root) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) delete at[last];
  else at[last] = value;
  return copy;
}

function mutations(seeds: Record<string, unknown>[]): unknown[] {
  const out: unknown[] = [];
  for (const seed of seeds) {
    out.push(seed, clone(seed));
    for (const path of paths(seed)) {
      out.push(setAt(seed, path, undefined, true));
      for (const v of POOL) out.push(setAt(seed, path, v));
    }
    // Unknown, prototype-looking and extra keys, at the top and inside a leg.
    for (const extra of ['extra', '__proto__', 'constructor', 'toString', 'legs', 'attributes', 'ip', 'profile']) {
      out.push(JSON.parse(JSON.stringify(seed).replace(/^\{/, `{${JSON.stringify(extra)}:1,`)));
      out.push({ ...seed, [extra]: 'x' });
    }
    out.push({ ...seed, attributes: { a: 1 } }, { ...seed, attributes: {} });
    out.push(Object.assign(Object.create(null), seed), Object.assign(Object.create({ inherited: 1 }), seed));
    if (Array.isArray(seed.legs)) {
      const leg = (seed.legs as unknown[])[0];
      for (const n of [0, 1, 63, 64, 65]) out.push({ ...seed, legs: Array.from({ length: n }, () => clone(leg)) });
      out.push({ ...seed, legs: [leg, undefined] }, { ...seed, legs: Object.assign([], { 0: leg, length: 2 }) }, { ...seed, legs: { 0: leg, length: 1 } });
    }
  }
  return out;
}

function randomMutations(seeds: Record<string, unknown>[], count: number): unknown[] {
  const rand = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    let e: unknown = pick(seeds);
    const steps = 1 + Math.floor(rand() * 3);
    for (let s = 0; s < steps; s++) {
      const ps = paths(e);
      const r = rand();
      if (r < 0.15 && ps.length > 0) e = setAt(e, pick(ps), undefined, true);
      else if (r < 0.25) e = { ...(e as object), type: pick([...EVENT_TYPES, 'bet.unknown']) };
      else if (ps.length > 0) e = setAt(e, pick(ps), pick(POOL));
    }
    out.push(e);
  }
  return out;
}

describe(`event fast path against zod (${runtime})`, () => {
  const examples = Object.values(EVENT_EXAMPLES).map((e) => clone(e) as Record<string, unknown>);
  const seeds = [...examples, ...bulkEvents()];
  const inputs: unknown[] = [...mutations(seeds), ...randomMutations(seeds, 20_000)];

  it('parseEvent gives the same result with and without the fast path', () => {
    let accepted = 0;
    for (const input of inputs) {
      const fast = parseEvent(input, { now: NOW });
      const zod = parseEvent(input, { now: NOW, fastPath: false });
      // JSON text: keys in the same order, and the same issues with the same messages in the same order.
      if (JSON.stringify(fast) !== JSON.stringify(zod)) expect(JSON.stringify(fast), `input ${String(JSON.stringify(input))}`).to.equal(JSON.stringify(zod));
      expect(fast).to.deep.equal(zod);
      if (fast.ok) accepted++;
    }
    // Not vacuous: both outcomes occur, many times.
    expect(accepted).to.be.greaterThan(2000);
    expect(inputs.length - accepted).to.be.greaterThan(10_000);
  });

  it('whatever the fast path accepts, zod accepts with exactly that output', () => {
    let vouched = 0;
    const types = new Set<string>();
    for (const input of inputs) {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) continue;
      const fast = fastParseEvent(input as Record<string, unknown>);
      if (fast === undefined) continue;
      vouched++;
      types.add(String(fast.type));
      const zod = Event.safeParse(input);
      expect(zod.success, `zod rejects what the fast path took: ${JSON.stringify(input)}`).to.equal(true);
      expect(JSON.stringify(fast)).to.equal(JSON.stringify(zod.data));
      expect(fast).to.deep.equal(zod.data);
      // A fresh object, as zod returns: the caller's input is not handed back.
      expect(fast).not.to.equal(input);
    }
    expect(vouched).to.be.greaterThan(2000);
    expect([...types].sort()).to.deep.equal(['bet.placed', 'bet.settled', 'bonus.forfeited', 'bonus.granted', 'bonus.wagered', 'casino.round', 'exclusion.started', 'limit.changed', 'payment', 'session.ended', 'session.started']);
  });

  it('takes the common bulk shapes itself', () => {
    for (const e of bulkEvents()) expect(fastParseEvent(clone(e)), JSON.stringify(e)).not.to.equal(undefined);
  });
});
