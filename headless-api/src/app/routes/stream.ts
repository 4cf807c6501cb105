import { z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../auth.js';
import type { LiveBus, LiveMessage } from '../live.js';
import { PERMISSION_EXTENSION } from '../permissions.js';
import { problemContent } from '../schemas.js';
import type { AppEnv } from '../types.js';

export interface StreamOptions {
  /** Comment line sent when nothing else was, so proxies and clients see the connection alive; default 15000 ms. */
  heartbeatMs?: number;
  /**
   * Bytes queued for one client (not yet taken by its socket) before it is
   * dropped with an `event: dropped`; default 1 MiB. A slow client must not
   * make the server buffer without bound.
   */
  maxBufferedBytes?: number;
  /** Reconnection delay suggested to EventSource (`retry:`); default 2000 ms. */
  retryMs?: number;
}

const encoder = new TextEncoder();

function frame(message: LiveMessage): Uint8Array {
  return encoder.encode(`id: ${message.id}\nevent: ${message.kind}\ndata: ${message.data}\n\n`);
}

/**
 * `GET /v1/stream`: Server-Sent Events of the caller's tenant, from the live
 * bus. Each message has an `id:`; a client reconnecting with
 * `Last-Event-ID` (header, or `last_event_id` in the query for a first
 * connection) gets what it missed from the tenant's replay buffer, or one
 * `event: reset` (with the reason, and the id to follow on from) when that
 * id is too old, unknown, or from before a restart (and mid-stream, with
 * reason `relay-gap`, after the relay from other processes was down). Heartbeat comments keep
 * idle connections open; a client that cannot keep up is sent
 * `event: dropped` and disconnected; on shutdown every stream gets
 * `event: shutdown` and ends.
 *
 * @example
 * registerStreamRoutes(app, bus, { heartbeatMs: 15_000 });
 * // const es = new EventSource('/v1/stream'); es.addEventListener('event', (e) => JSON.parse(e.data));
 */
export function registerStreamRoutes(app: OpenAPIHono<AppEnv>, bus: LiveBus, options: StreamOptions = {}): void {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  const retryMs = options.retryMs ?? 2000;

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/stream',
    tags: ['live'],
    summary: 'Live updates (Server-Sent Events): new events and score changes of your tenant',
    description: [
      'Events: `event` (an accepted event: event_id, player_id, type, occurred_at, product, amount_minor, currency, status, direction; no personal data),',
      '`score` (a new score of a player), `reset` (the Last-Event-ID could not be resumed, or, mid-stream with reason `relay-gap`, updates from other API processes may have been missed while this one was cut off from them: reason, and `head`, the id to follow on from; re-read state first),',
      '`dropped` (the client read too slowly; reconnect with Last-Event-ID), `shutdown` (the server is stopping; reconnect).',
      `Heartbeat comments every ${heartbeatMs} ms. Messages are sent after commit.`,
    ].join(' '),
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    request: {
      headers: z.object({ 'last-event-id': z.string().max(64).optional() }),
      query: z.object({ last_event_id: z.string().max(64).optional() }),
    },
    responses: {
      200: { description: 'An event stream.', content: { 'text/event-stream': { schema: z.string() } } },
      401: { description: 'Missing or invalid credentials.', content: problemContent },
      403: { description: 'Role lacks players:read.', content: problemContent },
    },
  });

  app.get('/v1/stream', requirePermission('players:read'), function streamLive(c) {
    const { tenant } = c.get('principal');
    const lastEventId = c.req.header('last-event-id') ?? c.req.query('last_event_id');
    let stop = (): void => {};
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          let open = true;
          let timer: NodeJS.Timeout | undefined;
          const leave = (): boolean => {
            if (!open) return false;
            open = false;
            clearInterval(timer);
            sub.unsubscribe();
            return true;
          };
          const end = (last: string | null): void => {
            if (!leave()) return;
            if (last) controller.enqueue(encoder.encode(last));
            controller.close();
          };
          const send = (chunk: Uint8Array): void => {
            if (!open) return;
            controller.enqueue(chunk);
            // desiredSize counts queued bytes against the high-water mark: below zero, the socket has not taken them.
            if ((controller.desiredSize ?? 0) < 0) {
              end(`event: dropped\ndata: ${JSON.stringify({ reason: 'slow-consumer', max_buffered_bytes: maxBuffered })}\n\n`);
            }
          };
          const sub = bus.subscribe(tenant, {
            message: (m) => send(frame(m)),
            closed: () => end(`event: shutdown\ndata: {"reason":"server-shutdown"}\n\n`),
            reset: (reason, head) => send(encoder.encode(`${head ? `id: ${head}\n` : ''}event: reset\ndata: ${JSON.stringify({ reason, last_event_id: null, head })}\n\n`)),
          }, lastEventId);
          // A cancelled stream is already closed: closing it again throws.
          stop = () => void leave();
          controller.enqueue(encoder.encode(`retry: ${retryMs}\n: connected\n\n`));
          if (sub.reset) {
            const id = sub.head ? `id: ${sub.head}\n` : '';
            controller.enqueue(encoder.encode(`${id}event: reset\ndata: ${JSON.stringify({ reason: sub.reset, last_event_id: lastEventId ?? null, head: sub.head })}\n\n`));
          }
          for (const m of sub.replay) send(frame(m));
          if (open) timer = setInterval(() => send(encoder.encode(': heartbeat\n\n')), heartbeatMs);
        },
        cancel() {
          stop();
        },
      },
      { highWaterMark: maxBuffered, size: (chunk) => chunk.byteLength },
    );
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // nginx and similar proxies buffer responses unless told not to; an event stream must flow.
        'x-accel-buffering': 'no',
        'x-request-id': c.get('requestId'),
      },
    });
  });
}
