import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { EVENT_COLUMNS, FEATURE_KEYS, compileFeatureQuery, parseEvent, toEventRow } from '@pitboss/core';
import type { EventRow } from '@pitboss/core';
import type { LabelledMatrix } from './matrix.js';
import { matrixFromRows, withLabels } from './matrix.js';
import type { Target } from './model.js';

/** The fields of synth's label lines (`PlayerLabel`) that training reads. */
interface LabelLine {
  player_id: string;
  at_risk: boolean;
  churned: boolean | null;
  churn_cutoff_at: string | null;
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

/** Progress messages of a long step (one line each). */
export type ProgressSink = (message: string) => void;

const DUCK_DDL = `CREATE TABLE events (
  event_id VARCHAR NOT NULL, player_id VARCHAR NOT NULL, type VARCHAR NOT NULL, occurred_at VARCHAR NOT NULL,
  product VARCHAR, amount_minor BIGINT, bonus_minor BIGINT, win_minor BIGINT, currency VARCHAR, status VARCHAR,
  direction VARCHAR, method VARCHAR, live BOOLEAN, ref_id VARCHAR, ip VARCHAR, actor VARCHAR, ref_at VARCHAR, payload VARCHAR NOT NULL)`;

/**
 * Labels file of a synth events file: `--labels` when given, else the first
 * of `<stem>.labels.ndjson` and `labels.ndjson` beside it.
 *
 * @example
 * await findLabelsFile('/data/events.ndjson'); // '/data/events.labels.ndjson'
 */
export async function findLabelsFile(eventsFile: string): Promise<string> {
  const dir = dirname(eventsFile);
  const stem = basename(eventsFile).replace(/\.ndjson$|\.jsonl$|\.json$/, '');
  const candidates = [join(dir, `${stem}.labels.ndjson`), join(dir, 'labels.ndjson')];
  for (const c of candidates) {
    try {
      await access(c);
      return c;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    }
  }
  throw new DatasetError(`no labels file beside ${eventsFile}: looked for ${candidates.join(', ')} (pass --labels FILE)`);
}

async function* lines(file: string): AsyncGenerator<[number, string]> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line.trim()) yield [n, line];
  }
}

function appendRow(ap: DuckDBAppender, row: EventRow): void {
  for (const c of EVENT_COLUMNS) {
    const v = c === 'payload' ? JSON.stringify(row.payload) : row[c];
    if (v === null || v === undefined) ap.appendNull();
    else if (typeof v === 'boolean') ap.appendBoolean(v);
    else if (typeof v === 'number') ap.appendBigInt(BigInt(v));
    else ap.appendVarchar(String(v));
  }
  ap.endRow();
}

/**
 * Loads a synth NDJSON events file into an in-memory DuckDB `events` table
 * (core's flat row layout, each line validated by `parseEvent`), then runs
 * core's compiled feature query at `asOf`. Returns one row per player.
 */
async function featureRowsFromEvents(
  conn: DuckDBConnection,
  eventsFile: string,
  asOf: (maxOccurredAt: string) => string,
  progress: ProgressSink,
): Promise<{ rows: Record<string, unknown>[]; asOf: string }> {
  await conn.run(DUCK_DDL.replace('CREATE TABLE events', 'CREATE TABLE events_raw'));
  const ap = await conn.createAppender('events_raw');
  let count = 0;
  for await (const [lineNo, line] of lines(eventsFile)) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (cause) {
      throw new DatasetError(`${eventsFile}:${lineNo}: not JSON`, { cause });
    }
    const parsed = parseEvent(json, { maxFutureSkewMs: Number.POSITIVE_INFINITY });
    if (!parsed.ok) throw new DatasetError(`${eventsFile}:${lineNo}: invalid event: ${JSON.stringify(parsed.issues)}`);
    appendRow(ap, toEventRow(parsed.event).row);
    if (++count % 200_000 === 0) progress(`read ${count} events`);
  }
  ap.closeSync();
  progress(`read ${count} events`);
  if (count === 0) throw new DatasetError(`${eventsFile} holds no events`);
  await conn.run(
    `CREATE TABLE events AS SELECT * REPLACE (CAST(occurred_at AS TIMESTAMPTZ) AS occurred_at, CAST(ref_at AS TIMESTAMPTZ) AS ref_at, CAST(payload AS JSON) AS payload) FROM events_raw`,
  );
  await conn.run('DROP TABLE events_raw');
  const maxReader = await conn.runAndReadAll(`SELECT strftime(max(occurred_at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS m FROM events`);
  const maxAt = String(maxReader.getRowObjectsJS()[0]!.m);
  const at = asOf(maxAt);
  const q = compileFeatureQuery('duckdb');
  const stmt = await conn.prepare(q.sql);
  q.params.forEach((p, i) => {
    if (p !== 'as_of') throw new DatasetError(`feature query wants parameter ${p}, which a file dataset cannot give`);
    stmt.bindVarchar(i + 1, at);
  });
  const reader = await stmt.runAndReadAll();
  const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
  progress(`computed ${FEATURE_KEYS.length} features for ${rows.length} players as of ${at}`);
  return { rows, asOf: at };
}

async function readLabels(file: string): Promise<LabelLine[]> {
  const out: LabelLine[] = [];
  for await (const [lineNo, line] of lines(file)) {
    let v: Partial<LabelLine>;
    try {
      v = JSON.parse(line) as Partial<LabelLine>;
    } catch (cause) {
      throw new DatasetError(`${file}:${lineNo}: not JSON`, { cause });
    }
    if (typeof v.player_id !== 'string' || typeof v.at_risk !== 'boolean') {
      throw new DatasetError(`${file}:${lineNo}: not a synth label line (needs player_id and at_risk)`);
    }
    out.push({ player_id: v.player_id, at_risk: v.at_risk, churned: v.churned ?? null, churn_cutoff_at: v.churn_cutoff_at ?? null });
  }
  return out;
}

/** A labelled feature matrix with where it came from. */
export interface FileDataset {
  matrix: LabelledMatrix;
  asOf: string;
  eventsFile: string;
  labelsFile: string;
}

/**
 * Builds the training matrix for `target` from synth output: events NDJSON
 * plus its labels file. Features are core's `FEATURES`, computed in DuckDB
 * by core's compiled query.
 *
 * - `risk`: features as of the last event; label `at_risk`.
 * - `churn`: features as of 1 ms before `churn_cutoff_at` (so nothing from
 *   the 30 days that define the label leaks in); label `churned`; players
 *   whose churn is undefined (`null`) are left out.
 *
 * @example
 * const { matrix } = await loadSynthDataset({ eventsFile: 'events.ndjson', target: 'risk' });
 */
export async function loadSynthDataset(options: {
  eventsFile: string;
  labelsFile?: string;
  target: Target;
  progress?: ProgressSink;
}): Promise<FileDataset> {
  const progress = options.progress ?? (() => {});
  const labelsFile = options.labelsFile ?? (await findLabelsFile(options.eventsFile));
  const labels = await readLabels(labelsFile);
  progress(`read ${labels.length} labels from ${labelsFile}`);
  let asOfFn: (max: string) => string;
  const map = new Map<string, number>();
  if (options.target === 'risk') {
    for (const l of labels) map.set(l.player_id, l.at_risk ? 1 : 0);
    asOfFn = (max) => max;
  } else {
    const cutoff = labels.find((l) => l.churn_cutoff_at !== null)?.churn_cutoff_at;
    if (!cutoff) throw new DatasetError(`${labelsFile}: no churn_cutoff_at: the simulated range must exceed 30 days for churn labels`);
    for (const l of labels) {
      if (l.churned === null) continue;
      if (l.churn_cutoff_at !== cutoff) throw new DatasetError(`${labelsFile}: players have different churn cutoffs (${cutoff}, ${l.churn_cutoff_at})`);
      map.set(l.player_id, l.churned ? 1 : 0);
    }
    asOfFn = () => new Date(Date.parse(cutoff) - 1).toISOString();
  }
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const { rows, asOf } = await featureRowsFromEvents(conn, options.eventsFile, asOfFn, progress);
    const matrix = withLabels(matrixFromRows(rows, FEATURE_KEYS, 'player_id'), map);
    if (matrix.rows === 0) throw new DatasetError(`no player of ${options.eventsFile} has a ${options.target} label in ${labelsFile}`);
    return { matrix, asOf, eventsFile: options.eventsFile, labelsFile };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
