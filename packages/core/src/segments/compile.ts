import type { SqlDialect } from '../sql-dialect.js';
import type { Segment } from './ast.js';
import type { SegmentFields } from './fields.js';
import { generateSegmentSql } from './generate.js';
import type { SegmentSql } from './generate.js';
import type { SegmentLocale } from './messages.js';
import { planSegment } from './plan.js';
import type { SqlExpr, SqlSource } from './sql-ast.js';
import { canonicalTimestamp, parseSegment } from './validate.js';

export interface CompileSegmentOptions {
  dialect: SqlDialect;
  fields: SegmentFields;
  /**
   * The instant relative dates and behavioural windows count back from
   * (a window of N days is `(asOf − N×24 h, asOf]`). Pass the same value to
   * both engines to get the same members.
   */
  asOf: string | Date;
  /** Restrict to one tenant (`p.tenant_id = $n`); omit when the relation holds one tenant (never with `layout: 'local'`). */
  tenantId?: string;
  /** Language of validation messages; default `en`. */
  locale?: SegmentLocale;
  /**
   * `joined` (default): features live in `player_features`, left-joined when a
   * segment uses one. `wide`: feature columns live in `players` itself, so no
   * join is needed. `local` (DuckDB only): the tables `localSegmentTables`
   * derives from one tenant's exports — `wide`, without `tenant_id`, with an
   * integer `player_key` shared by `players` and `player_activity`.
   */
  layout?: SegmentLayout;
  /**
   * The relation has `player_activity` (the last occurrence of each event type
   * per player, maintained with `events`: storage's shard migration 0007).
   * "did TYPE at least once / never in the last D days" without other filters
   * then reads it instead of scanning the player's events; the result is the
   * same (see `docs/segments.md`). Default `false`.
   */
  playerActivity?: boolean;
  /**
   * `players` has the last occurrence of every event type as a column
   * (`lastSeenColumn(type)`, e.g. `last_bet_placed_at`), kept with `events`
   * (storage's shard migration 0011). The conditions `playerActivity` serves
   * read it instead: same result, no join. Not with `layout: 'local'`.
   * Default `false`.
   */
  lastSeenColumns?: boolean;
}

export type SegmentLayout = 'joined' | 'wide' | 'local';

/** A keyset page of members: players after `after` in `player_id` order. */
export interface MemberPage {
  after?: string;
  limit?: number;
}

/**
 * A validated segment compiled for one dialect. Each method returns fresh SQL
 * and parameters.
 */
export interface CompiledSegment {
  readonly segment: Segment;
  readonly dialect: SqlDialect;
  /** The dialect-neutral WHERE tree (see `sql-ast.ts`). */
  readonly where: SqlExpr;
  readonly source: SqlSource;
  readonly asOf: string;
  readonly layout: SegmentLayout;
  /** `SELECT p.player_id … ORDER BY p.player_id [LIMIT n]`. */
  members(page?: MemberPage): SegmentSql;
  /** One row with one column, `count` (an integer). */
  count(): SegmentSql;
}

function isoInstant(asOf: string | Date): string {
  const iso = asOf instanceof Date ? (Number.isFinite(asOf.getTime()) ? asOf.toISOString() : null) : canonicalTimestamp(asOf);
  if (iso === null) throw new RangeError(`asOf must be an ISO 8601 timestamp with Z or an offset, got ${String(asOf)}`);
  return iso;
}

/**
 * The registry as a layout sees it: for `wide` and `local`, every column lives in `players`.
 *
 * @example
 * fieldsForLayout(fields, 'wide').get('net_loss_30d')?.table // 'players'
 */
export function fieldsForLayout(fields: SegmentFields, layout: SegmentLayout): SegmentFields {
  if (layout === 'joined') return fields;
  return {
    get(key) {
      const f = fields.get(key);
      return f && f.table === 'player_features' ? { ...f, table: 'players' } : f;
    },
    keys: () => fields.keys(),
  };
}

/**
 * Builds a `CompiledSegment` over a WHERE tree; `guardrail.ts` uses it to add exclusions.
 *
 * @example
 * const narrowed = compiledFrom(c.segment, c.dialect, { kind: 'and', args: [c.where, extra] }, c.source, c.asOf, c.layout);
 */
export function compiledFrom(segment: Segment, dialect: SqlDialect, where: SqlExpr, source: SqlSource, asOf: string, layout: SegmentLayout): CompiledSegment {
  return {
    segment, dialect, where, source, asOf, layout,
    members(page = {}) {
      if (page.limit !== undefined && !(Number.isInteger(page.limit) && page.limit > 0)) throw new RangeError(`limit must be a positive integer, got ${page.limit}`);
      return generateSegmentSql(dialect, { select: { kind: 'members', ...page }, source, where }, asOf);
    },
    count() {
      return generateSegmentSql(dialect, { select: { kind: 'count' }, source, where }, asOf);
    },
  };
}

/**
 * Validates a segment (throwing `SegmentValidationError` with located,
 * translated issues) and compiles it for one dialect. The SQL reads
 * `players p`, left-joined with `player_features f` on `(tenant_id, player_id)`
 * when a feature is used, and `events e` in correlated subqueries for
 * behavioural conditions. Every value is a `$n` parameter.
 *
 * @example
 * const c = compileSegment(
 *   { all: [{ field: 'country', op: 'eq', value: 'BR' }, { did: { type: 'payment', direction: 'deposit' }, op: 'at_least', times: 3, days: 30 }] },
 *   { dialect: 'postgres', fields: registrySegmentFields(FIELDS), asOf: '2026-06-01T00:00:00Z', tenantId: 'acme' },
 * );
 * const { sql, params } = c.count(); // SELECT count(*)::integer AS count FROM players p WHERE p.tenant_id = $1 AND …
 */
export function compileSegment(input: unknown, options: CompileSegmentOptions): CompiledSegment {
  const segment = parseSegment(input, options.fields, options.locale ? { locale: options.locale } : {});
  const layout = options.layout ?? 'joined';
  if (layout === 'local' && options.dialect !== 'duckdb') throw new RangeError("layout 'local' is DuckDB's (the tables localSegmentTables derives)");
  if (layout === 'local' && options.tenantId !== undefined) throw new RangeError("layout 'local' holds one tenant and no tenant_id: omit tenantId");
  if (layout === 'local' && options.lastSeenColumns) throw new RangeError("layout 'local' has no last-seen columns (it derives player_activity)");
  const playerActivity = options.playerActivity === true;
  const { expr, usesFeatures } = planSegment(segment, fieldsForLayout(options.fields, layout), { playerActivity, lastSeenColumns: options.lastSeenColumns === true });
  const source: SqlSource = {
    joinFeatures: usesFeatures, ...(playerActivity ? { playerActivity } : {}), ...(layout === 'local' ? { local: true } : {}),
    ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
  };
  return compiledFrom(segment, options.dialect, expr, source, isoInstant(options.asOf), layout);
}
