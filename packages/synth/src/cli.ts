import { createWriteStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_START, generate, rangeOf } from './generate.js';
import type { WriteStats } from './ndjson.js';
import { writeNdjson } from './ndjson.js';
import { defaultWorkers, writeNdjsonParallel } from './parallel.js';

const USAGE = `usage: pitboss synth --players N --days D --seed S --out FILE [flags]

Generates synthetic operator events (NDJSON, schema v1) with planted risk and
churn cohorts; the ground-truth labels go to a separate file.

  --players N     number of players (1 to 1e9)
  --days D        length of the range in days (1 to 3650)
  --seed S        non-negative integer; same seed and flags, same bytes
  --out FILE      events, one JSON object per line
  --labels FILE   labels, one per player (default: events.ndjson -> events.labels.ndjson)
  --start DATE    start of the range, YYYY-MM-DD or ISO 8601 (default ${DEFAULT_START})
  --workers N     worker threads, 1 to 64 (default ${defaultWorkers()} here); the output does not depend on it
  -h, --help      this text

Events are per player in chronological order, players one after another.`;

class UsageError extends Error {
  override name = 'UsageError';
}

interface SynthArgs {
  players: number;
  days: number;
  seed: number;
  out: string;
  labels: string;
  start: string;
  workers: number;
}

function integer(flag: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined) throw new UsageError(`--${flag} is required`);
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return n;
}

function parse(args: string[]): SynthArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        players: { type: 'string' },
        days: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        labels: { type: 'string' },
        start: { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  if (values.help) return 'help';
  const players = integer('players', values.players, 1, 1e9);
  const days = integer('days', values.days, 1, 3650);
  const seed = integer('seed', values.seed, 0, Number.MAX_SAFE_INTEGER);
  if (!values.out) throw new UsageError('--out FILE is required');
  const start = values.start ?? DEFAULT_START;
  try {
    rangeOf(start, days);
  } catch (err) {
    throw new UsageError(`--start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const labels = values.labels ?? `${values.out.replace(/\.(ndjson|jsonl|json)$/, '')}.labels.ndjson`;
  if (labels === values.out) throw new UsageError('--labels must differ from --out');
  const workers = values.workers === undefined ? defaultWorkers() : integer('workers', values.workers, 1, 64);
  return { players, days, seed, out: values.out, labels, start, workers };
}

function progressBar(total: number): (s: WriteStats) => void {
  const began = performance.now();
  let last = 0;
  return (s) => {
    const now = performance.now();
    if (now - last < 150 && s.players < total) return;
    last = now;
    const frac = s.players / total;
    const width = 30;
    const filled = Math.round(frac * width);
    const rate = s.events / Math.max(0.001, (now - began) / 1000);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
        `${s.players.toLocaleString('en')}/${total.toLocaleString('en')} players, ${s.events.toLocaleString('en')} events, ${Math.round(rate / 1000)}k/s `,
    );
  };
}

/**
 * `pitboss synth`: generates players and events to NDJSON files. Resolves to
 * the exit code: 0 done, 1 an I/O failure, 2 bad flags.
 *
 * @example
 * process.exitCode = await runSynthCli(['--players', '1000', '--days', '90', '--seed', '7', '--out', 'events.ndjson']);
 */
export async function runSynthCli(args: string[]): Promise<number> {
  let opts: SynthArgs | 'help';
  try {
    opts = parse(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`pitboss synth: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  // Opening first turns a bad path into an immediate, clear error instead of a stream failure mid-run.
  const files: FileHandle[] = [];
  try {
    files.push(await open(opts.out, 'w'));
    files.push(await open(opts.labels, 'w'));
  } catch (err) {
    await Promise.all(files.map((f) => f.close()));
    process.stderr.write(`pitboss synth: cannot open output: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const began = performance.now();
  const tty = process.stderr.isTTY === true;
  try {
    const options = { players: opts.players, days: opts.days, seed: opts.seed, start: opts.start };
    const sinks = {
      events: createWriteStream('', { fd: files[0]!, highWaterMark: 1 << 20 }),
      labels: createWriteStream('', { fd: files[1]!, highWaterMark: 1 << 20 }),
    };
    const progress = tty ? { onProgress: progressBar(opts.players) } : {};
    const stats =
      opts.workers > 1
        ? await writeNdjsonParallel(options, sinks, { ...progress, workers: opts.workers })
        : await writeNdjson(generate(options), sinks, progress);
    const secs = (performance.now() - began) / 1000;
    process.stderr.write(
      `${tty ? '\n' : ''}pitboss synth: ${stats.players.toLocaleString('en')} players, ${stats.events.toLocaleString('en')} events ` +
        `(${(stats.eventBytes / 1e6).toFixed(1)} MB) in ${secs.toFixed(1)} s, ${Math.round(stats.events / secs).toLocaleString('en')} events/s\n` +
        `  events: ${opts.out}\n  labels: ${opts.labels}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`${tty ? '\n' : ''}pitboss synth: writing failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
