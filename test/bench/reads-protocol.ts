/**
 * The IPC protocol between the reads bench and the child processes it
 * starts: each server (`reads-server.ts`) and the load generator of each run
 * (`reads-load.ts`). One typed file, shared by both ends.
 */

/** What the child serves: the Pitboss app, or the bare node:http + pg baseline. */
export interface ServerSpec {
  kind: 'pitboss' | 'bare';
  /** Shard database URLs, in shard-map order. */
  urls: string[];
  poolSize: number;
  tenant: string;
  /** Bare server only: the exact SQL storage runs for a player read. */
  sql?: string;
}

/** How the process spent the time since the last `reset`. */
export interface ProcessStats {
  /** Garbage collections (every kind; `major`: mark-compact ones) and their pauses, in ms. */
  gc: { count: number; major: number; totalMs: number; maxMs: number };
  /** Event-loop delay (`monitorEventLoopDelay`, 1 ms resolution): how late the loop ran, in ms. */
  loopDelay: { p99: number; max: number };
  /** Milliseconds of CPU (user + system) the process used. */
  cpuMs: number;
}

export type ToServer = { type: 'reset' } | { type: 'stats' } | { type: 'close' };

export type FromServer =
  | { type: 'ready'; url: string }
  | { type: 'stats'; stats: ProcessStats }
  | { type: 'reset' }
  | { type: 'closed' }
  | { type: 'error'; error: { name: string; message: string; stack?: string } };

/** One load run (`reads-load.ts`): what to send, to whom, and how. */
export interface LoadSpec {
  /** `http://host:port` of the server. */
  url: string;
  /** Request paths, sent in this order, round and round. */
  paths: string[];
  headers: Record<string, string>;
  /**
   * `closed`: each connection sends its next request when the last is
   * answered; latency from the send. `open`: requests are due at `rate` per
   * second whatever the server does, and each latency counts from the time
   * its request was due (no coordinated omission): a request due while every
   * connection is busy waits for one, and that wait is part of its latency.
   */
  mode: 'closed' | 'open';
  /** Connections (keep-alive, one request at a time each). */
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  /** Open loop: requests per second. */
  rate?: number;
  /** Open loop: how long to wait for answers after the last request was due; later ones are counted as unanswered. */
  drainMs?: number;
}

/** What one load run measured. */
export interface LoadResult {
  /** Answered requests (any status). */
  count: number;
  /** From the first send to the last answer (open loop: at least the schedule's length). */
  elapsedMs: number;
  /** Requests that failed on their connection (reset, closed, unreadable answer). */
  errors: number;
  /** Open loop: requests not answered within `drainMs` after the schedule ended (their latency, as far as it went, is in `latencies`). */
  unanswered: number;
  non200: number;
  /** How many answers had each status other than 200. */
  statuses: Record<string, number>;
  /** Milliseconds per answered request (open loop: from when it was due). */
  latencies: number[];
  /**
   * Open loop: how late the generator's own timer picked each request up
   * after it was due (ms), whether or not a connection was free: the part of
   * a latency that is the generator's, not the server's.
   */
  scheduleLag: { p99: number; max: number };
  /** The generator process's own GC, event-loop delay and CPU during the run. */
  client: ProcessStats;
}

export type ToLoad = { type: 'run'; spec: LoadSpec };

export type FromLoad =
  | { type: 'ready' }
  | { type: 'done'; result: LoadResult }
  | { type: 'error'; error: { name: string; message: string; stack?: string } };
