import type { Event, PersonalData } from './events.js';

/**
 * The flat, columnar form of an event that storage keeps (Postgres `events`
 * table, DuckDB `events` table, Arrow exports) and that feature and segment
 * SQL reads. One layout for every engine, so the same SQL text works on both.
 *
 * `payload` is the whole event minus personal data: a row never carries a
 * name, email, phone or IP except in the dedicated `ip` column, which an
 * erasure clears.
 */
export interface EventRow {
  event_id: string;
  player_id: string;
  type: Event['type'];
  /** ISO 8601 as received; storage converts to `timestamptz`. */
  occurred_at: string;
  /** sportsbook | casino | live_casino | … for wagering events, else null. */
  product: string | null;
  /** Stake (bets, rounds), amount (payments, bonuses), payout (settlements), new limit value. */
  amount_minor: number | null;
  /** Bonus money inside a stake. */
  bonus_minor: number | null;
  /** Win of a casino round or payout of a settled bet. */
  win_minor: number | null;
  currency: string | null;
  /** Payment status, bet result, limit type, exclusion kind, RG action. */
  status: string | null;
  /** deposit | withdrawal for payments; increase | decrease | set | removed for limits. */
  direction: string | null;
  /** Payment method, session device, bet type, RG channel. */
  method: string | null;
  live: boolean | null;
  /** bet_id, round_id, payment_id, session_id or bonus_id. */
  ref_id: string | null;
  /** Personal data: session IP. Erasable. */
  ip: string | null;
  /** Who acted: `cancelled_by` of a payment, `initiated_by` of a limit change (player | operator). */
  actor: string | null;
  /**
   * A second time the event carries, ISO 8601: `registered_at` of `player.updated`,
   * `until` of `exclusion.started`. A column rather than a payload path, so feature
   * SQL needs no JSON functions (DuckDB-WASM has no `json` extension offline).
   */
  ref_at: string | null;
  payload: Record<string, unknown>;
}

/** Column names of `EventRow`, in storage order. */
export const EVENT_COLUMNS = [
  'event_id', 'player_id', 'type', 'occurred_at', 'product', 'amount_minor', 'bonus_minor', 'win_minor',
  'currency', 'status', 'direction', 'method', 'live', 'ref_id', 'ip', 'actor', 'ref_at', 'payload',
] as const satisfies readonly (keyof EventRow)[];

function limitDirection(oldValue: number | null, newValue: number | null): string {
  if (newValue === null) return 'removed';
  if (oldValue === null) return 'set';
  return newValue > oldValue ? 'increase' : newValue < oldValue ? 'decrease' : 'unchanged';
}

/**
 * Flattens a validated event into its storage row and the personal data it
 * carried (only `player.updated` has any; the IP stays in `row.ip`).
 *
 * @example
 * const { row, personal } = toEventRow(event);
 */
export function toEventRow(event: Event): { row: EventRow; personal: PersonalData | null } {
  const row: EventRow = {
    event_id: event.event_id,
    player_id: event.player_id,
    type: event.type,
    occurred_at: event.occurred_at,
    product: null, amount_minor: null, bonus_minor: null, win_minor: null, currency: null,
    status: null, direction: null, method: null, live: null, ref_id: null, ip: null, actor: null, ref_at: null,
    payload: {},
  };
  let personal: PersonalData | null = null;
  let payload: Record<string, unknown> = { ...event };
  switch (event.type) {
    case 'player.updated': {
      const { personal: p, ...profile } = event.profile;
      personal = p ?? null;
      payload = { ...event, profile };
      row.ref_at = profile.registered_at ?? null;
      break;
    }
    case 'bet.placed':
      Object.assign(row, {
        product: 'sportsbook', amount_minor: event.stake_minor, bonus_minor: event.bonus_stake_minor,
        currency: event.currency, method: event.bet_type, live: event.live || event.legs.some((l) => l.live), ref_id: event.bet_id,
      });
      break;
    case 'bet.settled':
      Object.assign(row, {
        product: 'sportsbook', amount_minor: event.payout_minor, win_minor: event.payout_minor,
        currency: event.currency, status: event.result, ref_id: event.bet_id,
      });
      break;
    case 'casino.round':
      Object.assign(row, {
        product: event.game_type === 'live_casino' ? 'live_casino' : 'casino', amount_minor: event.stake_minor,
        bonus_minor: event.bonus_stake_minor, win_minor: event.win_minor, currency: event.currency,
        method: event.game_type, live: event.game_type === 'live_casino', ref_id: event.round_id,
      });
      break;
    case 'payment':
      Object.assign(row, {
        amount_minor: event.amount_minor, currency: event.currency, status: event.status,
        direction: event.direction, method: event.method, ref_id: event.payment_id, actor: event.cancelled_by ?? null,
      });
      break;
    case 'session.started': {
      const { ip, ...rest } = event;
      payload = rest;
      Object.assign(row, { method: event.device, ref_id: event.session_id, ip: ip ?? null });
      break;
    }
    case 'session.ended':
      Object.assign(row, { status: event.reason ?? null, ref_id: event.session_id });
      break;
    case 'limit.changed':
      Object.assign(row, {
        amount_minor: event.new_value, currency: event.currency ?? null, status: event.limit_type,
        direction: limitDirection(event.old_value, event.new_value), method: event.period,
        actor: event.initiated_by,
      });
      break;
    case 'exclusion.started':
      Object.assign(row, { status: event.kind, method: event.scope, ref_at: event.until });
      break;
    case 'rg.interaction':
      Object.assign(row, { status: event.action, direction: event.outcome, method: event.channel });
      break;
    case 'bonus.granted':
    case 'bonus.wagered':
    case 'bonus.forfeited':
      Object.assign(row, { amount_minor: event.amount_minor, currency: event.currency, ref_id: event.bonus_id });
      break;
  }
  row.payload = payload;
  return { row, personal };
}
