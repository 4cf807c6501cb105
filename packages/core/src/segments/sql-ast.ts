import type { SegmentTable } from './fields.js';

/**
 * The SQL a segment compiles to, as a tree. `plan.ts` builds it from a
 * validated segment without knowing the dialect; `generate.ts` prints it once
 * per dialect. Values live in `param` and `list` nodes only: a generator turns
 * them into `$n` placeholders and never prints them.
 */

/** A value bound to a placeholder. */
export type SqlValue = string | number | boolean;

/** Types a placeholder may be cast to, so both engines read the value alike. */
export type SqlCast = 'timestamptz' | 'integer' | 'bigint' | 'double';

/** Table aliases: `p` players, `f` player_features, `e` events (inside a behavioural subquery). */
export type SqlAlias = 'p' | 'f' | 'e';

/**
 * A subquery on the player's rows of `events` in `(asOf − days, asOf]`,
 * correlated on `(tenant_id, player_id)`: `exists`, `count(*)`, or
 * `coalesce(sum(column), 0)`.
 */
export interface SqlEvents {
  kind: 'events';
  agg: 'exists' | 'count' | 'sum';
  column?: string;
  days: SqlExpr;
  where: readonly SqlExpr[];
}

export const TABLE_ALIAS: { readonly [T in SegmentTable]: SqlAlias } = { players: 'p', player_features: 'f' };

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type SqlExpr =
  | { kind: 'column'; alias: SqlAlias; name: string }
  | { kind: 'param'; value: SqlValue; cast?: SqlCast }
  /** The `asOf` instant, bound once per query. */
  | { kind: 'as_of' }
  /** `asOf − days × 24 h` (hours, not calendar days, so no DST drift). */
  | { kind: 'days_before_as_of'; days: SqlExpr }
  | { kind: 'compare'; op: CompareOp; left: SqlExpr; right: SqlExpr }
  | { kind: 'between'; arg: SqlExpr; low: SqlExpr; high: SqlExpr }
  | { kind: 'and' | 'or'; args: readonly SqlExpr[] }
  /** `(arg IS TRUE)`: a two-valued boolean (NULL counts as false). */
  | { kind: 'is_true'; arg: SqlExpr }
  /** `(arg) IS NOT TRUE`: the two-valued complement (NULL counts as false). */
  | { kind: 'not'; arg: SqlExpr }
  | { kind: 'is_null'; arg: SqlExpr; negated: boolean }
  | { kind: 'in_list'; arg: SqlExpr; values: readonly SqlValue[]; negated: boolean; cast?: SqlCast }
  /** Case-insensitive prefix match of text. */
  | { kind: 'starts_with'; arg: SqlExpr; prefix: string }
  /** The list (tags) column holds `value`. */
  | { kind: 'list_contains'; list: SqlExpr; value: string }
  | SqlEvents
  /**
   * "Did an event of `type` occur in `(asOf − days, asOf]`", read from
   * `player_activity` (the last occurrence per tenant, player and type):
   * true when the last occurrence lies in the window, false when it lies
   * before it or the player has none; when it lies after `asOf`, the rows of
   * `events` decide (`fallback`, the same condition on the raw events).
   * Exact, like `fallback` alone.
   */
  | { kind: 'last_seen'; type: SqlExpr; days: SqlExpr; fallback: SqlEvents }
  /**
   * The same rule as `last_seen`, read from the player's own row: `column` of
   * `players` holds the last occurrence of the type (`lastSeenColumn`), kept
   * with `events` by the storage that has it. No join and no probe: a
   * covering index of `players` can answer it alone.
   */
  | { kind: 'last_seen_column'; column: string; days: SqlExpr; fallback: SqlEvents };

/** The relation a segment query reads: `players p`, left-joined with `player_features f` when a feature is used. */
export interface SqlSource {
  joinFeatures: boolean;
  /** The relation has `player_activity` next to `events` (see `last_seen`). */
  playerActivity?: boolean;
  /**
   * The relation is one tenant's local copy as `localSegmentTables` derives it
   * (DuckDB only): no `tenant_id` anywhere, so players and events match on
   * `player_id` alone; `players` and `player_activity` share an integer
   * `player_key`, and `player_activity.last_at` is a UTC `TIMESTAMP`.
   */
  local?: boolean;
  /** Restrict to `p.tenant_id = $n`. */
  tenantId?: string;
}

/** What a segment query returns. */
export type SqlSelect =
  /** `player_id` of the members, ordered by `player_id`, after an optional keyset cursor. */
  | { kind: 'members'; after?: string; limit?: number }
  /** One row: `count`. */
  | { kind: 'count' }
  /** One row: `matched`, one column per reason (members the reason removes), `removed` and `kept`. */
  | { kind: 'removals'; reasons: readonly { name: string; when: SqlExpr }[] };

export interface SqlQuery {
  select: SqlSelect;
  source: SqlSource;
  where: SqlExpr;
}
