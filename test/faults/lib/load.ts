import http from 'node:http';
import { generate, eventLine } from '@pitboss/synth';
import { sql, sleep } from './procs.js';

/**
 * Load clients over loopback (node:http, keep-alive), bounded in requests
 * and time, and the exactly-once check (count + content checksum in Postgres
 * against the source events).
 */

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}
/** No response: the connection was refused, reset, or the client timeout passed. */
export interface NetFailure {
  status: 0;
  error: string;
  ms: number;
}
export type Outcome = HttpResult | NetFailure;

export class Client {
  readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    readonly key: string,
    readonly timeoutMs = 45_000,
    maxSockets = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /**
   * One request. `body` as chunks: a pause (`ms` number) between chunks streams
   * it, so a test can act while the server is reading.
   */
  request(method: string, path: string, body?: string | (string | number)[], headers: Record<string, string> = {}): Promise<Outcome> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      const done = (o: Outcome): void => {
        if (!settled) {
          settled = true;
          resolve(o);
        }
      };
      const url = new URL(path, this.baseUrl);
      const req = http.request(url, { method, agent: this.agent, headers: { authorization: `Bearer ${this.key}`, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
        res.on('error', (e) => done({ status: 0, error: e.message, ms: performance.now() - t0 }));
        // A response cut mid-body (server killed) ends with 'aborted' rather than 'end'.
        res.on('aborted', () => done({ status: 0, error: 'response aborted', ms: performance.now() - t0 }));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error('client timeout')));
      req.on('error', (e: NodeJS.ErrnoException) => done({ status: 0, error: e.code ?? e.message, ms: performance.now() - t0 }));
      if (body === undefined) {
        req.end();
        return;
      }
      if (typeof body === 'string') {
        req.end(body);
        return;
      }
      void (async () => {
        for (const part of body) {
          if (typeof part === 'number') await sleep(part);
          else if (!req.destroyed) req.write(part);
        }
        if (!req.destroyed) req.end();
      })();
    });
  }

  postEvents(lines: readonly string[]): Promise<Outcome> {
    return this.request('POST', '/v1/events', lines.join('\n') + '\n', { 'content-type': 'application/x-ndjson' });
  }

  close(): void {
    this.agent.destroy();
  }
}

export const isHttp = (o: Outcome): o is HttpResult => o.status !== 0;

/**
 * Exactly `count` synthetic events (whole players, the last one cut), as
 * NDJSON lines, generated lazily: synth is deterministic for a seed, so two
 * passes over the same `(count, seed)` yield the same lines, and a 1M-event
 * run never holds more than a batch of them.
 */
export function* sourceLines(count: number, seed: number): Generator<string> {
  let n = 0;
  if (count <= 0) return;
  for (const p of generate({ players: 1e9, days: 90, seed })) {
    for (const e of p.events) {
      yield eventLine(e);
      if (++n === count) return;
    }
  }
}

/** `sourceLines` in batches of `size` (the last one shorter), lazily. */
export function* sourceBatches(count: number, seed: number, size: number): Generator<string[]> {
  let batch: string[] = [];
  for (const line of sourceLines(count, seed)) {
    batch.push(line);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Exactly `count` synthetic events (whole players, the last one cut), as NDJSON lines, with their players. */
export function sourceEvents(count: number, seed: number): { lines: string[]; players: string[] } {
  const lines: string[] = [];
  const players: string[] = [];
  for (const p of generate({ players: 1e9, days: 90, seed })) {
    players.push(p.player_id);
    for (const e of p.events) {
      lines.push(eventLine(e));
      if (lines.length === count) return { lines, players };
    }
  }
  return { lines, players };
}

export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface Fingerprint {
  count: number;
  /** Sum over rows of 60 bits of md5(event_id || payload::text): order-independent, so shards add up. */
  sum: bigint;
}

// A stored row must equal the event as sent, except what ingestion moves elsewhere
// by design: player.updated's personal data (to player_personal) and a session's
// ip (to the ip column, put back here).
const ROW_HASH = `('x' || substr(md5(event_id || payload::text), 1, 15))::bit(60)::bigint`;
const STORED_ROWS = `SELECT event_id, CASE WHEN ip IS NULL THEN payload ELSE payload || jsonb_build_object('ip', ip) END AS payload FROM events WHERE tenant_id = $1`;

/**
 * The fingerprint of the source lines, computed by Postgres (jsonb text form)
 * without storing them, 20k lines per query; `lines` may be a lazy iterable.
 */
export async function sourceFingerprint(adminUrl: string, lines: Iterable<string>): Promise<Fingerprint> {
  let count = 0;
  let sum = 0n;
  const add = async (batch: string[]): Promise<void> => {
    const [row] = await sql<{ n: number; s: string | null }>(
      adminUrl,
      `SELECT count(*)::int AS n, sum(${ROW_HASH})::text AS s FROM (
         SELECT e->>'event_id' AS event_id,
                CASE WHEN e->>'type' = 'player.updated' THEN e #- '{profile,personal}' ELSE e END AS payload
         FROM jsonb_array_elements($1::jsonb) AS e) AS src`,
      ['[' + batch.join(',') + ']'],
    );
    count += row!.n;
    sum += BigInt(row!.s ?? '0');
  };
  let batch: string[] = [];
  for (const line of lines) {
    batch.push(line);
    if (batch.length === 20_000) {
      await add(batch);
      batch = [];
    }
  }
  if (batch.length) await add(batch);
  return { count, sum };
}

/** The fingerprint of what a tenant has stored, over every shard database. */
export async function storedFingerprint(urls: readonly string[], tenant: string): Promise<Fingerprint> {
  let count = 0;
  let sum = 0n;
  for (const url of urls) {
    const [row] = await sql<{ n: number; s: string | null }>(url, `SELECT count(*)::int AS n, sum(${ROW_HASH})::text AS s FROM (${STORED_ROWS}) AS stored`, [tenant]);
    count += row!.n;
    sum += BigInt(row!.s ?? '0');
  }
  return { count, sum };
}

interface Report {
  accepted: number;
  duplicate: number;
  rejected: number;
  retryable: number;
  retry: { line: number; retryable: boolean }[];
}
interface Problem {
  type: string;
  retryable?: boolean;
  report?: Report;
}

export interface IngestStats {
  requests: number;
  ok: number;
  /** 503 shard-unavailable answers and the lines they asked to re-send. */
  shardUnavailable: number;
  retryLines: number;
  /** 503 overloaded / shutting-down and 429 answers. */
  shed: number;
  /** Requests that got no response (refused, reset, cut, timed out). */
  noResponse: number;
  /** 503 answers that were not problem+json marked retryable (must stay 0). */
  badRetryable: number;
  latencies: number[];
  /** Statuses other than 200/429/503, with their bodies (must stay empty). */
  unexpected: string[];
}

export const newStats = (): IngestStats => ({ requests: 0, ok: 0, shardUnavailable: 0, retryLines: 0, shed: 0, noResponse: 0, badRetryable: 0, latencies: [], unexpected: [] });

/**
 * Sends every batch until each line is committed, `concurrency` at a time
 * (`batches` may be a lazy iterable: each worker pulls the next one):
 * a 200 ends a batch; a 503 shard-unavailable re-sends only the lines in
 * `report.retry`; a shed answer or no response re-sends the whole batch.
 * Gives up (throws) after `deadlineMs`.
 */
export async function ingestAll(
  client: Client,
  batches: Iterable<readonly string[]>,
  options: { concurrency: number; deadlineMs: number; stats?: IngestStats; onBatchDone?: (done: number) => void; onAnswer?: (o: Outcome) => void; check?: () => void },
): Promise<IngestStats> {
  const stats = options.stats ?? newStats();
  const deadline = Date.now() + options.deadlineMs;
  const source = batches[Symbol.iterator]();
  const take = (): readonly string[] | undefined => {
    const r = source.next();
    return r.done ? undefined : r.value;
  };
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let batch = take(); batch; batch = take()) {
      let pending = batch;
      let attempt = 0;
      for (;;) {
        options.check?.();
        if (Date.now() > deadline) throw new Error(`ingest not finished within ${options.deadlineMs} ms: ${JSON.stringify({ ...stats, latencies: stats.latencies.length })}`);
        const o = await client.postEvents(pending);
        options.onAnswer?.(o);
        stats.requests++;
        stats.latencies.push(o.ms);
        attempt++;
        const backoff = Math.min(2000, 50 * 2 ** Math.min(attempt, 6));
        if (!isHttp(o)) {
          stats.noResponse++;
          await sleep(backoff);
          continue;
        }
        if (o.status === 200) {
          const r = JSON.parse(o.body) as Report;
          if (r.rejected !== 0 || r.accepted + r.duplicate !== pending.length) stats.unexpected.push(`200 not covering the batch: ${o.body.slice(0, 500)}`);
          stats.ok++;
          break;
        }
        if (o.status === 503 || o.status === 429) {
          const p = JSON.parse(o.body) as Problem;
          if (!String(o.headers['content-type']).startsWith('application/problem+json') || p.retryable !== true || !o.headers['retry-after']) stats.badRetryable++;
          if (p.type.endsWith('/shard-unavailable') && p.report) {
            stats.shardUnavailable++;
            stats.retryLines += p.report.retry.length;
            if (p.report.rejected !== 0 || p.report.accepted + p.report.duplicate + p.report.retryable !== pending.length) stats.unexpected.push(`503 report not covering the batch: ${o.body.slice(0, 500)}`);
            const sent = pending;
            pending = p.report.retry.map((r) => sent[r.line - 1]!);
          } else {
            stats.shed++;
          }
          await sleep(backoff);
          continue;
        }
        stats.unexpected.push(`${o.status} ${o.body.slice(0, 500)}`);
        await sleep(backoff);
      }
      options.onBatchDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return stats;
}
