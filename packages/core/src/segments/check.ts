// The segment checker behind `validateSegment`, apart from the message
// catalogues: the caller says how an issue reads (`render`). The web
// components use it with the English catalogue and load the others on demand;
// `validateSegment` (validate.ts) renders with all three.
import { EVENT_TYPES } from '../event-types.js';
import type { EventType } from '../event-types.js';
import {
  COUNT_OPS, EVENT_PRODUCTS, FIELD_OPS, NUMBER_OPS, OPS_BY_TYPE, SEGMENT_LIMITS, SUM_COLUMNS,
} from './ast.js';
import type {
  Condition, CountOp, EventMatch, EventProduct, FieldCondition, FieldOp, NumberOp, SegmentScalar, Segment, SegmentNode, SumColumn,
} from './ast.js';
import type { SegmentField, SegmentFields } from './fields.js';
import type { SegmentIssueCode, SegmentIssueParams } from './catalogue.js';

/** One problem in a segment, located by a path from the root such as `all[2].any[0].value`. */
export interface SegmentIssue {
  path: string;
  code: SegmentIssueCode;
  params: Readonly<Record<string, string | number>>;
  /** `code` rendered in the requested locale. */
  message: string;
}

export type SegmentValidation = { ok: true; segment: Segment } | { ok: false; issues: SegmentIssue[] };

/** Renders an issue's message from its code and parameters (see `segmentMessage`). */
export type SegmentIssueRenderer = <C extends SegmentIssueCode>(code: C, params: SegmentIssueParams[C]) => string;

const GROUP_KEYS = ['all', 'any', 'not'] as const;
const NODE_KEYS = [...GROUP_KEYS, 'field', 'did', 'sum'] as const;
const FIELD_KEYS = new Set(['field', 'op', 'value']);
const COUNT_KEYS = new Set(['did', 'op', 'times', 'days']);
const SUM_KEYS = new Set(['sum', 'of', 'op', 'value', 'days']);
const MATCH_KEYS = new Set(['type', 'product', 'direction', 'status', 'method', 'amount']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

// Long enums (250 countries) would drown the message: name the first few and say how many.
const quoteList = (xs: readonly string[]): string =>
  xs.length > 12 ? `${xs.slice(0, 10).map((x) => `"${x}"`).join(', ')}, … (${xs.length})` : xs.map((x) => `"${x}"`).join(', ');

/**
 * Parses a date or an offset timestamp to canonical UTC ISO text, or `null`.
 *
 * @example
 * canonicalTimestamp('2026-03-01T09:00:00-03:00') // '2026-03-01T12:00:00.000Z'
 * canonicalTimestamp('2026-02-30') // null
 */
export function canonicalTimestamp(value: string): string | null {
  if (!DATE.test(value) && !DATETIME.test(value)) return null;
  const ms = Date.parse(DATE.test(value) ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(ms)) return null;
  const iso = new Date(ms).toISOString();
  // Date.parse rolls 2026-02-30 over to March; a date that does not round-trip is not a date.
  if (DATE.test(value) && iso.slice(0, 10) !== value) return null;
  return iso;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  readonly issues: SegmentIssue[] = [];
  conditions = 0;
  private tooMany = false;

  constructor(readonly fields: SegmentFields, readonly render: SegmentIssueRenderer) {}

  issue<C extends SegmentIssueCode>(path: string, code: C, params: SegmentIssueParams[C]): undefined {
    this.issues.push({ path, code, params: params as Record<string, string | number>, message: this.render(code, params) });
    return undefined;
  }

  unknownKeys(v: Record<string, unknown>, allowed: ReadonlySet<string>, path: string): boolean {
    let ok = true;
    for (const k of Object.keys(v)) {
      if (!allowed.has(k)) ok = this.issue(join(path, k), 'unknown_key', { key: k }) ?? false;
    }
    return ok;
  }

  group(v: Record<string, unknown>, path: string, depth: number): SegmentNode | undefined {
    if (depth > SEGMENT_LIMITS.maxDepth) return this.issue(path, 'too_deep', { max: SEGMENT_LIMITS.maxDepth });
    if ('not' in v) {
      const child = this.node(v.not, join(path, 'not'), depth + 1);
      return child && { not: child };
    }
    const key = 'all' in v ? 'all' : 'any';
    const list = v[key];
    const at = join(path, key);
    if (!Array.isArray(list)) return this.issue(at, 'expected_list', {});
    if (list.length === 0) return this.issue(at, 'empty_list', {});
    const out: SegmentNode[] = [];
    let ok = true;
    list.forEach((item, i) => {
      const n = this.node(item, `${at}[${i}]`, depth + 1);
      if (n) out.push(n);
      else ok = false;
    });
    if (!ok) return undefined;
    return key === 'all' ? { all: out } : { any: out };
  }

  node(v: unknown, path: string, depth: number): SegmentNode | undefined {
    if (!isRecord(v)) return this.issue(path, 'expected_node', {});
    const kinds = NODE_KEYS.filter((k) => k in v);
    if (kinds.length === 0) return this.issue(path, 'expected_node', {});
    if (kinds.length > 1) return this.issue(path, 'ambiguous_node', { keys: quoteList(kinds) });
    const kind = kinds[0]!;
    if (kind === 'all' || kind === 'any' || kind === 'not') {
      if (!this.unknownKeys(v, new Set([kind]), path)) return undefined;
      return this.group(v, path, depth);
    }
    this.conditions += 1;
    if (this.conditions > SEGMENT_LIMITS.maxConditions) {
      if (!this.tooMany) this.issue(path, 'too_many_conditions', { max: SEGMENT_LIMITS.maxConditions });
      this.tooMany = true;
      return undefined;
    }
    if (kind === 'field') return this.fieldCondition(v, path);
    if (kind === 'did') return this.countCondition(v, path);
    return this.sumCondition(v, path);
  }

  fieldCondition(v: Record<string, unknown>, path: string): Condition | undefined {
    if (!this.unknownKeys(v, FIELD_KEYS, path)) return undefined;
    const key = v.field;
    if (typeof key !== 'string') return this.issue(join(path, 'field'), 'expected_string', {});
    const field = this.fields.get(key);
    if (!field) return this.issue(join(path, 'field'), 'unknown_field', { field: key.slice(0, 64) });
    const op = v.op;
    const opPath = join(path, 'op');
    if (op === undefined) return this.issue(opPath, 'missing', {});
    const allowed = OPS_BY_TYPE[field.type];
    if (typeof op !== 'string' || !(FIELD_OPS as readonly string[]).includes(op)) {
      return this.issue(opPath, 'unknown_op', { op: String(op).slice(0, 64), allowed: quoteList(allowed) });
    }
    if (!allowed.includes(op as FieldOp)) {
      return this.issue(opPath, 'op_not_for_type', { op, type: field.type, allowed: quoteList(allowed) });
    }
    const value = this.fieldValue(field, op as FieldOp, v, join(path, 'value'));
    if (value === undefined) return undefined;
    const out: FieldCondition = { field: key, op: op as FieldOp };
    if (value !== NO_VALUE) out.value = value;
    return out;
  }

  fieldValue(field: SegmentField, op: FieldOp, v: Record<string, unknown>, path: string): SegmentScalar | readonly SegmentScalar[] | typeof NO_VALUE | undefined {
    const raw = v.value;
    switch (op) {
      case 'is_null':
      case 'is_not_null':
        return 'value' in v ? this.issue(path, 'unexpected_value', { op }) : NO_VALUE;
      case 'within_last_days':
      case 'more_than_days_ago':
        return this.integer(raw, path, 0, SEGMENT_LIMITS.maxDays);
      case 'between': {
        const pair = this.pair(raw, path, (x, p) => this.scalar(field, x, p));
        return pair;
      }
      case 'in':
      case 'not_in':
        return this.list(raw, path, (x, p) => this.scalar(field, x, p));
      case 'contains':
      case 'starts_with':
        return this.string(raw, path);
      default:
        return this.scalar(field, raw, path);
    }
  }

  scalar(field: SegmentField, raw: unknown, path: string): SegmentScalar | undefined {
    if (raw === undefined) return this.issue(path, 'missing', {});
    switch (field.type) {
      case 'integer':
      case 'money':
        return this.integer(raw, path, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      case 'number':
        return this.number(raw, path);
      case 'boolean':
        return typeof raw === 'boolean' ? raw : this.issue(path, 'expected_boolean', {});
      case 'timestamp': {
        if (typeof raw !== 'string') return this.issue(path, 'expected_timestamp', {});
        return canonicalTimestamp(raw) ?? this.issue(path, 'expected_timestamp', {});
      }
      case 'enum': {
        const values = field.values ?? [];
        return typeof raw === 'string' && values.includes(raw) ? raw : this.issue(path, 'expected_one_of', { values: quoteList(values) });
      }
      case 'string':
      case 'tags':
        return this.string(raw, path);
    }
  }

  string(raw: unknown, path: string): string | undefined {
    if (raw === undefined) return this.issue(path, 'missing', {});
    // Postgres text cannot hold NUL; reject it here rather than fail in the driver.
    if (typeof raw !== 'string' || raw.includes('\u0000')) return this.issue(path, 'expected_string', {});
    if (raw.length > SEGMENT_LIMITS.maxStringLength) return this.issue(path, 'string_too_long', { max: SEGMENT_LIMITS.maxStringLength });
    return raw;
  }

  number(raw: unknown, path: string): number | undefined {
    if (raw === undefined) return this.issue(path, 'missing', {});
    return typeof raw === 'number' && Number.isFinite(raw) ? raw : this.issue(path, 'expected_number', {});
  }

  integer(raw: unknown, path: string, min: number, max: number): number | undefined {
    if (raw === undefined) return this.issue(path, 'missing', {});
    if (typeof raw !== 'number' || !Number.isFinite(raw)) return this.issue(path, 'expected_number', {});
    if (!Number.isInteger(raw)) return this.issue(path, 'expected_integer', {});
    if (raw < min || raw > max) return this.issue(path, 'out_of_range', { min, max });
    return raw;
  }

  pair<T extends SegmentScalar>(raw: unknown, path: string, item: (x: unknown, p: string) => T | undefined): readonly [T, T] | undefined {
    if (!Array.isArray(raw) || raw.length !== 2) return this.issue(path, 'expected_pair', {});
    const lo = item(raw[0], `${path}[0]`);
    const hi = item(raw[1], `${path}[1]`);
    if (lo === undefined || hi === undefined) return undefined;
    if (lo > hi) return this.issue(path, 'pair_order', {});
    return [lo, hi];
  }

  list<T>(raw: unknown, path: string, item: (x: unknown, p: string) => T | undefined): T[] | undefined {
    if (!Array.isArray(raw)) return this.issue(path, 'expected_list', {});
    if (raw.length === 0) return this.issue(path, 'empty_list', {});
    if (raw.length > SEGMENT_LIMITS.maxListLength) return this.issue(path, 'list_too_long', { max: SEGMENT_LIMITS.maxListLength });
    const out: T[] = [];
    let ok = true;
    raw.forEach((x, i) => {
      const r = item(x, `${path}[${i}]`);
      if (r === undefined) ok = false;
      else out.push(r);
    });
    return ok ? out : undefined;
  }

  oneOf<T extends string>(raw: unknown, path: string, values: readonly T[]): T | undefined {
    if (raw === undefined) return this.issue(path, 'missing', {});
    return typeof raw === 'string' && (values as readonly string[]).includes(raw) ? (raw as T) : this.issue(path, 'expected_one_of', { values: quoteList(values) });
  }

  numberOpValue(op: NumberOp, raw: unknown, path: string, integer: boolean): number | readonly [number, number] | undefined {
    const one = (x: unknown, p: string): number | undefined =>
      integer ? this.integer(x, p, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) : this.number(x, p);
    return op === 'between' ? this.pair(raw, path, one) : one(raw, path);
  }

  eventMatch(raw: unknown, path: string): EventMatch | undefined {
    if (!isRecord(raw)) return this.issue(path, 'expected_object', {});
    if (!this.unknownKeys(raw, MATCH_KEYS, path)) return undefined;
    const type = this.oneOf<EventType>(raw.type, join(path, 'type'), EVENT_TYPES);
    let ok = type !== undefined;
    const out: EventMatch = { type: type ?? 'payment' };
    if (raw.product !== undefined) {
      const p = this.list(raw.product, join(path, 'product'), (x, at) => this.oneOf<EventProduct>(x, at, EVENT_PRODUCTS));
      if (p) out.product = p;
      else ok = false;
    }
    if (raw.direction !== undefined) {
      const d = this.string(raw.direction, join(path, 'direction'));
      if (d !== undefined) out.direction = d;
      else ok = false;
    }
    for (const key of ['status', 'method'] as const) {
      if (raw[key] === undefined) continue;
      const l = this.list(raw[key], join(path, key), (x, at) => this.string(x, at));
      if (l) out[key] = l;
      else ok = false;
    }
    if (raw.amount !== undefined) {
      const at = join(path, 'amount');
      const a = raw.amount;
      if (!isRecord(a)) {
        ok = this.issue(at, 'expected_object', {}) ?? false;
      } else if (this.unknownKeys(a, new Set(['op', 'value']), at)) {
        const op = this.oneOf<NumberOp>(a.op, join(at, 'op'), NUMBER_OPS);
        const value = op && this.numberOpValue(op, a.value, join(at, 'value'), true);
        if (op && value !== undefined) out.amount = { op, value };
        else ok = false;
      } else {
        ok = false;
      }
    }
    return ok ? out : undefined;
  }

  countCondition(v: Record<string, unknown>, path: string): Condition | undefined {
    if (!this.unknownKeys(v, COUNT_KEYS, path)) return undefined;
    const did = this.eventMatch(v.did, join(path, 'did'));
    const op = this.oneOf<CountOp>(v.op, join(path, 'op'), COUNT_OPS);
    const times = this.integer(v.times, join(path, 'times'), 0, SEGMENT_LIMITS.maxTimes);
    const days = this.integer(v.days, join(path, 'days'), 1, SEGMENT_LIMITS.maxDays);
    if (!did || !op || times === undefined || days === undefined) return undefined;
    return { did, op, times, days };
  }

  sumCondition(v: Record<string, unknown>, path: string): Condition | undefined {
    if (!this.unknownKeys(v, SUM_KEYS, path)) return undefined;
    const sum = this.oneOf<SumColumn>(v.sum, join(path, 'sum'), SUM_COLUMNS);
    const of = this.eventMatch(v.of, join(path, 'of'));
    const op = this.oneOf<NumberOp>(v.op, join(path, 'op'), NUMBER_OPS);
    const value = op && this.numberOpValue(op, v.value, join(path, 'value'), true);
    const days = this.integer(v.days, join(path, 'days'), 1, SEGMENT_LIMITS.maxDays);
    if (!sum || !of || !op || value === undefined || days === undefined) return undefined;
    return { sum, of, op, value, days };
  }
}

const NO_VALUE = Symbol('no value');

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * `validateSegment` with messages from `render`: every issue with the path of
 * the offending node, or a normalised copy of the segment.
 *
 * @example
 * const r = checkSegment(input, fields, (code, params) => SEGMENT_MESSAGES_EN[code](params as never));
 */
export function checkSegment(input: unknown, fields: SegmentFields, render: SegmentIssueRenderer): SegmentValidation {
  const c = new Checker(fields, render);
  if (!isRecord(input)) {
    c.issue('', 'expected_group', {});
    return { ok: false, issues: c.issues };
  }
  const groups = GROUP_KEYS.filter((k) => k in input);
  let root: SegmentNode | undefined;
  if (groups.length === 0) c.issue('', 'expected_group', {});
  else if (groups.length > 1) c.issue('', 'ambiguous_node', { keys: quoteList(groups) });
  else if (c.unknownKeys(input, new Set([groups[0]!, 'marketing']), '')) root = c.group(input, '', 0);
  const marketing = input.marketing;
  if (marketing !== undefined && typeof marketing !== 'boolean') c.issue('marketing', 'expected_boolean', {});
  if (c.issues.length > 0 || !root) return { ok: false, issues: c.issues };
  const segment: Segment = { ...(root as Segment), marketing: marketing === true };
  return { ok: true, segment };
}
