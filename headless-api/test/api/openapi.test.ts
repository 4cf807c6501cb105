import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { PERMISSIONS, PERMISSION_EXTENSION } from '../../src/app/permissions.js';
import type { AppEnv } from '../../src/app/types.js';
import { pgliteBackend } from './backends.js';
import type { OpenBackend } from './backends.js';
import { LIMITS, testApp } from './fixtures.js';
import { createApp } from '../../src/app/app.js';
import { createJsonLogger } from '../../src/app/logger.js';
import type { LogSink } from './fixtures.js';

type Operation = { responses: Record<string, { content?: Record<string, unknown> }>; [k: string]: unknown };

describe('OpenAPI document, docs page and error handling', () => {
  let b: OpenBackend;
  let app: OpenAPIHono<AppEnv>;
  const logs: LogSink = [];

  beforeAll(async () => {
    b = await pgliteBackend.open();
    app = testApp(b.storage, logs).app;
  }, 120_000);
  afterAll(async () => {
    await b?.close();
  });

  it('is a valid OpenAPI 3.1 document with every route, each /v1 route declaring a permission', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    const routes = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        'GET /healthz', 'GET /metrics', 'GET /readyz', 'GET /v1/players', 'GET /v1/players/{id}', 'POST /v1/events', 'PUT /v1/players/{id}',
        'POST /v1/segments/preview', 'GET /v1/segments', 'POST /v1/segments', 'GET /v1/segments/{id}', 'PUT /v1/segments/{id}', 'DELETE /v1/segments/{id}',
        'GET /v1/segments/{id}/members', 'GET /v1/segments/{id}/export', 'GET /v1/segment-settings', 'PUT /v1/segment-settings',
        'GET /v1/keys', 'POST /v1/keys', 'DELETE /v1/keys/{id}', 'GET /v1/tenant/settings', 'PUT /v1/tenant/settings', 'POST /v1/embed-tokens',
        'GET /v1/export/players', 'GET /v1/export/events', 'GET /v1/export/features', 'GET /v1/stream',
        'GET /v1/players/{id}/personal-data', 'DELETE /v1/players/{id}/personal-data', 'GET /v1/audit', 'GET /v1/dead-letters',
        'GET /v1/retention', 'PUT /v1/retention',
        'GET /v1/players/{id}/events', 'GET /v1/players/{id}/series', 'GET /v1/players/{id}/notes', 'POST /v1/players/{id}/notes',
        'POST /v1/players/{id}/interactions',
        'GET /v1/me',
        // The platform admin API (routes/admin.ts): platform keys only.
        'POST /v1/admin/tenants', 'GET /v1/admin/tenants', 'GET /v1/admin/tenants/{tenant}', 'POST /v1/admin/tenants/{tenant}/keys',
        'GET /v1/admin/tenants/{tenant}/keys', 'DELETE /v1/admin/tenants/{tenant}/keys/{id}', 'GET /v1/admin/audit',
      ].sort(),
    );
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item)) {
        if (path.startsWith('/v1/')) {
          expect(PERMISSIONS).toContain(op[PERMISSION_EXTENSION]);
          expect(op.responses['401']?.content?.['application/problem+json']).toBeDefined();
        }
      }
    }
  });

  it('serves a self-contained docs page (no external scripts or styles)', async () => {
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("fetch('/openapi.json')");
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).not.toMatch(/innerHTML/);
  });

  it('turns an unknown error into a bare 500 and logs it with the request id', async () => {
    const { app: fresh } = testApp(b.storage, logs);
    fresh.get('/v1/explode', () => {
      throw new Error('SELECT secret FROM internals at /srv/app.ts:42');
    });
    const admin = (await b.storage.createApiKey('boom', 'admin')).key;
    const res = await fresh.request('/v1/explode', { headers: { authorization: `Bearer ${admin}`, 'x-request-id': 'boom-1' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const text = await res.text();
    expect(text).not.toMatch(/secret|internals|srv|stack/);
    expect(JSON.parse(text)).toMatchObject({ type: 'https://pitboss.dev/problems/internal', status: 500, request_id: 'boom-1' });
    const logged = logs.find((l) => l.msg === 'unhandled error');
    expect(logged).toMatchObject({ level: 'error', request_id: 'boom-1' });
    expect(JSON.stringify(logged)).toContain('SELECT secret');
  });

  it('turns /readyz to 503 shutting-down while draining', async () => {
    let draining = false;
    const { app: drained } = createApp({ storage: b.storage, logger: createJsonLogger({ level: 'silent' }), config: { limits: LIMITS }, lifecycle: { draining: () => draining } });
    expect((await drained.request('/readyz')).status).toBe(200);
    draining = true;
    const res = await drained.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ type: 'https://pitboss.dev/problems/shutting-down' });
  });

  it('verifies a key once for concurrent requests, then serves it from cache', async () => {
    const key = (await b.storage.createApiKey('cache', 'analyst')).key;
    let verifies = 0;
    const counted = new Proxy(b.storage, {
      get(target, prop) {
        if (prop === 'verifyApiKey') {
          return (k: string) => {
            verifies++;
            return target.verifyApiKey(k);
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const { app: cached } = createApp({ storage: counted, logger: createJsonLogger({ level: 'silent' }), config: { limits: LIMITS } });
    const statuses = await Promise.all(Array.from({ length: 20 }, async () => (await cached.request('/v1/players', { headers: { authorization: `Bearer ${key}` } })).status));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect((await cached.request('/v1/players', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect(verifies).toBe(1);
  });
});
