import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { EVENT_TYPES, RgInteraction, isStorableText } from '@pitboss/core';
import type { AuditEntry } from '../../storage/index.js';
import { Player360Storage } from '../../storage/player-360.js';
import type { ShardLookup } from '../../storage/player-360.js';
import { requirePermission } from '../auth.js';
import { ApiError } from '../errors.js';
import { ingestCandidates, valueCandidates } from '../ingest.js';
import type { IngestDeps } from '../ingest.js';
import { jsonBody } from '../json-body.js';
import { PERSONAL_KEYS } from '../masking.js';
import { PERMISSION_EXTENSION, can } from '../permissions.js';
import { PlayerIdParam, problemContent } from '../schemas.js';
import type { AppEnv } from '../types.js';

/** What the player 360 routes need from storage: the shards (`ShardedStorage` has them). */
export type Player360ApiStorage = ShardLookup;

/**
 * Whether `storage` exposes its shard databases and map.
 *
 * @example
 * if (hasPlayer360Storage(storage)) registerPlayer360Routes(app, { storage, ingest, audit, maxBodyBytes });
 */
export function hasPlayer360Storage(storage: object): storage is Player360ApiStorage {
  const s = storage as { databases?: unknown; databaseOf?: unknown };
  return Array.isArray(s.databases) && typeof s.databaseOf === 'function';
}

export interface Player360Options {
  storage: Player360ApiStorage;
  /** The ingestion path `POST /v1/events` uses; interactions go through it. */
  ingest: IngestDeps;
  /** Appends to the audit log; null when the storage has none. */
  audit: ((entry: AuditEntry) => Promise<number>) | null;
  maxBodyBytes: number;
  /** Deadline of each storage statement in ms; default none (the pg driver's statement timeout still applies). */
  timeoutMs?: number;
}

const Cursor = z.string().max(1024).optional().openapi({ description: 'next_cursor of the previous page.' });
const TYPES = new Set<string>(EVENT_TYPES);

const TimelineEventSchema = z
  .object({ event_id: z.string(), type: z.string(), occurred_at: z.string(), payload: z.record(z.string(), z.unknown()) })
  .openapi('TimelineEvent');

const SeriesPointSchema = z
  .object({
    day: z.string().openapi({ example: '2026-03-01' }),
    deposits_minor: z.int().openapi({ description: 'Approved deposits.' }),
    withdrawals_minor: z.int().openapi({ description: 'Approved withdrawals.' }),
    stakes_minor: z.int().openapi({ description: 'Stakes of bets and casino rounds, bonus money included.' }),
    net_loss_minor: z.int().openapi({ description: 'Stakes minus winnings (positive = the player lost), as the `net_loss_30d` feature counts it.' }),
    ggr_minor: z.int().openapi({ description: 'Gross gaming revenue: cash stakes (stakes minus bonus stakes) minus winnings.' }),
  })
  .openapi('SeriesPoint');

const SeriesSchema = z
  .object({
    player_id: z.string(),
    days: z.int(),
    from: z.string().openapi({ description: 'First day, UTC (inclusive).' }),
    to: z.string().openapi({ description: 'Last day, UTC (inclusive): today.' }),
    series: z.array(z.object({ currency: z.string(), points: z.array(SeriesPointSchema) })).openapi({ description: 'One dense daily series per currency (zeros on quiet days), currencies sorted.' }),
  })
  .openapi('PlayerSeries');

const NoteSchema = z
  .object({
    id: z.string(),
    player_id: z.string(),
    author: z.string().openapi({ description: 'Who wrote it: the API key id, `jwt:<subject>` or `embed:<key id>`.' }),
    note: z.string().openapi({ description: 'Personal data: masked for roles without personal-data access.' }),
    created_at: z.string(),
  })
  .openapi('PlayerNote');

const NoteInputSchema = z
  .object({ note: z.string().trim().min(1).max(4000).refine(isStorableText, 'must not contain NUL or an unpaired surrogate') })
  .strict()
  .openapi('PlayerNoteInput');

const { level, channel, action, outcome, note } = RgInteraction.shape;
const InteractionInputSchema = z
  .object({
    event_id: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .openapi({ description: 'Your id for this interaction: the idempotency key (a retry with the same id stores nothing new).' }),
    occurred_at: z.iso.datetime({ offset: true }).optional().openapi({ description: 'When it happened (ISO 8601 with an offset); default now.' }),
    level, channel, action, outcome, note,
  })
  .strict()
  .openapi('RgInteractionInput');

const InteractionResultSchema = z
  .object({
    event_id: z.string(),
    duplicate: z.boolean().openapi({ description: 'True when this event_id was already stored (nothing new was written).' }),
    event: TimelineEventSchema,
  })
  .openapi('RgInteractionResult');

const errors = {
  400: { description: 'Invalid parameters.', content: problemContent },
  401: { description: 'Missing or invalid credentials.', content: problemContent },
  403: { description: 'Role lacks the permission.', content: problemContent },
  404: { description: 'No such player for this tenant.', content: problemContent },
} as const;
const bodyErrors = {
  413: { description: 'Body over the size limit.', content: problemContent },
  415: { description: 'Body is not application/json.', content: problemContent },
} as const;

const notFound = (id: string) => new ApiError('not-found', { detail: `no player ${JSON.stringify(id)}` });

/** Personal keys that may sit at the top of an event payload (`user_agent` of sessions, `note` of interactions). */
function personalFieldsOf(payloads: readonly Record<string, unknown>[]): string[] {
  const found = new Set<string>();
  for (const p of payloads) for (const k of Object.keys(p)) if (PERSONAL_KEYS.has(k) || k === 'personal') found.add(k);
  return [...found].sort();
}

/**
 * The player 360 routes behind `<pb-player-card>`: a player's timeline
 * (`GET /v1/players/{id}/events`), daily money series (`GET …/series`),
 * notes (`GET`/`POST …/notes`) and responsible-gambling interactions
 * (`POST …/interactions`, through the ingestion path). Notes are personal
 * data: masked for analysts by the response boundary, exported and erased
 * with the player's personal data; reads that return them unmasked and
 * every write are audited here.
 *
 * @example
 * registerPlayer360Routes(app, { storage, ingest: { storage, metrics }, audit: (e) => storage.audit(e), maxBodyBytes: 1 << 20 });
 */
export function registerPlayer360Routes(app: OpenAPIHono<AppEnv>, options: Player360Options): void {
  const p360 = new Player360Storage(options.storage, options.timeoutMs ?? 0);
  const audit = options.audit;

  const events = createRoute({
    method: 'get',
    path: '/v1/players/{id}/events',
    tags: ['players'],
    summary: "A player's events, newest first (cursor pagination)",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    request: {
      params: PlayerIdParam,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: Cursor,
        types: z
          .string()
          .max(512)
          .optional()
          .refine((s) => s === undefined || s.split(',').every((t) => TYPES.has(t)), { message: `a comma-separated list of: ${EVENT_TYPES.join(', ')}` })
          .openapi({ description: 'Only these event types (comma-separated).', example: 'payment,rg.interaction' }),
      }),
    },
    responses: {
      200: { description: 'A page of events.', content: { 'application/json': { schema: z.object({ items: z.array(TimelineEventSchema), next_cursor: z.string().nullable() }).openapi('TimelinePage') } } },
      ...errors,
    },
  });
  app.openapi(events, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const { tenant, role, keyId } = c.get('principal');
    const page = await p360.events(tenant, id, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.types ? { types: q.types.split(',') } : {}) });
    if (!page) throw notFound(id);
    const fields = personalFieldsOf(page.items.map((e) => e.payload));
    if (audit && fields.length > 0 && can(role, 'personal:read')) {
      await audit({ tenant, actor: keyId, action: 'personal.read', target: `player:${id}`, requestId: c.get('requestId'), details: { fields, route: 'events' } });
    }
    return c.json(page, 200);
  });

  const series = createRoute({
    method: 'get',
    path: '/v1/players/{id}/series',
    tags: ['players'],
    summary: "A player's daily deposits, withdrawals, stakes, net loss and GGR per currency (minor units)",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    request: {
      params: PlayerIdParam,
      query: z.object({ days: z.coerce.number().int().min(1).max(366).default(90).openapi({ description: 'UTC days, today included.' }) }),
    },
    responses: {
      200: { description: 'The series.', content: { 'application/json': { schema: SeriesSchema } } },
      ...errors,
    },
  });
  app.openapi(series, async (c) => {
    const { id } = c.req.valid('param');
    const { days } = c.req.valid('query');
    const s = await p360.series(c.get('principal').tenant, id, { days });
    if (!s) throw notFound(id);
    return c.json(s, 200);
  });

  const listNotes = createRoute({
    method: 'get',
    path: '/v1/players/{id}/notes',
    tags: ['players'],
    summary: "A player's notes, newest first (cursor pagination); the text is masked for analysts",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    request: {
      params: PlayerIdParam,
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: Cursor }),
    },
    responses: {
      200: { description: 'A page of notes.', content: { 'application/json': { schema: z.object({ items: z.array(NoteSchema), next_cursor: z.string().nullable() }).openapi('PlayerNotePage') } } },
      ...errors,
    },
  });
  app.openapi(listNotes, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const { tenant, role, keyId } = c.get('principal');
    const page = await p360.notes(tenant, id, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
    if (!page) throw notFound(id);
    if (audit && page.items.length > 0 && can(role, 'personal:read')) {
      await audit({ tenant, actor: keyId, action: 'personal.read', target: `player:${id}`, requestId: c.get('requestId'), details: { fields: ['notes'], notes: page.items.length } });
    }
    return c.json(page, 200);
  });

  const addNote = createRoute({
    method: 'post',
    path: '/v1/players/{id}/notes',
    tags: ['players'],
    summary: 'Add a note to a player (author = the caller); audited as `note.create`',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'notes:write',
    middleware: [requirePermission('notes:write'), jsonBody(options.maxBodyBytes)] as const,
    request: {
      params: PlayerIdParam,
      body: { required: true, content: { 'application/json': { schema: NoteInputSchema } } },
    },
    responses: {
      201: { description: 'The stored note.', content: { 'application/json': { schema: NoteSchema } } },
      ...errors,
      ...bodyErrors,
    },
  });
  app.openapi(addNote, async (c) => {
    const { id } = c.req.valid('param');
    const { note: text } = c.req.valid('json');
    const { tenant, keyId } = c.get('principal');
    const stored = await p360.addNote(tenant, id, { author: keyId, note: text });
    if (!stored) throw notFound(id);
    // The text itself stays out of the log: it is personal data, and the audit log cannot be erased.
    if (audit) await audit({ tenant, actor: keyId, action: 'note.create', target: `player:${id}`, requestId: c.get('requestId'), details: { note_id: stored.id, chars: text.length } });
    return c.json(stored, 201);
  });

  const interaction = createRoute({
    method: 'post',
    path: '/v1/players/{id}/interactions',
    tags: ['players'],
    summary: 'Record a responsible-gambling interaction (an `rg.interaction` event, idempotent on event_id)',
    description: 'Goes through the ingestion path of `POST /v1/events`: stored once per `(tenant, event_id)`, features and scores follow, live subscribers see it. `agent_id` is the caller.',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'notes:write',
    middleware: [requirePermission('notes:write'), jsonBody(options.maxBodyBytes)] as const,
    request: {
      params: PlayerIdParam,
      body: { required: true, content: { 'application/json': { schema: InteractionInputSchema } } },
    },
    responses: {
      201: { description: 'Stored.', content: { 'application/json': { schema: InteractionResultSchema } } },
      200: { description: 'Already stored under this event_id (a retry): nothing new written.', content: { 'application/json': { schema: InteractionResultSchema } } },
      503: { description: 'The player\'s shard is unavailable; retry with the same event_id.', content: problemContent },
      ...errors,
      ...bodyErrors,
    },
  });
  app.openapi(interaction, async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const { tenant, keyId } = c.get('principal');
    if (!(await p360.exists(tenant, id))) throw notFound(id);
    const event = {
      schema_version: 1, type: 'rg.interaction', player_id: id, agent_id: keyId.slice(0, 128), ...input,
      occurred_at: input.occurred_at ?? new Date().toISOString(),
    };
    const report = await ingestCandidates(options.ingest, tenant, valueCandidates([event]));
    if (report.retryable > 0) {
      throw new ApiError('shard-unavailable', { detail: 'the player\'s shard is unavailable; retry with the same event_id', extensions: { retryable: true }, headers: { 'retry-after': '1' } });
    }
    if (report.rejected > 0) {
      throw new ApiError('validation-failed', { detail: 'the interaction is not a valid rg.interaction event', extensions: { errors: report.errors.map((e) => ({ in: 'json', pointer: e.pointer, message: e.message })) } });
    }
    const duplicate = report.accepted === 0;
    if (audit) await audit({ tenant, actor: keyId, action: 'rg.interaction', target: `player:${id}`, requestId: c.get('requestId'), details: { event_id: input.event_id, duplicate, action: input.action, outcome: input.outcome } });
    const { event_id, type, occurred_at, ...rest } = event;
    return c.json({ event_id, duplicate, event: { event_id, type, occurred_at, payload: { event_id, type, occurred_at, ...rest } } }, duplicate ? 200 : 201);
  });
}
