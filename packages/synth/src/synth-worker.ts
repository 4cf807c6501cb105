import { parentPort } from 'node:worker_threads';
import { Chunk } from './chunk.js';
import { generate } from './generate.js';
import type { SliceResult, SliceTask } from './parallel.js';
import { eventLine } from './serialize.js';

// Worker-thread entry of `writeNdjsonParallel`: encodes one slice of players per message.
if (!parentPort) throw new Error('synth-worker runs only as a worker thread (see writeNdjsonParallel)');
const port = parentPort;

port.on('message', (task: SliceTask) => {
  const events = new Chunk(4 << 20);
  const labels = new Chunk(256 << 10);
  let eventCount = 0;
  for (const player of generate(task)) {
    for (const e of player.events) events.add(eventLine(e));
    eventCount += player.events.length;
    labels.add(JSON.stringify(player.label));
  }
  const result: SliceResult = { events: events.take(), labels: labels.take(), players: task.players, eventCount };
  // Chunk buffers are never pooled, so their memory can move to the main thread without a copy.
  port.postMessage(result, [result.events.buffer as ArrayBuffer, result.labels.buffer as ArrayBuffer]);
});
