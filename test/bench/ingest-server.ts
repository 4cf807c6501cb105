// The API of the ingest bench, in a process of its own (started by ingest.bench.ts with `fork`): the
// clients sending the batches run in the bench's process, as an operator's senders run on their own
// machines, so their work (building and streaming 1.5 MB bodies, reading answers) is not done on the
// server's event loop. Over IPC: `settle` answers when the features of touched players have caught up;
// `close` closes server and storage.
import { createApp } from '../../headless-api/src/app/app.js';
import { createJsonLogger } from '../../headless-api/src/app/logger.js';
import { listen } from '../../headless-api/src/server.js';
import { createStorage } from '../../headless-api/src/storage/index.js';

export interface IngestServerSpec {
  urls: string[];
  poolSize: number;
  maxLines: number;
}
export type ToIngestServer = { type: 'settle' } | { type: 'cpu' } | { type: 'close' };
export type FromIngestServer =
  | { type: 'ready'; url: string }
  | { type: 'settled' }
  | { type: 'cpu'; ms: number }
  | { type: 'closed' }
  | { type: 'error'; message: string };

const send = (m: FromIngestServer) => process.send!(m);
const spec = JSON.parse(process.argv[2]!) as IngestServerSpec;

try {
  const storage = await createStorage({ driver: 'pg', urls: spec.urls, poolSize: spec.poolSize });
  const logger = createJsonLogger({ level: 'error' });
  const { app } = createApp({
    storage,
    config: { limits: { maxBodyBytes: 64 << 20, maxLines: spec.maxLines, maxDeadLetterChars: 8192 } },
    logger,
    // A throughput figure, not a rate-limit one.
    security: { rateLimit: false },
  });
  const server = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger });
  process.on('message', (m: ToIngestServer) => {
    if (m.type === 'settle') void storage.featuresSettled().then(() => send({ type: 'settled' }));
    else if (m.type === 'cpu') {
      const u = process.cpuUsage();
      send({ type: 'cpu', ms: (u.user + u.system) / 1000 });
    } else if (m.type === 'close') {
      void server.close(1000).then(() => storage.close()).then(() => {
        send({ type: 'closed' });
        process.disconnect();
      });
    }
  });
  send({ type: 'ready', url: server.url });
} catch (err) {
  send({ type: 'error', message: (err as Error).stack ?? String(err) });
  process.exitCode = 1;
  process.disconnect();
}
