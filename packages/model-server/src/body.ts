import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { InferenceError } from './errors.js';

function tooLarge(max: number): InferenceError {
  return new InferenceError(413, `request body exceeds the server's limit of ${max} bytes`);
}

/** Chunks into one buffer, allocated once when the length is declared. */
class Collector {
  private parts: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly max: number) {}

  add(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    if (this.size > this.max) throw tooLarge(this.max);
    this.parts.push(chunk);
  }

  done(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0]!;
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
}

/**
 * The request body, at most `max` bytes (413 past it, before reading when
 * Content-Length says so). Under @hono/node-server it reads the Node request
 * directly: the Web-stream adapter cost ~40 ms per 5 MB body here.
 *
 * @example
 * const body = await readBody(c, 64 * 1024 * 1024);
 */
export async function readBody(c: Context, max: number): Promise<Uint8Array> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > max) throw tooLarge(max);
  const collector = new Collector(max);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming && !incoming.readableEnded) {
    for await (const chunk of incoming) collector.add(chunk as Uint8Array);
    return collector.done();
  }
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    try {
      collector.add(value);
    } catch (error) {
      await reader.cancel(error);
      throw error;
    }
  }
  return collector.done();
}
