import type { EventMatch, NumberOp, SegmentFields, SegmentNode, SegmentScalar as Scalar } from '@pitboss/core';
import type { DataSet, EventRowT, FeatureRow, PlayerRow } from './data.js';
import { DAY } from './data.js';

/**
 * A reference evaluator of segments over the in-memory data set, written from
 * the documented semantics rather than from the SQL: both engines must agree
 * with each other *and* with it. A missing value never satisfies a comparison;
 * `not` is the exact complement.
 */

type Value = string | number | boolean | string[] | null;

const ms = (v: string): number => (v === 'infinity' ? Infinity : Date.parse(v));

function cmp(op: NumberOp | 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte', a: number | string | boolean, b: Scalar | readonly Scalar[]): boolean {
  switch (op) {
    case 'eq': return a === b;
    case 'neq': return a !== b;
    case 'lt': return a < (b as Scalar);
    case 'lte': return a <= (b as Scalar);
    case 'gt': return a > (b as Scalar);
    case 'gte': return a >= (b as Scalar);
    case 'between': {
      const [lo, hi] = b as readonly [Scalar, Scalar];
      return a >= lo && a <= hi;
    }
  }
}

export class Oracle {
  private readonly features = new Map<string, FeatureRow>();
  private readonly events = new Map<string, EventRowT[]>();

  constructor(private readonly data: DataSet, private readonly fields: SegmentFields, private readonly asOf: string) {
    for (const f of data.features) this.features.set(`${f.tenant_id}/${f.player_id}`, f);
    for (const e of data.events) {
      const k = `${e.tenant_id}/${e.player_id}`;
      const list = this.events.get(k) ?? [];
      list.push(e);
      this.events.set(k, list);
    }
  }

  members(node: SegmentNode, tenant: string): string[] {
    return this.data.players.filter((p) => p.tenant_id === tenant && this.test(node, p)).map((p) => p.player_id).sort();
  }

  test(n: SegmentNode, p: PlayerRow): boolean {
    if ('all' in n) return n.all.every((x) => this.test(x, p));
    if ('any' in n) return n.any.some((x) => this.test(x, p));
    if ('not' in n) return !this.test(n.not, p);
    const asOf = Date.parse(this.asOf);
    if ('did' in n) {
      const count = this.window(p, n.did, n.days).length;
      return n.op === 'at_least' ? count >= n.times : count <= n.times;
    }
    if ('sum' in n) {
      const total = this.window(p, n.of, n.days).reduce((s, e) => s + (e[n.sum] ?? 0), 0);
      return cmp(n.op, total, n.value);
    }
    const field = this.fields.get(n.field)!;
    let v: Value;
    if (field.table === 'player_features') v = (this.features.get(`${p.tenant_id}/${p.player_id}`)?.[field.column] ?? null) as Value;
    else v = p[field.column as keyof PlayerRow] as Value;
    if (field.read === 'is_not_null') v = v !== null;
    if (field.read === 'after_as_of') v = v !== null && ms(v as string) > asOf;
    if (n.op === 'is_null') return v === null;
    if (n.op === 'is_not_null') return v !== null;
    if (v === null) return false;
    const value = n.value!;
    if (field.type === 'timestamp') {
      const t = ms(v as string);
      if (n.op === 'within_last_days') return t > asOf - (value as number) * DAY && t <= asOf;
      if (n.op === 'more_than_days_ago') return t <= asOf - (value as number) * DAY;
      const conv = (x: Scalar | readonly Scalar[]): Scalar | readonly Scalar[] => (Array.isArray(x) ? x.map((y) => ms(y as string)) : ms(x as string));
      return cmp(n.op as NumberOp, t, conv(value));
    }
    switch (n.op) {
      case 'in': return (value as readonly Scalar[]).includes(v as Scalar);
      case 'not_in': return !(value as readonly Scalar[]).includes(v as Scalar);
      case 'contains': return (v as string[]).includes(value as string);
      case 'starts_with': return (v as string).toLowerCase().startsWith((value as string).toLowerCase());
      default: return cmp(n.op as NumberOp, v as number | string | boolean, value);
    }
  }

  private window(p: PlayerRow, m: EventMatch, days: number): EventRowT[] {
    const asOf = Date.parse(this.asOf);
    return (this.events.get(`${p.tenant_id}/${p.player_id}`) ?? []).filter((e) => {
      const t = Date.parse(e.occurred_at);
      if (!(t > asOf - days * DAY && t <= asOf)) return false;
      if (e.type !== m.type) return false;
      if (m.product && !(e.product !== null && m.product.includes(e.product as never))) return false;
      if (m.direction !== undefined && e.direction !== m.direction) return false;
      if (m.status && !(e.status !== null && m.status.includes(e.status))) return false;
      if (m.method && !(e.method !== null && m.method.includes(e.method))) return false;
      if (m.amount && !(e.amount_minor !== null && cmp(m.amount.op, e.amount_minor, m.amount.value))) return false;
      return true;
    });
  }
}
