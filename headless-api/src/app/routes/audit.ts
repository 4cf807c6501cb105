import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { AuditEntry, AuditFilter, AuditRecord } from '../../storage/index.js';
import { requirePermission } from '../auth.js';
import { ApiError } from '../errors.js';
import { answeredValue } from '../masking.js';
import { can, PERMISSION_EXTENSION } from '../permissions.js';
import { problemContent } from '../schemas.js';
import type { AppEnv } from '../types.js';

/** What the audit middleware and `GET /v1/audit` need from storage; `ShardedStorage` has it. */
export interface AuditStorage {
  audit(entry: AuditEntry): Promise<number>;
  privacy: { queryAudit(tenant: string, filter: AuditFilter): Promise<AuditRecord[]> };
}

/**
 * Whether `storage` can write and read the audit log.
 *
 * @example
 * if (hasAuditStorage(storage)) registerAuditRoutes(app, storage);
 */
export function hasAuditStorage(storage: object): storage is AuditStorage {
  return typeof (storage as { audit?: unknown }).audit === 'function' && typeof (storage as { privacy?: unknown }).privacy === 'object';
}

const PLAYER_PATH = /^\/v1\/players\/([^/]+)$/;
const KEY_PATH = /^\/v1\/keys\/([^/]+)$/;

type Described = Pick<AuditEntry, 'action' | 'target' | 'details'>;

async function jsonOf(res: Response): Promise<Record<string, unknown> | null> {
  // What `respondJson` serialised the body from, without cloning and parsing the body (an admin's
  // player read, reads-profile.ts: 631-686 µs of server CPU with the clone, 407-412 without); other
  // responses are read from their bytes.
  const answered = answeredValue(res);
  if (answered !== undefined) return answered !== null && typeof answered === 'object' ? (answered as Record<string, unknown>) : null;
  if (!res.headers.get('content-type')?.includes('json')) return null;
  return (await res.clone().json()) as Record<string, unknown>;
}

/** The keys JSON keeps of an object: a key whose value is undefined is not in the answer. */
const answeredKeys = (value: object): string[] => Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    if (error instanceof URIError) return segment;
    throw error;
  }
}

/**
 * What the request just answered means for the audit log, or null when it
 * is not audited here: reads without personal data, failed requests, and
 * routes that audit themselves (segments, export, erasure).
 */
async function describe(c: Context<AppEnv>): Promise<Described | null> {
  const { method, path } = c.req;
  const status = c.res.status;
  const player = PLAYER_PATH.exec(path)?.[1];
  const target = player === undefined ? null : `player:${decoded(player)}`;
  if (method === 'POST' && path === '/v1/events' && (status < 300 || status === 503)) {
    const body = await jsonOf(c.res);
    const report = (status === 503 ? body?.report : body) as Record<string, unknown> | undefined;
    // A 503 still committed the lines of the healthy shards: that is a write.
    return { action: 'events.ingest', target: null, details: { status, accepted: report?.accepted ?? null, duplicate: report?.duplicate ?? null, rejected: report?.rejected ?? null } };
  }
  if (status >= 300) return null;
  if (method === 'GET' && target && can(c.get('principal').role, 'personal:read')) {
    const body = await jsonOf(c.res);
    return body?.personal ? { action: 'personal.read', target, details: { fields: answeredKeys(body.personal as object).sort() } } : null;
  }
  if (method === 'PUT' && target) return { action: 'player.upsert', target, details: {} };
  if (method === 'GET' && path === '/v1/dead-letters' && can(c.get('principal').role, 'personal:read')) {
    // Raw rejected lines may hold any personal data, unmasked for this role.
    const body = await jsonOf(c.res);
    const items = (body?.items ?? []) as unknown[];
    return items.length === 0 ? null : { action: 'dead_letters.read', target: null, details: { rows: items.length, query: c.req.query() } };
  }
  if (method === 'GET' && path.startsWith('/v1/export/')) {
    // Bulk exports leave the API whole: who took which table, with which filters.
    return { action: 'data.export', target: `table:${path.slice('/v1/export/'.length)}`, details: { query: c.req.query() } };
  }
  const key = KEY_PATH.exec(path)?.[1];
  if (method === 'DELETE' && key !== undefined) return { action: 'key.revoke', target: `key:${decoded(key)}`, details: {} };
  // Never the response body here: a created key's secret is in it.
  if (method === 'POST' && path === '/v1/keys') return { action: 'key.create', target: null, details: { status } };
  if (method === 'PUT' && path === '/v1/tenant/settings') return { action: 'tenant.settings', target: null, details: {} };
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null;
  if (path.startsWith('/v1/segments') || path.startsWith('/v1/segment-settings') || path.endsWith('/personal-data') || path === '/v1/retention') return null;
  // Player notes and RG interactions (routes/player-360.ts) audit themselves, with the note id / event id.
  if (method === 'POST' && /^\/v1\/players\/[^/]+\/(notes|interactions)$/.test(path)) return null;
  return { action: 'api.write', target: null, details: { method, path, status } };
}

/**
 * Appends an audit entry (who = key id, what, when, request id) after every
 * write, every read that returned personal data, and ingests that committed
 * lines. Runs after the handler, before the response leaves; if the entry
 * cannot be written the request fails (500), so personal data never leaves
 * unaudited.
 *
 * @example
 * app.use('/v1/*', authenticate(storage), auditAccess(storage));
 */
export function auditAccess(storage: Pick<AuditStorage, 'audit'>): MiddlewareHandler<AppEnv> {
  // Not async: a read that `describe` can never audit goes straight on, without a frame that waits for it.
  return function auditRequest(c, next) {
    return unauditable(c) ? next() : audited(c, next);
  };

  async function audited(c: Context<AppEnv>, next: Next): Promise<void> {
    await next();
    const principal = c.get('principal');
    if (!principal) return;
    const entry = await describe(c);
    if (entry) await storage.audit({ tenant: principal.tenant, actor: principal.keyId, requestId: c.get('requestId'), ...entry });
  }
}

/**
 * Whether `describe` returns null for this request whatever it answers,
 * judged before it runs: a read (GET, HEAD, OPTIONS) by a caller already
 * authenticated without `personal:read` (it sees personal data masked)
 * that is not a bulk export. Kept next to `describe`, which it follows.
 */
function unauditable(c: Context<AppEnv>): boolean {
  const method = c.req.method;
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') return false;
  const principal = c.get('principal');
  // Authenticated further in (or not at all): decided after the handler, as for every request.
  if (!principal || can(principal.role, 'personal:read')) return false;
  return !c.req.path.startsWith('/v1/export/');
}

const AuditEntrySchema = z
  .object({
    id: z.int(),
    at: z.string().openapi({ description: 'When (ISO 8601).' }),
    actor: z.string().nullable().openapi({ description: 'Who: the API key id (null for the system, e.g. the retention job).' }),
    action: z.string().openapi({ description: 'What: `personal.read`, `personal.export`, `personal.erase`, `player.upsert`, `events.ingest`, `data.export`, `dead_letters.read`, `key.create`, `key.revoke`, `tenant.settings`, `segment.*`, `retention.set`, `retention.run`, `api.write`.' }),
    target: z.string().nullable().openapi({ description: 'On what, e.g. `player:<id>`.' }),
    details: z.record(z.string(), z.unknown()),
    request_id: z.string().nullable(),
  })
  .openapi('AuditEntry');

const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), next_cursor: z.string().nullable() }).openapi('AuditPage');

const instant = z.string().datetime({ offset: true });

/**
 * `GET /v1/audit`: the tenant's audit log, newest first, filtered by
 * action, actor, target and time range, with cursor pagination. Admins only
 * (`audit:read`).
 *
 * @example
 * registerAuditRoutes(app, storage);
 */
export function registerAuditRoutes(app: OpenAPIHono<AppEnv>, storage: AuditStorage): void {
  const list = createRoute({
    method: 'get',
    path: '/v1/audit',
    tags: ['privacy'],
    summary: 'Read the audit log (newest first, cursor pagination)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'audit:read',
    middleware: [requirePermission('audit:read')] as const,
    request: {
      query: z.object({
        action: z.string().max(128).optional(),
        actor: z.string().max(256).optional(),
        target: z.string().max(512).optional(),
        from: instant.optional().openapi({ description: 'Entries at or after this instant.' }),
        to: instant.optional().openapi({ description: 'Entries before this instant.' }),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        cursor: z.string().regex(/^[1-9]\d{0,17}$/).optional().openapi({ description: 'next_cursor of the previous page.' }),
      }),
    },
    responses: {
      200: { description: 'A page of audit entries.', content: { 'application/json': { schema: AuditPageSchema } } },
      400: { description: 'Invalid parameters.', content: problemContent },
      401: { description: 'Missing or invalid credentials.', content: problemContent },
      403: { description: 'Role lacks audit:read.', content: problemContent },
    },
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) throw new ApiError('validation-failed', { detail: 'from must be before to' });
    const rows = await storage.privacy.queryAudit(c.get('principal').tenant, {
      limit: q.limit + 1,
      ...(q.action ? { action: q.action } : {}),
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.target ? { target: q.target } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      ...(q.cursor ? { beforeId: Number(q.cursor) } : {}),
    });
    const items = rows.slice(0, q.limit);
    return c.json({
      items: items.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, details: r.details, request_id: r.requestId })),
      next_cursor: rows.length > q.limit ? String(items.at(-1)!.id) : null,
    }, 200);
  });
}
