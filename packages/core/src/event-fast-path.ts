/**
 * A hand-written validator for the common event types that only ever says
 * "valid, and here is exactly what zod would return" or "ask zod". It never
 * rejects: whatever it is not sure of (an unknown or absent key, a value
 * undefined, attributes, an IP, a profile, any check that fails) goes to the
 * zod schemas in `events.ts`, so every rejection and its messages are zod's.
 * Bulk ingestion spends most of its validation time on a few shapes
 * (`bet.placed`, `casino.round`, `payment`, …): this path takes them several
 * times faster than the generic schema walk.
 *
 * Soundness is checked by `test/event-fast-path.spec.ts` against zod over the
 * event examples and a large set of mutated and malformed events (same
 * output, keys in the same order); at start-up each type's field list must
 * equal the keys of its zod schema, or that type is left to zod.
 */

/** Marks a value this path cannot vouch for. */
const ASK_ZOD = Symbol('ask zod');
type Check = (value: unknown) => unknown;

/** How a field of the schema reads: its check, and what an absent key means. */
interface FieldSpec {
  check: Check;
  /** `required`: absent fails (ask zod); `optional`: absent stays absent; otherwise the default put in its place. */
  absent: 'required' | 'optional' | { default: unknown };
}

export interface FastPathPrimitives {
  /** The `id` pattern of events.ts. */
  id: RegExp;
  /** The pattern zod's `z.iso.datetime({ offset: true })` checks. */
  timestamp: RegExp;
  isStorableText: (value: string) => boolean;
  currencies: ReadonlySet<string>;
}

/** A validator for a subset of event types: the parsed event, or undefined (ask zod). */
export type FastPath = (input: Record<string, unknown>) => Record<string, unknown> | undefined;

const required = (check: Check): FieldSpec => ({ check, absent: 'required' });
const optional = (check: Check): FieldSpec => ({ check, absent: 'optional' });
const withDefault = (check: Check, value: unknown): FieldSpec => ({ check, absent: { default: value } });

function plainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A strict object: no key outside `fields`, none undefined; output keys in `fields` order, as zod writes them. */
function object(fields: Record<string, FieldSpec>): Check {
  const keys = Object.keys(fields);
  const specs = keys.map((k) => fields[k]!);
  return (value) => {
    if (!plainObject(value)) return ASK_ZOD;
    let enumerable = 0;
    for (const k in value) enumerable++;
    let present = 0;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const spec = specs[i]!;
      const v = value[key];
      if (v === undefined) {
        if (spec.absent === 'required') return ASK_ZOD;
        if (spec.absent !== 'optional') out[key] = spec.absent.default;
        continue;
      }
      present++;
      const checked = spec.check(v);
      if (checked === ASK_ZOD) return ASK_ZOD;
      out[key] = checked;
    }
    // Every enumerable key was one of the schema's, with a value: no unknown, inherited or undefined-valued key.
    return present === enumerable ? out : ASK_ZOD;
  };
}

/**
 * Builds the fast path for the event types whose zod shape keys are given in
 * `shapes` (type → keys in schema order). A type whose keys differ from this
 * module's field list is left out (zod handles it alone).
 *
 * @example
 * const fast = buildFastPath(primitives, { 'bet.settled': Object.keys(BetSettled.shape) });
 * fast({ schema_version: 1, type: 'bet.settled', ... }); // the event, or undefined
 */
export function buildFastPath(p: FastPathPrimitives, shapes: Readonly<Record<string, readonly string[]>>): FastPath {
  const id: Check = (v) => (typeof v === 'string' && v.length >= 1 && v.length <= 128 && p.id.test(v) ? v : ASK_ZOD);
  const text = (max: number): Check => (v) => (typeof v === 'string' && v.length <= max && p.isStorableText(v) ? v : ASK_ZOD);
  const timestamp: Check = (v) => (typeof v === 'string' && p.timestamp.test(v) ? v : ASK_ZOD);
  const minor: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? v : ASK_ZOD);
  const nullableMinor: Check = (v) => (v === null ? null : minor(v));
  const currency: Check = (v) => (typeof v === 'string' && p.currencies.has(v) ? v : ASK_ZOD);
  const bool: Check = (v) => (typeof v === 'boolean' ? v : ASK_ZOD);
  const number = (gt: number, max: number): Check => (v) => (typeof v === 'number' && Number.isFinite(v) && v > gt && v <= max ? v : ASK_ZOD);
  const literal = (x: unknown): Check => (v) => (v === x ? v : ASK_ZOD);
  const oneOf = (values: readonly string[]): Check => {
    const set = new Set(values);
    return (v) => (typeof v === 'string' && set.has(v) ? v : ASK_ZOD);
  };
  const array = (item: Check, min: number, max: number): Check => (v) => {
    if (!Array.isArray(v) || v.length < min || v.length > max) return ASK_ZOD;
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = item(v[i]);
      if (x === ASK_ZOD) return ASK_ZOD;
      out[i] = x;
    }
    return out;
  };
  const never: Check = () => ASK_ZOD;

  const base = (type: string): Record<string, FieldSpec> => ({
    schema_version: required(literal(1)),
    event_id: required(id),
    player_id: required(id),
    occurred_at: required(timestamp),
    // A record of mixed values: zod's alone.
    attributes: optional(never),
    type: required(literal(type)),
  });
  const betLeg = object({
    sport: required(text(64)),
    competition: optional(text(128)),
    event: optional(text(256)),
    market: required(text(128)),
    selection: optional(text(256)),
    odds: required(number(1, 100_000)),
    live: withDefault(bool, false),
  });
  const bonus = (type: string) => ({ ...base(type), bonus_id: required(id), amount_minor: required(minor), currency: required(currency), campaign: optional(text(128)) });
  const specs: Record<string, Record<string, FieldSpec>> = {
    'bet.placed': {
      ...base('bet.placed'),
      bet_id: required(id),
      bet_type: required(oneOf(['single', 'multi', 'system'])),
      stake_minor: required(minor),
      bonus_stake_minor: withDefault(minor, 0),
      currency: required(currency),
      odds: required(number(1, 1e9)),
      live: withDefault(bool, false),
      legs: required(array(betLeg, 1, 64)),
      channel: optional(oneOf(['web', 'mobile_web', 'app', 'retail', 'phone'])),
    },
    'bet.settled': {
      ...base('bet.settled'),
      bet_id: required(id),
      result: required(oneOf(['won', 'lost', 'void', 'half_won', 'half_lost', 'cashed_out'])),
      payout_minor: required(minor),
      currency: required(currency),
      cash_out: withDefault(bool, false),
    },
    'casino.round': {
      ...base('casino.round'),
      round_id: required(id),
      game_id: required(text(128)),
      game_type: required(oneOf(['slots', 'table', 'live_casino', 'crash', 'instant', 'poker', 'bingo', 'other'])),
      provider: optional(text(64)),
      stake_minor: required(minor),
      bonus_stake_minor: withDefault(minor, 0),
      win_minor: required(minor),
      currency: required(currency),
    },
    payment: {
      ...base('payment'),
      payment_id: required(id),
      direction: required(oneOf(['deposit', 'withdrawal'])),
      status: required(oneOf(['requested', 'approved', 'rejected', 'cancelled', 'rolled_back'])),
      method: required(oneOf(['card', 'bank_transfer', 'e_wallet', 'pix', 'open_banking', 'crypto', 'voucher', 'cash', 'other'])),
      amount_minor: required(minor),
      currency: required(currency),
      cancelled_by: optional(oneOf(['player', 'operator'])),
      failure_reason: optional(text(256)),
    },
    'session.started': {
      ...base('session.started'),
      session_id: required(id),
      device: required(oneOf(['desktop', 'mobile', 'tablet', 'app', 'retail', 'other'])),
      // IP formats: zod's alone.
      ip: optional(never),
      user_agent: optional(text(512)),
    },
    'session.ended': {
      ...base('session.ended'),
      session_id: required(id),
      reason: optional(oneOf(['logout', 'timeout', 'reality_check', 'limit_reached', 'operator'])),
    },
    'limit.changed': {
      ...base('limit.changed'),
      limit_type: required(oneOf(['deposit', 'loss', 'wager', 'time', 'bets'])),
      period: required(oneOf(['session', 'day', 'week', 'month'])),
      old_value: required(nullableMinor),
      new_value: required(nullableMinor),
      currency: optional(currency),
      initiated_by: withDefault(oneOf(['player', 'operator']), 'player'),
    },
    'exclusion.started': {
      ...base('exclusion.started'),
      kind: required(oneOf(['self_exclusion', 'time_out'])),
      scope: required(oneOf(['operator', 'national_register'])),
      register: optional(text(64)),
      until: required((v) => (v === null ? null : timestamp(v))),
    },
    'bonus.granted': { ...bonus('bonus.granted'), wagering_requirement_minor: optional(minor) },
    'bonus.wagered': bonus('bonus.wagered'),
    'bonus.forfeited': bonus('bonus.forfeited'),
  };

  const checks = new Map<unknown, Check>();
  for (const [type, fields] of Object.entries(specs)) {
    const zodKeys = shapes[type];
    if (!zodKeys) continue;
    // Keys in zod's order (the order of its output), and exactly zod's keys.
    const mine = new Set(Object.keys(fields));
    if (zodKeys.length !== mine.size || !zodKeys.every((k) => mine.has(k))) continue;
    checks.set(type, object(Object.fromEntries(zodKeys.map((k) => [k, fields[k]!]))));
  }
  return (input) => {
    const check = checks.get(input.type);
    if (!check) return undefined;
    const out = check(input);
    return out === ASK_ZOD ? undefined : (out as Record<string, unknown>);
  };
}
