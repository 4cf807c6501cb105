import { FEATURES, FIELDS, registrySegmentFields } from '@pitboss/core';
import type { SegmentFields } from '@pitboss/core';

/**
 * A deterministic synthetic operator for the segment tests: players with every
 * kind of attribute (NULLs, wildcard characters, mixed case, accents,
 * exclusions that ended, that run, that never end), some features, and events
 * placed on and around the window edges. The same data goes into Postgres and
 * DuckDB, and into the reference evaluator in `oracle.ts`.
 */

export const AS_OF = '2026-06-01T12:00:00.000Z';
const AS_OF_MS = Date.parse(AS_OF);
const DAY = 86_400_000;

/** The guardrail's fields (`timed_out_until`, `risk_band`) are in the registry, as storage gives them columns. */
export const RISK_BANDS = ['none', 'low', 'medium', 'high', 'very_high'] as const;
export const FIELDS_FOR_TESTS: SegmentFields = registrySegmentFields(FIELDS);
/** The registry without what the guardrail reads, to check that it fails closed. */
export const FIELDS_WITHOUT_GUARDRAIL: SegmentFields = registrySegmentFields(FIELDS.filter((f) => f.key !== 'timed_out_until' && f.key !== 'risk_band'));

export interface PlayerRow {
  tenant_id: string;
  player_id: string;
  registered_at: string | null;
  country: string | null;
  currency: string | null;
  birth_year: number | null;
  brand: string | null;
  market: string | null;
  language: string | null;
  affiliate_id: string | null;
  kyc_verified_at: string | null;
  blocked: boolean | null;
  self_excluded_until: string | null;
  timed_out_until: string | null;
  test_account: boolean | null;
  tags: string[] | null;
  last_event_at: string | null;
  risk_band: string | null;
}

export const PLAYER_COLUMNS = [
  'tenant_id', 'player_id', 'registered_at', 'country', 'currency', 'birth_year', 'brand', 'market', 'language',
  'affiliate_id', 'kyc_verified_at', 'blocked', 'self_excluded_until', 'timed_out_until', 'test_account', 'tags',
  'last_event_at', 'risk_band',
] as const satisfies readonly (keyof PlayerRow)[];

export type FeatureRow = { tenant_id: string; player_id: string } & Record<string, number | null | string>;

export interface EventRowT {
  tenant_id: string;
  event_id: string;
  player_id: string;
  type: string;
  occurred_at: string;
  product: string | null;
  amount_minor: number | null;
  bonus_minor: number | null;
  win_minor: number | null;
  status: string | null;
  direction: string | null;
  method: string | null;
}

export const EVENT_TEST_COLUMNS = [
  'tenant_id', 'event_id', 'player_id', 'type', 'occurred_at', 'product', 'amount_minor', 'bonus_minor', 'win_minor',
  'status', 'direction', 'method',
] as const satisfies readonly (keyof EventRowT)[];

export interface DataSet {
  players: PlayerRow[];
  features: FeatureRow[];
  events: EventRowT[];
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function generate(seed = 42, perTenant: Record<string, number> = { t1: 400, t2: 80 }): DataSet {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = <T>(p: number, f: () => T): T | null => (r() < p ? f() : null);
  const players: PlayerRow[] = [];
  const features: FeatureRow[] = [];
  const events: EventRowT[] = [];
  let eventSeq = 0;
  for (const [tenant, n] of Object.entries(perTenant)) {
    for (let i = 0; i < n; i++) {
      const player_id = `p${String(i).padStart(4, '0')}`;
      // Whole days and exact window edges are planted on purpose: `(asOf − N days, asOf]` must cut the same way everywhere.
      const regDays = r() < 0.1 ? pick([7, 30, 90]) : Math.floor(r() * 400) + r();
      const registered = AS_OF_MS - regDays * DAY;
      const until = (): string => pick([iso(AS_OF_MS - Math.floor(r() * 60 + 1) * DAY), iso(AS_OF_MS + Math.floor(r() * 60 + 1) * DAY), 'infinity']);
      const p: PlayerRow = {
        tenant_id: tenant,
        player_id,
        registered_at: r() < 0.05 ? null : iso(registered),
        country: maybe(0.9, () => pick(['BR', 'PT', 'ES', 'GB', 'MX'])),
        currency: maybe(0.95, () => pick(['BRL', 'EUR', 'GBP', 'MXN'])),
        birth_year: maybe(0.85, () => 1950 + Math.floor(r() * 56)),
        brand: maybe(0.9, () => pick(['Apex', 'apex-casino', 'APEXBET', 'Bolt', 'Çasa Real', 'çasa'])),
        market: maybe(0.8, () => pick(['br', 'pt', 'es', 'uk'])),
        language: maybe(0.8, () => pick(['pt-BR', 'es', 'en'])),
        affiliate_id: maybe(0.6, () => pick(['aff_01', 'aff_02', 'AFF-77', 'a%b', 'a_b', 'axb', "o'brien", 'aff\\x'])),
        kyc_verified_at: maybe(0.7, () => iso(registered + Math.floor(r() * 5) * DAY)),
        blocked: r() < 0.05 ? null : r() < 0.08,
        self_excluded_until: maybe(0.12, until),
        timed_out_until: maybe(0.08, until),
        test_account: r() < 0.03 ? null : r() < 0.05,
        tags: r() < 0.15 ? null : ['vip', 'churn_risk', 'high_roller', 'new', 'sports'].filter(() => r() < 0.3),
        last_event_at: null,
        risk_band: maybe(0.85, () => pick(RISK_BANDS)),
      };
      let last = -Infinity;
      const nEvents = Math.floor(r() * r() * 40);
      for (let k = 0; k < nEvents; k++) {
        const edge = r() < 0.08;
        const ago = edge ? pick([7, 30, 90]) * DAY : r() < 0.05 ? -Math.floor(r() * 5 + 1) * DAY : Math.floor(r() * 120 * DAY);
        const at = AS_OF_MS - ago;
        const kind = pick(['bet', 'bet', 'casino', 'deposit', 'deposit', 'withdrawal', 'session', 'bonus'] as const);
        const base = { tenant_id: tenant, event_id: `e${++eventSeq}`, player_id, occurred_at: iso(at), bonus_minor: null, win_minor: null, status: null, direction: null, method: null, product: null, amount_minor: null };
        const amount = pick([500, 1000, 2000, 5000, 10000, 25000]) + Math.floor(r() * 100);
        let e: EventRowT;
        switch (kind) {
          case 'bet':
            e = { ...base, type: 'bet.placed', product: 'sportsbook', amount_minor: amount, bonus_minor: r() < 0.2 ? 100 : 0, method: pick(['single', 'multi']) };
            break;
          case 'casino':
            e = { ...base, type: 'casino.round', product: pick(['casino', 'live_casino']), amount_minor: amount, win_minor: r() < 0.4 ? amount * 2 : 0, method: pick(['slots', 'live_casino']) };
            break;
          case 'deposit':
            e = { ...base, type: 'payment', direction: 'deposit', status: pick(['approved', 'approved', 'rejected']), method: pick(['card', 'pix']), amount_minor: amount };
            break;
          case 'withdrawal':
            e = { ...base, type: 'payment', direction: 'withdrawal', status: pick(['approved', 'cancelled']), method: 'bank_transfer', amount_minor: amount };
            break;
          case 'session':
            e = { ...base, type: 'session.started', method: pick(['desktop', 'mobile']) };
            break;
          case 'bonus':
            e = { ...base, type: 'bonus.granted', amount_minor: amount };
            break;
        }
        events.push(e);
        if (at <= AS_OF_MS) last = Math.max(last, at);
      }
      if (last > -Infinity) p.last_event_at = iso(last);
      players.push(p);
      if (r() < 0.85) {
        const f: FeatureRow = { tenant_id: tenant, player_id };
        for (const def of FEATURES) f[def.key] = null;
        f.deposit_count_7d = Math.floor(r() * 6);
        f.deposit_sum_30d = maybe(0.9, () => Math.floor(r() * 5000) * 100);
        f.net_loss_30d = maybe(0.9, () => Math.floor((r() - 0.4) * 200000));
        f.stake_cv_30d = maybe(0.7, () => Math.round(r() * 300) / 100);
        f.days_since_last_bet = maybe(0.8, () => Math.floor(r() * 60));
        features.push(f);
      }
    }
  }
  return { players, features, events };
}

export { AS_OF_MS, DAY };
