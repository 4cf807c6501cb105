import { duckdbUtc, duckdbUtcOrInfinite } from '../sql-dialect.js';
import type { SqlDialect } from '../sql-dialect.js';
import { isPlainColumn } from './fields.js';
import type { SqlCast, SqlEvents, SqlExpr, SqlQuery, SqlValue } from './sql-ast.js';

type EventsNode = SqlEvents;
type LastSeenNode = Extract<SqlExpr, { kind: 'last_seen' }>;

/** SQL text and the values of its `$1..$n` placeholders, in order. */
export interface SegmentSql {
  sql: string;
  /** Scalars, and for Postgres `in` lists one array per list (bound as a Postgres array). */
  params: (SqlValue | SqlValue[])[];
}

const REASON = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Prints the SQL tree of `sql-ast.ts`. The traversal and everything the two
 * engines read alike live here; each dialect overrides what differs: casts,
 * list parameters, prefix match, list membership and intervals.
 */
abstract class SegmentSqlGenerator {
  abstract readonly dialect: SqlDialect;
  private params: (SqlValue | SqlValue[])[] = [];
  private asOfMark: string | undefined;

  constructor(private readonly asOf: string) {}

  protected bind(value: SqlValue | SqlValue[]): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  protected abstract cast(sql: string, type: SqlCast): string;
  protected abstract inList(arg: string, values: readonly SqlValue[], negated: boolean, cast: SqlCast | undefined): string;
  protected abstract startsWith(arg: string, prefix: string): string;
  protected abstract listContains(list: string, value: string): string;
  protected abstract minusHours24(ts: string, days: string): string;

  protected param(value: SqlValue, cast?: SqlCast): string {
    const mark = this.bind(value);
    return cast ? this.cast(mark, cast) : mark;
  }

  protected asOfExpr(): string {
    this.asOfMark ??= this.bind(this.asOf);
    return this.cast(this.asOfMark, 'timestamptz');
  }

  protected column(alias: string, name: string): string {
    if (!isPlainColumn(name)) throw new Error(`refusing to print column ${JSON.stringify(name)}`);
    return `${alias}.${name}`;
  }

  expr(e: SqlExpr): string {
    switch (e.kind) {
      case 'column': return this.column(e.alias, e.name);
      case 'param': return this.param(e.value, e.cast);
      case 'as_of': return this.asOfExpr();
      case 'days_before_as_of': return this.minusHours24(this.asOfExpr(), this.expr(e.days));
      case 'compare': return `${this.expr(e.left)} ${e.op} ${this.expr(e.right)}`;
      case 'between': return `${this.expr(e.arg)} BETWEEN ${this.expr(e.low)} AND ${this.expr(e.high)}`;
      case 'and':
      case 'or': {
        const parts = e.args.map((a) => this.expr(a));
        return parts.length === 1 ? parts[0]! : `(${parts.join(e.kind === 'and' ? ' AND ' : ' OR ')})`;
      }
      case 'not': return `(${this.expr(e.arg)}) IS NOT TRUE`;
      case 'is_true': return `(${this.expr(e.arg)} IS TRUE)`;
      case 'is_null': return `(${this.expr(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
      case 'in_list': return this.inList(this.expr(e.arg), e.values, e.negated, e.cast);
      case 'starts_with': return this.startsWith(this.expr(e.arg), e.prefix);
      case 'list_contains': return this.listContains(this.expr(e.list), e.value);
      case 'events': return this.events(e);
      case 'last_seen': return this.lastSeen(e);
      case 'last_seen_column': {
        // The rule of lastSeen on the player's own column: in the window, true;
        // before it or none, false; after asOf, the player's events decide.
        const at = this.instantColumn(this.column('p', e.column));
        return `(${at} > ${this.minusHours24(this.asOfExpr(), this.expr(e.days))} AND (${at} <= ${this.asOfExpr()} OR ${this.expr(e.fallback)}))`;
      }
    }
  }

  /** An instant column compared with instants (DuckDB takes it to UTC). */
  protected instantColumn(sql: string): string {
    return sql;
  }

  /** The correlated `EXISTS` on the player's events, whatever form `events()` prefers. */
  protected correlatedExists(e: EventsNode): string {
    return `EXISTS (SELECT 1 FROM events e WHERE ${['e.tenant_id = p.tenant_id', 'e.player_id = p.player_id', ...this.eventConditions(e)].join(' AND ')})`;
  }

  // One probe of player_activity's primary key per candidate; the raw events
  // are read only for a player whose last event of the type lies after asOf.
  protected lastSeen(e: LastSeenNode): string {
    const at = this.instantColumn('a.last_at');
    const conditions = [
      'a.tenant_id = p.tenant_id', 'a.player_id = p.player_id', `a.type = ${this.expr(e.type)}`,
      `${at} > ${this.minusHours24(this.asOfExpr(), this.expr(e.days))}`,
      `(${at} <= ${this.asOfExpr()} OR ${this.correlatedExists(e.fallback)})`,
    ];
    return `EXISTS (SELECT 1 FROM player_activity a WHERE ${conditions.join(' AND ')})`;
  }

  /** The player's rows of `events` in the window that pass the node's filters. */
  protected eventConditions(e: EventsNode): string[] {
    return [
      ...e.where.map((w) => this.expr(w)),
      `e.occurred_at > ${this.minusHours24(this.asOfExpr(), this.expr(e.days))}`,
      `e.occurred_at <= ${this.asOfExpr()}`,
    ];
  }

  protected events(e: EventsNode): string {
    if (e.agg === 'exists') return this.correlatedExists(e);
    const from = `FROM events e WHERE ${['e.tenant_id = p.tenant_id', 'e.player_id = p.player_id', ...this.eventConditions(e)].join(' AND ')}`;
    switch (e.agg) {
      case 'count': return `(SELECT count(*) ${from})`;
      case 'sum': return `(SELECT coalesce(sum(${this.column('e', e.column ?? '')}), 0) ${from})`;
    }
  }

  private count(filter?: string): string {
    return this.cast(filter === undefined ? 'count(*)' : `count(*) FILTER (WHERE ${filter})`, 'integer');
  }

  /** Extra joins after `players p` (and `player_features f`); a dialect may move subqueries here. */
  protected joins(_q: SqlQuery): string[] {
    return [];
  }

  /** The placeholder of the tenant filter, once bound. */
  protected tenantMark: string | undefined;

  query(q: SqlQuery): SegmentSql {
    const scope: string[] = [];
    if (q.source.tenantId !== undefined) {
      this.tenantMark = this.param(q.source.tenantId);
      scope.push(`p.tenant_id = ${this.tenantMark}`);
    }
    const from = [
      'FROM players p',
      ...(q.source.joinFeatures ? ['LEFT JOIN player_features f ON f.tenant_id = p.tenant_id AND f.player_id = p.player_id'] : []),
      ...this.joins(q),
    ].join(' ');
    let head: string;
    const tail: string[] = [];
    switch (q.select.kind) {
      case 'members':
        head = 'SELECT p.player_id';
        if (q.select.after !== undefined) scope.push(`p.player_id > ${this.param(q.select.after)}`);
        break;
      case 'count':
        head = `SELECT ${this.count()} AS count`;
        break;
      case 'removals': {
        const reasons = q.select.reasons;
        if (reasons.length === 0) throw new Error('a removals query needs at least one reason');
        const cols = [`${this.count()} AS matched`];
        for (const r of reasons) {
          if (!REASON.test(r.name) || ['matched', 'removed', 'kept'].includes(r.name)) throw new Error(`invalid reason name ${JSON.stringify(r.name)}`);
          cols.push(`${this.count(this.expr(r.when))} AS ${r.name}`);
        }
        const any = (): string => this.expr({ kind: 'or', args: reasons.map((r) => r.when) });
        cols.push(`${this.count(any())} AS removed`, `${this.count(`(${any()}) IS NOT TRUE`)} AS kept`);
        head = `SELECT ${cols.join(', ')}`;
        break;
      }
    }
    scope.push(this.expr(q.where));
    if (q.select.kind === 'members') {
      tail.push('ORDER BY p.player_id');
      if (q.select.limit !== undefined) tail.push(`LIMIT ${this.param(q.select.limit, 'integer')}`);
    }
    const sql = [head, from, `WHERE ${scope.join(' AND ')}`, ...tail].join(' ');
    return { sql, params: this.params };
  }
}

class PostgresSegmentSql extends SegmentSqlGenerator {
  readonly dialect = 'postgres' as const;
  private static readonly TYPES: { readonly [T in SqlCast]: string } = {
    timestamptz: 'timestamptz', integer: 'integer', bigint: 'bigint', double: 'double precision',
  };

  protected cast(sql: string, type: SqlCast): string {
    const t = PostgresSegmentSql.TYPES[type];
    return /^[$\w]+(\(\*\))?$/.test(sql) ? `${sql}::${t}` : `(${sql})::${t}`;
  }

  // One array parameter per list: the statement text does not change with the
  // list's length, so a prepared plan is reused.
  protected inList(arg: string, values: readonly SqlValue[], negated: boolean, cast: SqlCast | undefined): string {
    const mark = this.bind([...values]);
    const list = cast ? `${mark}::${PostgresSegmentSql.TYPES[cast]}[]` : mark;
    return negated ? `${arg} <> ALL(${list})` : `${arg} = ANY(${list})`;
  }

  // LIKE on lower() can use a `lower(col) text_pattern_ops` index; the prefix
  // is escaped so `%` and `_` in a value match themselves.
  protected startsWith(arg: string, prefix: string): string {
    const pattern = prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
    return `lower(${arg}) LIKE lower(${this.bind(pattern)}) ESCAPE '\\'`;
  }

  protected listContains(list: string, value: string): string {
    return `${list} @> ARRAY[${this.bind(value)}::text]`;
  }

  protected minusHours24(ts: string, days: string): string {
    return `${ts} - ${days} * interval '24 hours'`;
  }
}

/** Nodes whose value is an instant: a comparison with one reads its other side as an instant too. */
function isInstant(e: SqlExpr): boolean {
  return e.kind === 'as_of' || e.kind === 'days_before_as_of' || (e.kind === 'param' && e.cast === 'timestamptz');
}

class DuckDBSegmentSql extends SegmentSqlGenerator {
  readonly dialect = 'duckdb' as const;
  private static readonly TYPES: { readonly [T in SqlCast]: string } = {
    timestamptz: 'TIMESTAMPTZ', integer: 'INTEGER', bigint: 'BIGINT', double: 'DOUBLE',
  };

  // Instants are UTC TIMESTAMPs (see duckdbUtc): a value is parsed as
  // TIMESTAMPTZ (which honours its offset) and then taken to UTC.
  protected cast(sql: string, type: SqlCast): string {
    const cast = `CAST(${sql} AS ${DuckDBSegmentSql.TYPES[type]})`;
    return type === 'timestamptz' ? duckdbUtc(cast) : cast;
  }

  /**
   * A side of a comparison with an instant: columns are taken to UTC like the
   * values, except the local layout's players columns, which its derivation
   * stored as UTC TIMESTAMPs (so the comparison can filter the scan itself).
   */
  private instant(e: SqlExpr): string {
    if (e.kind !== 'column' || (this.local && e.alias === 'p')) return this.expr(e);
    return duckdbUtcOrInfinite(this.expr(e));
  }

  override expr(e: SqlExpr): string {
    if (e.kind === 'compare' && (isInstant(e.left) || isInstant(e.right))) return `${this.instant(e.left)} ${e.op} ${this.instant(e.right)}`;
    if (e.kind === 'between' && (isInstant(e.arg) || isInstant(e.low) || isInstant(e.high))) {
      return `${this.instant(e.arg)} BETWEEN ${this.instant(e.low)} AND ${this.instant(e.high)}`;
    }
    if (e.kind === 'in_list' && e.cast === 'timestamptz') return this.inList(this.instant(e.arg), e.values, e.negated, e.cast);
    return super.expr(e);
  }

  protected override instantColumn(sql: string): string {
    return duckdbUtc(sql);
  }

  protected override eventConditions(e: EventsNode): string[] {
    const at = duckdbUtc('e.occurred_at');
    return [
      ...e.where.map((w) => this.expr(w)),
      `${at} > ${this.minusHours24(this.asOfExpr(), this.expr(e.days))}`,
      `${at} <= ${this.asOfExpr()}`,
    ];
  }

  // DuckDB-WASM's prepared statements bind scalars only, so a list becomes one
  // placeholder per item.
  protected inList(arg: string, values: readonly SqlValue[], negated: boolean, cast: SqlCast | undefined): string {
    const marks = values.map((v) => this.param(v, cast));
    return `${arg} ${negated ? 'NOT IN' : 'IN'} (${marks.join(', ')})`;
  }

  protected startsWith(arg: string, prefix: string): string {
    return `starts_with(lower(${arg}), lower(${this.bind(prefix)}))`;
  }

  protected listContains(list: string, value: string): string {
    return `list_contains(${list}, ${this.bind(value)})`;
  }

  protected minusHours24(ts: string, days: string): string {
    return `${ts} - ${days} * INTERVAL 24 HOUR`;
  }

  private readonly aggregates = new Map<EventsNode, string>();

  /** One tenant's local copy (`SqlSource.local`): players match on `player_id`, or `player_key` with player_activity. */
  private local = false;

  override query(q: SqlQuery): SegmentSql {
    this.local = q.source.local === true;
    return super.query(q);
  }

  /** The columns that name a player in `alias`'s table, for `IN` lists and `GROUP BY`. */
  private playerColumns(alias: string): string {
    return this.local ? `${alias}.player_id` : `${alias}.tenant_id, ${alias}.player_id`;
  }

  /** The same, as the left side of `IN`. */
  private player(alias: string): string {
    return this.local ? `${alias}.player_id` : `(${alias}.tenant_id, ${alias}.player_id)`;
  }

  private scoped(e: EventsNode): string {
    const tenant = this.tenantMark === undefined ? [] : [`e.tenant_id = ${this.tenantMark}`];
    return [...tenant, ...this.eventConditions(e)].join(' AND ');
  }

  // DuckDB runs a correlated subquery as a delim join (deduplicate the outer
  // keys, join, join back). Uncorrelated forms are one hash join and ran 2-3×
  // faster over 1M players: EXISTS becomes IN, and counts and sums become
  // per-player aggregates left-joined once (see test/bench/segments.bench.ts).
  protected override joins(q: SqlQuery): string[] {
    // Local layout: a "did TYPE" that every member must satisfy (a conjunct of
    // the top-level AND) becomes an inner join with its set of player_keys,
    // which DuckDB runs faster than the semi join of IN. Exact because the set
    // holds each key once: player_activity has one row per (player_key, type)
    // and the two branches split on last_at.
    const activity: string[] = [];
    if (this.local) {
      const conjuncts = (x: SqlExpr): SqlExpr[] => (x.kind === 'and' ? x.args.flatMap(conjuncts) : [x]);
      for (const c of conjuncts(q.where)) {
        if (c.kind !== 'last_seen' || this.joinedActivity.has(c)) continue;
        const alias = `s${this.joinedActivity.size + 1}`;
        activity.push(`JOIN (${this.activitySet(c)}) ${alias} ON ${alias}.player_key = p.player_key`);
        this.joinedActivity.add(c);
      }
    }
    const found: EventsNode[] = [];
    const walk = (x: SqlExpr): void => {
      switch (x.kind) {
        case 'events': if (x.agg !== 'exists' && !found.includes(x)) found.push(x); return;
        case 'and': case 'or': x.args.forEach(walk); return;
        case 'not': case 'is_true': case 'is_null': case 'in_list': case 'starts_with': walk(x.arg); return;
        case 'compare': walk(x.left); walk(x.right); return;
        case 'between': walk(x.arg); walk(x.low); walk(x.high); return;
        default: return;
      }
    };
    walk(q.where);
    if (q.select.kind === 'removals') q.select.reasons.forEach((r) => walk(r.when));
    return [...activity, ...found.map((e, i) => {
      const alias = `b${i + 1}`;
      const value = e.agg === 'count' ? 'count(*)' : `sum(${this.column('e', e.column ?? '')})`;
      const on = this.local ? `${alias}.player_id = p.player_id` : `${alias}.tenant_id = p.tenant_id AND ${alias}.player_id = p.player_id`;
      const sql = `LEFT JOIN (SELECT ${this.playerColumns('e')}, ${value} AS v FROM events e WHERE ${this.scoped(e)} GROUP BY ${this.playerColumns('e')}) ${alias} ON ${on}`;
      this.aggregates.set(e, alias);
      return sql;
    })];
  }

  // Uncorrelated too: the players whose last event of the type lies in the
  // window, plus (second branch) those whose last one lies after asOf and who
  // have an event in the window. The second branch reads no events when no
  // player_activity row lies after asOf. In the local layout the key is the
  // integer player_key and last_at a UTC TIMESTAMP compared as it is, so a
  // player_activity sorted by (type, last_at) skips row groups by zone map.
  private activitySet(e: LastSeenNode): string {
    const at = this.local ? 'a.last_at' : this.instantColumn('a.last_at');
    const tenant = this.tenantMark === undefined ? [] : [`a.tenant_id = ${this.tenantMark}`];
    const key = this.local ? 'a.player_key' : 'a.tenant_id, a.player_id';
    const recent = [...tenant, `a.type = ${this.expr(e.type)}`, `${at} > ${this.minusHours24(this.asOfExpr(), this.expr(e.days))}`, `${at} <= ${this.asOfExpr()}`];
    const later = [
      ...tenant, `a.type = ${this.expr(e.type)}`, `${at} > ${this.asOfExpr()}`,
      `${this.player('a')} IN (SELECT ${this.playerColumns('e')} FROM events e WHERE ${this.scoped(e.fallback)})`,
    ];
    const from = 'FROM player_activity a WHERE';
    return `SELECT ${key} ${from} ${recent.join(' AND ')} UNION ALL SELECT ${key} ${from} ${later.join(' AND ')}`;
  }

  /** Top-level conditions of the local layout already applied as an inner join (see `joins`). */
  private readonly joinedActivity = new Set<LastSeenNode>();

  protected override lastSeen(e: LastSeenNode): string {
    if (this.joinedActivity.has(e)) return 'TRUE';
    return `${this.local ? 'p.player_key' : this.player('p')} IN (${this.activitySet(e)})`;
  }

  protected override events(e: EventsNode): string {
    if (e.agg === 'exists') return `${this.player('p')} IN (SELECT ${this.playerColumns('e')} FROM events e WHERE ${this.scoped(e)})`;
    const alias = this.aggregates.get(e);
    if (alias === undefined) throw new Error('an event aggregate was not planned as a join');
    return `coalesce(${alias}.v, 0)`;
  }
}

/**
 * Prints a segment query for one dialect. `asOf` (ISO 8601) is bound once and
 * anchors every relative date and behavioural window.
 *
 * @example
 * const { sql, params } = generateSegmentSql('duckdb', query, '2026-06-01T00:00:00Z');
 */
export function generateSegmentSql(dialect: SqlDialect, query: SqlQuery, asOf: string): SegmentSql {
  const g = dialect === 'postgres' ? new PostgresSegmentSql(asOf) : new DuckDBSegmentSql(asOf);
  return g.query(query);
}
