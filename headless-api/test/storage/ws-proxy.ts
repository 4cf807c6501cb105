import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import type WebSocket from 'ws';
import * as wsModule from 'ws';

// ws 8's ESM entry exports the server by name only (its default export has no
// `.Server`), and the pinned @types/ws 7 does not declare that name.
const WebSocketServer = (wsModule as unknown as { WebSocketServer: typeof WebSocket.Server }).WebSocketServer;

/**
 * A WebSocket→TCP proxy, as Neon runs in front of Postgres: each WebSocket
 * on `/v1?address=host:port` is piped byte for byte to that TCP address.
 * Lets `@neondatabase/serverless` reach a plain local Postgres.
 */
export interface WsProxy {
  port: number;
  /** WebSockets accepted so far: proof that a client really went through the proxy. */
  readonly connections: number;
  /** For `neonConfig.wsProxy`. */
  wsProxy: (host: string, port: number | string) => string;
  close(): Promise<void>;
}

export async function startWsProxy(): Promise<WsProxy> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const sockets = new Set<Socket>();
  let connections = 0;
  wss.on('connection', (ws, request) => {
    connections++;
    const address = new URL(request.url ?? '/', 'http://x').searchParams.get('address') ?? '';
    const [host, port] = address.split(':');
    const tcp = connect(Number(port), host!);
    sockets.add(tcp);
    tcp.on('data', (data) => ws.send(data));
    tcp.on('close', () => {
      sockets.delete(tcp);
      ws.close();
    });
    tcp.on('error', () => ws.close());
    ws.on('message', (data) => tcp.write(data as Buffer));
    ws.on('close', () => tcp.end());
  });
  const { port } = wss.address() as { port: number };
  return {
    port,
    get connections() {
      return connections;
    },
    wsProxy: (host, p) => `127.0.0.1:${port}/v1?address=${host}:${p}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve, reject) => wss.close((e?: Error) => (e ? reject(e) : resolve())));
    },
  };
}

/** A port nothing listens on: connections are refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server that accepts connections and never answers: a hung database. */
export async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
