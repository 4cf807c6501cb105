import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { SyntheticPlayer } from './player.js';
import { Chunk } from './chunk.js';
import { eventLine } from './serialize.js';

/** Where `writeNdjson` sends events and, optionally, labels. */
export interface NdjsonSinks {
  events: Writable;
  labels?: Writable | null;
}

/** Running totals, reported as progress and returned at the end. */
export interface WriteStats {
  players: number;
  events: number;
  /** Bytes handed to the events sink. */
  eventBytes: number;
}

export interface WriteOptions {
  /** Bytes gathered before one `write` call. Default 256 KiB. */
  chunkBytes?: number;
  /** Called after each events chunk is handed to the sink, with the totals so far. */
  onProgress?: (stats: WriteStats) => void;
}

/**
 * Streams players as NDJSON: events (one per line; each player's events in
 * chronological order, players in generation order) to `sinks.events`, one
 * label per line to `sinks.labels`. Honours backpressure: it waits for
 * `drain` whenever a sink's buffer is full, so it holds about one chunk per
 * sink beyond the sinks' own high-water marks, whatever the output size.
 * Ends the sinks and resolves once they have flushed; on a write error it
 * destroys them and rejects with that error.
 *
 * @example
 * const stats = await writeNdjson(generate({ players: 1000, days: 90, seed: 7 }), {
 *   events: createWriteStream('events.ndjson'),
 *   labels: createWriteStream('labels.ndjson'),
 * });
 * console.log(stats.events);
 */
export async function writeNdjson(players: Iterable<SyntheticPlayer>, sinks: NdjsonSinks, options: WriteOptions = {}): Promise<WriteStats> {
  const chunkBytes = options.chunkBytes ?? 256 * 1024;
  const all = sinks.labels ? [sinks.events, sinks.labels] : [sinks.events];
  // A sink can fail while no await is pending (write() returned true); without a listener that error would crash the process.
  let failure: unknown = null;
  const onError = (err: unknown): void => {
    failure ??= err;
  };
  const put = async (sink: Writable, chunk: Buffer): Promise<void> => {
    if (failure === null && !sink.write(chunk)) await once(sink, 'drain');
    if (failure !== null) throw failure;
  };
  for (const sink of all) sink.on('error', onError);
  const stats: WriteStats = { players: 0, events: 0, eventBytes: 0 };
  try {
    const events = new Chunk(chunkBytes);
    const labels = new Chunk(chunkBytes);
    for (const player of players) {
      for (const e of player.events) {
        if (!events.add(eventLine(e))) {
          stats.eventBytes += events.length;
          await put(sinks.events, events.take());
          options.onProgress?.(stats);
        }
      }
      stats.events += player.events.length;
      stats.players++;
      if (sinks.labels && !labels.add(JSON.stringify(player.label))) await put(sinks.labels, labels.take());
    }
    stats.eventBytes += events.length;
    if (events.length) await put(sinks.events, events.take());
    if (sinks.labels && labels.length) await put(sinks.labels, labels.take());
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
    for (const sink of all) sink.off('error', onError);
  }
  options.onProgress?.(stats);
  return stats;
}
