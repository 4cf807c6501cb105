import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PitbossApp } from '../../src/app/app.js';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { deposit, ndjson, testApp } from './fixtures.js';

/**
 * The audit trail of writes and exports outside the privacy routes, over
 * HTTP: ingest, player upsert, key creation and revocation, bulk export.
 * Who (key id), what, target and request id; never a secret.
 */
describe('audit trail of writes and exports (pglite)', () => {
  let storage: ShardedStorage;
  let dir: string;
  let app: PitbossApp['app'];
  let admin: { id: string; key: string };
  let analyst: { id: string; key: string };
  const TENANT = 'pv-audit';

  const call = (key: string, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'application/x-ndjson' : 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const entries = async (query: string) =>
    ((await (await call(admin.key, 'GET', `/v1/audit?${query}`)).json()) as { items: { actor: string | null; action: string; target: string | null; details: Record<string, unknown>; request_id: string | null }[] }).items;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pb-pv-audit-'));
    storage = await createStorage({ driver: 'pglite', dataDir: dir, featureRefresh: 'inline' });
    await storage.migrate();
    app = testApp(storage).app;
    admin = await storage.createApiKey(TENANT, 'admin');
    analyst = await storage.createApiKey(TENANT, 'analyst');
  }, 120_000);
  afterAll(async () => {
    await storage?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records ingest (with counts) and player upserts, with the key id and request id', async () => {
    const ingest = await call(admin.key, 'POST', '/v1/events', ndjson([deposit('a1'), deposit('a2'), '{"broken":']));
    expect(ingest.status).toBe(200);
    const put = await call(admin.key, 'PUT', '/v1/players/a1', { country: 'PT', personal: { email: 'a1@example.org' } });
    expect(put.status).toBe(200);
    expect(await entries('action=events.ingest')).toMatchObject([{ actor: admin.id, target: null, request_id: ingest.headers.get('x-request-id'), details: { accepted: 2, rejected: 1 } }]);
    const [upsert] = await entries('action=player.upsert');
    expect(upsert).toMatchObject({ actor: admin.id, target: 'player:a1', request_id: put.headers.get('x-request-id') });
    expect(JSON.stringify(upsert)).not.toContain('a1@example.org');
  });

  it('records a refused write nowhere, and a read without personal data nowhere', async () => {
    const before = (await entries('limit=1000')).length;
    expect((await call(analyst.key, 'POST', '/v1/events', ndjson([deposit('a3')]))).status).toBe(403);
    expect((await call(admin.key, 'GET', '/v1/players/a2')).status).toBe(200);
    expect((await call(analyst.key, 'GET', '/v1/players/a1')).status).toBe(200);
    expect((await entries('limit=1000')).length).toBe(before);
  });

  it('records key creation and revocation without the secret, and bulk exports', async () => {
    const created = await call(admin.key, 'POST', '/v1/keys', { role: 'agent', name: 'support desk' });
    expect(created.status).toBe(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    const [create] = await entries('action=key.create');
    expect(create).toMatchObject({ actor: admin.id, request_id: created.headers.get('x-request-id') });
    expect(JSON.stringify(await entries('limit=1000'))).not.toContain(key);
    expect((await call(admin.key, 'DELETE', `/v1/keys/${id}`)).status).toBe(204);
    expect(await entries('action=key.revoke')).toMatchObject([{ actor: admin.id, target: `key:${id}` }]);

    const exported = await call(analyst.key, 'GET', '/v1/export/events');
    expect(exported.status).toBe(200);
    await exported.arrayBuffer();
    expect(await entries('action=data.export')).toMatchObject([{ actor: analyst.id, target: 'table:events' }]);
  });
});
