import { SHARD_COUNT, shardOf } from '@pitboss/core';
import { quantile } from '../bench/types.js';
import { ApiProcess, Cluster, MAIN_PG, cleanupAll, createDatabases, freePort, migrateAndKey, sleep, sql } from './lib/procs.js';
import { Client, batchesOf, ingestAll, isHttp, newStats, sourceBatches, sourceEvents, sourceFingerprint, sourceLines, storedFingerprint } from './lib/load.js';
import type { Fingerprint, IngestStats, Outcome } from './lib/load.js';

/**
 * The fault scenarios, shared by the tests (small sizes) and
 * `test/bench/faults.bench.ts` (full size). Each one starts its own
 * databases and API process and removes them before returning, even when it
 * throws; each returns what it measured, and the callers assert.
 */

export const log = (msg: string): void => {
  if (process.env.PITBOSS_FAULTS_VERBOSE) console.log(`[faults] ${msg}`);
};

async function withCleanup<T>(cleanups: (() => Promise<void>)[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    const errors: unknown[] = [];
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => errors.push(e));
    await cleanupAll();
    if (errors.length) throw new AggregateError(errors, 'cleanup failed');
  }
}

export interface CrashOptions {
  events: number;
  batch: number;
  concurrency: number;
  kills: number;
  shards: number;
  seed?: number;
  /** Give up after this long; default 10 min plus 1 ms per event (the 1M run on a busy 2-core machine). */
  deadlineMs?: number;
  /** A progress line every this many batches (through `log`, or `onProgress`). */
  progressEvery?: number;
  onProgress?: (message: string) => void;
}
export interface CrashResult {
  source: Fingerprint;
  stored: Fingerprint;
  stats: IngestStats;
  kills: number;
  /** Wall time of the ingest, kills, restarts and retries included (not the fingerprints). */
  seconds: number;
  /** Source events per second over `seconds`. */
  eventsPerSecond: number;
  /** SIGKILL to the restarted API answering /healthz. */
  restartMs: number[];
  /** SIGKILL to the next committed batch (200): what the client sees of an outage. */
  recoveryMs: number[];
  /** Seconds spent computing the source and stored fingerprints. */
  fingerprintSeconds: number;
}

/**
 * Streams `events` in batches while the API is SIGKILLed `kills` times (spread
 * over the run) and restarted; the client re-sends what got no answer. The
 * source is generated lazily, twice (fingerprint pass, then the ingest), so
 * memory stays at a few batches whatever the size.
 */
export async function crashDuringIngest(o: CrashOptions): Promise<CrashResult> {
  const tenant = 'crash';
  const seed = o.seed ?? 1;
  const progress = o.onProgress ?? log;
  const cleanups: (() => Promise<void>)[] = [];
  return withCleanup(cleanups, async () => {
    const dbs = await createDatabases('crash', Array.from({ length: o.shards }, () => MAIN_PG));
    cleanups.push(dbs.drop);
    const key = await migrateAndKey(dbs.urls, tenant);
    const f0 = performance.now();
    const source = await sourceFingerprint(MAIN_PG, sourceLines(o.events, seed));
    let fingerprintSeconds = (performance.now() - f0) / 1000;
    progress(`source: ${source.count} events fingerprinted in ${fingerprintSeconds.toFixed(1)} s`);
    const api = new ApiProcess({ urls: dbs.urls, port: await freePort() });
    cleanups.push(() => api.kill());
    await api.start();
    const client = new Client(api.url, key, 45_000);
    cleanups.push(async () => client.close());
    const totalBatches = Math.ceil(source.count / o.batch);
    const every = o.progressEvery ?? Math.max(1, Math.floor(totalBatches / 20));
    let done = 0;
    let killedAt: number | null = null;
    const recoveryMs: number[] = [];
    const t0 = performance.now();
    const ingest = ingestAll(client, sourceBatches(o.events, seed, o.batch), {
      concurrency: o.concurrency,
      deadlineMs: o.deadlineMs ?? 600_000 + o.events,
      onBatchDone: (n) => {
        done = n;
        if (n % every === 0) progress(`${n}/${totalBatches} batches, ${((n * o.batch) / ((performance.now() - t0) / 1000)).toFixed(0)} events/s`);
      },
      onAnswer: (answer) => {
        if (answer.status === 200 && killedAt !== null) {
          recoveryMs.push(performance.now() - killedAt);
          killedAt = null;
        }
      },
      check: () => api.assertNoCrash(),
    });
    let kills = 0;
    let finished = false;
    void ingest.finally(() => (finished = true)).catch(() => undefined);
    const restartMs: number[] = [];
    for (let k = 1; k <= o.kills; k++) {
      const target = Math.floor((totalBatches * k) / (o.kills + 1));
      while (done < target && !finished) await sleep(20);
      if (finished) break;
      // A few ms after a batch completes, the other workers' requests are in flight.
      await sleep(5 + Math.random() * 30);
      await api.stop('SIGKILL');
      const r0 = performance.now();
      killedAt = r0;
      kills++;
      progress(`killed at ${done}/${totalBatches} batches`);
      await api.start();
      restartMs.push(performance.now() - r0);
    }
    const stats = await ingest;
    const seconds = (performance.now() - t0) / 1000;
    const s0 = performance.now();
    const stored = await storedFingerprint(dbs.urls, tenant);
    fingerprintSeconds += (performance.now() - s0) / 1000;
    return { source, stored, stats, kills, seconds, eventsPerSecond: source.count / seconds, restartMs, recoveryMs, fingerprintSeconds };
  });
}

/** Four physical shards: three databases on the main server, the fourth on a second cluster the test can stop. */
export interface FourShards {
  cluster: Cluster;
  urls: string[];
  api: ApiProcess;
  keys: Record<string, string>;
  /** Physical database of a player (or of an event id's claim), from the control database's shard map and core's hash. */
  databaseOf(tenant: string, player: string): number;
  close(): Promise<void>;
}

export const DOWN_DB = 3;

export async function openFourShards(label: string, tenants: string[]): Promise<FourShards> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const cluster = await Cluster.create();
    cleanups.push(() => cluster.destroy());
    const main = await createDatabases(label, [MAIN_PG, MAIN_PG, MAIN_PG]);
    cleanups.push(main.drop);
    const far = await createDatabases(label, [cluster.adminUrl]);
    cleanups.push(far.drop);
    const urls = [...main.urls, ...far.urls];
    const keys: Record<string, string> = {};
    for (const t of tenants) keys[t] = await migrateAndKey(urls, t);
    const map = new Int16Array(SHARD_COUNT);
    for (const r of await sql<{ logical_shard: number; database: number }>(urls[0]!, 'SELECT logical_shard, database FROM shard_map')) map[r.logical_shard] = r.database;
    const api = new ApiProcess({ urls, port: await freePort() });
    cleanups.push(() => api.kill());
    await api.start();
    return {
      cluster,
      urls,
      api,
      keys,
      databaseOf: (tenant, player) => map[shardOf(tenant, player)]!,
      close: async () => {
        const errors: unknown[] = [];
        for (const c of cleanups.reverse()) await c().catch((e: unknown) => errors.push(e));
        if (errors.length) throw new AggregateError(errors, 'cleanup failed');
      },
    };
  } catch (error) {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => log(`cleanup after failed setup: ${String(e)}`));
    throw error;
  }
}

const playerOf = (line: string): string => (JSON.parse(line) as { player_id: string }).player_id;
const eventIdOf = (line: string): string => (JSON.parse(line) as { event_id: string }).event_id;

export interface OutageResult {
  source: Fingerprint;
  stored: Fingerprint;
  stats: IngestStats;
  readyz: { status: number; type: string; unavailable: number[] };
  healthyBatch: { status: number; accepted: number; lines: number };
  mixedBatch: { status: number; type: string; retryable: boolean; retryAfter: string | undefined; retryLinesAllOnDown: boolean; retried: number; onDown: number; committed: number; lines: number };
  reads: { healthy: number; down: number; downType: string; downRetryable: boolean };
  /** Slowest answer while the shard was down (ms). */
  maxProbeMs: number;
  outageMs: number;
  /** From the cluster being back to /readyz 200, without restarting the API. */
  recoveryMs: number;
  apiRestarted: boolean;
}

/**
 * Stops the fourth shard's cluster while batches flow, probes the API while
 * it is down, starts it again and checks recovery and exactly-once storage.
 */
export async function shardOutage(env: FourShards, o: { events: number; batch: number; concurrency: number; seed?: number }): Promise<OutageResult> {
  const tenant = 'outage';
  const client = new Client(env.api.url, env.keys[tenant]!, 45_000);
  try {
    const { lines } = sourceEvents(o.events, o.seed ?? 21);
    const source = await sourceFingerprint(MAIN_PG, lines);
    const batches = batchesOf(lines, o.batch);
    const third = Math.floor(batches.length / 3);
    const pid = env.api.pid;
    const stats = newStats();
    await ingestAll(client, batches.slice(0, third), { concurrency: o.concurrency, deadlineMs: 300_000, stats, check: () => env.api.assertNoCrash() });

    let done = 0;
    const middle = ingestAll(client, batches.slice(third, 2 * third), { concurrency: o.concurrency, deadlineMs: 300_000, stats, onBatchDone: (n) => (done = n), check: () => env.api.assertNoCrash() });
    let failed = false;
    void middle.catch(() => (failed = true));
    while (done < 2 && !failed) await sleep(10);
    const down0 = performance.now();
    await env.cluster.stop('fast');
    log(`cluster stopped after ${done} middle batches`);

    const probeMs: number[] = [];
    const timed = async <T extends { ms: number }>(p: Promise<T>): Promise<T> => {
      const r = await p;
      probeMs.push(r.ms);
      return r;
    };
    const rz = await timed(client.request('GET', '/readyz'));
    const rzBody = isHttp(rz) ? (JSON.parse(rz.body) as { type: string; unavailable?: number[] }) : { type: 'no response' };
    const readyz = { status: rz.status, type: rzBody.type, unavailable: rzBody.unavailable ?? [] };

    const late = lines.slice(2 * third * o.batch);
    // A line needs its player's database and the database holding its event id's claim (event-claims.ts: the
    // database of shardOf(tenant, event_id), the same map as players').
    const needsDown = (l: string): boolean => env.databaseOf(tenant, playerOf(l)) === DOWN_DB || env.databaseOf(tenant, eventIdOf(l)) === DOWN_DB;
    const healthyLines = late.filter((l) => !needsDown(l)).slice(0, o.batch);
    const hb = await timed(client.postEvents(healthyLines));
    const healthyBatch = { status: hb.status, accepted: isHttp(hb) && hb.status === 200 ? (JSON.parse(hb.body) as { accepted: number }).accepted : -1, lines: healthyLines.length };

    const mixed = late.slice(o.batch, 2 * o.batch);
    const onDown = new Set(mixed.flatMap((l, i) => (needsDown(l) ? [i + 1] : [])));
    const mb = await timed(client.postEvents(mixed));
    const mp = isHttp(mb) ? (JSON.parse(mb.body) as { type: string; retryable?: boolean; report?: { accepted: number; duplicate: number; retry: { line: number }[] } }) : { type: 'no response' };
    const retryLines = mp.report?.retry.map((r) => r.line) ?? [];
    const mixedBatch = {
      status: mb.status,
      type: mp.type,
      retryable: mp.retryable === true,
      retryAfter: isHttp(mb) ? (mb.headers['retry-after'] as string | undefined) : undefined,
      retryLinesAllOnDown: retryLines.length === onDown.size && retryLines.every((l) => onDown.has(l)),
      retried: retryLines.length,
      onDown: onDown.size,
      committed: (mp.report?.accepted ?? 0) + (mp.report?.duplicate ?? 0),
      lines: mixed.length,
    };

    const healthyPlayer = lines.map(playerOf).find((p) => env.databaseOf(tenant, p) !== DOWN_DB)!;
    const downPlayer = lines.map(playerOf).find((p) => env.databaseOf(tenant, p) === DOWN_DB)!;
    const rh = await timed(client.request('GET', `/v1/players/${encodeURIComponent(healthyPlayer)}`));
    const rd = await timed(client.request('GET', `/v1/players/${encodeURIComponent(downPlayer)}`));
    const rdBody = isHttp(rd) ? (JSON.parse(rd.body) as { type: string; retryable?: boolean }) : { type: 'no response' };
    const reads = { healthy: rh.status, down: rd.status, downType: rdBody.type, downRetryable: rdBody.retryable === true };

    // Keep the shard down long enough for the middle traffic to hit it.
    while (performance.now() - down0 < 3000) await sleep(50);
    await env.cluster.start();
    const outageMs = performance.now() - down0;
    const up0 = performance.now();
    let recoveryMs = -1;
    while (performance.now() - up0 < 30_000) {
      const r = await client.request('GET', '/readyz');
      if (r.status === 200) {
        recoveryMs = performance.now() - up0;
        break;
      }
      await sleep(100);
    }
    await middle;
    await ingestAll(client, batches.slice(2 * third), { concurrency: o.concurrency, deadlineMs: 300_000, stats, check: () => env.api.assertNoCrash() });
    const stored = await storedFingerprint(env.urls, tenant);
    return {
      source, stored, stats, readyz, healthyBatch, mixedBatch, reads,
      maxProbeMs: Math.max(...probeMs), outageMs, recoveryMs,
      apiRestarted: !env.api.alive() || env.api.pid !== pid,
    };
  } finally {
    client.close();
  }
}

export interface RestartResult {
  source: Fingerprint;
  stored: Fingerprint;
  stats: IngestStats;
  reads: number;
  readStatuses: Record<number, number>;
  /** Slowest answer of any request (ingest or read) during the run, ms. */
  maxMs: number;
  p99Ms: number;
  /** Answers after the last fault: every one must be a success. */
  after: { total: number; ok: number };
  terminated: number;
  /** The API's error log lines (the last 20), to explain an unexpected answer. */
  errorLog: string;
}

/** The API's log lines at level error, the last `n`. */
export function errorLines(logs: string, n = 20): string {
  return logs.split('\n').filter((l) => l.includes('"level":"error"')).slice(-n).join('\n');
}

/**
 * Under ingest and read traffic: restarts the fourth shard's cluster and
 * terminates the API's backends on the main server, twice. Pools must
 * reconnect, no request may hang, and every event lands once.
 */
export async function databaseRestart(
  env: FourShards,
  o: { events: number; batch: number; concurrency: number; stormRounds: number; stormEveryMs: number; seed?: number },
): Promise<RestartResult> {
  const tenant = 'restart';
  const client = new Client(env.api.url, env.keys[tenant]!, 45_000);
  let stopReads = false;
  try {
    const { lines, players } = sourceEvents(o.events, o.seed ?? 31);
    const source = await sourceFingerprint(MAIN_PG, lines);
    const batches = batchesOf(lines, o.batch);
    const stats = newStats();
    let done = 0;
    const ingest = ingestAll(client, batches, { concurrency: o.concurrency, deadlineMs: 300_000, stats, onBatchDone: (n) => (done = n), check: () => env.api.assertNoCrash() });
    let finished = false;
    void ingest.finally(() => (finished = true)).catch(() => undefined);

    const readStatuses: Record<number, number> = {};
    const readMs: number[] = [];
    let faultsOver = false;
    const after = { total: 0, ok: 0 };
    const reader = (async () => {
      for (let i = 0; !stopReads; i++) {
        const r = await client.request('GET', `/v1/players/${encodeURIComponent(players[i % players.length]!)}`);
        readStatuses[r.status] = (readStatuses[r.status] ?? 0) + 1;
        readMs.push(r.ms);
        if (faultsOver) {
          after.total++;
          if (r.status === 200 || r.status === 404) after.ok++;
        }
        await sleep(5);
      }
    })();

    const terminate = async (): Promise<number> => {
      const [t] = await sql<{ n: number }>(MAIN_PG, `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()`, [
        env.urls.slice(0, 3).map((u) => new URL(u).pathname.slice(1)),
      ]);
      return t!.n;
    };
    let terminated = 0;
    for (const k of [1, 2]) {
      const target = Math.floor((batches.length * k) / 3);
      while (done < target && !finished) await sleep(10);
      const [t] = await Promise.all([terminate(), env.cluster.restart()]);
      terminated += t;
      log(`restart ${k} at ${done}/${batches.length}; terminated ${t} backends`);
    }
    // Then a storm: the API's backends on the main server (control database included) are
    // terminated every `stormEveryMs` until the ingest ends, so that every code path that
    // touches a database, background work included, meets a dead connection.
    for (let i = 0; i < o.stormRounds && !finished; i++) {
      terminated += await terminate();
      await sleep(o.stormEveryMs);
      env.api.assertNoCrash();
    }
    // The driver's first checkout after a restart may still fail; judge the steady state a moment later.
    await sleep(1000);
    faultsOver = true;
    await ingest;
    // Reads after the faults touch players on every shard: each pool must have reconnected.
    while (after.total < 2 * env.urls.length * 10) {
      env.api.assertNoCrash();
      await sleep(20);
    }
    stopReads = true;
    await reader;
    const stored = await storedFingerprint(env.urls, tenant);
    const all = [...stats.latencies, ...readMs];
    return {
      source, stored, stats, reads: readMs.length, readStatuses,
      maxMs: Math.max(...all), p99Ms: quantile(all, 0.99), after, terminated, errorLog: errorLines(env.api.logs()),
    };
  } finally {
    stopReads = true;
    client.close();
  }
}

export interface OverloadResult {
  maxInFlight: number;
  peakRps: number;
  peakP99Ms: number;
  offeredRps: number;
  statuses: Record<number, number>;
  /** 200s per second during the overload. */
  goodputRps: number;
  acceptedP99Ms: number;
  shedP99Ms: number;
  /** 503/429 answers that were not problem+json `overloaded` with Retry-After. */
  badShed: number;
  noResponse: number;
  clientCapped: number;
  rssBaseMiB: number;
  rssMaxMiB: number;
  /** A request after the overload, when the load has gone. */
  afterStatus: number;
  acceptedSamples: number[];
  /** Per second of the overload (by send time): [answers, 200s, max latency ms]. */
  timeline: [number, number, number][];
}

/**
 * Measures the peak ingest request rate (closed loop), then offers twice
 * that rate open loop: the API must shed (429/503) instead of queueing, and
 * keep latency of accepted requests and its memory bounded.
 */
export async function overload(o: { maxInFlight: number; linesPerRequest: number; peakSeconds: number; overloadSeconds: number; peakConcurrency: number; maxOutstanding: number; seed?: number }): Promise<OverloadResult> {
  const tenant = 'overload';
  const cleanups: (() => Promise<void>)[] = [];
  return withCleanup(cleanups, async () => {
    const dbs = await createDatabases('overload', [MAIN_PG, MAIN_PG]);
    cleanups.push(dbs.drop);
    const key = await migrateAndKey(dbs.urls, tenant);
    const api = new ApiProcess({ urls: dbs.urls, port: await freePort(), maxInFlight: o.maxInFlight });
    cleanups.push(() => api.kill());
    await api.start();
    const batches = batchesOf(sourceEvents(o.linesPerRequest * 400, o.seed ?? 41).lines, o.linesPerRequest);
    // Every request carries events never sent before, in the peak and in the overload alike: after the
    // first round the batches come back with their event ids renamed. Sent again as they were, they would
    // be all duplicates, far cheaper than new events, and the overload would measure lighter work than
    // the peak did (goodput 1.8x the peak in the full-size bench).
    const body = (i: number): string => {
      const round = Math.floor(i / batches.length);
      const lines = batches[i % batches.length]!;
      return (round === 0 ? lines : lines.map((l) => l.replace('"event_id":"', `"event_id":"r${round}-`))).join('\n') + '\n';
    };
    const client = new Client(api.url, key, 30_000, o.maxOutstanding);
    cleanups.push(async () => client.close());
    const post = (i: number): Promise<Outcome> => client.request('POST', '/v1/events', body(i), { 'content-type': 'application/x-ndjson' });

    // Warm up (JIT, pools, prepared statements), then measure the peak with a closed loop. Callers run it
    // with as many clients as the API admits at once (maxInFlight): fewer leave slots idle and measure less
    // than the API serves (24 clients against 32 slots gave 173 req/s, then 310 req/s of goodput under overload).
    let seq = 0;
    const closedLoop = async (seconds: number): Promise<{ ok: number; ms: number[] }> => {
      const end = performance.now() + seconds * 1000;
      const ms: number[] = [];
      let ok = 0;
      await Promise.all(
        Array.from({ length: o.peakConcurrency }, async () => {
          while (performance.now() < end) {
            const r = await post(seq++);
            // A shed answer means every admission slot was busy: the peak is what was admitted.
            if (r.status === 503 || r.status === 429) {
              await sleep(5);
              continue;
            }
            if (r.status !== 200) throw new Error(`peak measurement got ${r.status}: ${isHttp(r) ? r.body.slice(0, 300) : r.error}`);
            ok++;
            ms.push(r.ms);
          }
        }),
      );
      return { ok, ms };
    };
    await closedLoop(1);
    const peak = await closedLoop(o.peakSeconds);
    const peakRps = peak.ok / o.peakSeconds;
    const rssBaseMiB = api.rssMiB();
    log(`peak ${peakRps.toFixed(0)} req/s, p99 ${quantile(peak.ms, 0.99).toFixed(0)} ms, rss ${rssBaseMiB.toFixed(0)} MiB`);

    const rate = 2 * peakRps;
    const statuses: Record<number, number> = {};
    const accepted: number[] = [];
    const shed: number[] = [];
    let badShed = 0;
    let noResponse = 0;
    let clientCapped = 0;
    let outstanding = 0;
    let sent = 0;
    let rssMaxMiB = rssBaseMiB;
    const inflight = new Set<Promise<void>>();
    const timeline: [number, number, number][] = [];
    const t0 = performance.now();
    const end = t0 + o.overloadSeconds * 1000;
    let nextRss = t0;
    while (performance.now() < end) {
      const now = performance.now();
      if (now >= nextRss) {
        rssMaxMiB = Math.max(rssMaxMiB, api.rssMiB());
        nextRss = now + 200;
      }
      const due = Math.floor(((now - t0) / 1000) * rate);
      for (; sent < due; sent++) {
        if (outstanding >= o.maxOutstanding) {
          clientCapped++;
          continue;
        }
        outstanding++;
        const second = Math.floor((now - t0) / 1000);
        const p = post(seq++).then((r) => {
          outstanding--;
          const slot = (timeline[second] ??= [0, 0, 0]);
          slot[0]++;
          if (r.status === 200) slot[1]++;
          slot[2] = Math.max(slot[2], Math.round(r.ms));
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (!isHttp(r)) noResponse++;
          else if (r.status === 200) accepted.push(r.ms);
          else if (r.status === 503 || r.status === 429) {
            shed.push(r.ms);
            const p = JSON.parse(r.body) as { type?: string; retryable?: boolean };
            if (!String(r.headers['content-type']).startsWith('application/problem+json') || !p.type?.endsWith('/overloaded') || !r.headers['retry-after']) badShed++;
          }
        });
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      await sleep(2);
    }
    const offeredRps = (sent - clientCapped) / o.overloadSeconds;
    await Promise.all(inflight);
    rssMaxMiB = Math.max(rssMaxMiB, api.rssMiB());
    await sleep(500);
    const afterStatus = (await post(seq++)).status;
    return {
      maxInFlight: o.maxInFlight, peakRps, peakP99Ms: quantile(peak.ms, 0.99), offeredRps, statuses,
      goodputRps: accepted.length / o.overloadSeconds,
      acceptedP99Ms: accepted.length ? quantile(accepted, 0.99) : NaN,
      shedP99Ms: shed.length ? quantile(shed, 0.99) : NaN,
      badShed, noResponse, clientCapped, rssBaseMiB, rssMaxMiB, afterStatus, acceptedSamples: accepted, timeline,
    };
  });
}

export interface ShutdownResult {
  /** Every in-flight request's status and committed lines. */
  responses: { status: number; accepted: number; streamed: boolean; finishedAfterSigterm: boolean }[];
  /** A request on a new connection after SIGTERM: 0 (refused) or an HTTP status. */
  newConnection: { status: number; error?: string; type?: string };
  exit: { code: number | null; signal: NodeJS.Signals | null; ms: number };
  cleanLog: boolean;
  graceExceeded: boolean;
  /** The API's last log lines, for a failure message. */
  logTail: string;
  source: Fingerprint;
  stored: Fingerprint;
}

/**
 * SIGTERM while ingests are in flight: some bodies fully sent, some still
 * streaming (their second half is written after the signal).
 */
export async function gracefulShutdown(o: { requests: number; lines: number; seed?: number }): Promise<ShutdownResult> {
  const tenant = 'shutdown';
  const cleanups: (() => Promise<void>)[] = [];
  return withCleanup(cleanups, async () => {
    const dbs = await createDatabases('shutdown', [MAIN_PG, MAIN_PG]);
    cleanups.push(dbs.drop);
    const key = await migrateAndKey(dbs.urls, tenant);
    const api = new ApiProcess({ urls: dbs.urls, port: await freePort(), logLevel: 'info' });
    cleanups.push(() => api.kill());
    await api.start();
    const { lines } = sourceEvents(o.requests * o.lines, o.seed ?? 51);
    const source = await sourceFingerprint(MAIN_PG, lines);
    const client = new Client(api.url, key, 30_000);
    cleanups.push(async () => client.close());
    let sigtermAt = Infinity;
    const pending = batchesOf(lines, o.lines).map(async (batch, i) => {
      const streamed = i % 2 === 1;
      const half = batch.length >> 1;
      const body = streamed ? [batch.slice(0, half).join('\n') + '\n', 800, batch.slice(half).join('\n') + '\n'] : batch.join('\n') + '\n';
      const r = await client.request('POST', '/v1/events', body, { 'content-type': 'application/x-ndjson' });
      const accepted = isHttp(r) && r.status === 200 ? (JSON.parse(r.body) as { accepted: number }).accepted : -1;
      return { status: r.status, accepted, streamed, finishedAfterSigterm: performance.now() > sigtermAt };
    });
    await sleep(150);
    sigtermAt = performance.now();
    const exitP = api.stop('SIGTERM', 30_000);
    await sleep(100);
    const fresh = new Client(api.url, key, 5000);
    const nc = await fresh.request('GET', '/readyz');
    fresh.close();
    const newConnection = isHttp(nc) ? { status: nc.status, type: (JSON.parse(nc.body) as { type?: string }).type ?? '' } : { status: 0, error: nc.error };
    const responses = await Promise.all(pending);
    const exit = await exitP;
    const logs = api.logs();
    const stored = await storedFingerprint(dbs.urls, tenant);
    return { responses, newConnection, exit, cleanLog: logs.includes('"shut down cleanly"'), graceExceeded: logs.includes('grace period over'), logTail: logs.slice(-4000), source, stored };
  });
}
