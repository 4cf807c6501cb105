import { FEATURES } from './features.js';
import type { EventFilter, FeatureDefinition, FeatureExpr, FeatureKey, FeatureType, Measure, Term, Window } from './features.js';
import { dialectGenerator, duckdbUtc } from './sql-dialect.js';
import type { DialectGenerator, SqlDialect } from './sql-dialect.js';

/** Names of the positional parameters a feature query takes, in `$1..$n` order. */
export type FeatureParam = 'tenant_id' | 'player_ids' | 'as_of' | 'time_zone';

export interface FeatureQueryOptions {
  /** Restrict to `tenant_id = $n` (the events table has a `tenant_id text` column). */
  tenantColumn?: boolean;
  /** Restrict to a list of players: Postgres binds a `text[]`, DuckDB a `LIST(VARCHAR)`. */
  playerFilter?: boolean;
  /** Take hour-of-day and calendar-day features on a `time_zone` parameter (IANA name) instead of UTC. */
  timeZone?: boolean;
  /** Compute only these features (default: all, in `FEATURES` order). */
  features?: readonly FeatureKey[];
  /** Events table, optionally schema-qualified; default `events`. */
  table?: string;
}

/** Parameterised SQL: `params[i]` names the value bound to `$<i+1>`. */
export interface CompiledQuery<P extends string = string> {
  sql: string;
  params: readonly P[];
}

const IDENT = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;
const LITERAL = /^[a-z0-9_.]+$/;

function literal(value: string | boolean): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (!LITERAL.test(value)) throw new Error(`feature definition constant ${JSON.stringify(value)} must match ${LITERAL}`);
  return `'${value}'`;
}

function hours(days: number): string {
  if (!Number.isInteger(days) || days < 0) throw new Error(`window days must be a non-negative integer, got ${days}`);
  return `INTERVAL '${days * 24} hours'`;
}

/** State shared by the generators of one query. */
class Context {
  readonly params: FeatureParam[] = [];
  constructor(readonly g: DialectGenerator, readonly timeZone: boolean) {}

  param(name: FeatureParam): string {
    let i = this.params.indexOf(name);
    if (i < 0) i = this.params.push(name) - 1;
    return `$${i + 1}`;
  }

  // DuckDB computes on UTC TIMESTAMPs (duckdbUtc): DuckDB-WASM has no ICU
  // offline, so TIMESTAMPTZ − INTERVAL and date_part('epoch', TIMESTAMPTZ)
  // are unavailable there; the epoch is absolute, so native DuckDB with any
  // TimeZone gives the same values as Postgres too.
  get asOf(): string {
    const cast = `CAST(${this.param('as_of')} AS TIMESTAMPTZ)`;
    return this.g.name === 'duckdb' ? duckdbUtc(cast) : cast;
  }

  /** A timestamp column, as the instants it is compared with (UTC TIMESTAMP in DuckDB). */
  instant(column: string): string {
    return this.g.name === 'duckdb' ? duckdbUtc(column) : column;
  }

  epoch(expr: string): string {
    return this.g.name === 'duckdb' ? `(epoch_us(${expr}) / 1000000)` : `date_part('epoch', ${expr})`;
  }

  // UTC needs no time-zone support at all (DuckDB-WASM ships without ICU), so
  // it is plain arithmetic on the epoch; a named zone goes through timezone().
  hourOfDay(): string {
    if (this.timeZone) return `extract(hour FROM timezone(${this.param('time_zone')}, occurred_at))`;
    return `CAST(floor(${this.epoch('occurred_at')} / 3600) AS ${this.g.bigint}) % 24`;
  }

  day(): string {
    if (this.timeZone) return `CAST(timezone(${this.param('time_zone')}, occurred_at) AS DATE)`;
    return `floor(${this.epoch('occurred_at')} / 86400)`;
  }

  wholeDaysSince(expr: string): string {
    return `floor((${this.epoch(this.asOf)} - ${this.epoch(expr)}) / 86400)`;
  }

  filter(f: EventFilter): string {
    if ('all' in f) return f.all.map((x) => this.filter(x)).join(' AND ');
    if ('hourFrom' in f) {
      if (!(Number.isInteger(f.hourFrom) && Number.isInteger(f.hourTo) && 0 <= f.hourFrom && f.hourFrom < f.hourTo && f.hourTo <= 24)) {
        throw new Error(`invalid hour range [${f.hourFrom}, ${f.hourTo})`);
      }
      const h = this.hourOfDay();
      const bounds = [...(f.hourFrom > 0 ? [`${h} >= ${f.hourFrom}`] : []), ...(f.hourTo < 24 ? [`${h} < ${f.hourTo}`] : [])];
      return bounds.length > 0 ? bounds.join(' AND ') : 'TRUE';
    }
    if ('in' in f) return `${f.column} IN (${f.in.map(literal).join(', ')})`;
    return `${f.column} = ${literal(f.eq)}`;
  }

  window(w: Window | null, column = 'occurred_at'): string[] {
    if (w === null) return [];
    const offset = w.offsetDays ?? 0;
    const at = this.instant(column);
    const out = [`${at} > ${this.asOf} - ${hours(w.days + offset)}`];
    // Every event read is already `<= as_of` (the scope); only offset windows need an upper bound.
    if (offset > 0) out.push(`${at} <= ${this.asOf} - ${hours(offset)}`);
    return out;
  }

  where(filter: EventFilter | null, w: Window | null): string {
    const parts = [...(filter ? [this.filter(filter)] : []), ...this.window(w)];
    return parts.length === 0 ? '' : ` FILTER (WHERE ${parts.join(' AND ')})`;
  }

  /** The aggregate expression of one term over the scoped event rows of a player. */
  aggregate(m: Measure, w: Window | null): string {
    const d = this.g.double;
    switch (m.kind) {
      case 'count':
        return `count(*)${this.where(m.where, w)}`;
      case 'sum':
        return `sum(${m.value})${this.where(m.where, w)}`;
      case 'mean':
        return `avg(CAST(${m.value} AS ${d}))${this.where(m.where, w)}`;
      case 'cv': {
        const f = this.where(m.where, w);
        return `stddev_pop(CAST(${m.value} AS ${d}))${f} / NULLIF(avg(CAST(${m.value} AS ${d}))${f}, 0)`;
      }
      case 'count_distinct':
        return `count(DISTINCT ${m.column})${this.where(m.where, w)}`;
      case 'active_days':
        return `count(DISTINCT ${this.day()})${this.where(m.where, w)}`;
      case 'days_since_last':
        return this.wholeDaysSince(`max(occurred_at)${this.where(m.where, w)}`);
      case 'days_since_registration': {
        return this.wholeDaysSince(
          `coalesce(min(ref_at) FILTER (WHERE type = 'player.updated'), min(occurred_at))`,
        );
      }
      case 'session_mean_minutes':
        throw new Error('internal: session_mean_minutes is aggregated over sessions, not events');
    }
  }
}

interface CompiledTerm {
  alias: string;
  term: Term;
}

function termKey(t: Term): string {
  return JSON.stringify([t.measure, t.window]);
}

function termsOf(e: FeatureExpr): Term[] {
  switch (e.op) {
    case 'term':
      return [{ measure: e.measure, window: e.window }];
    case 'ratio':
      return [e.numerator, e.denominator];
    case 'difference':
      return [e.minuend, e.subtrahend];
  }
}

function sqlTypeOf(g: DialectGenerator, t: FeatureType): string {
  return t === 'integer' ? g.integer : t === 'money' ? g.bigint : g.double;
}

/**
 * Compiles feature definitions into one parameterised query over the flat
 * `events` table (`EVENT_COLUMNS`, plus `tenant_id` when `tenantColumn`).
 * It returns one row per player with at least one event at or before
 * `as_of`: `player_id` and one typed column per feature, ordered by
 * `player_id`. Values are only ever bound as parameters.
 *
 * Binding: `as_of` is an ISO 8601 string or a `Date`; `player_ids` is a
 * `text[]` in Postgres and a `LIST(VARCHAR)` value in DuckDB
 * (`listValue(ids)` with type `LIST(VARCHAR)` in `@duckdb/node-api`).
 * Result types: integers are `integer`, money `bigint` (node-postgres returns
 * it as a string, `@duckdb/node-api` as a `bigint`), the rest `double`.
 *
 * @example
 * const { sql, params } = compileFeatureQuery('postgres', { tenantColumn: true, playerFilter: true });
 * // params: ['tenant_id', 'player_ids', 'as_of']
 * const values = { tenant_id: 't1', player_ids: ['p1', 'p2'], as_of: new Date() };
 * await pool.query(sql, params.map((p) => values[p]));
 */
export function compileFeatureQuery(dialect: SqlDialect, options: FeatureQueryOptions = {}): CompiledQuery<FeatureParam> {
  const g = dialectGenerator(dialect);
  const table = options.table ?? 'events';
  if (!IDENT.test(table)) throw new Error(`invalid table name ${JSON.stringify(table)}`);
  const wanted = options.features ?? null;
  const features: readonly FeatureDefinition[] = wanted === null
    ? FEATURES
    : wanted.map((k) => {
      const f = (FEATURES as readonly FeatureDefinition[]).find((x) => x.key === k);
      if (!f) throw new Error(`unknown feature ${JSON.stringify(k)}`);
      return f;
    });
  if (features.length === 0) throw new Error('no features to compile');

  const ctx = new Context(g, options.timeZone === true);
  const scope: string[] = [];
  if (options.tenantColumn) scope.push(`tenant_id = ${ctx.param('tenant_id')}`);
  if (options.playerFilter) scope.push(`player_id = ANY(${ctx.param('player_ids')})`);
  scope.push(`${ctx.instant('occurred_at')} <= ${ctx.asOf}`);

  const eventTerms = new Map<string, CompiledTerm>();
  const sessionTerms = new Map<string, CompiledTerm>();
  for (const f of features) {
    for (const t of termsOf(f.expr)) {
      const into = t.measure.kind === 'session_mean_minutes' ? sessionTerms : eventTerms;
      const key = termKey(t);
      if (!eventTerms.has(key) && !sessionTerms.has(key)) {
        into.set(key, { alias: `m${eventTerms.size + sessionTerms.size}`, term: t });
      }
    }
  }
  const ref = (t: Term): string => {
    const c = eventTerms.get(termKey(t)) ?? sessionTerms.get(termKey(t));
    if (!c) throw new Error('internal: term not collected');
    return t.measure.kind === 'sum' ? `coalesce(${c.alias}, 0)` : c.alias;
  };

  // The events are read twice (all of them, then sessions) straight from the
  // table, not through a shared CTE: Postgres materialises a CTE referenced
  // twice, which copies every row and defeats the (tenant_id, player_id,
  // occurred_at) index that otherwise delivers rows already grouped.
  const where = scope.join(' AND ');
  const ctes: string[] = [];
  // Every player with an event gets a row, even when no term selects one of its events.
  const agg = [...eventTerms.values()].map((c) => `    ${ctx.aggregate(c.term.measure, c.term.window)} AS ${c.alias}`);
  ctes.push(`agg AS (\n  SELECT player_id${agg.length ? ',\n' + agg.join(',\n') : ''}\n  FROM ${table}\n  WHERE ${where}\n  GROUP BY player_id\n)`);
  if (sessionTerms.size > 0) {
    ctes.push(
      `sess AS (\n  SELECT player_id, ref_id,\n` +
        `    min(occurred_at) FILTER (WHERE type = 'session.started') AS started_at,\n` +
        `    max(occurred_at) FILTER (WHERE type = 'session.ended') AS ended_at\n` +
        `  FROM ${table}\n  WHERE ${where} AND type IN ('session.started', 'session.ended')\n  GROUP BY player_id, ref_id\n)`,
    );
    const cols = [...sessionTerms.values()].map((c) => {
      const parts = [...ctx.window(c.term.window, 'started_at'), 'ended_at >= started_at'];
      return `    avg((${ctx.epoch('ended_at')} - ${ctx.epoch('started_at')}) / 60) FILTER (WHERE ${parts.join(' AND ')}) AS ${c.alias}`;
    });
    ctes.push(`sess_agg AS (\n  SELECT player_id,\n${cols.join(',\n')}\n  FROM sess\n  GROUP BY player_id\n)`);
  }

  const d = g.double;
  const value = (f: FeatureDefinition): string => {
    const e = f.expr;
    switch (e.op) {
      case 'term':
        return ref({ measure: e.measure, window: e.window });
      case 'difference':
        return `${ref(e.minuend)} - ${ref(e.subtrahend)}`;
      case 'ratio': {
        const days = (t: Term): number => {
          if (t.window === null) throw new Error(`${f.key}: a per-day ratio needs windows`);
          return t.window.days;
        };
        const num = `CAST(${ref(e.numerator)} AS ${d})${e.perDay ? ` / ${days(e.numerator)}` : ''}`;
        const den = `CAST(${ref(e.denominator)} AS ${d})${e.perDay ? ` / ${days(e.denominator)}` : ''}`;
        return `${num} / NULLIF(${den}, 0)`;
      }
    }
  };
  const select = features.map((f) => `  CAST(${value(f)} AS ${sqlTypeOf(g, f.type)}) AS ${f.key}`);
  const from = sessionTerms.size > 0 ? 'agg\nLEFT JOIN sess_agg ON sess_agg.player_id = agg.player_id' : 'agg';
  const sql =
    `WITH ${ctes.join(',\n')}\n` +
    `SELECT agg.player_id,\n${select.join(',\n')}\n` +
    `FROM ${from}\n` +
    `ORDER BY agg.player_id`;
  return { sql, params: ctx.params };
}

/** One feature's column in a `player_features` table. */
export interface FeatureColumn {
  key: FeatureKey;
  type: FeatureType;
  sqlType: Record<SqlDialect, string>;
}

/**
 * The feature columns, in `FEATURES` order, with their SQL type per dialect.
 *
 * @example
 * featureColumns.find((c) => c.key === 'net_loss_30d')?.sqlType.postgres // 'bigint'
 */
export const featureColumns: readonly FeatureColumn[] = FEATURES.map((f) => ({
  key: f.key,
  type: f.type,
  sqlType: { postgres: sqlTypeOf(dialectGenerator('postgres'), f.type), duckdb: sqlTypeOf(dialectGenerator('duckdb'), f.type) },
}));

/**
 * Column definitions for a `player_features` table, one nullable typed column
 * per feature, comma-separated, to place inside `CREATE TABLE`.
 *
 * @example
 * const ddl = `CREATE TABLE player_features (tenant_id text, player_id text, ${featureColumnsDdl('postgres')}, PRIMARY KEY (tenant_id, player_id))`;
 */
export function featureColumnsDdl(dialect: SqlDialect): string {
  return featureColumns.map((c) => `${c.key} ${c.sqlType[dialect]}`).join(',\n  ');
}
