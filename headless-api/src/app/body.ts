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
  const reader = body.getReader();
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const lenient = new TextDecoder('utf-8');
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let total = 0;
  let lineNo = 0;
  let nonBlank = 0;
  let done = false;

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
    if (++nonBlank > limits.maxLines) {
      throw new ApiError('payload-too-large', { detail: `more than ${limits.maxLines} lines in one request`, extensions: { max_lines: limits.maxLines } });
    }
    return { line: lineNo, text, raw: text ?? lenient.decode(view) };
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
      let start = 0;
      for (let nl = bytes.indexOf(NEWLINE); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
        let line = bytes.subarray(start, nl);
        if (pendingBytes > 0) {
          pending.push(line);
          line = concat(pending, pendingBytes + line.length);
          pending = [];
          pendingBytes = 0;
        }
        const out = finish(line);
        if (out) yield out;
        start = nl + 1;
      }
      if (start < bytes.length) {
        // Copy: some streams reuse their chunk buffers.
        const rest = bytes.slice(start);
        pending.push(rest);
        pendingBytes += rest.length;
      }
    }
    done = true;
    if (pendingBytes > 0) {
      const out = finish(concat(pending, pendingBytes));
      if (out) yield out;
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
