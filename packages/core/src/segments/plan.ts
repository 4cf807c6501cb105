import type { EventMatch, FieldCondition, NumberOp, SegmentScalar, Segment, SegmentNode } from './ast.js';
import type { SegmentField, SegmentFields } from './fields.js';
import { TABLE_ALIAS } from './sql-ast.js';
import type { CompareOp, SqlCast, SqlEvents, SqlExpr, SqlValue } from './sql-ast.js';

/**
 * Turns a validated segment into the dialect-neutral SQL tree. Every value
 * becomes a `param` or `list` node; every identifier comes from the registry.
 */

const COMPARE: { readonly [K in Exclude<NumberOp, 'between'>]: CompareOp } = {
  eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=',
};

/** What a planned expression needs from its surroundings. */
export interface Planned {
  expr: SqlExpr;
  usesFeatures: boolean;
}

function castFor(field: SegmentField): SqlCast | undefined {
  switch (field.type) {
    case 'timestamp': return 'timestamptz';
    case 'integer':
    case 'money': return 'bigint';
    case 'number': return 'double';
    default: return undefined;
  }
}

const param = (value: SqlValue, cast?: SqlCast): SqlExpr => (cast ? { kind: 'param', value, cast } : { kind: 'param', value });

function numberCompare(arg: SqlExpr, op: NumberOp, value: number | readonly [number, number], cast: SqlCast): SqlExpr {
  if (op === 'between') {
    const [low, high] = value as readonly [number, number];
    return { kind: 'between', arg, low: param(low, cast), high: param(high, cast) };
  }
  return { kind: 'compare', op: COMPARE[op], left: arg, right: param(value as number, cast) };
}

function eventFilters(m: EventMatch): SqlExpr[] {
  const col = (name: string): SqlExpr => ({ kind: 'column', alias: 'e', name });
  const out: SqlExpr[] = [{ kind: 'compare', op: '=', left: col('type'), right: param(m.type) }];
  if (m.product) out.push({ kind: 'in_list', arg: col('product'), values: m.product, negated: false });
  if (m.direction !== undefined) out.push({ kind: 'compare', op: '=', left: col('direction'), right: param(m.direction) });
  if (m.status) out.push({ kind: 'in_list', arg: col('status'), values: m.status, negated: false });
  if (m.method) out.push({ kind: 'in_list', arg: col('method'), values: m.method, negated: false });
  if (m.amount) out.push(numberCompare(col('amount_minor'), m.amount.op, m.amount.value, 'bigint'));
  return out;
}

function readField(field: SegmentField): SqlExpr {
  const column: SqlExpr = { kind: 'column', alias: TABLE_ALIAS[field.table], name: field.column };
  switch (field.read ?? 'column') {
    case 'column': return column;
    case 'is_not_null': return { kind: 'is_null', arg: column, negated: true };
    case 'after_as_of': return { kind: 'is_true', arg: { kind: 'compare', op: '>', left: column, right: { kind: 'as_of' } } };
  }
}

function fieldExpr(c: FieldCondition, field: SegmentField): SqlExpr {
  const arg = readField(field);
  const cast = castFor(field);
  const v = c.value;
  switch (c.op) {
    case 'eq': case 'neq': case 'lt': case 'lte': case 'gt': case 'gte':
      return { kind: 'compare', op: COMPARE[c.op], left: arg, right: param(v as SegmentScalar, cast) };
    case 'between': {
      const [low, high] = v as readonly [SegmentScalar, SegmentScalar];
      return { kind: 'between', arg, low: param(low, cast), high: param(high, cast) };
    }
    case 'in':
    case 'not_in': {
      const values = v as readonly SegmentScalar[];
      const node: SqlExpr = { kind: 'in_list', arg, values, negated: c.op === 'not_in' };
      return cast ? { ...node, cast } : node;
    }
    case 'is_null':
    case 'is_not_null':
      return { kind: 'is_null', arg, negated: c.op === 'is_not_null' };
    case 'contains':
      return { kind: 'list_contains', list: arg, value: v as string };
    case 'starts_with':
      return { kind: 'starts_with', arg, prefix: v as string };
    case 'within_last_days':
      return {
        kind: 'and',
        args: [
          { kind: 'compare', op: '>', left: arg, right: { kind: 'days_before_as_of', days: param(v as number, 'integer') } },
          { kind: 'compare', op: '<=', left: arg, right: { kind: 'as_of' } },
        ],
      };
    case 'more_than_days_ago':
      return { kind: 'compare', op: '<=', left: arg, right: { kind: 'days_before_as_of', days: param(v as number, 'integer') } };
  }
}

/** What the planner may read besides `players`, `player_features` and `events`. */
export interface PlanOptions {
  /** `player_activity` exists: "did TYPE at least once / never" without other filters reads it (`last_seen`). */
  playerActivity?: boolean;
  /**
   * `players` has the last occurrence of every event type as a column
   * (`lastSeenColumn`): the same conditions read it (`last_seen_column`),
   * in preference to `player_activity`.
   */
  lastSeenColumns?: boolean;
}

/**
 * The `players` column that holds a player's last occurrence of an event
 * type, in storages that keep one (`lastSeenColumns`).
 *
 * @example
 * lastSeenColumn('bet.placed') // 'last_bet_placed_at'
 */
export function lastSeenColumn(type: string): string {
  if (!/^[a-z]+(\.[a-z]+)*$/.test(type)) throw new RangeError(`not an event type name: ${JSON.stringify(type)}`);
  return `last_${type.replaceAll('.', '_')}_at`;
}

/** Only `type` is filtered: the key of `player_activity`. */
function typeOnly(m: EventMatch): boolean {
  return m.product === undefined && m.direction === undefined && m.status === undefined && m.method === undefined && m.amount === undefined;
}

function nodeExpr(n: SegmentNode, fields: SegmentFields, used: { features: boolean }, options: PlanOptions): SqlExpr {
  if ('all' in n) return { kind: 'and', args: n.all.map((x) => nodeExpr(x, fields, used, options)) };
  if ('any' in n) return { kind: 'or', args: n.any.map((x) => nodeExpr(x, fields, used, options)) };
  if ('not' in n) return { kind: 'not', arg: nodeExpr(n.not, fields, used, options) };
  if ('field' in n) {
    const field = fields.get(n.field);
    if (!field) throw new Error(`segment field ${JSON.stringify(n.field)} vanished from the registry after validation`);
    if (field.table === 'player_features') used.features = true;
    return fieldExpr(n, field);
  }
  const days = param(n.days, 'integer');
  if ('did' in n) {
    const where = eventFilters(n.did);
    if ((n.op === 'at_least' && n.times === 1) || (n.op === 'at_most' && n.times === 0)) {
      const exists: SqlEvents = { kind: 'events', agg: 'exists', days, where };
      const did: SqlExpr = !typeOnly(n.did) ? exists
        : options.lastSeenColumns ? { kind: 'last_seen_column', column: lastSeenColumn(n.did.type), days, fallback: exists }
        : options.playerActivity ? { kind: 'last_seen', type: param(n.did.type), days, fallback: exists }
        : exists;
      return n.op === 'at_least' ? did : { kind: 'not', arg: did };
    }
    return {
      kind: 'compare', op: n.op === 'at_least' ? '>=' : '<=',
      left: { kind: 'events', agg: 'count', days, where }, right: param(n.times, 'bigint'),
    };
  }
  return numberCompare({ kind: 'events', agg: 'sum', column: n.sum, days, where: eventFilters(n.of) }, n.op, n.value, 'bigint');
}

/**
 * The WHERE expression of a validated segment.
 *
 * @example
 * const { expr, usesFeatures } = planSegment(parseSegment(input, fields), fields);
 */
export function planSegment(segment: Segment | SegmentNode, fields: SegmentFields, options: PlanOptions = {}): Planned {
  const used = { features: false };
  const expr = nodeExpr(segment, fields, used, options);
  return { expr, usesFeatures: used.features };
}
