import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { SyntheticPlayer } from './player.js';
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
  /** Characters written to the events sink (bytes, as the output is ASCII). */
  eventChars: number;
}

export interface WriteOptions {
  /** Characters gathered before one `write` call. Default 256 Ki. */
  chunkChars?: number;
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
  const chunkChars = options.chunkChars ?? 256 * 1024;
  const all = sinks.labels ? [sinks.events, sinks.labels] : [sinks.events];
  // A sink can fail while no await is pending (write() returned true); without a listener that error would crash the process.
  let failure: unknown = null;
  const onError = (err: unknown): void => {
    failure ??= err;
  };
  const put = async (sink: Writable, text: string): Promise<void> => {
    if (failure === null && !sink.write(text)) await once(sink, 'drain');
    if (failure !== null) throw failure;
  };
  for (const sink of all) sink.on('error', onError);
  const stats: WriteStats = { players: 0, events: 0, eventChars: 0 };
  try {
    let events = '';
    let labels = '';
    for (const player of players) {
      for (const e of player.events) events += eventLine(e) + '\n';
      stats.events += player.events.length;
      stats.players++;
      if (sinks.labels) labels += JSON.stringify(player.label) + '\n';
      if (events.length >= chunkChars) {
        stats.eventChars += events.length;
        await put(sinks.events, events);
        events = '';
        options.onProgress?.(stats);
      }
      if (sinks.labels && labels.length >= chunkChars) {
        await put(sinks.labels, labels);
        labels = '';
      }
    }
    stats.eventChars += events.length;
    if (events) await put(sinks.events, events);
    if (sinks.labels && labels) await put(sinks.labels, labels);
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
