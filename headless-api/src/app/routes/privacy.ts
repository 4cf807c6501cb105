import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AuditEntry, DeadLetterRecord, ErasureReport, PlayerDataExport } from '../../storage/index.js';
import { requirePermission } from '../auth.js';
import { jsonBody } from '../json-body.js';
import { ApiError } from '../errors.js';
import { PERMISSION_EXTENSION } from '../permissions.js';
import { PlayerIdParam, problemContent } from '../schemas.js';
import type { AppEnv } from '../types.js';

/** What the privacy routes need from storage; `ShardedStorage` has it. */
export interface PrivacyApiStorage {
  audit(entry: AuditEntry): Promise<number>;
  privacy: {
    exportPlayer(tenant: string, playerId: string): Promise<PlayerDataExport | null>;
    erasePlayer(tenant: string, playerId: string, who: { actor: string | null; requestId?: string | null }): Promise<ErasureReport | null>;
    deadLetterPage(tenant: string, query: { limit: number; beforeId?: number; playerId?: string }): Promise<DeadLetterRecord[]>;
    retention(tenant: string): Promise<number | null>;
    setRetention(tenant: string, days: number | null): Promise<void>;
  };
}

/**
 * Whether `storage` implements export and erasure.
 *
 * @example
 * if (hasPrivacyStorage(storage)) registerPrivacyRoutes(app, storage);
 */
export function hasPrivacyStorage(storage: object): storage is PrivacyApiStorage {
  const privacy = (storage as { privacy?: { exportPlayer?: unknown } }).privacy;
  return typeof privacy === 'object' && typeof privacy.exportPlayer === 'function';
}

const rows = z.array(z.record(z.string(), z.unknown()));
const ExportSchema = z
  .object({
    player_id: z.string(),
    exported_at: z.string(),
    profile: z.record(z.string(), z.unknown()).nullable(),
    personal: z.record(z.string(), z.unknown()).nullable(),
    features: z.record(z.string(), z.unknown()).nullable(),
    scores: rows,
    labels: rows,
    events: rows.openapi({ description: 'Every stored event, with its IP.' }),
    dead_letters: rows.openapi({ description: 'Rejected lines that mention the player.' }),
    notes: rows.openapi({ description: 'Notes agents and admins wrote about the player.' }),
  })
  .openapi('PersonalDataExport');

const ErasureSchema = z
  .object({
    player_id: z.string(),
    personal_rows_deleted: z.int(),
    events_scrubbed: z.int().openapi({ description: 'Events whose IP or personal payload fields were removed.' }),
    dead_letters_deleted: z.int(),
    notes_deleted: z.int(),
    events_kept: z.int().openapi({ description: 'Pseudonymous financial records kept, as gambling regulation requires.' }),
  })
  .openapi('ErasureReport');

const DeadLetterSchema = z
  .object({
    id: z.int(),
    line: z.int(),
    event_id: z.string().nullable(),
    player_id: z.string().nullable(),
    raw: z.string().openapi({ description: 'The line as received; masked whole for roles without personal-data access.' }),
    issues: z.unknown(),
    received_at: z.string(),
  })
  .openapi('DeadLetter');

const RetentionSchema = z
  .object({ retention_days: z.int().min(1).max(36_500).nullable().openapi({ description: 'Events older than this many days are deleted by `pitboss retention`; null keeps everything.' }) })
  .openapi('RetentionSetting');

const errors = {
  401: { description: 'Missing or invalid credentials.', content: problemContent },
  403: { description: 'Role lacks the permission.', content: problemContent },
  404: { description: 'Nothing is held on this player for this tenant.', content: problemContent },
} as const;

/**
 * Data-subject rights (GDPR Art. 15/17/20, LGPD Art. 18):
 * `GET /v1/players/{id}/personal-data` exports everything held on a player
 * (admin, agent); `DELETE` erases the personal data and keeps the
 * pseudonymous financial records (admin). Both are audited.
 *
 * @example
 * if (hasPrivacyStorage(storage)) registerPrivacyRoutes(app, storage, 1 << 20);
 */
export function registerPrivacyRoutes(app: OpenAPIHono<AppEnv>, storage: PrivacyApiStorage, maxBodyBytes: number): void {
  const exportRoute = createRoute({
    method: 'get',
    path: '/v1/players/{id}/personal-data',
    tags: ['privacy'],
    summary: 'Export everything held on a player (GDPR Art. 15/20, LGPD Art. 18)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'personal:export',
    middleware: [requirePermission('personal:export')] as const,
    request: { params: PlayerIdParam },
    responses: {
      200: { description: 'The player\'s data, as an attachment.', content: { 'application/json': { schema: ExportSchema } } },
      ...errors,
    },
  });
  app.openapi(exportRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { tenant, keyId } = c.get('principal');
    const data = await storage.privacy.exportPlayer(tenant, id);
    if (!data) throw new ApiError('not-found', { detail: `no data held on player ${JSON.stringify(id)}` });
    await storage.audit({
      tenant, actor: keyId, action: 'personal.export', target: `player:${id}`, requestId: c.get('requestId'),
      details: { events: data.events.length, dead_letters: data.dead_letters.length, scores: data.scores.length, personal: data.personal !== null },
    });
    c.header('content-disposition', `attachment; filename="player-${encodeURIComponent(id)}.json"`);
    c.header('cache-control', 'no-store');
    return c.json(data, 200);
  });

  const eraseRoute = createRoute({
    method: 'delete',
    path: '/v1/players/{id}/personal-data',
    tags: ['privacy'],
    summary: 'Erase a player\'s personal data on every shard and in dead letters; keep financial records (GDPR Art. 17)',
    description: 'Idempotent: a repeated call answers 200 with zero counts. The erasure is recorded in the audit log (`personal.erase`).',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'personal:erase',
    middleware: [requirePermission('personal:erase')] as const,
    request: { params: PlayerIdParam },
    responses: {
      200: { description: 'What was erased and what was kept.', content: { 'application/json': { schema: ErasureSchema } } },
      ...errors,
    },
  });
  app.openapi(eraseRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { tenant, keyId } = c.get('principal');
    const report = await storage.privacy.erasePlayer(tenant, id, { actor: keyId, requestId: c.get('requestId') });
    if (!report) throw new ApiError('not-found', { detail: `no data held on player ${JSON.stringify(id)}` });
    return c.json(report, 200);
  });

  const deadLetters = createRoute({
    method: 'get',
    path: '/v1/dead-letters',
    tags: ['events'],
    summary: 'Rejected ingest lines, newest first (cursor pagination)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    request: {
      query: z.object({
        player_id: PlayerIdParam.shape.id.optional().openapi({ param: { name: 'player_id', in: 'query' } }),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        cursor: z.string().regex(/^[1-9]\d{0,17}$/).optional().openapi({ description: 'next_cursor of the previous page.' }),
      }),
    },
    responses: {
      200: { description: 'A page of dead letters.', content: { 'application/json': { schema: z.object({ items: z.array(DeadLetterSchema), next_cursor: z.string().nullable() }).openapi('DeadLetterPage') } } },
      400: { description: 'Invalid parameters.', content: problemContent },
      401: errors[401],
      403: errors[403],
    },
  });
  app.openapi(deadLetters, async (c) => {
    const q = c.req.valid('query');
    const rows = await storage.privacy.deadLetterPage(c.get('principal').tenant, {
      limit: q.limit + 1, ...(q.player_id ? { playerId: q.player_id } : {}), ...(q.cursor ? { beforeId: Number(q.cursor) } : {}),
    });
    const items = rows.slice(0, q.limit);
    return c.json({ items, next_cursor: rows.length > q.limit ? String(items.at(-1)!.id) : null }, 200);
  });

  // Setting a horizon deletes data as irreversibly as an erasure does: same permission.
  const getRetention = createRoute({
    method: 'get',
    path: '/v1/retention',
    tags: ['privacy'],
    summary: "The tenant's retention horizon",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'personal:erase',
    middleware: [requirePermission('personal:erase')] as const,
    responses: {
      200: { description: 'The horizon.', content: { 'application/json': { schema: RetentionSchema } } },
      401: errors[401],
      403: errors[403],
    },
  });
  app.openapi(getRetention, async (c) => c.json({ retention_days: await storage.privacy.retention(c.get('principal').tenant) }, 200));

  const putRetention = createRoute({
    method: 'put',
    path: '/v1/retention',
    tags: ['privacy'],
    summary: "Set the tenant's retention horizon (null keeps everything); `pitboss retention` applies it",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'personal:erase',
    middleware: [requirePermission('personal:erase'), jsonBody(maxBodyBytes)] as const,
    request: { body: { required: true, content: { 'application/json': { schema: RetentionSchema } } } },
    responses: {
      200: { description: 'The horizon now in force.', content: { 'application/json': { schema: RetentionSchema } } },
      400: { description: 'Invalid body.', content: problemContent },
      401: errors[401],
      403: errors[403],
    },
  });
  app.openapi(putRetention, async (c) => {
    const { retention_days } = c.req.valid('json');
    const { tenant, keyId } = c.get('principal');
    await storage.privacy.setRetention(tenant, retention_days);
    await storage.audit({ tenant, actor: keyId, action: 'retention.set', target: `tenant:${tenant}`, requestId: c.get('requestId'), details: { retention_days } });
    return c.json({ retention_days }, 200);
  });
}
