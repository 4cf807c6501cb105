import { parseEvent } from '@pitboss/core';
import type { EventIssue } from '@pitboss/core';
import type { IngestLine, RejectedLine } from '../storage/types.js';
import type { BodyLine } from './body.js';
import { ApiError } from './errors.js';
import type { Metrics } from './metrics.js';
import type { ApiStorage } from './types.js';

/** One candidate event: a parsed JSON value, or the issues that kept it from parsing. */
export type Candidate =
  | { line: number; raw: RawText; value: unknown }
  | { line: number; raw: RawText; issues: EventIssue[] };

/** Candidates one by one, or in batches (arrays, e.g. the lines of one chunk of a body), in line order. */
export type CandidateSource = AsyncIterable<Candidate | readonly Candidate[]> | Iterable<Candidate | readonly Candidate[]>;

/** The raw text of a line, or a function producing it (only rejected lines need it). */
export type RawText = string | (() => string);

const rawText = (raw: RawText, max: number) => (typeof raw === 'function' ? raw() : raw).slice(0, max);

/** The per-line error of an event whose event_id the tenant already used for another player. */
export const EVENT_ID_TAKEN = 'event_id is already used by an event of another player; an event_id identifies one event tenant-wide';

/** One problem with one line of a batch. */
export interface LineError {
  line: number;
  event_id: string | null;
  pointer: string;
  message: string;
}

/** A line on a shard that could not be written; sending it again is safe. */
export interface RetryLine {
  line: number;
  event_id: string;
  message: string;
  retryable: true;
}

/** What happened to a batch. */
export interface IngestReport {
  accepted: number;
  duplicate: number;
  rejected: number;
  retryable: number;
  errors: LineError[];
  retry: RetryLine[];
}

export interface IngestDeps {
  storage: ApiStorage;
  metrics?: Metrics;
  now?: () => number;
  /** Longest raw line kept in the dead-letter table. */
  maxDeadLetterChars?: number;
}

/**
 * The ingestion path: validates every candidate on its own with core's
 * `parseEvent`, writes the valid ones through `storage.ingest` (one
 * transaction per shard, idempotent on event_id), and keeps the invalid ones
 * in the dead-letter table. `POST /v1/events` and `pitboss seed` both go
 * through here, so seeding exercises exactly what clients get.
 *
 * @example
 * const report = await ingestCandidates({ storage }, 'acme', ndjsonCandidates(readNdjson(body, limits)));
 * report.accepted; // 4998
 */
export async function ingestCandidates(deps: IngestDeps, tenant: string, candidates: CandidateSource): Promise<IngestReport> {
  const now = (deps.now ?? Date.now)();
  const maxRaw = deps.maxDeadLetterChars ?? 8192;
  const good: IngestLine[] = [];
  // The raw text of each good line, by position in `good`: a line storage refuses (an event_id used for another player) is dead-lettered with it.
  const goodRaw: RawText[] = [];
  const rejects: RejectedLine[] = [];
  const take = (c: Candidate): void => {
    if ('issues' in c) {
      rejects.push({ line: c.line, raw: rawText(c.raw, maxRaw), event_id: null, issues: c.issues });
      return;
    }
    const parsed = parseEvent(c.value, { now });
    if (parsed.ok) {
      good.push({ line: c.line, event: parsed.event });
      goodRaw.push(c.raw);
    } else rejects.push({ line: c.line, raw: rawText(c.raw, maxRaw), event_id: eventIdOf(c.value), issues: parsed.issues });
  };
  for await (const item of candidates) {
    if (Array.isArray(item)) for (const c of item as readonly Candidate[]) take(c);
    else take(item as Candidate);
  }

  const outcome = good.length > 0 ? await deps.storage.ingest(tenant, good) : { accepted: [], duplicate: [], retryable: [], conflicting: [] };
  if (outcome.conflicting.length > 0) {
    const index = new Map(good.map((g, i) => [g.line, i]));
    for (const { line, event_id } of outcome.conflicting) {
      const i = index.get(line)!;
      rejects.push({ line, raw: rawText(goodRaw[i]!, maxRaw), event_id, issues: [{ pointer: '/event_id', message: EVENT_ID_TAKEN }] });
    }
    rejects.sort((a, b) => a.line - b.line);
  }
  if (rejects.length > 0) {
    try {
      await deps.storage.deadLetter(tenant, rejects);
    } catch (cause) {
      // The good lines are committed; a retry of the whole batch is safe because ingestion is idempotent.
      throw new ApiError('shard-unavailable', {
        detail: 'could not record rejected lines in the dead-letter table; retry the batch',
        extensions: { retryable: true },
        headers: { 'retry-after': '1' },
        cause,
      });
    }
  }

  const report: IngestReport = {
    accepted: outcome.accepted.length,
    duplicate: outcome.duplicate.length,
    rejected: rejects.length,
    retryable: outcome.retryable.length,
    errors: rejects.flatMap((r) => r.issues.map((i) => ({ line: r.line, event_id: r.event_id, pointer: i.pointer, message: i.message }))),
    retry: outcome.retryable.map((r) => ({ ...r, retryable: true as const })),
  };
  if (deps.metrics) {
    const m = deps.metrics.ingestLines;
    m.inc({ outcome: 'accepted' }, report.accepted);
    m.inc({ outcome: 'duplicate' }, report.duplicate);
    m.inc({ outcome: 'rejected' }, report.rejected);
    m.inc({ outcome: 'retryable' }, report.retryable);
  }
  return report;
}

/**
 * Turns NDJSON lines into candidates: a line that is not UTF-8 or not JSON
 * becomes a rejected candidate instead of failing the batch.
 *
 * @example
 * const candidates = ndjsonCandidates(readNdjson(body, limits));
 */
export async function* ndjsonCandidates(lines: AsyncIterable<BodyLine>): AsyncGenerator<Candidate> {
  for await (const l of lines) yield ndjsonCandidate(l);
}

/**
 * `ndjsonCandidates` over batches of lines (`readNdjsonBatches`): one array of
 * candidates per batch, so the consumer steps once per chunk of the body.
 *
 * @example
 * const candidates = ndjsonCandidateBatches(readNdjsonBatches(body, limits));
 */
export async function* ndjsonCandidateBatches(batches: AsyncIterable<readonly BodyLine[]>): AsyncGenerator<Candidate[]> {
  for await (const lines of batches) {
    const out: Candidate[] = new Array(lines.length);
    for (let i = 0; i < lines.length; i++) out[i] = ndjsonCandidate(lines[i]!);
    yield out;
  }
}

function ndjsonCandidate(l: BodyLine): Candidate {
  if (l.text === null) return { line: l.line, raw: l.raw, issues: [{ pointer: '', message: 'line is not valid UTF-8' }] };
  let value: unknown;
  try {
    value = JSON.parse(l.text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return { line: l.line, raw: l.raw, issues: [{ pointer: '', message: `malformed JSON: ${err.message}` }] };
  }
  return { line: l.line, raw: l.raw, value };
}

/**
 * Candidates from already-parsed values (a JSON array body, or generated
 * data); `line` is the 1-based position.
 *
 * @example
 * ingestCandidates({ storage }, 'acme', valueCandidates(events));
 */
export function* valueCandidates(values: Iterable<unknown>, firstLine = 1): Generator<Candidate> {
  let line = firstLine;
  for (const value of values) {
    yield { line: line++, raw: () => JSON.stringify(value) ?? String(value), value };
  }
}

function eventIdOf(value: unknown): string | null {
  if (typeof value === 'object' && value !== null && 'event_id' in value) {
    const id = (value as { event_id: unknown }).event_id;
    if (typeof id === 'string') return id.slice(0, 256);
  }
  return null;
}
