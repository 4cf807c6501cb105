import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitbossApiError, PitbossClient, PitbossNetworkError, apiKey, embedToken } from '@pitboss/sdk';
import type { IngestReport, PlayerDetail, PlayerPage, PlayerSummary, RetryInfo, SegmentPreview } from '@pitboss/sdk';
import { deposit, registered, startApi } from './api-server.js';
import type { ApiServer } from './api-server.js';

/**
 * The client against the real API (PGlite) over a real HTTP listener. 503s
 * come from the API's own load shedding (`maxInFlight: 1`) while a request
 * whose body has not finished holds the only slot.
 */
describe('PitbossClient against the real API', () => {
  let api: ApiServer;
  let admin: string;
  let client: PitbossClient;

  beforeAll(async () => {
    api = await startApi({ maxInFlight: 1 });
    admin = await api.key('admin');
    client = new PitbossClient({ baseUrl: api.url, auth: apiKey(admin) });
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  /** Holds the API's only in-flight slot with a POST whose body stays open until `release()`. */
  async function holdSlot(): Promise<{ release(): Promise<Response> }> {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const line = JSON.stringify(deposit('p-hold')) + '\n';
    controller.enqueue(new TextEncoder().encode(line.slice(0, 10)));
    const done = fetch(`${api.url}/v1/events`, {
      method: 'POST', body, duplex: 'half', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
    } as RequestInit & { duplex: 'half' });
    // Until the server has the request it does not count as in flight.
    for (let i = 0; i < 100; i++) {
      const probe = await fetch(`${api.url}/v1/players?limit=1`, { headers: { authorization: `Bearer ${admin}` } });
      await probe.body?.cancel();
      if (probe.status === 503) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return {
      release: async () => {
        controller.enqueue(new TextEncoder().encode(line.slice(10)));
        controller.close();
        return done;
      },
    };
  }

  it('ingests NDJSON; re-sending the batch is idempotent by event_id', async () => {
    const events = [registered('p-1'), deposit('p-1', 7000), registered('p-2', 'PT')];
    expect(await client.ingestEvents(events)).toMatchObject({ accepted: 3, duplicate: 0, rejected: 0 });
    expect(await client.ingestEvents(events)).toMatchObject({ accepted: 0, duplicate: 3, rejected: 0 });
    const p = await client.getPlayer('p-1');
    expect(p).toMatchObject({ player_id: 'p-1', country: 'GB' });
    expect(p.recent_events.map((e) => e.type).sort()).toEqual(['payment', 'player.updated']);
  });

  it('reports rejected lines without throwing', async () => {
    const report = await client.ingestEvents([{ ...deposit('p-3'), amount_minor: -1 }]);
    expect(report).toMatchObject({ accepted: 0, rejected: 1 });
    expect(report.errors[0]).toMatchObject({ line: 1, pointer: '/amount_minor' });
  });

  it('rebuilds problem+json as PitbossApiError with status, slug, title, detail and the request id', async () => {
    const err = await client.getPlayer('nobody').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(PitbossApiError);
    const e = err as PitbossApiError;
    expect(e).toMatchObject({ status: 404, slug: 'not-found', type: 'https://pitboss.dev/problems/not-found', title: 'Not found', retryable: false });
    expect(e.detail).toContain('nobody');
    expect(e.requestId).toMatch(/.+/);

    const bad = (await client.listPlayers({ sort: 'shoe_size' }).catch((x: unknown) => x)) as PitbossApiError;
    expect(bad).toBeInstanceOf(PitbossApiError);
    expect(bad.status).toBe(400);
    expect(bad.problem.errors).toBeInstanceOf(Array);

    const anon = new PitbossClient({ baseUrl: api.url, auth: apiKey('pb_not_a_real_key_123') });
    const unauth = (await anon.listPlayers().catch((x: unknown) => x)) as PitbossApiError;
    expect(unauth).toMatchObject({ status: 401, slug: 'unauthorized', retryable: false });
  });

  it('retries a GET on 503 overloaded, honouring Retry-After up to the cap, and succeeds', async () => {
    const retries: RetryInfo[] = [];
    const c = new PitbossClient({ baseUrl: api.url, auth: apiKey(admin), retry: { retries: 5, maxDelayMs: 150 }, onRetry: (r) => retries.push(r) });
    const hold = await holdSlot();
    const page = c.listPlayers({ limit: 10 });
    await new Promise((r) => setTimeout(r, 400));
    expect((await hold.release()).status).toBe(200);
    expect((await page).items.map((p) => p.player_id)).toContain('p-1');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatchObject({ method: 'GET', attempt: 1, delayMs: 150 });
    expect(retries[0]!.error).toMatchObject({ status: 503, slug: 'overloaded', retryable: true, retryAfter: 1 });
  });

  it('retries POST /v1/events on 503 (idempotent by event_id) but not a plain POST', async () => {
    const c = new PitbossClient({ baseUrl: api.url, auth: apiKey(admin), retry: { retries: 8, maxDelayMs: 100 } });
    const hold = await holdSlot();
    const plain = await c.request('/v1/segments/preview', { method: 'POST', json: { segment: {} }, idempotent: false }).catch((e: unknown) => e);
    expect(plain).toMatchObject({ status: 503, slug: 'overloaded' });
    const ingest = c.ingestEvents([deposit('p-4')]);
    await new Promise((r) => setTimeout(r, 300));
    await hold.release();
    expect(await ingest).toMatchObject({ accepted: 1 });
  });

  it('gives up after the configured retries with the last error', async () => {
    const retries: RetryInfo[] = [];
    const c = new PitbossClient({ baseUrl: api.url, auth: apiKey(admin), retry: { retries: 2, maxDelayMs: 20 }, onRetry: (r) => retries.push(r) });
    const hold = await holdSlot();
    const err = await c.listPlayers().catch((e: unknown) => e);
    await hold.release();
    expect(err).toMatchObject({ status: 503, slug: 'overloaded' });
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('aborts a request, and a backoff wait, with the signal', async () => {
    const c = new PitbossClient({ baseUrl: api.url, auth: apiKey(admin), retry: { retries: 5, maxDelayMs: 5_000 } });
    const hold = await holdSlot();
    const ac = new AbortController();
    const started = Date.now();
    const p = c.listPlayers({}, { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    const err = await p.catch((e: unknown) => e);
    await hold.release();
    expect((err as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('turns a refused connection into a retryable PitbossNetworkError after its retries', async () => {
    const c = new PitbossClient({ baseUrl: 'http://127.0.0.1:9', auth: apiKey(admin), retry: { retries: 1, baseDelayMs: 10 } });
    const err = await c.listPlayers().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PitbossNetworkError);
    expect((err as PitbossNetworkError).retryable).toBe(true);
  });

  it('pages players with keyset cursors; players() walks every page', async () => {
    await client.ingestEvents(Array.from({ length: 23 }, (_, i) => registered(`q-${String(i).padStart(2, '0')}`, i % 2 ? 'GB' : 'BR')));
    const all: string[] = [];
    for await (const p of client.players({ limit: 5 })) all.push(p.player_id);
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((id) => id.startsWith('q-'))).toHaveLength(23);
    const br: string[] = [];
    for await (const p of client.players({ limit: 4, country: 'BR' })) br.push(p.player_id);
    expect(br.filter((id) => id.startsWith('q-'))).toHaveLength(12);
  });

  it('the hand-written wire types name the same properties as the served /openapi.json', async () => {
    // `satisfies` ties each list to its TypeScript type at compile time; the test ties it to the document.
    const summary = { player_id: 1, registered_at: 1, country: 1, currency: 1, brand: 1, blocked: 1, self_excluded_until: 1, last_event_at: 1, features: 1 } satisfies Record<keyof PlayerSummary, 1>;
    const detail = { ...summary, profile: 1, personal: 1, features_computed_at: 1, score: 1, recent_events: 1 } satisfies Record<keyof PlayerDetail, 1>;
    const page = { items: 1, next_cursor: 1 } satisfies Record<keyof PlayerPage, 1>;
    const report = { accepted: 1, duplicate: 1, rejected: 1, retryable: 1, errors: 1, retry: 1 } satisfies Record<keyof IngestReport, 1>;
    const preview = { count: 1, items: 1, next_cursor: 1, guardrail: 1, as_of: 1 } satisfies Record<keyof SegmentPreview, 1>;
    interface Schema { properties?: Record<string, unknown>; allOf?: Schema[]; $ref?: string }
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { components: { schemas: Record<string, Schema> } };
    const collect = (s: Schema): string[] => [
      ...Object.keys(s.properties ?? {}),
      ...(s.$ref ? collect(doc.components.schemas[s.$ref.split('/').pop()!]!) : []),
      ...(s.allOf ?? []).flatMap(collect),
    ];
    const props = (name: string) => [...new Set(collect(doc.components.schemas[name]!))].sort();
    expect(props('PlayerSummary')).toEqual(Object.keys(summary).sort());
    expect(props('PlayerDetail')).toEqual(Object.keys(detail).sort());
    expect(props('PlayerPage')).toEqual(Object.keys(page).sort());
    expect(props('IngestReport')).toEqual(Object.keys(report).sort());
    expect(props('SegmentPreview')).toEqual(Object.keys(preview).sort());
  });

  it('fetchArrow: a whole export ends with the Arrow end-of-stream marker; one cut short is a retryable PitbossNetworkError', async () => {
    const whole = await client.fetchArrow('/v1/export/players');
    const table = tableFromIPC(whole);
    expect(table.numRows).toBeGreaterThan(20);
    // A real server that sends the same export's bytes but stops early: once ending the response
    // cleanly without the marker (a proxy that buffers, or the last batch lost), once dropping the connection.
    const proxy = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.apache.arrow.stream' });
      res.write(whole.subarray(0, whole.byteLength - 8));
      if (req.url!.includes('clean')) res.end();
      else setTimeout(() => res.destroy(), 20);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const c = new PitbossClient({ baseUrl: base, auth: apiKey(admin), retry: { retries: 0 } });
      const clean = await c.fetchArrow('/v1/export/players?clean').catch((e: unknown) => e);
      expect(clean).toBeInstanceOf(PitbossNetworkError);
      expect((clean as PitbossNetworkError).retryable).toBe(true);
      expect((clean as Error).message).toMatch(/ended without its end-of-stream marker after \d+ bytes/);
      const dropped = await c.fetchArrow('/v1/export/players?dropped').catch((e: unknown) => e);
      expect(dropped).toBeInstanceOf(PitbossNetworkError);
      expect((dropped as Error).message).toMatch(/the Arrow stream was cut short/);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('putPlayer merges a profile', async () => {
    const p = await client.putPlayer('p-2', { brand: 'zeta' });
    expect(p).toMatchObject({ player_id: 'p-2', brand: 'zeta', country: 'PT' });
  });
});

describe('embedToken', () => {
  it('refreshes before expiry and shares one refresh between concurrent callers', async () => {
    let now = 1_000_000;
    let issued = 0;
    const auth = embedToken({
      now: () => now,
      refreshBeforeMs: 5_000,
      fetchToken: async () => ({ token: `t${++issued}`, expiresAt: now + 60_000 }),
    });
    expect(await Promise.all([auth.token(), auth.token(), auth.token()])).toEqual(['t1', 't1', 't1']);
    now += 54_000;
    expect(await auth.token()).toBe('t1');
    now += 2_000;
    expect(await auth.token()).toBe('t2');
    auth.invalidate('t2');
    expect(await auth.token()).toBe('t3');
    expect(issued).toBe(3);
  });
});
