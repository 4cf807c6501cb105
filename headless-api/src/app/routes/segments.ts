import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { GUARDRAIL_REASONS, LOCALES, SegmentValidationError } from '@pitboss/core';
import type { SegmentLocale } from '@pitboss/core';
import { MEMBER_COLUMNS, riskBands } from '../../storage/segments.js';
import type { GuardrailReport, MemberRow, SavedSegment, SegmentStorage } from '../../storage/segments.js';
import { requirePermission } from '../auth.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { PERMISSION_EXTENSION } from '../permissions.js';
import { problemContent } from '../schemas.js';
import type { AppEnv } from '../types.js';

/** A storage that serves segments (the sharded storage does). */
export interface SegmentApiStorage {
  readonly segments: SegmentStorage;
}

/**
 * Whether `storage` serves segments; the app registers the segment routes only then.
 *
 * @example
 * if (hasSegmentStorage(storage)) registerSegmentRoutes(app, storage.segments, 1 << 20);
 */
export function hasSegmentStorage(storage: object): storage is SegmentApiStorage {
  return 'segments' in storage && typeof (storage as { segments?: unknown }).segments === 'object';
}

/**
 * The first of `en`, `pt-BR`, `es` that `Accept-Language` prefers (q-values
 * honoured, `pt`/`pt-PT` → `pt-BR`, `es-MX` → `es`); `en` otherwise.
 *
 * @example
 * negotiateLocale('es-MX,es;q=0.9,en;q=0.5') // 'es'
 */
export function negotiateLocale(header: string | undefined): SegmentLocale {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    if (primary === 'pt') return 'pt-BR';
    const hit = LOCALES.find((l) => l.toLowerCase() === primary);
    if (hit) return hit;
  }
  return 'en';
}

/** `all[2].any[0].value` → `/segment/all/2/any/0/value` (RFC 6901, into the request body). */
function bodyPointer(path: string): string {
  const parts = path.split(/\.|\[(\d+)\]/).filter((p): p is string => p !== undefined && p !== '');
  return ['', 'segment', ...parts].map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function validationProblem(error: SegmentValidationError, locale: SegmentLocale): ApiError {
  return new ApiError('validation-failed', {
    status: 422,
    detail: `the segment has ${error.issues.length} issue${error.issues.length === 1 ? '' : 's'}`,
    headers: { 'content-language': locale },
    extensions: {
      errors: error.issues.map((i) => ({ in: 'body', path: i.path, pointer: bodyPointer(i.path), code: i.code, message: i.message })),
    },
  });
}

/** Runs `fn`, turning a segment that does not validate into 422 problem+json in the caller's language. */
async function segmentCall<T>(locale: SegmentLocale, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SegmentValidationError) throw validationProblem(error, locale);
    throw error;
  }
}

const MemberRowSchema = z
  .object({
    player_id: z.string(),
    country: z.string().nullable(),
    currency: z.string().nullable(),
    brand: z.string().nullable(),
    registered_at: z.string().nullable(),
    last_event_at: z.string().nullable(),
    risk_band: z.string().nullable(),
  } satisfies Record<(typeof MEMBER_COLUMNS)[number], z.ZodType>)
  .openapi('SegmentMember');

const GuardrailSchema = z
  .object({
    matched: z.int().openapi({ description: 'Players the rule matches before the guardrail.' }),
    removed: z.int().openapi({ description: 'Players any reason removed.' }),
    kept: z.int(),
    byReason: z.object(Object.fromEntries(GUARDRAIL_REASONS.map((r) => [r, z.int()]))).openapi({ description: 'Players each reason alone removes (a player may count under several).' }),
    risk_band_at_or_above: z.string(),
  })
  .openapi('GuardrailReport');

const PageSchema = z.object({ items: z.array(MemberRowSchema), next_cursor: z.string().nullable() }).openapi('SegmentMemberPage');

const PreviewSchema = z
  .object({
    count: z.int(),
    items: z.array(MemberRowSchema),
    next_cursor: z.string().nullable(),
    guardrail: GuardrailSchema.nullable().openapi({ description: 'Present for a marketing segment.' }),
    as_of: z.string(),
  })
  .openapi('SegmentPreview');

const AstSchema = z.unknown().openapi({
  type: 'object',
  description: 'Segment rule: `all` / `any` / `not` groups over conditions (docs/segments.md). Checked against the field registry; issues come back as 422 with their paths.',
  example: { all: [{ field: 'country', op: 'in', value: ['BR', 'PT'] }, { did: { type: 'payment', direction: 'deposit' }, op: 'at_least', times: 3, days: 30 }] },
});

const noNul = (max: number) => z.string().max(max).regex(/^[^\u0000]*$/, 'must not contain NUL');

const SegmentBodySchema = z
  .object({
    name: noNul(200).min(1),
    description: noNul(2000).nullable().optional(),
    segment: AstSchema,
    marketing: z.boolean().optional().openapi({ description: 'Apply the responsible-gambling guardrail (also on when the rule says `marketing: true`).' }),
  })
  .openapi('SegmentInput');

const SavedSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    segment: AstSchema,
    marketing: z.boolean(),
    version: z.int(),
    created_by: z.string(),
    created_at: z.string(),
    updated_by: z.string(),
    updated_at: z.string(),
  })
  .openapi('Segment');

const IdParam = z.object({ id: z.string().min(1).max(128).openapi({ param: { name: 'id', in: 'path' } }) });
const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(1024).optional().openapi({ description: 'next_cursor of the previous page.' }),
});

const common = {
  400: { description: 'Invalid parameters.', content: problemContent },
  401: { description: 'Missing or invalid API key.', content: problemContent },
  403: { description: 'Role lacks the permission.', content: problemContent },
} as const;
const notFound = { 404: { description: 'No such segment for this tenant.', content: problemContent } } as const;
const invalid = { 422: { description: 'The segment does not validate: each issue with its path, in the Accept-Language language (en, pt-BR, es).', content: problemContent } } as const;

function etag(s: SavedSegment): string {
  return `"${s.version}"`;
}

/** `If-Match: "3"` → 3; absent or `*` → undefined; anything else can never match. */
function ifMatch(header: string | undefined): number | undefined | null {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  return m ? Number(m[1]) : null;
}

function csvCell(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const EXPORT_FORMATS = {
  ndjson: { type: 'application/x-ndjson; charset=utf-8', header: '', line: (r: MemberRow) => JSON.stringify(r) + '\n' },
  csv: {
    type: 'text/csv; charset=utf-8; header=present',
    header: MEMBER_COLUMNS.join(',') + '\r\n',
    line: (r: MemberRow) => MEMBER_COLUMNS.map((k) => csvCell(r[k])).join(',') + '\r\n',
  },
} as const;
const ROWS_PER_CHUNK = 500;

function principalOf(c: Context<AppEnv>): { tenant: string; actor: string; requestId: string } {
  const p = c.get('principal');
  return { tenant: p.tenant, actor: p.keyId, requestId: c.get('requestId') };
}

async function auditGuardrail(store: SegmentStorage, c: Context<AppEnv>, target: string, report: GuardrailReport, asOf: string): Promise<void> {
  const { tenant, actor, requestId } = principalOf(c);
  await store.audit({
    tenant, actor, action: 'segment.guardrail', target, requestId,
    details: { matched: report.matched, removed: report.removed, kept: report.kept, by_reason: report.byReason, risk_band_at_or_above: report.risk_band_at_or_above, as_of: asOf },
  });
}

/**
 * Segment routes: preview (count, first page, guardrail report), saved
 * segments (CRUD with ETags), member pages and streamed exports, and the
 * tenant's guardrail setting. Every route is scoped to the caller's tenant.
 *
 * @example
 * registerSegmentRoutes(app, storage.segments, 1 << 20);
 */
export function registerSegmentRoutes(app: OpenAPIHono<AppEnv>, store: SegmentStorage, maxBodyBytes: number): void {
  const preview = createRoute({
    method: 'post',
    path: '/v1/segments/preview',
    tags: ['segments'],
    summary: 'Count a segment and return its first members, across shards (marketing: with the guardrail report)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'segments:read',
    middleware: [requirePermission('segments:read'), jsonBody(maxBodyBytes)] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ segment: AstSchema, marketing: z.boolean().optional(), limit: z.int().min(1).max(1000).optional() }).openapi('SegmentPreviewRequest'),
          },
        },
      },
    },
    responses: { 200: { description: 'Count, first page, guardrail removals.', content: { 'application/json': { schema: PreviewSchema } } }, ...common, ...invalid },
  });
  app.openapi(preview, async (c) => {
    const body = c.req.valid('json');
    const locale = negotiateLocale(c.req.header('accept-language'));
    const { tenant } = principalOf(c);
    const result = await segmentCall(locale, () =>
      store.preview(tenant, body.segment, { locale, ...(body.marketing !== undefined ? { marketing: body.marketing } : {}), ...(body.limit ? { limit: body.limit } : {}) }),
    );
    if (result.guardrail) await auditGuardrail(store, c, 'segment:preview', result.guardrail, result.as_of);
    return c.json(result, 200);
  });

  const settingsSchema = z.object({ risk_band_at_or_above: z.string().openapi({ enum: [...riskBands()] }) }).openapi('SegmentSettings');
  const getSettings = createRoute({
    method: 'get',
    path: '/v1/segment-settings',
    tags: ['segments'],
    summary: "The tenant's marketing guardrail: the risk band from which players are left out",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'segments:read',
    middleware: [requirePermission('segments:read')] as const,
    responses: { 200: { description: 'Settings.', content: { 'application/json': { schema: settingsSchema } } }, ...common },
  });
  app.openapi(getSettings, async (c) => c.json({ risk_band_at_or_above: await store.guardrailBand(principalOf(c).tenant) }, 200));

  const putSettings = createRoute({
    method: 'put',
    path: '/v1/segment-settings',
    tags: ['segments'],
    summary: 'Set the guardrail risk band (admins only; audited)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'segments:settings',
    middleware: [requirePermission('segments:settings'), jsonBody(maxBodyBytes)] as const,
    request: { body: { required: true, content: { 'application/json': { schema: z.object({ risk_band_at_or_above: z.enum(riskBands() as [string, ...string[]]) }) } } } },
    responses: { 200: { description: 'Settings after the change.', content: { 'application/json': { schema: settingsSchema } } }, ...common },
  });
  app.openapi(putSettings, async (c) => {
    const { risk_band_at_or_above: band } = c.req.valid('json');
    const { tenant, actor, requestId } = principalOf(c);
    await store.setGuardrailBand(tenant, band, { actor, requestId });
    return c.json({ risk_band_at_or_above: band }, 200);
  });

  const list = createRoute({
    method: 'get',
    path: '/v1/segments',
    tags: ['segments'],
    summary: 'List saved segments (cursor pagination)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'segments:read',
    middleware: [requirePermission('segments:read')] as const,
    request: { query: PageQuery },
    responses: { 200: { description: 'A page of segments.', content: { 'application/json': { schema: z.object({ items: z.array(SavedSchema), next_cursor: z.string().nullable() }) } } }, ...common },
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    return c.json(await store.list(principalOf(c).tenant, { limit: Math.min(q.limit, 500), ...(q.cursor ? { cursor: q.cursor } : {}) }), 200);
  });

  const create = createRoute({
    method: 'post',
    path: '/v1/segments',
    tags: ['segments'],
    summary: 'Save a segment',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'segments:write',
    middleware: [requirePermission('segments:write'), jsonBody(maxBodyBytes)] as const,
    request: { body: { required: true, content: { 'application/json': { schema: SegmentBodySchema } } } },
    responses: { 201: { description: 'The saved segment; `ETag` is its version.', content: { 'application/json': { schema: SavedSchema } } }, ...common, ...invalid },
  });
  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const locale = negotiateLocale(c.req.header('accept-language'));
    const { tenant, actor, requestId } = principalOf(c);
    const saved = await segmentCall(locale, () =>
      store.create(tenant, { name: body.name, description: body.description ?? null, segment: body.segment, ...(body.marketing !== undefined ? { marketing: body.marketing } : {}) }, { actor, requestId, locale }),
    );
    c.header('etag', etag(saved));
    c.header('location', `/v1/segments/${saved.id}`);
    return c.json(saved, 201);
  });

  const get = createRoute({
    method: 'get',
    path: '/v1/segments/{id}',
    tags: ['segments'],
    summary: 'Read a saved segment',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'segments:read',
    middleware: [requirePermission('segments:read')] as const,
    request: { params: IdParam },
    responses: { 200: { description: 'The segment; `ETag` is its version.', content: { 'application/json': { schema: SavedSchema } } }, ...common, ...notFound },
  });
  app.openapi(get, async (c) => {
    const saved = await mustGet(store, c, c.req.valid('param').id);
    c.header('etag', etag(saved));
    return c.json(saved, 200);
  });

  const put = createRoute({
    method: 'put',
    path: '/v1/segments/{id}',
    tags: ['segments'],
    summary: 'Replace a saved segment (send If-Match with its ETag to refuse a concurrent change)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'segments:write',
    middleware: [requirePermission('segments:write'), jsonBody(maxBodyBytes)] as const,
    request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: SegmentBodySchema } } } },
    responses: {
      200: { description: 'The segment after the change.', content: { 'application/json': { schema: SavedSchema } } },
      412: { description: 'The segment changed since the ETag in If-Match.', content: problemContent },
      ...common, ...notFound, ...invalid,
    },
  });
  app.openapi(put, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const locale = negotiateLocale(c.req.header('accept-language'));
    const { tenant, actor, requestId } = principalOf(c);
    const version = ifMatch(c.req.header('if-match'));
    if (version === null) throw new ApiError('precondition-failed', { detail: 'If-Match is not an ETag of this segment' });
    const result = await segmentCall(locale, () =>
      store.update(tenant, id, { name: body.name, description: body.description ?? null, segment: body.segment, ...(body.marketing !== undefined ? { marketing: body.marketing } : {}) }, {
        actor, requestId, locale, ...(version !== undefined ? { ifVersion: version } : {}),
      }),
    );
    if (result === 'missing') throw new ApiError('not-found', { detail: `no segment ${JSON.stringify(id)}` });
    if (result === 'conflict') throw new ApiError('precondition-failed', { detail: 'the segment changed since that ETag; read it again' });
    c.header('etag', etag(result));
    return c.json(result, 200);
  });

  const del = createRoute({
    method: 'delete',
    path: '/v1/segments/{id}',
    tags: ['segments'],
    summary: 'Delete a saved segment',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'segments:write',
    middleware: [requirePermission('segments:write')] as const,
    request: { params: IdParam },
    responses: {
      204: { description: 'Deleted.' },
      412: { description: 'The segment changed since the ETag in If-Match.', content: problemContent },
      ...common, ...notFound,
    },
  });
  app.openapi(del, async (c) => {
    const { id } = c.req.valid('param');
    const { tenant, actor, requestId } = principalOf(c);
    const version = ifMatch(c.req.header('if-match'));
    if (version === null) throw new ApiError('precondition-failed', { detail: 'If-Match is not an ETag of this segment' });
    const result = await store.delete(tenant, id, { actor, requestId, ...(version !== undefined ? { ifVersion: version } : {}) });
    if (result === 'missing') throw new ApiError('not-found', { detail: `no segment ${JSON.stringify(id)}` });
    if (result === 'conflict') throw new ApiError('precondition-failed', { detail: 'the segment changed since that ETag; read it again' });
    return c.body(null, 204);
  });

  const members = createRoute({
    method: 'get',
    path: '/v1/segments/{id}/members',
    tags: ['segments'],
    summary: "A page of a saved segment's members, in player_id order (marketing: after the guardrail; the first page is audited)",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'segments:read',
    middleware: [requirePermission('segments:read')] as const,
    request: { params: IdParam, query: PageQuery },
    responses: { 200: { description: 'A page of members.', content: { 'application/json': { schema: PageSchema } } }, ...common, ...notFound, ...invalid },
  });
  app.openapi(members, async (c) => {
    const saved = await mustGet(store, c, c.req.valid('param').id);
    const q = c.req.valid('query');
    const locale = negotiateLocale(c.req.header('accept-language'));
    const { tenant } = principalOf(c);
    const asOf = new Date();
    // A marketing list leaving the API is audited with who the guardrail removed: once per walk, on its first page.
    if (saved.marketing && !q.cursor) {
      const counted = await segmentCall(locale, () => store.preview(tenant, saved.segment, { marketing: true, locale, asOf, limit: 1 }));
      if (counted.guardrail) await auditGuardrail(store, c, `segment:${saved.id}`, counted.guardrail, counted.as_of);
    }
    const page = await segmentCall(locale, () =>
      store.members(tenant, saved.segment, { marketing: saved.marketing, locale, asOf, limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) }),
    );
    return c.json(page, 200);
  });

  const exportRoute = createRoute({
    method: 'get',
    path: '/v1/segments/{id}/export',
    tags: ['segments'],
    summary: 'Stream every member as NDJSON or CSV (marketing: after the guardrail; audited)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'segments:read',
    middleware: [requirePermission('segments:read')] as const,
    request: { params: IdParam, query: z.object({ format: z.enum(['ndjson', 'csv']).default('ndjson') }) },
    responses: {
      200: {
        description: 'Members in player_id order, streamed.',
        content: { 'application/x-ndjson': { schema: MemberRowSchema }, 'text/csv': { schema: z.string() } },
      },
      ...common, ...notFound, ...invalid,
    },
  });
  app.openapi(exportRoute, async (c) => {
    const saved = await mustGet(store, c, c.req.valid('param').id);
    const { format } = c.req.valid('query');
    const locale = negotiateLocale(c.req.header('accept-language'));
    const { tenant, actor, requestId } = principalOf(c);
    const asOf = new Date();
    const target = `segment:${saved.id}`;
    const counted = await segmentCall(locale, () => store.preview(tenant, saved.segment, { marketing: saved.marketing, locale, asOf, limit: 1 }));
    if (counted.guardrail) await auditGuardrail(store, c, target, counted.guardrail, counted.as_of);
    await store.audit({ tenant, actor, action: 'segment.export', target, requestId, details: { format, rows: counted.count, marketing: saved.marketing, version: saved.version, as_of: counted.as_of } });

    const shape = EXPORT_FORMATS[format];
    const rows = store.exportMembers(tenant, saved.segment, { marketing: saved.marketing, locale, asOf });
    const encoder = new TextEncoder();
    let header: string | null = shape.header;
    const logger = c.get('logger');
    // Pulled by the reader, one chunk at a time: a slow client holds back the shard reads, memory stays at one chunk per shard.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let text = header ?? '';
        header = null;
        try {
          for (let n = 0; n < ROWS_PER_CHUNK; n++) {
            const next = await rows.next();
            if (next.done) {
              if (text) controller.enqueue(encoder.encode(text));
              controller.close();
              return;
            }
            text += shape.line(next.value);
          }
        } catch (error) {
          // Headers are gone; the client sees a truncated body (no final newline of a complete export), the log says why.
          logger?.error('segment export failed mid-stream', { request_id: requestId, segment: saved.id, error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
          controller.error(error);
          return;
        }
        controller.enqueue(encoder.encode(text));
      },
      async cancel() {
        await rows.return(undefined);
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': shape.type,
        'content-disposition': `attachment; filename="segment-${saved.id}.${format}"`,
        'cache-control': 'no-store',
        'x-request-id': requestId,
      },
    });
  });
}

async function mustGet(store: SegmentStorage, c: Context<AppEnv>, id: string): Promise<SavedSegment> {
  const saved = await store.get(principalOf(c).tenant, id);
  if (!saved) throw new ApiError('not-found', { detail: `no segment ${JSON.stringify(id)}` });
  return saved;
}
