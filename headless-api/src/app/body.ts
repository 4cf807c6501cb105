import { ApiError } from './errors.js';

/** One line of a request body before JSON parsing. */
export interface BodyLine {
  /** 1-based line number in the body (blank lines count, so numbers match an editor's). */
  line: number;
  /** The decoded text, or `null` when the bytes are not valid UTF-8. */
  text: string | null;
  /** The bytes as text with invalid sequences replaced, for the dead-letter table. */
  raw: string;
}

export interface BodyLimits {
  maxBodyBytes: number;
  maxLines: number;
}

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into NDJSON lines as the bytes arrive, holding at most
 * one line in memory. Stops reading and throws 413 as soon as the body passes
 * `maxBodyBytes` or `maxLines` non-blank lines, so an oversized body is never
 * buffered. Invalid UTF-8 fails only its own line (`text: null`): splitting on
 * 0x0A is safe because that byte never occurs inside a multi-byte sequence.
 *
 * @example
 * for await (const l of readNdjson(req.body!, { maxBodyBytes: 1 << 20, maxLines: 1000 })) console.log(l.line, l.text);
 */
export async function* readNdjson(body: ReadableStream<Uint8Array>, limits: BodyLimits): AsyncGenerator<BodyLine> {
  for await (const lines of readNdjsonBatches(body, limits)) yield* lines;
}

/**
 * `readNdjson` a chunk at a time: the lines each chunk of the body completes,
 * as one array (one step of the consumer per chunk, not per line). The whole
 * lines of a chunk are decoded in one call when they are all valid UTF-8.
 *
 * @example
 * for await (const lines of readNdjsonBatches(req.body!, limits)) for (const l of lines) handle(l);
 */
export async function* readNdjsonBatches(body: ReadableStream<Uint8Array>, limits: BodyLimits): AsyncGenerator<BodyLine[]> {
  const reader = body.getReader();
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  // BOMs are stripped per line by `text` below, as `strict` does for each line it decodes.
  const bulk = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lenient = new TextDecoder('utf-8');
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let total = 0;
  let lineNo = 0;
  let nonBlank = 0;
  let done = false;

  const count = (): void => {
    if (++nonBlank > limits.maxLines) {
      throw new ApiError('payload-too-large', { detail: `more than ${limits.maxLines} lines in one request`, extensions: { max_lines: limits.maxLines } });
    }
  };
  /** A line's bytes (without its newline). */
  const finish = (bytes: Uint8Array): BodyLine | null => {
    lineNo++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    const view = bytes.subarray(0, end);
    let text: string | null;
    try {
      text = strict.decode(view);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      text = null;
    }
    if (text !== null && lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text !== null && text.trim() === '') return null;
    count();
    return { line: lineNo, text, raw: text ?? lenient.decode(view) };
  };
  /** A line already decoded (valid UTF-8, without its newline): the same result as `finish` on its bytes. */
  const text = (decoded: string): BodyLine | null => {
    lineNo++;
    let t = decoded.charCodeAt(decoded.length - 1) === 0x0d ? decoded.slice(0, -1) : decoded;
    if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    if (lineNo === 1 && t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    if (t.trim() === '') return null;
    count();
    return { line: lineNo, text: t, raw: t };
  };

  try {
    while (!done) {
      const chunk = await reader.read();
      if (chunk.done) break;
      const bytes = chunk.value;
      total += bytes.length;
      if (total > limits.maxBodyBytes) {
        throw new ApiError('payload-too-large', { detail: `body exceeds ${limits.maxBodyBytes} bytes`, extensions: { max_body_bytes: limits.maxBodyBytes } });
      }
      const out: BodyLine[] = [];
      let start = 0;
      const first = bytes.indexOf(NEWLINE);
      if (first !== -1 && pendingBytes > 0) {
        pending.push(bytes.subarray(0, first));
        const l = finish(concat(pending, pendingBytes + first));
        pending = [];
        pendingBytes = 0;
        if (l) out.push(l);
        start = first + 1;
      }
      const last = first === -1 ? -1 : bytes.lastIndexOf(NEWLINE);
      if (last >= start) {
        let decoded: string | null;
        try {
          decoded = bulk.decode(bytes.subarray(start, last));
        } catch (err) {
          if (!(err instanceof TypeError)) throw err;
          decoded = null;
        }
        if (decoded !== null) {
          for (let from = 0; ; ) {
            const nl = decoded.indexOf('\n', from);
            const l = text(nl === -1 ? decoded.slice(from) : decoded.slice(from, nl));
            if (l) out.push(l);
            if (nl === -1) break;
            from = nl + 1;
          }
        } else {
          // Some line here is not UTF-8: line by line, so that only it fails.
          for (let nl = bytes.indexOf(NEWLINE, start); nl !== -1 && nl <= last; nl = bytes.indexOf(NEWLINE, start)) {
            const l = finish(bytes.subarray(start, nl));
            if (l) out.push(l);
            start = nl + 1;
          }
        }
        start = last + 1;
      }
      if (start < bytes.length) {
        // Copy: some streams reuse their chunk buffers.
        const rest = bytes.slice(start);
        pending.push(rest);
        pendingBytes += rest.length;
      }
      if (out.length > 0) yield out;
    }
    done = true;
    if (pendingBytes > 0) {
      const l = finish(concat(pending, pendingBytes));
      if (l) yield [l];
    }
  } finally {
    if (!done) await reader.cancel().catch((err: unknown) => void err);
    reader.releaseLock();
  }
}

/**
 * Reads a whole body up to `maxBodyBytes`, throwing 413 once past it (without
 * reading further). For JSON arrays, which cannot be split before parsing.
 *
 * @example
 * const bytes = await readAll(req.body!, 16 << 20);
 */
export async function readAll(body: ReadableStream<Uint8Array>, maxBodyBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      total += chunk.value.length;
      if (total > maxBodyBytes) {
        throw new ApiError('payload-too-large', { detail: `body exceeds ${maxBodyBytes} bytes`, extensions: { max_body_bytes: maxBodyBytes } });
      }
      chunks.push(chunk.value.slice());
    }
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch((err: unknown) => void err);
    reader.releaseLock();
  }
  return concat(chunks, total);
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
