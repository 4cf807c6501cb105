import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../src/app/logger.js';
import { listen } from '../../src/server.js';
import type { RunningServer } from '../../src/server.js';
import { postgresBackend } from './backends.js';
import type { OpenBackend } from './backends.js';
import { bet, ndjson, testApp } from './fixtures.js';

/** Streams `total` bytes of NDJSON with chunked encoding until the server answers; resolves status and bytes sent. */
function uploadUntilAnswered(url: string, key: string, total: number, headers: Record<string, string> = {}): Promise<{ status: number; sent: number; body: string }> {
  const line = Buffer.from(JSON.stringify(bet('big')) + '\n');
  const chunk = Buffer.alloc(256 * 1024, line.toString());
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(`${url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', ...headers } }, (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, sent, body });
      });
    });
    // The server may close the connection once it has answered; that is the point.
    req.on('error', (err: NodeJS.ErrnoException) => (answered ? undefined : reject(err)));
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    if (headers['content-length'] === undefined) pump();
    else req.flushHeaders();
  });
}

describe('over real HTTP (@hono/node-server, ephemeral port, Postgres ×2)', () => {
  let b: OpenBackend;
  let running: RunningServer;
  let key: string;

  beforeAll(async () => {
    b = await postgresBackend(2).open();
    key = (await b.storage.createApiKey('http', 'admin')).key;
    const { app } = testApp(b.storage);
    running = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger: createJsonLogger({ level: 'silent' }) });
  }, 60_000);
  afterAll(async () => {
    await running?.close(1000);
    await b?.close();
  });

  it('ingests and reads back, echoing X-Request-Id', async () => {
    const res = await fetch(`${running.url}/v1/events`, {
      method: 'POST', body: ndjson([bet('h-1'), bet('h-2')]),
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', 'x-request-id': 'http-suite-1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('http-suite-1');
    expect(await res.json()).toMatchObject({ accepted: 2 });
    const player = await fetch(`${running.url}/v1/players/h-1`, { headers: { authorization: `Bearer ${key}` } });
    expect(player.status).toBe(200);
    expect(await b.count('events', 'http')).toBe(2);
  });

  it('answers a streamed 100 MB body with 413 long before it is all sent', async () => {
    const before = process.memoryUsage().rss;
    const r = await uploadUntilAnswered(running.url, key, 100 * 1024 * 1024);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ type: 'https://pitboss.dev/problems/payload-too-large' });
    expect(r.sent).toBeLessThan(50 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(await b.count('events', 'http')).toBe(2);
  });

  it('answers a declared 100 MB Content-Length with 413 before any byte of body', async () => {
    const r = await uploadUntilAnswered(running.url, key, 100 * 1024 * 1024, { 'content-length': String(100 * 1024 * 1024) });
    expect(r.status).toBe(413);
    expect(r.sent).toBe(0);
  });

  it('on close, finishes the request in flight and refuses new connections', async () => {
    const { app } = testApp(b.storage);
    const server = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger: createJsonLogger({ level: 'silent' }) });
    const body = ndjson([bet('g-1'), bet('g-2'), bet('g-3')]);
    const half = body.length >> 1;
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, half));
      setTimeout(() => {
        closed = server.close(5000);
        setTimeout(() => req.end(body.slice(half)), 200);
      }, 200);
    });
    let closed: Promise<void> | undefined;
    const done = await inFlight;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toMatchObject({ accepted: 3 });
    const t = performance.now();
    await closed;
    expect(performance.now() - t).toBeLessThan(2000);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('sheds load past the in-flight limit with 503 overloaded instead of queueing', async () => {
    const { app } = testApp(b.storage, [], { maxInFlight: 1 });
    const server = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger: createJsonLogger({ level: 'silent' }) });
    try {
      const body = ndjson([bet('shed-1')]);
      let finish!: () => void;
      const held = new Promise<number>((resolve, reject) => {
        const req = request(`${server.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        finish = () => req.end(body.slice(10));
      });
      await new Promise((r) => setTimeout(r, 200));
      const shed = await fetch(`${server.url}/v1/players`, { headers: { authorization: `Bearer ${key}` } });
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('1');
      expect(await shed.json()).toMatchObject({ type: 'https://pitboss.dev/problems/overloaded', retryable: true });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      finish();
      expect(await held).toBe(200);
      expect((await fetch(`${server.url}/v1/players`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    } finally {
      await server.close(1000);
    }
  });
});
