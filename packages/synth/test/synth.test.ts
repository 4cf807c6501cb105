import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEvent } from '@pitboss/core';
import type { Event } from '@pitboss/core';
import type { Cohort, PlayerLabel, SyntheticPlayer } from '@pitboss/synth';
import { COHORT_SHARES, COHORTS, eventLine, generate, MARKETS, rangeOf } from '@pitboss/synth';
import { runSynthCli, writeNdjson, writeNdjsonParallel } from '@pitboss/synth/node';

const DAY = 86_400_000;

/** A sink that hashes what it receives; optionally slow, to exercise backpressure. */
class HashSink extends Writable {
  readonly hash = createHash('sha256');
  bytes = 0;
  maxBuffered = 0;
  maxChunk = 0;
  constructor(private readonly slow = false, highWaterMark = 16 * 1024) {
    super({ highWaterMark, decodeStrings: true });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.maxBuffered = Math.max(this.maxBuffered, this.writableLength);
    this.maxChunk = Math.max(this.maxChunk, chunk.length);
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.slow) setImmediate(cb);
    else cb();
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

async function digestOf(players: number, days: number, seed: number): Promise<{ events: string; labels: string }> {
  const events = new HashSink();
  const labels = new HashSink();
  await writeNdjson(generate({ players, days, seed }), { events, labels });
  return { events: events.digest(), labels: labels.digest() };
}

const sha256File = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const offsetOf = new Map(MARKETS.map((m) => [m.country, m.utcOffsetHours]));

describe('synth: determinism', () => {
  it('gives byte-identical events and labels for the same seed, and different ones for another seed', async () => {
    const a = await digestOf(300, 60, 42);
    const b = await digestOf(300, 60, 42);
    const c = await digestOf(300, 60, 43);
    expect(b).toEqual(a);
    expect(c.events).not.toBe(a.events);
    expect(c.labels).not.toBe(a.labels);
  });

  it('generates a slice of a run identical to the same players inside the whole run', () => {
    const whole = [...generate({ players: 40, days: 45, seed: 9 })].slice(25);
    const slice = [...generate({ players: 15, days: 45, seed: 9, firstPlayer: 25 })];
    expect(JSON.stringify(slice)).toBe(JSON.stringify(whole));
  });
});

describe('synth: every event is a valid, well-placed schema v1 event', () => {
  const range = rangeOf('2026-01-01', 90);
  let players: SyntheticPlayer[] = [];
  beforeAll(() => {
    players = [...generate({ players: 800, days: 90, seed: 3 })];
  });
  afterAll(() => {
    players = [];
  });

  it('passes parseEvent after a JSON round trip', () => {
    const now = range.endMs + DAY;
    const failures: string[] = [];
    let count = 0;
    for (const p of players) {
      for (const e of p.events) {
        count++;
        const r = parseEvent(JSON.parse(JSON.stringify(e)), { now });
        if (!r.ok) failures.push(`${e.event_id} ${e.type}: ${JSON.stringify(r.issues)}`);
      }
    }
    expect(count).toBeGreaterThan(20_000);
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('has unique event ids, chronological per player, inside the range, registration first', () => {
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const p of players) {
      if (p.events[0]?.type !== 'player.updated') problems.push(`${p.player_id}: first event ${p.events[0]?.type}`);
      let prev = range.startMs;
      for (const e of p.events) {
        const t = Date.parse(e.occurred_at);
        if (e.player_id !== p.player_id) problems.push(`${e.event_id}: player ${e.player_id}`);
        if (t < prev || t >= range.endMs) problems.push(`${e.event_id}: out of order or range at ${e.occurred_at}`);
        prev = t;
        ids.add(e.event_id);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(ids.size).toBe(players.reduce((n, p) => n + p.events.length, 0));
  });

  it('serialises every event exactly as JSON.stringify does, escaping where needed', () => {
    const differ = players.flatMap((p) => p.events).filter((e) => eventLine(e) !== JSON.stringify(e));
    expect(differ.slice(0, 3)).toEqual([]);
    const round = players.flatMap((p) => p.events).find((e) => e.type === 'casino.round')!;
    const odd = { ...round, game_id: 'say "hi"\\\n', provider: 'caf\u00e9 \ud83c' } as Event;
    expect(eventLine(odd)).toBe(JSON.stringify(odd));
    const withAttributes = { ...round, attributes: { note: 'x' } } as Event;
    expect(eventLine(withAttributes)).toBe(JSON.stringify(withAttributes));
  });

  it('stops play during an exclusion', () => {
    let exclusions = 0;
    const breaches: string[] = [];
    for (const p of players) {
      for (const ex of p.events) {
        if (ex.type !== 'exclusion.started') continue;
        exclusions++;
        const from = Date.parse(ex.occurred_at);
        const until = ex.until === null ? Infinity : Date.parse(ex.until);
        for (const e of p.events) {
          const t = Date.parse(e.occurred_at);
          const play = e.type === 'bet.placed' || e.type === 'casino.round' || e.type === 'session.started' || (e.type === 'payment' && e.direction === 'deposit');
          if (play && t > from && t < until) breaches.push(`${e.event_id} ${e.type} during exclusion ${ex.event_id}`);
        }
      }
    }
    expect(exclusions).toBeGreaterThan(0);
    expect(breaches.slice(0, 5)).toEqual([]);
  });

  it('funds the account before the first wager', () => {
    for (const p of players) {
      const first = p.events.findIndex((e) => e.type === 'bet.placed' || e.type === 'casino.round');
      if (first < 0) continue;
      const funded = p.events.slice(0, first).some((e) => e.type === 'payment' && e.direction === 'deposit' && e.status === 'approved');
      expect(funded, p.player_id).toBe(true);
    }
  });

  it('gives each player a profile with personal data plausible for the country', () => {
    const phonePrefix: Record<string, string> = { BR: '+55', GB: '+447', ES: '+34', MX: '+52', DE: '+491', IT: '+393', CO: '+573', PE: '+519', CA: '+1', SE: '+467', IE: '+3538' };
    for (const p of players) {
      const reg = p.events[0] as Extract<Event, { type: 'player.updated' }>;
      expect(reg.profile.country).toBe(p.label.country);
      expect(reg.profile.currency).toBe(p.label.currency);
      expect(reg.profile.registered_at).toBe(p.label.registered_at);
      expect(reg.profile.personal?.phone?.startsWith(phonePrefix[p.label.country]!)).toBe(true);
      const foreign = p.events.filter((e) => 'currency' in e && e.currency !== undefined && e.currency !== p.label.currency);
      expect(foreign).toEqual([]);
    }
  });
});

interface Aggregates {
  players: number;
  events: number;
  cohorts: Record<Cohort, number>;
  countries: Map<string, number>;
  perDay: Record<'fixed' | 'live' | 'casino', { days: number; wagers: number }>;
  labelMismatches: string[];
  /** Per cohort, players active in the 30 days before the cutoff, with their marker values. */
  signals: Record<Cohort, { nightShare: number[]; cancelled: number[]; limitIncreases: number[]; failedDeposits: number[] }>;
}

/** Churn as the label defines it, recomputed from the events alone. */
function churnedFromEvents(events: readonly Event[], label: PlayerLabel): boolean | null {
  if (label.churn_cutoff_at === null) return null;
  const cutoff = Date.parse(label.churn_cutoff_at);
  let before = false;
  let after = false;
  for (const e of events) {
    if (e.type !== 'bet.placed' && e.type !== 'casino.round' && !(e.type === 'payment' && e.direction === 'deposit')) continue;
    if (Date.parse(e.occurred_at) < cutoff) before = true;
    else after = true;
  }
  return before ? !after : null;
}

function aggregate(players: number, seed: number): Aggregates {
  const agg: Aggregates = {
    players: 0,
    events: 0,
    cohorts: { ordinary: 0, at_risk: 0, churner: 0, bonus_hunter: 0 },
    countries: new Map(),
    perDay: { fixed: { days: 0, wagers: 0 }, live: { days: 0, wagers: 0 }, casino: { days: 0, wagers: 0 } },
    labelMismatches: [],
    signals: Object.fromEntries(COHORTS.map((c) => [c, { nightShare: [], cancelled: [], limitIncreases: [], failedDeposits: [] }])) as unknown as Aggregates['signals'],
  };
  for (const p of generate({ players, days: 90, seed })) {
    const { label, events } = p;
    agg.players++;
    agg.events += events.length;
    agg.cohorts[label.cohort]++;
    agg.countries.set(label.country, (agg.countries.get(label.country) ?? 0) + 1);
    if (label.player_id !== p.player_id) agg.labelMismatches.push(`${p.player_id}: label for ${label.player_id}`);
    if (label.churned !== churnedFromEvents(events, label)) agg.labelMismatches.push(`${p.player_id}: churned`);
    if (label.at_risk !== (label.cohort === 'at_risk') || (label.risk_onset_at !== null) !== label.at_risk) agg.labelMismatches.push(`${p.player_id}: at_risk`);
    if (label.at_risk && label.risk_markers.length < 2) agg.labelMismatches.push(`${p.player_id}: markers`);

    const days = new Map<string, number>();
    const cutoff = Date.parse(label.churn_cutoff_at!);
    const offset = offsetOf.get(label.country)! * 3_600_000;
    let wagers = 0;
    let night = 0;
    let cancelled = 0;
    let limitIncreases = 0;
    let deposits = 0;
    let failed = 0;
    for (const e of events) {
      const product = e.type === 'bet.placed' ? (e.live ? 'live' : 'fixed') : e.type === 'casino.round' ? 'casino' : null;
      if (product) {
        const key = product + e.occurred_at.slice(0, 10);
        days.set(key, (days.get(key) ?? 0) + 1);
      }
      const t = Date.parse(e.occurred_at);
      if (t >= cutoff || t < cutoff - 30 * DAY) continue;
      if (product) {
        wagers++;
        // Night in the player's local time: in UTC, evening play in the Americas falls at 00:00-06:00.
        if (new Date(t + offset).getUTCHours() < 6) night++;
      }
      if (e.type === 'payment' && e.direction === 'deposit') {
        deposits++;
        if (e.status === 'rejected') failed++;
      }
      if (e.type === 'payment' && e.status === 'cancelled' && e.cancelled_by === 'player') cancelled++;
      if (e.type === 'limit.changed' && (e.new_value === null || (e.old_value !== null && e.new_value > e.old_value))) limitIncreases++;
    }
    for (const [key, n] of days) {
      const product = key.slice(0, key.search(/\d/)) as 'fixed' | 'live' | 'casino';
      agg.perDay[product].days++;
      agg.perDay[product].wagers += n;
    }
    if (wagers > 0) {
      const s = agg.signals[label.cohort];
      s.nightShare.push(night / wagers);
      s.cancelled.push(cancelled);
      s.limitIncreases.push(limitIncreases);
      s.failedDeposits.push(deposits ? failed / deposits : 0);
    }
  }
  return agg;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const shareAbove = (xs: readonly number[], v: number): number => xs.filter((x) => x > v).length / xs.length;

describe('synth: shapes, cohorts and labels (6,000 players, 90 days)', () => {
  let agg: Aggregates;
  beforeAll(() => {
    agg = aggregate(6000, 11);
  });

  it('writes labels that match players and the churn definition', () => {
    expect(agg.labelMismatches.slice(0, 5)).toEqual([]);
  });

  it('plants each cohort within 2 points of its stated share', () => {
    for (const c of COHORTS) expect(Math.abs(agg.cohorts[c] / agg.players - COHORT_SHARES[c]), c).toBeLessThan(0.02);
  });

  it('mixes countries by their weights, BR, GB, ES and MX included', () => {
    const totalWeight = MARKETS.reduce((a, m) => a + m.weight, 0);
    for (const m of MARKETS) {
      expect(Math.abs((agg.countries.get(m.country) ?? 0) / agg.players - m.weight / totalWeight), m.country).toBeLessThan(0.02);
    }
    for (const c of ['BR', 'GB', 'ES', 'MX']) expect(agg.countries.get(c)).toBeGreaterThan(agg.players * 0.05);
  });

  it('places bets per active day near the published figures', () => {
    const per = (k: 'fixed' | 'live' | 'casino'): number => agg.perDay[k].wagers / agg.perDay[k].days;
    expect(per('fixed')).toBeGreaterThan(4.5);
    expect(per('fixed')).toBeLessThan(8);
    expect(per('live')).toBeGreaterThan(10);
    expect(per('live')).toBeLessThan(17);
    expect(per('casino')).toBeGreaterThan(150);
    expect(per('casino')).toBeLessThan(400);
  });

  it('produces roughly 40-90 events per player over 90 days', () => {
    expect(agg.events / agg.players).toBeGreaterThan(40);
    expect(agg.events / agg.players).toBeLessThan(90);
  });

  it('makes the planted risk signals visible in the 30 days before the cutoff, but not separable', () => {
    const risk = agg.signals.at_risk;
    const ord = agg.signals.ordinary;
    expect(risk.nightShare.length).toBeGreaterThan(200);
    expect(mean(risk.nightShare)).toBeGreaterThan(1.5 * mean(ord.nightShare));
    expect(shareAbove(risk.cancelled, 0)).toBeGreaterThan(3 * shareAbove(ord.cancelled, 0));
    expect(shareAbove(risk.limitIncreases, 0)).toBeGreaterThan(5 * shareAbove(ord.limitIncreases, 0));
    expect(mean(risk.failedDeposits)).toBeGreaterThan(2 * mean(ord.failedDeposits));
    // Noise both ways: some ordinary players show each marker, and many at-risk players show few of them.
    expect(shareAbove(ord.cancelled, 0)).toBeGreaterThan(0);
    expect(shareAbove(ord.nightShare, 0.25)).toBeGreaterThan(0.03);
    const quiet = risk.cancelled.filter((c, i) => c === 0 && risk.limitIncreases[i] === 0 && risk.failedDeposits[i] === 0).length;
    expect(quiet / risk.cancelled.length).toBeGreaterThan(0.25);
  });
});

describe('synth: streaming', () => {
  it('waits for drain: a slow sink never buffers more than one chunk beyond its high-water mark', async () => {
    const sink = new HashSink(true, 64 * 1024);
    const stats = await writeNdjson(generate({ players: 1500, days: 90, seed: 5 }), { events: sink }, { chunkBytes: 64 * 1024 });
    expect(sink.bytes).toBe(stats.eventBytes);
    expect(sink.bytes).toBeGreaterThan(20e6);
    expect(sink.maxBuffered).toBeLessThanOrEqual(64 * 1024 + sink.maxChunk);
    expect(sink.maxBuffered).toBeLessThan(sink.bytes / 10);
  });

  it('writes the same bytes from worker threads as from one thread', async () => {
    const options = { players: 330, days: 30, seed: 12 };
    const single = await digestOf(options.players, options.days, options.seed);
    const events = new HashSink();
    const labels = new HashSink();
    const stats = await writeNdjsonParallel(options, { events, labels }, { workers: 2, slicePlayers: 50 });
    expect(stats.players).toBe(330);
    expect({ events: events.digest(), labels: labels.digest() }).toEqual(single);
  });

  it('generates far more output than a small heap could hold (old space capped at 32 MB)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pitboss-synth-heap-'));
    try {
      const out = join(dir, 'big.ndjson');
      const bin = fileURLToPath(new URL('../../../headless-api/bin/pitboss.mjs', import.meta.url));
      const run = spawnSync(process.execPath, ['--max-old-space-size=32', bin, 'synth', '--players', '3000', '--days', '90', '--seed', '8', '--out', out], {
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(run.status, run.stderr).toBe(0);
      // Holding the output (one-byte strings) would need at least its size in old space and abort the process.
      expect(statSync(out).size).toBeGreaterThan(2 * 32 * 1024 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pitboss synth CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pitboss-synth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const quietly = async (args: string[]): Promise<{ code: number; stderr: string; stdout: string }> => {
    let stderr = '';
    let stdout = '';
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    try {
      return { code: await runSynthCli(args), stderr, stdout };
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  };

  it('writes reproducible files, the same bytes as the library, labels beside them', async () => {
    const out = join(dir, 'a.ndjson');
    const args = ['--players', '250', '--days', '45', '--seed', '5', '--out', out];
    const first = await quietly(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/250 players/);
    expect(first.stderr, 'no progress bar when stderr is not a terminal').not.toMatch(/\r|\[#/);
    const hash = sha256File(out);
    expect((await quietly(args)).code).toBe(0);
    expect(sha256File(out)).toBe(hash);
    expect(hash).toBe((await digestOf(250, 45, 5)).events);
    const labels = readFileSync(join(dir, 'a.labels.ndjson'), 'utf8').trim().split('\n');
    expect(labels).toHaveLength(250);
    expect((JSON.parse(labels[0]!) as PlayerLabel).player_id).toBe('s5-p0000001');
  });

  it('honours --labels and --start', async () => {
    const out = join(dir, 'b.ndjson');
    const labels = join(dir, 'b-labels.ndjson');
    const r = await quietly(['--players', '5', '--days', '10', '--seed', '1', '--out', out, '--labels', labels, '--start', '2025-06-01']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(labels)).toBe(true);
    const first = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as Event;
    expect(first.occurred_at.startsWith('2025-06')).toBe(true);
  });

  it('prints help with exit 0', async () => {
    const r = await quietly(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--players N/);
  });

  it.each([
    [[], /--players is required/],
    [['--players', 'ten', '--days', '5', '--seed', '1', '--out', 'x'], /--players must be an integer/],
    [['--players', '5', '--days', '0', '--seed', '1', '--out', 'x'], /--days must be an integer from 1/],
    [['--players', '5', '--days', '5', '--seed', '-1', '--out', 'x'], /--seed/],
    [['--players', '5', '--days', '5', '--seed', '1'], /--out FILE is required/],
    [['--players', '5', '--days', '5', '--seed', '1', '--out', 'x', '--start', 'soon'], /--start/],
    [['--players', '5', '--days', '5', '--seed', '1', '--out', 'x', '--tenant', 't'], /Unknown option '--tenant'/],
    [['--players', '5', '--days', '5', '--seed', '1', '--out', 'x', '--workers', '0'], /--workers must be an integer from 1 to 64/],
  ])('rejects bad flags %j with exit 2', async (args, message) => {
    const r = await quietly(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage: pitboss synth/);
  });

  it('reports an unwritable output with exit 1', async () => {
    const r = await quietly(['--players', '5', '--days', '5', '--seed', '1', '--out', join(dir, 'missing', 'x.ndjson')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot open output.*ENOENT/);
  });
});
