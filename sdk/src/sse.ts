/** One Server-Sent Event as the wire format defines it (WHATWG HTML, "event stream interpretation"). */
export interface SseMessage {
  /** `event:` field; `message` when absent. */
  event: string;
  data: string;
  /** The last event id after this message (ids persist across messages). */
  lastEventId: string;
}

/** A `retry:` field: the server's reconnection delay. */
export interface SseRetry {
  retryMs: number;
}

/**
 * Parses a `text/event-stream` body into messages and retry hints,
 * following the WHATWG algorithm: CR, LF and CRLF line ends, `:` comments,
 * multi-line `data`, ids without NUL, dispatch on a blank line only (a
 * message cut off by the end of the stream is dropped).
 *
 * @example
 * for await (const m of parseSse(res.body!, '')) if ('data' in m) console.log(m.event, m.data);
 */
export async function* parseSse(body: ReadableStream<Uint8Array>, initialLastEventId: string): AsyncGenerator<SseMessage | SseRetry> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let lastEventId = initialLastEventId;
  let skipLf = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const ch = buffer.charCodeAt(i);
        if (skipLf) {
          skipLf = false;
          if (ch === 10) {
            start = i + 1;
            continue;
          }
        }
        if (ch !== 10 && ch !== 13) continue;
        // A CR at the very end of the chunk may be the first half of CRLF: skip a leading LF next time.
        if (ch === 13) skipLf = true;
        const line = buffer.slice(start, i);
        start = i + 1;
        if (line === '') {
          if (data.length > 0) yield { event: event || 'message', data: data.join('\n'), lastEventId };
          data = [];
          event = '';
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let v = colon === -1 ? '' : line.slice(colon + 1);
        if (v.startsWith(' ')) v = v.slice(1);
        if (field === 'data') data.push(v);
        else if (field === 'event') event = v;
        else if (field === 'id') {
          if (!v.includes('\0')) lastEventId = v;
        } else if (field === 'retry' && /^\d+$/.test(v)) yield { retryMs: Number(v) };
      }
      buffer = buffer.slice(start);
    }
  } finally {
    // Cancelling a stream that already ended or failed rejects with the error the loop has already thrown.
    await reader.cancel().catch((e: unknown) => e);
    reader.releaseLock();
  }
}
