import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { GenerateOptions } from './generate.js';
import { checkOptions } from './generate.js';
import type { NdjsonSinks, WriteOptions, WriteStats } from './ndjson.js';

/** One slice of players for a worker (a `GenerateOptions` with every field set). */
export type SliceTask = Required<GenerateOptions>;

/** A worker's encoded slice: NDJSON bytes of its events and labels. */
export interface SliceResult {
  events: Uint8Array;
  labels: Uint8Array;
  players: number;
  eventCount: number;
}

export interface ParallelWriteOptions extends Pick<WriteOptions, 'onProgress'> {
  /** Worker threads. Default `defaultWorkers()`. */
  workers?: number;
  /** Players per slice handed to a worker. Default 250 (a few MB of output). */
  slicePlayers?: number;
}

/**
 * Workers worth starting here: one core is left for the thread that writes.
 *
 * @example
 * defaultWorkers(); // 7 on an 8-core machine, 1 on 2 cores
 */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism() - 1));
}

// Loader hooks registered in the main thread do not reach workers on Node 20, so a worker started from
// the TypeScript sources (a checkout) registers tsx and the `source` export condition itself.
const SOURCE_BOOTSTRAP = `
  const { register } = await import('node:module');
  await (await import(process.env.PITBOSS_TSX_API ?? '')).register();
  register('data:text/javascript,' + encodeURIComponent(
    "export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, 'source'] }); }"));
  await import(process.env.PITBOSS_SYNTH_WORKER ?? '');
`;

function startWorker(): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./synth-worker.ts', import.meta.url).href;
    // Resolved here, next to this file, where possible: the worker's own resolution starts from the working
    // directory. vitest's module runner has no import.meta.resolve; it runs from the repository root.
    const tsxApi = typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : 'tsx/esm/api';
    return new Worker(SOURCE_BOOTSTRAP, { eval: true, env: { ...process.env, PITBOSS_SYNTH_WORKER: entry, PITBOSS_TSX_API: tsxApi } });
  }
  return new Worker(new URL('./synth-worker.js', import.meta.url));
}

function runSlice(worker: Worker, task: SliceTask): Promise<SliceResult> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (result: SliceResult): void => {
      cleanup();
      resolve(result);
    };
    const onError = (err: unknown): void => {
      cleanup();
      reject(new Error(`synth worker failed on players ${task.firstPlayer}..${task.firstPlayer + task.players - 1}`, { cause: err }));
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`synth worker exited with code ${code}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(task);
  });
}

/**
 * `writeNdjson(generate(options), sinks)` on several cores: worker threads
 * generate and encode slices of players, and this thread writes the slices
 * in order. The bytes are the same as the single-threaded writer's for any
 * number of workers, because every player has its own random stream. Memory
 * stays bounded: at most two slices per worker wait to be written, and
 * writes wait for `drain`.
 *
 * @example
 * await writeNdjsonParallel({ players: 1_000_000, days: 90, seed: 7 }, {
 *   events: createWriteStream('events.ndjson'),
 *   labels: createWriteStream('events.labels.ndjson'),
 * }, { workers: 7 });
 */
export async function writeNdjsonParallel(options: GenerateOptions, sinks: NdjsonSinks, opts: ParallelWriteOptions = {}): Promise<WriteStats> {
  const o = checkOptions(options);
  const slicePlayers = opts.slicePlayers ?? 250;
  const sliceCount = Math.ceil(o.players / slicePlayers);
  const workerCount = Math.max(1, Math.min(opts.workers ?? defaultWorkers(), sliceCount));
  const all = sinks.labels ? [sinks.events, sinks.labels] : [sinks.events];
  let failure: unknown = null;
  const record = (err: unknown): void => {
    failure ??= err;
  };
  const put = async (sink: Writable, bytes: Uint8Array): Promise<void> => {
    if (failure === null && !sink.write(bytes)) await once(sink, 'drain');
    if (failure !== null) throw failure;
  };
  for (const sink of all) sink.on('error', record);

  const pool = Array.from({ length: workerCount }, startWorker);
  const chains: Promise<unknown>[] = pool.map(() => Promise.resolve());
  const results = new Map<number, Promise<SliceResult>>();
  let scheduled = 0;
  const scheduleUpTo = (limit: number): void => {
    for (; scheduled < Math.min(limit, sliceCount); scheduled++) {
      const i = scheduled;
      const w = i % workerCount;
      const firstPlayer = o.firstPlayer + i * slicePlayers;
      const task: SliceTask = { ...o, firstPlayer, players: Math.min(slicePlayers, o.firstPlayer + o.players - firstPlayer) };
      const result = chains[w]!.then(() => runSlice(pool[w]!, task));
      // Slices ahead of the one being written may fail first; keep the error for the loop below.
      result.catch(record);
      chains[w] = result;
      results.set(i, result);
    }
  };

  const stats: WriteStats = { players: 0, events: 0, eventBytes: 0 };
  try {
    for (let k = 0; k < sliceCount; k++) {
      scheduleUpTo(k + 2 * workerCount);
      const slice = await results.get(k)!;
      results.delete(k);
      await put(sinks.events, slice.events);
      if (sinks.labels) await put(sinks.labels, slice.labels);
      stats.players += slice.players;
      stats.events += slice.eventCount;
      stats.eventBytes += slice.events.byteLength;
      opts.onProgress?.(stats);
    }
    await Promise.all(
      all.map(async (sink) => {
        sink.end();
        await finished(sink);
      }),
    );
  } catch (err) {
    for (const sink of all) sink.destroy();
    throw err;
  } finally {
    for (const sink of all) sink.off('error', record);
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return stats;
}
