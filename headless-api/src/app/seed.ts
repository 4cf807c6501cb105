import { generate } from '@pitboss/synth';
import type { Event } from '@pitboss/core';
import { ingestCandidates, valueCandidates } from './ingest.js';
import type { IngestDeps } from './ingest.js';

export interface SeedOptions {
  tenant: string;
  players: number;
  days: number;
  seed: number;
  /** Events per ingest call (like one client batch). */
  batchSize?: number;
  /** First day of the data; default: `days` before today, so the data ends now. */
  start?: string;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedProgress {
  players: number;
  totalPlayers: number;
  events: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  elapsedMs: number;
}

/**
 * Generates synthetic players with `@pitboss/synth` and loads their events
 * through `ingestCandidates`, the same path as `POST /v1/events`. Idempotent:
 * a second run with the same options stores nothing new (all duplicates).
 *
 * @example
 * const done = await seedTenant({ storage }, { tenant: 'demo', players: 1000, days: 90, seed: 42 });
 * done.accepted; // ~67k events
 */
export async function seedTenant(deps: IngestDeps, options: SeedOptions): Promise<SeedProgress> {
  const batchSize = options.batchSize ?? 5000;
  // The range ends today: events dated after now would be rejected as lying in the future.
  const start = options.start ?? new Date(Date.now() - options.days * 86_400_000).toISOString().slice(0, 10);
  const began = performance.now();
  const progress: SeedProgress = { players: 0, totalPlayers: options.players, events: 0, accepted: 0, duplicate: 0, rejected: 0, elapsedMs: 0 };
  let batch: Event[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const report = await ingestCandidates(deps, options.tenant, valueCandidates(batch, progress.events + 1));
    if (report.retryable > 0) throw new Error(`seed: ${report.retryable} events hit an unavailable shard: ${report.retry[0]?.message}`);
    progress.events += batch.length;
    progress.accepted += report.accepted;
    progress.duplicate += report.duplicate;
    progress.rejected += report.rejected;
    progress.elapsedMs = performance.now() - began;
    batch = [];
    options.onProgress?.({ ...progress });
  };
  for (const player of generate({ players: options.players, days: options.days, seed: options.seed, start })) {
    for (const e of player.events) batch.push(e);
    progress.players++;
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  progress.elapsedMs = performance.now() - began;
  return progress;
}
