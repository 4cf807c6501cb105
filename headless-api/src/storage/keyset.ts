import { featureColumns } from '@pitboss/core';
import { InvalidQueryError } from './errors.js';
import type { SortOrder } from './types.js';

/**
 * Keyset pagination over sorted players, shared by the SQL each shard runs
 * and the k-way merge of their pages, which must order rows identically:
 * - ties break on `player_id` (COLLATE "C", i.e. byte order = JS order for
 *   the printable-ASCII ids the event schema allows);
 * - NULL sorts as the greatest value (Postgres' default: last ascending,
 *   first descending);
 * - the sort value travels as text (microsecond timestamps, exact doubles),
 *   and each shard casts it back by comparing it with the typed column.
 */
export type SortKind = 'id' | 'time' | 'number';

export interface SortSpec {
  key: string;
  /** Column expression in the list query (`p.` players, `f.` player_features). */
  column: string;
  kind: SortKind;
  /** Postgres type of the column, to cast a cursor's text value back. */
  sqlType: string;
}

const BASE: SortSpec[] = [
  { key: 'player_id', column: 'p.player_id', kind: 'id', sqlType: 'text' },
  { key: 'registered_at', column: 'p.registered_at', kind: 'time', sqlType: 'timestamptz' },
  { key: 'last_event_at', column: 'p.last_event_at', kind: 'time', sqlType: 'timestamptz' },
];

const SPECS = new Map<string, SortSpec>([
  ...BASE.map((s) => [s.key, s] as const),
  ...featureColumns.map((c) => [c.key, { key: c.key, column: `f.${c.key}`, kind: 'number' as const, sqlType: c.sqlType.postgres }] as const),
]);

/** Every sort key `listPlayers` accepts: the base keys, then one per core feature. */
export const SORT_KEYS: readonly string[] = [...SPECS.keys()];

/**
 * The sort spec of a whitelisted key; `InvalidQueryError` otherwise.
 *
 * @example
 * sortSpec('net_loss_30d').column // 'f.net_loss_30d'
 */
export function sortSpec(key: string): SortSpec {
  const spec = SPECS.get(key);
  if (!spec) throw new InvalidQueryError(`cannot sort by ${JSON.stringify(key)}; one of: ${SORT_KEYS.join(', ')}`, 'sort');
  return spec;
}

/** A position in a sorted list: the sort value as text (null for NULL) and the player tiebreak. */
export interface KeysetPosition {
  value: string | null;
  playerId: string;
}

interface CursorBody {
  s: string;
  o: SortOrder;
  v: string | null;
  p: string;
}

/**
 * Encodes a position as an opaque cursor bound to its sort and order.
 *
 * @example
 * const cursor = encodeCursor('last_event_at', 'desc', { value: '2025-01-01T00:00:00.000000Z', playerId: 'p9' });
 */
export function encodeCursor(sort: string, order: SortOrder, at: KeysetPosition): string {
  const body: CursorBody = { s: sort, o: order, v: at.value, p: at.playerId };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor` for the same sort and order;
 * `InvalidQueryError` for anything else.
 *
 * @example
 * decodeCursor(cursor, 'last_event_at', 'desc').playerId // 'p9'
 */
export function decodeCursor(cursor: string, sort: string, order: SortOrder): KeysetPosition {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw Object.assign(new InvalidQueryError('malformed cursor', 'cursor'), { cause: error });
  }
  const b = body as Partial<CursorBody> | null;
  if (!b || typeof b !== 'object' || typeof b.p !== 'string' || !(typeof b.v === 'string' || b.v === null)) {
    throw new InvalidQueryError('malformed cursor', 'cursor');
  }
  if (b.s !== sort || b.o !== order) throw new InvalidQueryError(`cursor belongs to sort ${String(b.s)} ${String(b.o)}, not ${sort} ${order}`, 'cursor');
  return { value: b.v, playerId: b.p };
}

/**
 * The SQL text of a sort value: ids as they are, timestamps as fixed-width
 * UTC with microseconds (so text order = time order), numbers as Postgres
 * prints them (shortest exact form).
 */
export function sortValueSql(spec: SortSpec): string {
  switch (spec.kind) {
    case 'id':
      return spec.column;
    case 'time':
      return `to_char(${spec.column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'number':
      return `${spec.column}::text`;
  }
}

/**
 * The WHERE fragment selecting rows strictly after `at` in (sort, player_id)
 * order; appends its parameters to `params`.
 *
 * @example
 * const params: unknown[] = [tenant];
 * const where = afterSql(sortSpec('registered_at'), 'asc', at, params);
 */
export function afterSql(spec: SortSpec, order: SortOrder, at: KeysetPosition, params: unknown[]): string {
  const id = `p.player_id`;
  const col = spec.column;
  const pid = `$${params.push(at.playerId)}`;
  const next = order === 'asc' ? '>' : '<';
  if (spec.kind === 'id') return `${id} ${next} ${pid}`;
  if (at.value === null) {
    // NULLs are greatest: ascending they come last, descending first.
    return order === 'asc' ? `(${col} IS NULL AND ${id} > ${pid})` : `((${col} IS NULL AND ${id} < ${pid}) OR ${col} IS NOT NULL)`;
  }
  const v = `$${params.push(at.value)}`;
  // The column's own type keeps the comparison on its index.
  const typed = `${v}::${spec.sqlType}`;
  const tie = `(${col} = ${typed} AND ${id} ${next} ${pid})`;
  return order === 'asc' ? `(${col} > ${typed} OR ${tie} OR ${col} IS NULL)` : `(${col} < ${typed} OR ${tie})`;
}

/** `ORDER BY` for a sort. */
export function orderSql(spec: SortSpec, order: SortOrder): string {
  const dir = order === 'asc' ? 'ASC NULLS LAST' : 'DESC NULLS FIRST';
  return spec.kind === 'id' ? `p.player_id ${order.toUpperCase()}` : `${spec.column} ${dir}, p.player_id ${order.toUpperCase()}`;
}

/**
 * Compares two positions in ascending order, exactly as the shards' SQL sorts.
 *
 * @example
 * [a, b].sort((x, y) => comparePositions('number', x, y));
 */
export function comparePositions(kind: SortKind, a: KeysetPosition, b: KeysetPosition): number {
  if (kind !== 'id') {
    if (a.value === null || b.value === null) {
      if (a.value !== b.value) return a.value === null ? 1 : -1;
    } else if (a.value !== b.value) {
      if (kind === 'number') {
        const d = Number(a.value) - Number(b.value);
        if (d !== 0) return d < 0 ? -1 : 1;
      } else {
        return a.value < b.value ? -1 : 1;
      }
    }
  }
  return a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0;
}

/**
 * Merges pages that are each sorted by `compare` into one sorted list of at
 * most `limit` items (a k-way merge: each step takes the smallest head).
 *
 * @example
 * mergeSorted([[1, 4], [2, 3]], (a, b) => a - b, 3); // [1, 2, 3]
 */
export function mergeSorted<T>(pages: readonly (readonly T[])[], compare: (a: T, b: T) => number, limit: number): T[] {
  const heads = pages.map(() => 0);
  const out: T[] = [];
  while (out.length < limit) {
    let best = -1;
    for (let i = 0; i < pages.length; i++) {
      const item = pages[i]![heads[i]!];
      if (item === undefined) continue;
      if (best < 0 || compare(item, pages[best]![heads[best]!]!) < 0) best = i;
    }
    if (best < 0) break;
    out.push(pages[best]![heads[best]!]!);
    heads[best]!++;
  }
  return out;
}
