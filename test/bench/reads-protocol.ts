/**
 * The IPC protocol between the reads bench and each server it starts in a
 * child process (`reads-server.ts`): one typed file, shared by both ends.
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
