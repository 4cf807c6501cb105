import { currencyExponent, SCHEMA_VERSION } from '@pitboss/core';
import type { Event } from '@pitboss/core';
import type { Game, Sport } from './catalog.js';
import { gamesFor, sportsFor } from './catalog.js';
import type { Cohort, PlayerLabel, RiskMarker } from './labels.js';
import { COHORT_SHARES, RISK_MARKERS } from './labels.js';
import type { Market, PaymentMethod } from './markets.js';
import { MARKET_TABLE } from './markets.js';
import { localHour } from './rhythm.js';
import type { WeightTable } from './rng.js';
import { Rng, weights } from './rng.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The time range of a generation run, in epoch milliseconds. */
export interface SimulationRange {
  startMs: number;
  endMs: number;
  days: number;
  /** `endMs − 30 days`, or null when the range is 30 days or shorter. */
  cutoffMs: number | null;
}

/** One generated player: the events an operator would send, and the truth beside them. */
export interface SyntheticPlayer {
  /** Zero-based position in the run. */
  index: number;
  player_id: string;
  /** Chronological; event ids increase with time. */
  events: Event[];
  label: PlayerLabel;
}

type Product = 'sports' | 'live' | 'casino';
type Timed = { t: number; s: number; e: Event };

interface Bonus {
  id: string;
  amount: number;
  remaining: number;
  requirement: number;
  progress: number;
  expiresAt: number;
  campaign: string;
}

const COHORT_TABLE = weights(Object.entries(COHORT_SHARES) as [Cohort, number][]);
const LIMIT_PERIODS = weights([['month', 6], ['week', 3], ['day', 1]] as const);
const END_REASONS = weights([['logout', 55], ['timeout', 40], ['reality_check', 5]] as const);
const BET_TYPES = weights([['single', 58], ['multi', 38], ['system', 4]] as const);
const CHANNELS = weights([['mobile_web', 45], ['app', 30], ['web', 25]] as const);
const DEVICES = weights([['mobile', 55], ['app', 20], ['desktop', 22], ['tablet', 3]] as const);
const USER_AGENTS: Record<'mobile' | 'app' | 'desktop' | 'tablet', readonly string[]> = {
  mobile: ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) Mobile/15E148 Safari/604.1', 'Mozilla/5.0 (Linux; Android 15; SM-A556B) Chrome/140.0 Mobile Safari/537.36'],
  app: ['PitbossApp/4.2 (iOS 18.5)', 'PitbossApp/4.2 (Android 15)'],
  desktop: ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0 Safari/537.36', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Safari/605.1.15'],
  tablet: ['Mozilla/5.0 (iPad; CPU OS 18_5 like Mac OS X) Safari/604.1'],
};
const IP_BLOCKS: Record<string, readonly number[]> = {
  BR: [177, 179, 187, 189, 200, 201], GB: [81, 86, 90, 109, 151], ES: [83, 88, 95, 213], MX: [187, 189, 201],
  DE: [79, 84, 91, 93], IT: [79, 87, 93, 151], CO: [181, 186, 190], PE: [179, 181, 190], CA: [24, 70, 99, 142],
  SE: [78, 85, 90], IE: [37, 78, 89],
};
const CONCERN_ACTIONS = ['limit_suggested', 'cooling_off_suggested', 'affordability_check'] as const;
const CONCERN_ACTIONS_HIGH = [...CONCERN_ACTIONS, 'self_exclusion_suggested'] as const;
const DEPOSIT_FAILURES = ['insufficient_funds', 'card_declined', 'issuer_declined', '3ds_authentication_failed'];
const sportsTables = new Map<string, WeightTable<Sport>>();
const gameTables = new Map<string, WeightTable<Game>>();

const round2 = (x: number): number => Math.round(x * 100) / 100;
const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;
const pad3 = (n: number): string => (n < 10 ? '00' : n < 100 ? '0' : '') + n;
let isoDay = NaN;
let isoDayPrefix = '';

/**
 * `new Date(ms).toISOString()`, without a Date per call: it was a third of
 * the generator's time. Same output for years 0000-9999 (`rangeOf` keeps runs there).
 */
function iso(ms: number): string {
  const t = Math.floor(ms);
  const day = Math.floor(t / DAY);
  if (day !== isoDay) {
    isoDay = day;
    isoDayPrefix = new Date(day * DAY).toISOString().slice(0, 11);
  }
  let rest = t - day * DAY;
  const h = Math.floor(rest / HOUR);
  rest -= h * HOUR;
  const m = Math.floor(rest / MINUTE);
  rest -= m * MINUTE;
  const s = Math.floor(rest / SECOND);
  return `${isoDayPrefix}${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(rest - s * SECOND)}Z`;
}

/**
 * Simulates one player's life over the range. Pure and deterministic in
 * `(seed, index, range)`.
 *
 * @example
 * const p = simulatePlayer(7, 0, rangeOf('2026-01-01', 90));
 * p.events[0].type; // 'player.updated' (registration)
 */
export function simulatePlayer(seed: number, index: number, range: SimulationRange): SyntheticPlayer {
  return new PlayerSim(seed, index, range).run();
}

class PlayerSim {
  private readonly rng: Rng;
  private readonly id: string;
  private readonly market: Market;
  private readonly currency: string;
  /** Minor units per euro-equivalent of stake. */
  private readonly unit: number;
  private readonly cohort: Cohort;
  private readonly markers = new Set<RiskMarker>();
  private readonly out: Timed[] = [];
  private seq = 0;
  private counter = { bet: 0, round: 0, pay: 0, session: 0, bonus: 0 };

  // Traits, drawn once.
  private readonly regDay: number;
  private readonly regMs: number;
  private readonly base: number;
  private readonly tau: number;
  private readonly oneAndDone: boolean;
  /** Registered but never funded the account: many sign-ups never deposit. */
  private readonly neverDeposits: boolean;
  private readonly nightOwl: boolean;
  private readonly stakeEur: number;
  private readonly depositEur: number;
  private readonly casinoShare: number;
  private readonly liveShare: number;
  private readonly favouriteGames: Game[];
  private readonly methods: PaymentMethod[];
  private readonly homeIp: string;
  private onsetDay = Infinity;
  private rampDays = 14;
  private stopDay = Infinity;
  /** A churner whom a win-back offer brings back after the stop: churn labels are not a pure function of the cohort. */
  private comeback = false;
  private promoDow = 0;
  private readonly startDow: number;

  // State.
  private cash = 0;
  private bonus: Bonus | null = null;
  private deposits: { t: number; amount: number }[] = [];
  private limit: { value: number; period: 'day' | 'week' | 'month' } | null = null;
  private excludedUntil = -Infinity;
  private chaseMultiplier = 1;
  private rgContacts = 0;
  private everDeposited = false;
  private activeBeforeCutoff = false;
  private activeAfterCutoff = false;

  constructor(seed: number, private readonly index: number, private readonly range: SimulationRange) {
    const rng = (this.rng = new Rng(seed, index));
    this.startDow = new Date(range.startMs).getUTCDay();
    this.id = `s${seed}-p${String(index + 1).padStart(7, '0')}`;
    this.market = rng.weighted(MARKET_TABLE);
    this.currency = this.market.currency;
    this.unit = 10 ** currencyExponent(this.currency) * this.market.stakeScale;
    this.cohort = rng.weighted(COHORT_TABLE);

    // Registrations spread over the first 60% of the range, so most players have history before the churn cutoff.
    const regWindow = Math.max(1, Math.floor(range.days * 0.6));
    this.regDay = rng.below(regWindow);
    const regLocal = range.startMs + this.regDay * DAY + (localHour(rng, 0) - this.market.utcOffsetHours) * HOUR;
    this.regMs = Math.min(Math.max(regLocal, range.startMs + MINUTE), range.endMs - HOUR);

    const highRoller = rng.chance(0.05);
    this.base = Math.min(0.9, rng.lognormal(0.012, 0.9) * (highRoller ? 3 : 1));
    this.tau = rng.uniform(40, 300);
    this.oneAndDone = rng.chance(0.3);
    this.neverDeposits = this.cohort === 'ordinary' && rng.chance(0.3);
    this.nightOwl = rng.chance(0.08);
    this.stakeEur = rng.lognormal(3, 0.8) * (highRoller ? 5 : 1);
    this.depositEur = Math.max(10, rng.lognormal(30, 0.7) * (highRoller ? 6 : 1));
    this.casinoShare = rng.chance(this.market.casinoPreference * 0.3) ? rng.uniform(0.5, 0.9) : rng.uniform(0, 0.04);
    this.liveShare = rng.uniform(0.1, 0.6);
    let games = gameTables.get(this.market.country);
    if (!games) gameTables.set(this.market.country, (games = gamesFor(this.market.country)));
    this.favouriteGames = [rng.weighted(games), rng.weighted(games), rng.weighted(games)];
    const primary = rng.weighted(this.market.methods);
    this.methods = rng.chance(0.2) ? [primary, rng.weighted(this.market.methods)] : [primary];
    this.homeIp = this.ip();

    if (this.cohort === 'at_risk') {
      for (const m of RISK_MARKERS) if (rng.chance(0.6)) this.markers.add(m);
      while (this.markers.size < 2) this.markers.add(rng.pick(RISK_MARKERS));
      const horizon = Math.max(this.regDay + 4, (range.cutoffMs === null ? range.days : (range.cutoffMs - range.startMs) / DAY) - 7);
      this.onsetDay = Math.floor(rng.uniform(this.regDay + 2, horizon));
      this.rampDays = rng.uniform(7, 28);
      // At-risk players are engaged from the start; the trajectory adds to that.
      this.base = Math.max(this.base, rng.uniform(0.04, 0.1));
    } else if (this.cohort === 'churner') {
      this.tau = rng.uniform(5, 20);
      this.oneAndDone = false;
      this.base = Math.max(this.base, rng.uniform(0.06, 0.2));
      const cutoffDay = range.cutoffMs === null ? range.days : (range.cutoffMs - range.startMs) / DAY;
      this.stopDay = Math.min(this.regDay + rng.int(5, 35), Math.floor(cutoffDay) - rng.int(1, 10));
      this.comeback = rng.chance(0.15);
    } else if (this.cohort === 'bonus_hunter') {
      this.oneAndDone = false;
      this.promoDow = rng.below(7);
      this.depositEur = rng.uniform(10, 20);
      this.stakeEur = rng.lognormal(2, 0.4);
    }
  }

  run(): SyntheticPlayer {
    this.register();
    if (this.neverDeposits) {
      if (this.rng.chance(0.6)) this.session(this.regMs + this.rng.int(1, 10) * MINUTE, 'sports', 0, 0);
      return this.finish();
    }
    for (let d = this.regDay; d < this.range.days; d++) {
      const dayStart = this.range.startMs + d * DAY;
      if (this.excludedUntil >= dayStart + DAY) continue;
      // Contacts, limit changes and exclusions come first, so that no play follows an exclusion on the same day.
      this.riskEvents(d);
      const active = d === this.regDay ? this.rng.chance(0.75) : this.rng.chance(this.activity(d));
      if (active) this.playDay(d);
    }
    return this.finish();
  }

  private ramp(d: number): number {
    return d < this.onsetDay ? 0 : Math.min(1, (d - this.onsetDay) / this.rampDays);
  }

  private activity(d: number): number {
    const tenure = d - this.regDay;
    let p = this.base * Math.exp(-tenure / this.tau);
    if (this.oneAndDone) p *= 0.08;
    if (d >= this.stopDay) p = this.comeback ? Math.max(p, 0.04) : p * 0.02;
    if (this.cohort === 'bonus_hunter') {
      p = (d + this.startDow) % 7 === this.promoDow ? 0.35 : p * 0.3;
    }
    const r = this.ramp(d);
    if (r > 0) p *= this.markers.has('deposit_escalation') ? 1 + 2 * r : 1 + 0.5 * r;
    const dow = (d + this.startDow) % 7;
    if (dow === 0 || dow === 6) p *= 1.25;
    return Math.min(0.95, p);
  }

  // ---- event plumbing -------------------------------------------------------

  private push(t: number, e: Event): void {
    if (t >= this.range.endMs) return;
    this.out.push({ t, s: this.seq++, e });
  }

  private finish(): SyntheticPlayer {
    const out = this.out.sort((a, b) => a.t - b.t || a.s - b.s);
    const events = new Array<Event>(out.length);
    for (let i = 0; i < out.length; i++) {
      const { t, e } = out[i]!;
      e.event_id = `${this.id}-${i.toString(36)}`;
      e.occurred_at = iso(t);
      events[i] = e;
    }
    const cutoff = this.range.cutoffMs;
    return {
      index: this.index,
      player_id: this.id,
      events,
      label: {
        player_id: this.id,
        cohort: this.cohort,
        at_risk: this.cohort === 'at_risk',
        risk_onset_at: this.onsetDay === Infinity ? null : iso(this.range.startMs + this.onsetDay * DAY),
        risk_markers: RISK_MARKERS.filter((m) => this.markers.has(m)),
        registered_at: iso(this.regMs),
        country: this.market.country,
        currency: this.currency,
        churn_cutoff_at: cutoff === null ? null : iso(cutoff),
        churned: cutoff === null || !this.activeBeforeCutoff ? null : !this.activeAfterCutoff,
      },
    };
  }

  /** Wagering and deposits are what the churn label counts as activity. */
  private touch(t: number): void {
    const cutoff = this.range.cutoffMs;
    if (cutoff === null || t >= this.range.endMs) return;
    if (t < cutoff) this.activeBeforeCutoff = true;
    else this.activeAfterCutoff = true;
  }

  private minor(eur: number): number {
    return Math.max(1, Math.round(eur * this.unit));
  }

  /** Rounds to amounts people type: 5s and 10s of local money. */
  private nice(eur: number): number {
    const major = eur * this.market.stakeScale;
    const step = major >= 100 ? 10 : 5;
    return Math.max(step, Math.round(major / step) * step) * 10 ** currencyExponent(this.currency);
  }

  private ip(): string {
    const rng = this.rng;
    return `${rng.pick(IP_BLOCKS[this.market.country] ?? [100])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  }

  // ---- registration -----------------------------------------------------------

  private register(): void {
    const { rng, market } = this;
    const first = rng.pick(market.firstNames);
    const last = rng.pick(market.lastNames);
    const age = Math.min(80, 18 + Math.floor(rng.exponential(16)));
    const kycNow = rng.chance(0.8);
    const t = this.regMs;
    this.push(t, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'player.updated',
      profile: {
        registered_at: iso(t),
        country: market.country,
        currency: this.currency,
        birth_year: new Date(t).getUTCFullYear() - age,
        brand: rng.chance(0.7) ? 'aurora' : 'vela',
        market: market.country.toLowerCase(),
        language: market.language,
        affiliate_id: rng.chance(0.4) ? `aff-${rng.int(100, 999)}` : null,
        kyc_verified_at: kycNow ? iso(t + rng.int(2, 30) * MINUTE) : null,
        blocked: false,
        self_excluded_until: null,
        test_account: false,
        marketing_consents: { email: rng.chance(0.6), sms: rng.chance(0.4), push: rng.chance(0.5) },
        personal: {
          first_name: first,
          last_name: last,
          email: `${first}.${last}${rng.int(1, 99)}@${rng.pick(market.emailDomains)}`.toLowerCase(),
          phone: market.phone(rng),
        },
      },
    });
    if (!kycNow && rng.chance(0.7)) {
      const at = t + rng.uniform(1, 4) * DAY;
      this.push(at, this.profileUpdate({ kyc_verified_at: iso(at) }));
    }
    const wantsLimit = this.markers.has('limit_increases') ? 0.7 : market.limitAtSignup;
    if (rng.chance(wantsLimit)) {
      const period = market.country === 'DE' ? 'month' : rng.weighted(LIMIT_PERIODS);
      const perMonth = market.country === 'DE' ? 1000 : this.depositEur * rng.uniform(3, 12);
      const value = this.nice(period === 'month' ? perMonth : period === 'week' ? perMonth / 4 : perMonth / 20);
      this.setLimit(t + rng.int(1, 5) * MINUTE, period, value);
    }
  }

  private profileUpdate(profile: Extract<Event, { type: 'player.updated' }>['profile']): Event {
    return { schema_version: SCHEMA_VERSION, event_id: '', player_id: this.id, occurred_at: '', type: 'player.updated', profile };
  }

  private setLimit(t: number, period: 'day' | 'week' | 'month', value: number | null): void {
    this.push(t, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'limit.changed',
      limit_type: 'deposit',
      period,
      old_value: this.limit?.value ?? null,
      new_value: value,
      currency: this.currency,
      initiated_by: 'player',
    });
    this.limit = value === null ? null : { value, period };
  }

  // ---- a day of play --------------------------------------------------------------

  private playDay(d: number): void {
    const { rng } = this;
    const r = this.ramp(d);
    const product: Product = rng.chance(this.casinoShare) ? 'casino' : rng.chance(this.liveShare) ? 'live' : 'sports';
    // Bets per active day: lognormal around the published means (README: ≈6 fixed-odds, ≈13 live, a few hundred casino rounds).
    const intensity = 1 + 0.8 * r;
    let wagers =
      product === 'sports' ? Math.round(rng.lognormal(3.3, 1.15) * intensity)
      : product === 'live' ? Math.round(rng.lognormal(8.5, 1.15) * intensity)
      : Math.round(rng.lognormal(180, 1) * intensity);
    wagers = Math.max(1, Math.min(wagers, product === 'casino' ? 3000 : 150));
    const sessions = 1 + (rng.chance(0.3 + 0.3 * r) ? 1 : 0) + (rng.chance(0.1 + 0.2 * r) ? 1 : 0);
    const nightShare = this.nightOwl ? 0.35 : this.markers.has('night_play') ? 0.6 * r : 0;
    const dayStart = this.range.startMs + d * DAY;
    const starts: number[] = [];
    for (let i = 0; i < sessions; i++) starts.push(dayStart + (localHour(rng, nightShare) - this.market.utcOffsetHours) * HOUR);
    starts.sort((a, b) => a - b);
    let t = d === this.regDay ? this.regMs + rng.int(3, 20) * MINUTE : -Infinity;
    for (let i = 0; i < sessions; i++) {
      const share = i === sessions - 1 ? wagers : Math.max(1, Math.round(wagers * rng.uniform(0.2, 0.6)));
      wagers -= share;
      const start = Math.max(starts[i]!, t + 10 * MINUTE);
      if (start < this.excludedUntil) continue;
      t = this.session(start, product, share, r);
      if (wagers <= 0) break;
    }
  }

  /** One session; returns when it ended. */
  private session(t0: number, product: Product, wagers: number, r: number): number {
    const { rng } = this;
    const sessionId = `${this.id}-s${++this.counter.session}`;
    const device = rng.weighted(DEVICES);
    this.push(t0, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'session.started',
      session_id: sessionId,
      device,
      ip: rng.chance(0.85) ? this.homeIp : this.ip(),
      user_agent: rng.pick(USER_AGENTS[device]),
    });
    let t = t0 + rng.int(20, 90) * SECOND;
    if (this.bonus && t > this.bonus.expiresAt) this.endBonus(this.bonus.expiresAt, 'bonus.forfeited');

    const chasing = this.markers.has('chasing_losses') ? r : 0;
    const redepositP = this.cohort === 'bonus_hunter' ? 0.1 : 0.3 + 0.6 * chasing;
    const maxDeposits = 2 + Math.round(6 * r);
    let depositsHere = 0;
    const game = rng.pick(this.favouriteGames);
    const minStake = this.minor(product === 'casino' ? 0.1 : 0.5);

    for (let i = 0; i < wagers; i++) {
      let stake = this.drawStake(product, chasing);
      let available = this.cash + (this.bonus?.remaining ?? 0);
      if (available < minStake) {
        // Players open a session to play, so the first top-up always happens; later ones are the chase.
        const topUp = i === 0 && depositsHere === 0 ? true : rng.chance(redepositP);
        if (depositsHere >= maxDeposits || !topUp) break;
        depositsHere++;
        t = this.deposit(t, r);
        available = this.cash + (this.bonus?.remaining ?? 0);
        if (available < minStake) break;
      }
      stake = Math.min(stake, available);
      const bonusPart = this.bonus ? Math.min(this.bonus.remaining, Math.round(stake * (this.cohort === 'bonus_hunter' ? 0.8 : 0.5))) : 0;
      this.cash -= stake - bonusPart;
      if (this.bonus) this.bonus.remaining -= bonusPart;
      const won = product === 'casino' ? this.round(t, game, stake, bonusPart) : this.bet(t, product === 'live', stake, bonusPart);
      this.chaseMultiplier = won ? 1 : Math.min(5, this.chaseMultiplier * (1 + 0.35 * chasing));
      if (this.bonus) {
        this.bonus.progress += stake;
        if (this.bonus.progress >= this.bonus.requirement) this.endBonus(t + SECOND, 'bonus.wagered');
      }
      t += product === 'casino' ? rng.int(4, 14) * SECOND : product === 'live' ? rng.int(60, 300) * SECOND : rng.int(20, 200) * SECOND;
    }

    const end = t + rng.int(1, 6) * MINUTE;
    const reason = rng.weighted(END_REASONS);
    this.push(end, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'session.ended',
      session_id: sessionId,
      reason,
    });
    this.maybeWithdraw(end + rng.int(1, 10) * MINUTE, r);
    return end;
  }

  private drawStake(product: Product, chasing: number): number {
    const eur = product === 'casino' ? this.stakeEur * 0.25 : this.stakeEur;
    const chase = chasing > 0 ? this.chaseMultiplier : 1;
    return this.minor(this.rng.lognormal(eur, 0.6) * chase);
  }

  // ---- wagers --------------------------------------------------------------------

  /** A sportsbook bet and its settlement; returns whether it paid out at least the stake. */
  private bet(t: number, live: boolean, stake: number, bonusStake: number): boolean {
    const { rng } = this;
    const betId = `${this.id}-b${++this.counter.bet}`;
    const hunter = this.cohort === 'bonus_hunter';
    const kind = live || hunter ? (rng.chance(0.9) ? 'single' : 'multi') : rng.weighted(BET_TYPES);
    const nLegs = kind === 'single' ? 1 : kind === 'system' ? rng.int(3, 4) : Math.min(12, 2 + Math.floor(rng.exponential(1.5)));
    let sports = sportsTables.get(this.market.country);
    if (!sports) sportsTables.set(this.market.country, (sports = sportsFor(this.market.country)));
    const legs: Extract<Event, { type: 'bet.placed' }>['legs'] = [];
    let odds = 1;
    for (let i = 0; i < nLegs; i++) {
      const sport = rng.weighted(sports);
      const [market, selections] = rng.pick(sport.markets);
      const legOdds = round2(hunter ? rng.uniform(1.2, 1.7) : nLegs === 1 ? 1.05 + rng.lognormal(0.85, 0.55) : 1.1 + rng.lognormal(0.6, 0.35));
      odds *= Math.min(legOdds, 50);
      legs.push({ sport: sport.name, competition: rng.pick(sport.competitions), market, selection: rng.pick(selections), odds: Math.min(legOdds, 50), live });
    }
    odds = Math.max(1.01, round2(odds));
    this.push(t, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'bet.placed',
      bet_id: betId,
      bet_type: kind,
      stake_minor: stake,
      bonus_stake_minor: bonusStake,
      currency: this.currency,
      odds,
      live,
      legs,
      channel: rng.weighted(CHANNELS),
    });
    this.touch(t);

    // A bookmaker margin of ~5% a leg: true win chance is below the implied 1/odds.
    const pWin = 0.95 ** nLegs / odds;
    const x = rng.float();
    let result: 'won' | 'lost' | 'void' | 'cashed_out';
    let payout: number;
    if (x < 0.015) [result, payout] = ['void', stake];
    else if (x < 0.055) [result, payout] = ['cashed_out', Math.round(stake * rng.uniform(0.2, Math.min(odds, 3) * 0.9))];
    else if (rng.float() < pWin) [result, payout] = ['won', Math.round(stake * odds)];
    else [result, payout] = ['lost', 0];
    const settleAt = live ? t + rng.int(2, 50) * MINUTE : t + Math.max(20 * MINUTE, rng.lognormal(5 * HOUR, 1));
    this.push(settleAt, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'bet.settled',
      bet_id: betId,
      result,
      payout_minor: payout,
      currency: this.currency,
      cash_out: result === 'cashed_out',
    });
    // The wallet is credited at once: a simplification that only moves when the next deposit falls.
    this.cash += payout;
    return payout >= stake;
  }

  private round(t: number, game: Game, stake: number, bonusStake: number): boolean {
    const { rng } = this;
    let win = 0;
    if (rng.chance(game.hitRate)) {
      const mean = game.rtp / game.hitRate;
      const mult = game.volatility === 0 ? mean : rng.lognormal(mean / Math.exp((game.volatility * game.volatility) / 2), game.volatility);
      win = Math.round(stake * mult);
    }
    this.push(t, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'casino.round',
      round_id: `${this.id}-r${++this.counter.round}`,
      game_id: game.id,
      game_type: game.type,
      provider: game.provider,
      stake_minor: stake,
      bonus_stake_minor: bonusStake,
      win_minor: win,
      currency: this.currency,
    });
    this.touch(t);
    this.cash += win;
    return win >= stake;
  }

  // ---- payments ------------------------------------------------------------------

  private payment(
    t: number,
    paymentId: string,
    direction: 'deposit' | 'withdrawal',
    status: 'requested' | 'approved' | 'rejected' | 'cancelled' | 'rolled_back',
    method: PaymentMethod,
    amount: number,
    extra: { cancelled_by?: 'player' | 'operator'; failure_reason?: string } = {},
  ): void {
    this.push(t, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'payment',
      payment_id: paymentId,
      direction,
      status,
      method,
      amount_minor: amount,
      currency: this.currency,
      ...extra,
    });
  }

  /** Tries to deposit (with one retry after a failure); returns the time play resumes. */
  private deposit(t: number, r: number): number {
    const { rng } = this;
    const escalation = this.markers.has('deposit_escalation') ? 1 + 2 * r : 1;
    let amount = this.nice(rng.lognormal(this.depositEur, 0.5) * escalation);
    const failP = 0.03 + (this.markers.has('failed_deposits') ? 0.3 * r : 0);
    if (r > 0 && this.markers.has('deposit_escalation') && rng.chance(0.25 * r)) {
      this.methods.push(rng.weighted(this.market.methods));
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const method = this.methods.length === 1 ? this.methods[0]! : rng.pick(this.methods);
      const paymentId = `${this.id}-d${++this.counter.pay}`;
      this.touch(t);
      if (this.limit && this.windowDeposits(t) + amount > this.limit.value) {
        this.payment(t, paymentId, 'deposit', 'rejected', method, amount, { failure_reason: 'deposit_limit_reached' });
        const raiseP = this.markers.has('limit_increases') ? 0.3 + 0.6 * r : 0.1;
        if (!rng.chance(raiseP)) return t + MINUTE;
        t += rng.int(1, 5) * MINUTE;
        const raised = rng.chance(0.15) ? null : this.nice((this.limit.value / this.unit) * rng.uniform(2, 3));
        this.setLimit(t, this.limit.period, raised);
        t += MINUTE;
        continue;
      }
      if (rng.chance(failP)) {
        this.payment(t, paymentId, 'deposit', 'rejected', method, amount, { failure_reason: rng.pick(DEPOSIT_FAILURES) });
        t += rng.int(1, 4) * MINUTE;
        amount = this.nice((amount / this.unit) * 0.5);
        if (!rng.chance(0.5 + 0.4 * r)) return t;
        continue;
      }
      this.payment(t, paymentId, 'deposit', 'approved', method, amount);
      this.deposits.push({ t, amount });
      this.cash += amount;
      this.maybeBonus(t + SECOND, amount);
      this.everDeposited = true;
      return t + rng.int(20, 90) * SECOND;
    }
    return t;
  }

  private windowDeposits(t: number): number {
    const span = this.limit?.period === 'day' ? DAY : this.limit?.period === 'week' ? 7 * DAY : 30 * DAY;
    let sum = 0;
    for (let i = this.deposits.length - 1; i >= 0; i--) {
      const dep = this.deposits[i]!;
      if (dep.t <= t - span) break;
      sum += dep.amount;
    }
    return sum;
  }

  private maybeWithdraw(t: number, r: number): void {
    const { rng } = this;
    const threshold = Math.max(this.nice(this.depositEur * 1.5), this.minor(20));
    const tryP = this.cohort === 'bonus_hunter' ? 0.9 : this.markers.has('cancelled_withdrawals') ? 0.5 + 0.3 * r : 0.5;
    if (this.cash < threshold || !rng.chance(tryP)) return;
    const amount = Math.floor(this.cash * rng.uniform(0.5, 1));
    if (this.bonus) this.endBonus(t - SECOND, 'bonus.forfeited');
    const method = this.methods[0]!;
    const paymentId = `${this.id}-w${++this.counter.pay}`;
    this.payment(t, paymentId, 'withdrawal', 'requested', method, amount);
    this.cash -= amount;
    const cancelP = 0.04 + (this.markers.has('cancelled_withdrawals') ? 0.8 * r : 0);
    if (rng.chance(cancelP)) {
      // Reversing a pending withdrawal to keep playing: the money comes back to the wallet.
      this.payment(t + Math.max(5 * MINUTE, rng.lognormal(3 * HOUR, 1)), paymentId, 'withdrawal', 'cancelled', method, amount, { cancelled_by: 'player' });
      this.cash += amount;
    } else if (rng.chance(0.02)) {
      this.payment(t + rng.uniform(1, 24) * HOUR, paymentId, 'withdrawal', 'rejected', method, amount, { failure_reason: 'kyc_documents_required' });
      this.cash += amount;
    } else if (rng.chance(0.005)) {
      this.payment(t + rng.uniform(1, 24) * HOUR, paymentId, 'withdrawal', 'cancelled', method, amount, { cancelled_by: 'operator' });
      this.cash += amount;
    } else {
      const approvedAt = t + Math.max(10 * MINUTE, rng.lognormal(8 * HOUR, 1));
      this.payment(approvedAt, paymentId, 'withdrawal', 'approved', method, amount);
      if (rng.chance(0.003)) {
        this.payment(approvedAt + rng.uniform(2, 5) * DAY, paymentId, 'withdrawal', 'rolled_back', method, amount, { failure_reason: 'bank_returned' });
      }
    }
  }

  // ---- bonuses -------------------------------------------------------------------

  private maybeBonus(t: number, deposit: number): void {
    if (this.bonus) return;
    const { rng } = this;
    const hunter = this.cohort === 'bonus_hunter';
    const welcome = !this.everDeposited;
    if (!rng.chance(welcome ? (hunter ? 1 : 0.5) : hunter ? 0.6 : 0.05)) return;
    const amount = Math.min(welcome ? deposit : Math.round(deposit / 2), this.minor(welcome ? 100 : 50));
    const campaign = welcome ? 'welcome-100' : rng.pick(['reload-50', 'weekend-reload', 'free-bet-friday']);
    const bonusId = `${this.id}-x${++this.counter.bonus}`;
    const requirement = amount * (this.casinoShare > 0.5 ? 35 : 8);
    this.bonus = { id: bonusId, amount, remaining: amount, requirement, progress: 0, expiresAt: t + 14 * DAY, campaign };
    this.push(t, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'bonus.granted',
      bonus_id: bonusId,
      amount_minor: amount,
      currency: this.currency,
      campaign,
      wagering_requirement_minor: requirement,
    });
  }

  private endBonus(t: number, type: 'bonus.wagered' | 'bonus.forfeited'): void {
    const b = this.bonus;
    if (!b) return;
    this.push(t, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type,
      bonus_id: b.id,
      amount_minor: b.amount,
      currency: this.currency,
      campaign: b.campaign,
    });
    if (type === 'bonus.wagered') this.cash += b.remaining;
    this.bonus = null;
  }

  // ---- responsible gambling ------------------------------------------------------------

  /** Limit changes, operator interactions and exclusions that happen between sessions. */
  private riskEvents(d: number): void {
    const { rng } = this;
    if (!this.everDeposited || this.excludedUntil >= this.range.startMs + (d + 1) * DAY) return;
    const dayT = () => this.range.startMs + d * DAY + rng.uniform(9, 18) * HOUR - this.market.utcOffsetHours * HOUR;
    const r = this.ramp(d);

    if (this.limit && rng.chance(0.002)) {
      this.setLimit(dayT(), this.limit.period, this.nice((this.limit.value / this.unit) * rng.uniform(0.5, 1.5)));
    } else if (this.limit && this.markers.has('limit_increases') && rng.chance(0.04 * r)) {
      this.setLimit(dayT(), this.limit.period, rng.chance(0.2) ? null : this.nice((this.limit.value / this.unit) * rng.uniform(1.5, 3)));
    }

    // Operators contact some at-risk players once the pattern is established, and a few ordinary ones as routine.
    const contactP = this.cohort === 'at_risk' && r > 0.5 ? 0.05 : 0.0015;
    if (rng.chance(contactP) && this.rgContacts < 4) this.rgInteraction(dayT(), r > 0.5);

    const excludeP = this.cohort === 'at_risk' ? 0.006 * r : 0.0003;
    if (rng.chance(excludeP)) this.exclude(dayT(), rng.chance(0.6) ? 'time_out' : 'self_exclusion');
  }

  private rgInteraction(t: number, concern: boolean): void {
    const { rng } = this;
    this.rgContacts++;
    const level = concern ? (this.rgContacts >= 2 ? 'high' : 'medium') : 'low';
    const action = concern
      ? rng.pick(level === 'high' ? CONCERN_ACTIONS_HIGH : CONCERN_ACTIONS)
      : 'information';
    const outcome = rng.weighted(
      weights(concern ? ([['acknowledged', 3], ['accepted', 2], ['declined', 3], ['no_response', 2], ['escalated', 1]] as const) : ([['acknowledged', 6], ['no_response', 4]] as const)),
    );
    this.push(t, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'rg.interaction',
      level,
      channel: concern ? rng.pick(['phone', 'email', 'in_app', 'chat'] as const) : rng.pick(['email', 'in_app'] as const),
      action,
      outcome,
      ...(concern ? { agent_id: `agent-${rng.int(1, 40)}` } : {}),
    });
    if (outcome === 'accepted' && (action === 'cooling_off_suggested' || action === 'self_exclusion_suggested')) {
      this.exclude(t + rng.int(5, 60) * MINUTE, action === 'cooling_off_suggested' ? 'time_out' : 'self_exclusion');
    } else if (outcome === 'accepted' && action === 'limit_suggested') {
      const value = this.nice(this.depositEur * rng.uniform(2, 5));
      this.setLimit(t + rng.int(5, 60) * MINUTE, 'month', this.limit ? Math.min(value, this.limit.value) : value);
    }
  }

  private exclude(t: number, kind: 'time_out' | 'self_exclusion'): void {
    const { rng } = this;
    const until = kind === 'time_out' ? t + rng.pick([1, 7, 14, 30, 42]) * DAY : rng.chance(0.1) ? null : t + rng.pick([180, 365, 1825]) * DAY;
    const national = kind === 'self_exclusion' && this.market.register !== null && rng.chance(0.5);
    this.push(t, {
      schema_version: SCHEMA_VERSION,
      event_id: '',
      player_id: this.id,
      occurred_at: '',
      type: 'exclusion.started',
      kind,
      scope: national ? 'national_register' : 'operator',
      ...(national ? { register: this.market.register! } : {}),
      until: until === null ? null : iso(until),
    });
    this.push(t + SECOND, this.profileUpdate({ self_excluded_until: until === null ? null : iso(until) }));
    this.excludedUntil = until ?? Infinity;
  }
}
