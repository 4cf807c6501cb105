import { randomUUID } from 'node:crypto';
import {
  FIELDS, GUARDRAIL_REASONS, SegmentValidationError, compileSegment, fieldByKey, readGuardrailCounts, registrySegmentFields, validateSegment, withGuardrail,
} from '@pitboss/core';
import type { CompiledSegment, GuardrailCounts, GuardrailReason, Segment, SegmentFields, SegmentLocale } from '@pitboss/core';
import { appendAudit } from './audit.js';
import type { AuditEntry } from './audit.js';
import { InvalidQueryError } from './errors.js';
import { mergeSorted } from './keyset.js';
import type { Database } from './pool.js';

/**
 * Segments over the sharded storage: saved segments in the control database,
 * and previews, member pages and exports run with core's Postgres compiler on
 * every physical shard in parallel (counts summed, member pages k-way merged
 * by `player_id`). Marketing segments go through core's guardrail.
 */

/** A segment as stored. `version` is its ETag: it goes up by one on every update. */
export interface SavedSegment {
  id: string;
  name: string;
  description: string | null;
  /** The normalised AST (what `validateSegment` returned when it was saved). */
  segment: Segment;
  marketing: boolean;
  version: number;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

/** What a caller sends to create or replace a segment. */
export interface SegmentInput {
  name: string;
  description?: string | null;
  /** Core's segment AST; validated here. */
  segment: unknown;
  /** Apply the marketing guardrail. `true` also when the AST says `marketing: true`. */
  marketing?: boolean;
}

/**
 * Non-personal columns of a member row, in page, export and CSV order
 * (analysts may read every one of them).
 *
 * @example
 * MEMBER_COLUMNS.join(',') // the CSV header: 'player_id,country,currency,brand,registered_at,last_event_at,risk_band'
 */
export const MEMBER_COLUMNS = ['player_id', 'country', 'currency', 'brand', 'registered_at', 'last_event_at', 'risk_band'] as const;
export type MemberRow = { [K in (typeof MEMBER_COLUMNS)[number]]: string | null } & { player_id: string };

/** Guardrail figures of a preview: who matched, how many were removed in all and per reason. */
export interface GuardrailReport extends GuardrailCounts {
  risk_band_at_or_above: string;
}

export interface SegmentPreview {
  /** Members after the guardrail (for a marketing segment). */
  count: number;
  items: MemberRow[];
  next_cursor: string | null;
  /** Present for a marketing segment. */
  guardrail: GuardrailReport | null;
  as_of: string;
}

export interface MemberPageResult {
  items: MemberRow[];
  next_cursor: string | null;
}

export interface EvaluateOptions {
  locale?: SegmentLocale;
  /** Default: now. Relative dates and behavioural windows count back from it. */
  asOf?: Date;
}

/** The guardrail band a tenant gets until it configures one. */
export const DEFAULT_RISK_BAND = 'high';
const MAX_PAGE = 1000;
const EXPORT_CHUNK = 1000;

/**
 * The fields segments may use: core's registry, whose `players` columns
 * include what the guardrail reads (`timed_out_until`, `risk_band`).
 */
const SEGMENT_FIELDS: SegmentFields = registrySegmentFields(FIELDS);

/**
 * Risk bands in registry order, lowest risk first: the values a tenant's guardrail threshold may take.
 *
 * @example
 * riskBands() // ['none', 'low', 'medium', 'high', 'very_high']
 */
export function riskBands(): readonly string[] {
  return fieldByKey('risk_band')?.values ?? [];
}

// player_id is COLLATE "C" on every shard: pages come back in byte order, so the merge must compare bytes, not UTF-16 units.
function compareIds(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

function memberRow(r: Record<string, unknown>): MemberRow {
  return {
    player_id: String(r.player_id),
    country: (r.country as string | null) ?? null,
    currency: (r.currency as string | null) ?? null,
    brand: (r.brand as string | null) ?? null,
    registered_at: iso(r.registered_at),
    last_event_at: iso(r.last_event_at),
    risk_band: (r.risk_band as string | null) ?? null,
  };
}

/**
 * Encodes a members cursor (the last `player_id` of a page).
 *
 * @example
 * decodeMembersCursor(encodeMembersCursor('p-17')) // 'p-17'
 */
export function encodeMembersCursor(after: string): string {
  return Buffer.from(JSON.stringify({ a: after }), 'utf8').toString('base64url');
}

/**
 * Decodes a members cursor; `InvalidQueryError` (400) for anything that is not one.
 *
 * @example
 * decodeMembersCursor('eyJhIjoicC0xNyJ9') // 'p-17'
 */
export function decodeMembersCursor(cursor: string): string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new InvalidQueryError('cursor is not one this API issued', 'cursor');
  }
  const after = (value as { a?: unknown } | null)?.a;
  if (typeof after !== 'string' || after.length === 0 || after.length > 256) throw new InvalidQueryError('cursor is not one this API issued', 'cursor');
  return after;
}

interface Compiled {
  /** Members and count with the guardrail applied when it is a marketing segment. */
  run: CompiledSegment;
  guarded: ReturnType<typeof withGuardrail> | null;
  band: string | null;
  segment: Segment;
}

/**
 * Segment operations of one storage. Get it from `ShardedStorage.segments`.
 */
export class SegmentStorage {
  constructor(
    private readonly databases: readonly Database[],
    private readonly control: Database,
    /** Deadline of each shard's part of a fan-out read (0: none). */
    private readonly readTimeoutMs: number,
  ) {}

  /**
   * Validates a segment for this storage's fields; throws
   * `SegmentValidationError` with every located, translated issue.
   *
   * @example
   * const { segment, marketing } = storage.segments.validate({ all: [{ field: 'country', op: 'eq', value: 'BR' }] }, false, 'pt-BR');
   */
  validate(input: unknown, marketing: boolean | undefined, locale: SegmentLocale = 'en'): { segment: Segment; marketing: boolean } {
    const result = validateSegment(input, SEGMENT_FIELDS, { locale });
    if (!result.ok) throw new SegmentValidationError(result.issues);
    // Either side asking for the guardrail turns it on: a flag can never switch off what the rule itself asks for.
    const on = marketing === true || result.segment.marketing === true;
    return { segment: { ...result.segment, marketing: on }, marketing: on };
  }

  async #compile(tenant: string, input: unknown, marketing: boolean | undefined, options: EvaluateOptions): Promise<Compiled> {
    const { segment, marketing: on } = this.validate(input, marketing, options.locale);
    const asOf = options.asOf ?? new Date();
    // Every shard's players rows carry the features and the last occurrence of every event type (migration 0011),
    // kept with player_features and events by ingestion, the feature refresh and retention: the segment reads the
    // player's row alone (layout wide, lastSeenColumns), and players_segment covers the columns segments use most.
    const compiled = compileSegment(segment, {
      dialect: 'postgres', fields: SEGMENT_FIELDS, asOf, tenantId: tenant, layout: 'wide', lastSeenColumns: true,
      ...(options.locale ? { locale: options.locale } : {}),
    });
    if (!on) return { run: compiled, guarded: null, band: null, segment };
    const band = await this.guardrailBand(tenant);
    const guarded = withGuardrail(compiled, SEGMENT_FIELDS, { riskBandAtOrAbove: band });
    return { run: guarded, guarded, band, segment };
  }

  async #onEveryShard<R extends Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<R[][]> {
    return Promise.all(this.databases.map((db) => this.#read<R>(db, sql, params)));
  }

  /**
   * One segment statement on one database, with JIT off: a "did TYPE"
   * condition keeps the player's events as a fallback for a last occurrence
   * after asOf, which the planner costs as if it ran for every player (about
   * 1M per shard of 250k players, over jit_above_cost), and JIT then compiled
   * for ~170 ms per shard on every count though the fallback never ran
   * (docs/segments.md).
   */
  #read<R extends Record<string, unknown>>(db: Database, sql: string, params: readonly unknown[]): Promise<R[]> {
    return db.transaction(async (tx) => {
      await tx.query('SET LOCAL jit = off');
      return tx.query<R>(sql, [...params]);
    }, { timeoutMs: this.readTimeoutMs });
  }

  async #count(c: Compiled): Promise<{ count: number; guardrail: GuardrailReport | null }> {
    if (!c.guarded) {
      const { sql, params } = c.run.count();
      const rows = await this.#onEveryShard<{ count: number }>(sql, params);
      return { count: rows.reduce((n, r) => n + Number(r[0]?.count ?? 0), 0), guardrail: null };
    }
    const { sql, params } = c.guarded.removals();
    const rows = await this.#onEveryShard(sql, params);
    const total: GuardrailCounts = { matched: 0, removed: 0, kept: 0, byReason: Object.fromEntries(GUARDRAIL_REASONS.map((r) => [r, 0])) as Record<GuardrailReason, number> };
    for (const [row] of rows) {
      const part = readGuardrailCounts(row!);
      total.matched += part.matched;
      total.removed += part.removed;
      total.kept += part.kept;
      for (const r of GUARDRAIL_REASONS) total.byReason[r] += part.byReason[r];
    }
    return { count: total.kept, guardrail: { ...total, risk_band_at_or_above: c.band! } };
  }

  /** The member rows of one page of `compiled` on each database (each sorted by player_id). */
  #memberSql(c: CompiledSegment, page: { after?: string; limit: number }, tenant: string): { sql: string; params: unknown[] } {
    const { sql, params } = c.members({ ...(page.after !== undefined ? { after: page.after } : {}), limit: page.limit });
    const t = params.length + 1;
    return {
      sql: `SELECT ${MEMBER_COLUMNS.map((k) => `p.${k}`).join(', ')}
FROM (${sql}) m
JOIN players p ON p.tenant_id = $${t} AND p.player_id = m.player_id
ORDER BY p.player_id`,
      params: [...params, tenant],
    };
  }

  async #page(tenant: string, c: CompiledSegment, after: string | undefined, limit: number): Promise<MemberPageResult> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new InvalidQueryError(`limit must be 1..${MAX_PAGE}`, 'limit');
    const { sql, params } = this.#memberSql(c, { ...(after !== undefined ? { after } : {}), limit: limit + 1 }, tenant);
    const pages = (await this.#onEveryShard(sql, params)).map((rows) => rows.map(memberRow));
    const merged = mergeSorted(pages, (a, b) => compareIds(a.player_id, b.player_id), limit + 1);
    const items = merged.slice(0, limit);
    return { items, next_cursor: merged.length > limit ? encodeMembersCursor(items.at(-1)!.player_id) : null };
  }

  /**
   * Counts a segment and returns its first page of members, across every
   * shard. For a marketing segment the guardrail applies, and `guardrail`
   * says how many players each reason removed.
   *
   * @example
   * const p = await storage.segments.preview('acme', { all: [{ field: 'country', op: 'eq', value: 'BR' }] }, { marketing: true, limit: 20 });
   * p.count; p.guardrail?.byReason.self_excluded;
   */
  async preview(tenant: string, input: unknown, options: EvaluateOptions & { marketing?: boolean; limit?: number } = {}): Promise<SegmentPreview> {
    const asOf = options.asOf ?? new Date();
    const c = await this.#compile(tenant, input, options.marketing, { ...options, asOf });
    const [{ count, guardrail }, page] = await Promise.all([this.#count(c), this.#page(tenant, c.run, undefined, options.limit ?? 50)]);
    return { count, ...page, guardrail, as_of: asOf.toISOString() };
  }

  /**
   * One page of a segment's members in `player_id` order, after `cursor`.
   *
   * @example
   * let page = await storage.segments.members('acme', saved.segment, { marketing: saved.marketing, limit: 100 });
   * page = await storage.segments.members('acme', saved.segment, { marketing: saved.marketing, limit: 100, cursor: page.next_cursor! });
   */
  async members(tenant: string, input: unknown, options: EvaluateOptions & { marketing?: boolean; limit?: number; cursor?: string } = {}): Promise<MemberPageResult> {
    const after = options.cursor === undefined ? undefined : decodeMembersCursor(options.cursor);
    const c = await this.#compile(tenant, input, options.marketing, options);
    return this.#page(tenant, c.run, after, options.limit ?? 100);
  }

  /**
   * Every member, in `player_id` order, read shard by shard in chunks: each
   * shard keeps one chunk in memory and is asked for its next one only when
   * that chunk is used up, so memory stays bounded whatever the segment size.
   *
   * @example
   * for await (const row of storage.segments.exportMembers('acme', saved.segment, { marketing: true })) out.write(JSON.stringify(row) + '\n');
   */
  async *exportMembers(tenant: string, input: unknown, options: EvaluateOptions & { marketing?: boolean; chunk?: number } = {}): AsyncGenerator<MemberRow> {
    const chunk = options.chunk ?? EXPORT_CHUNK;
    const c = await this.#compile(tenant, input, options.marketing, options);
    const next = async (db: Database, after: string | undefined): Promise<MemberRow[]> => {
      const { sql, params } = this.#memberSql(c.run, { ...(after !== undefined ? { after } : {}), limit: chunk }, tenant);
      return (await this.#read(db, sql, params)).map(memberRow);
    };
    const state = await Promise.all(this.databases.map(async (db) => ({ db, rows: await next(db, undefined), at: 0 })));
    for (;;) {
      let best: (typeof state)[number] | undefined;
      for (const s of state) {
        const head = s.rows[s.at];
        if (head && (!best || compareIds(head.player_id, best.rows[best.at]!.player_id) < 0)) best = s;
      }
      if (!best) return;
      const row = best.rows[best.at++]!;
      yield row;
      if (best.at === best.rows.length && best.rows.length === chunk) {
        best.rows = await next(best.db, row.player_id);
        best.at = 0;
      }
    }
  }

  /**
   * The risk band from which a tenant's marketing segments leave players out.
   *
   * @example
   * await storage.segments.guardrailBand('acme') // 'high' until configured
   */
  async guardrailBand(tenant: string): Promise<string> {
    const [row] = await this.control.query<{ band: string }>('SELECT risk_band_at_or_above AS band FROM segment_settings WHERE tenant_id = $1', [tenant], { timeoutMs: this.readTimeoutMs });
    return row?.band ?? DEFAULT_RISK_BAND;
  }

  /**
   * Sets a tenant's guardrail band (one of `riskBands()`); audited.
   *
   * @example
   * await storage.segments.setGuardrailBand('acme', 'medium', { actor: 'k_1', requestId });
   */
  async setGuardrailBand(tenant: string, band: string, by: { actor: string; requestId?: string }): Promise<void> {
    if (!riskBands().includes(band)) throw new InvalidQueryError(`risk band must be one of ${riskBands().join(', ')}`, 'risk_band_at_or_above');
    await this.control.transaction(async (tx) => {
      const [before] = await tx.query<{ band: string }>('SELECT risk_band_at_or_above AS band FROM segment_settings WHERE tenant_id = $1 FOR UPDATE', [tenant]);
      await tx.query(
        `INSERT INTO segment_settings (tenant_id, risk_band_at_or_above, updated_by) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE SET risk_band_at_or_above = EXCLUDED.risk_band_at_or_above, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [tenant, band, by.actor],
      );
      await tx.query(AUDIT_SQL, auditParams({
        tenant, actor: by.actor, action: 'segment.guardrail_settings', target: 'segment_settings',
        details: { risk_band_at_or_above: band, previous: before?.band ?? DEFAULT_RISK_BAND }, requestId: by.requestId ?? null,
      }));
    });
  }

  /**
   * Saves a new segment (validated first); audited.
   *
   * @example
   * const saved = await storage.segments.create('acme', { name: 'BR depositors', segment: ast }, { actor: 'k_1' });
   */
  async create(tenant: string, input: SegmentInput, by: { actor: string; requestId?: string; locale?: SegmentLocale }): Promise<SavedSegment> {
    const { segment, marketing } = this.validate(input.segment, input.marketing, by.locale);
    const id = randomUUID();
    return this.control.transaction(async (tx) => {
      const [row] = await tx.query(
        `INSERT INTO segments (tenant_id, segment_id, name, description, ast, marketing, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $7) RETURNING ${SAVED_COLUMNS}`,
        [tenant, id, input.name, input.description ?? null, JSON.stringify(segment), marketing, by.actor],
      );
      await tx.query(AUDIT_SQL, auditParams({ tenant, actor: by.actor, action: 'segment.create', target: `segment:${id}`, details: { name: input.name, marketing }, requestId: by.requestId ?? null }));
      return savedOf(row!);
    });
  }

  /**
   * A tenant's segment; null when the tenant has none with that id.
   *
   * @example
   * const saved = await storage.segments.get('acme', id);
   */
  async get(tenant: string, id: string): Promise<SavedSegment | null> {
    const [row] = await this.control.query(`SELECT ${SAVED_COLUMNS} FROM segments WHERE tenant_id = $1 AND segment_id = $2`, [tenant, id], { timeoutMs: this.readTimeoutMs });
    return row ? savedOf(row) : null;
  }

  /**
   * A tenant's segments by id, one keyset page at a time.
   *
   * @example
   * const { items, next_cursor } = await storage.segments.list('acme', { limit: 50 });
   */
  async list(tenant: string, page: { limit?: number; cursor?: string } = {}): Promise<{ items: SavedSegment[]; next_cursor: string | null }> {
    const limit = page.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new InvalidQueryError(`limit must be 1..${MAX_PAGE}`, 'limit');
    const params: unknown[] = [tenant];
    const after = page.cursor === undefined ? '' : ` AND segment_id > $${params.push(decodeMembersCursor(page.cursor))}`;
    const rows = await this.control.query(`SELECT ${SAVED_COLUMNS} FROM segments WHERE tenant_id = $1${after} ORDER BY segment_id LIMIT ${limit + 1}`, params, { timeoutMs: this.readTimeoutMs });
    const items = rows.slice(0, limit).map(savedOf);
    return { items, next_cursor: rows.length > limit ? encodeMembersCursor(items.at(-1)!.id) : null };
  }

  /**
   * Replaces a segment's name, description, rule and flag. With `ifVersion`,
   * only if it is still at that version (`conflict` otherwise). Audited.
   *
   * @example
   * const r = await storage.segments.update('acme', id, input, { actor: 'k_1', ifVersion: 3 });
   * if (r === 'conflict') { … } // someone else saved version 4 first
   */
  async update(tenant: string, id: string, input: SegmentInput, by: { actor: string; requestId?: string; locale?: SegmentLocale; ifVersion?: number }): Promise<SavedSegment | 'missing' | 'conflict'> {
    const { segment, marketing } = this.validate(input.segment, input.marketing, by.locale);
    return this.control.transaction(async (tx) => {
      const [current] = await tx.query<{ version: number }>('SELECT version FROM segments WHERE tenant_id = $1 AND segment_id = $2 FOR UPDATE', [tenant, id]);
      if (!current) return 'missing' as const;
      if (by.ifVersion !== undefined && current.version !== by.ifVersion) return 'conflict' as const;
      const [row] = await tx.query(
        `UPDATE segments SET name = $3, description = $4, ast = $5::jsonb, marketing = $6, updated_by = $7, updated_at = now(), version = version + 1
         WHERE tenant_id = $1 AND segment_id = $2 RETURNING ${SAVED_COLUMNS}`,
        [tenant, id, input.name, input.description ?? null, JSON.stringify(segment), marketing, by.actor],
      );
      const saved = savedOf(row!);
      await tx.query(AUDIT_SQL, auditParams({ tenant, actor: by.actor, action: 'segment.update', target: `segment:${id}`, details: { name: input.name, marketing, version: saved.version }, requestId: by.requestId ?? null }));
      return saved;
    });
  }

  /**
   * Deletes a segment (with `ifVersion`, only at that version). Audited.
   *
   * @example
   * await storage.segments.delete('acme', id, { actor: 'k_1' }); // 'deleted' | 'missing' | 'conflict'
   */
  async delete(tenant: string, id: string, by: { actor: string; requestId?: string; ifVersion?: number }): Promise<'deleted' | 'missing' | 'conflict'> {
    return this.control.transaction(async (tx) => {
      const [current] = await tx.query<{ version: number; name: string }>('SELECT version, name FROM segments WHERE tenant_id = $1 AND segment_id = $2 FOR UPDATE', [tenant, id]);
      if (!current) return 'missing' as const;
      if (by.ifVersion !== undefined && current.version !== by.ifVersion) return 'conflict' as const;
      await tx.query('DELETE FROM segments WHERE tenant_id = $1 AND segment_id = $2', [tenant, id]);
      await tx.query(AUDIT_SQL, auditParams({ tenant, actor: by.actor, action: 'segment.delete', target: `segment:${id}`, details: { name: current.name, version: current.version }, requestId: by.requestId ?? null }));
      return 'deleted' as const;
    });
  }

  /**
   * Appends to the audit log (see `audit.ts`).
   *
   * @example
   * await storage.segments.audit({ tenant: 'acme', actor: 'k_1', action: 'segment.export', target: `segment:${id}` });
   */
  audit(entry: AuditEntry): Promise<number> {
    return appendAudit(this.control, entry);
  }
}

const SAVED_COLUMNS = 'segment_id, name, description, ast, marketing, version, created_by, created_at, updated_by, updated_at';

function savedOf(r: Record<string, unknown>): SavedSegment {
  return {
    id: String(r.segment_id),
    name: String(r.name),
    description: (r.description as string | null) ?? null,
    segment: r.ast as Segment,
    marketing: r.marketing === true,
    version: Number(r.version),
    created_by: String(r.created_by),
    created_at: iso(r.created_at)!,
    updated_by: String(r.updated_by),
    updated_at: iso(r.updated_at)!,
  };
}

// Inside a write's own transaction, so a change and its audit line commit or roll back together.
const AUDIT_SQL = `INSERT INTO audit_log (tenant_id, actor, action, target, details, request_id) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`;

function auditParams(e: AuditEntry): unknown[] {
  return [e.tenant, e.actor, e.action, e.target, JSON.stringify(e.details ?? {}), e.requestId ?? null];
}
