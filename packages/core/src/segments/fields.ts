import type { FieldMeta, FieldValueType } from '../field-meta.js';

/**
 * What the segment compiler needs to know about a field: its value type and
 * where its column lives. Built from the field registry; identifiers in
 * segment SQL come only from here, never from a segment.
 */
export interface SegmentField {
  key: string;
  type: FieldValueType;
  /** Allowed values of an `enum` field. */
  values?: readonly string[];
  /** `players` for profile attributes, `player_features` for computed features. */
  table: SegmentTable;
  /** Column name in `table`: `[a-z_][a-z0-9_]*`. */
  column: string;
  /**
   * How the value is read: the column itself (default), or a boolean derived
   * from it — `is_not_null` (e.g. `kyc_verified`) or `after_as_of`
   * (e.g. `self_excluded`: the column lies after `asOf`). Derived booleans are
   * never NULL.
   */
  read?: 'column' | 'is_not_null' | 'after_as_of';
}

export type SegmentTable = 'players' | 'player_features';

/** Looks fields up by key; `undefined` for a key that is not in the registry. */
export interface SegmentFields {
  get(key: string): SegmentField | undefined;
  keys(): Iterable<string>;
}

const COLUMN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A lookup over a list of fields. Rejects duplicate keys and column names that
 * are not plain lower-case identifiers, so nothing odd can reach SQL text even
 * from a misconfigured registry.
 *
 * @example
 * const fields = segmentFields([{ key: 'country', type: 'string', table: 'players', column: 'country' }]);
 * fields.get('country')?.column // 'country'
 */
export function segmentFields(list: Iterable<SegmentField>): SegmentFields {
  const map = new Map<string, SegmentField>();
  for (const f of list) {
    if (!COLUMN.test(f.column)) throw new Error(`segment field ${JSON.stringify(f.key)}: column ${JSON.stringify(f.column)} must match ${COLUMN}`);
    if (f.type === 'enum' && !(f.values && f.values.length > 0)) throw new Error(`segment field ${JSON.stringify(f.key)}: an enum needs values`);
    if (map.has(f.key)) throw new Error(`segment field ${JSON.stringify(f.key)} is defined twice`);
    map.set(f.key, Object.freeze({ ...f }));
  }
  return { get: (key) => map.get(key), keys: () => map.keys() };
}

/**
 * True when `column` is safe to print as an identifier.
 *
 * @example
 * isPlainColumn('net_loss_30d') // true
 * isPlainColumn('x; DROP TABLE players') // false
 */
export function isPlainColumn(column: string): boolean {
  return COLUMN.test(column);
}

/** Computed registry fields the compiler knows how to read, by key. */
const DERIVED: Readonly<Record<string, { column: string; read: 'is_not_null' | 'after_as_of' }>> = {
  kyc_verified: { column: 'kyc_verified_at', read: 'is_not_null' },
  self_excluded: { column: 'self_excluded_until', read: 'after_as_of' },
};

/**
 * The segment view of the field registry (`FIELDS`): profile attributes of
 * `players`, features of `player_features`, and the computed booleans
 * `kyc_verified` and `self_excluded`. Personal data (`player_personal`) is left
 * out: a segment is not a lookup by name or email. Other computed fields
 * (`age`, `consent_*`) are left out until storage fixes their columns.
 * `extra` adds fields storage provides beyond the registry.
 *
 * @example
 * const fields = registrySegmentFields(FIELDS);
 * fields.get('deposit_sum_30d') // { key: 'deposit_sum_30d', type: 'money', table: 'player_features', column: 'deposit_sum_30d' }
 */
export function registrySegmentFields(registry: readonly FieldMeta[], extra: readonly SegmentField[] = []): SegmentFields {
  const out: SegmentField[] = [];
  for (const def of registry) {
    if (def.personal) continue;
    const base = def.values ? { key: def.key, type: def.type, values: def.values } : { key: def.key, type: def.type };
    const src = def.source;
    if (src.kind === 'feature') out.push({ ...base, table: 'player_features', column: src.column });
    else if (src.kind === 'profile' && src.table === 'players') out.push({ ...base, table: 'players', column: src.column });
    else if (src.kind === 'computed' && def.type === 'boolean') {
      const derived = DERIVED[def.key];
      if (derived) out.push({ ...base, table: 'players', column: derived.column, read: derived.read });
    }
  }
  return segmentFields([...out, ...extra]);
}
