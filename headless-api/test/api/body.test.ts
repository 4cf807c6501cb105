import { describe, it, expect } from 'vitest';
import { readNdjson, readNdjsonBatches } from '../../src/app/body.js';
import type { BodyLine } from '../../src/app/body.js';
import { ApiError } from '../../src/app/errors.js';

const enc = new TextEncoder();

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({ pull: (ctl) => (i < chunks.length ? ctl.enqueue(chunks[i++]!) : ctl.close()) });
}

async function collect(stream: ReadableStream<Uint8Array>, limits = { maxBodyBytes: 1 << 20, maxLines: 100 }): Promise<BodyLine[]> {
  const out: BodyLine[] = [];
  for await (const l of readNdjson(stream, limits)) out.push(l);
  return out;
}

describe('readNdjson', () => {
  it('splits lines across chunk boundaries, including inside a multi-byte character', async () => {
    const bytes = enc.encode('{"a":"é"}\r\n\n{"b":"日本"}\n{"c":1}');
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    const lines = await collect(streamOf(chunks));
    expect(lines.map((l) => [l.line, l.text])).toEqual([[1, '{"a":"é"}'], [3, '{"b":"日本"}'], [4, '{"c":1}']]);
  });

  it('marks a line that is not UTF-8 and keeps the others', async () => {
    const bad = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    const lines = await collect(streamOf([enc.encode('{"ok":1}\n'), bad, enc.encode('\n{"ok":2}\n')]));
    expect(lines.map((l) => l.text)).toEqual(['{"ok":1}', null, '{"ok":2}']);
    expect(lines[1]!.raw).toBe('{\uFFFD\uFFFD}');
  });

  it('strips a leading byte order mark', async () => {
    const lines = await collect(streamOf([new Uint8Array([0xef, 0xbb, 0xbf]), enc.encode('{"x":1}\n')]));
    expect(lines[0]!.text).toBe('{"x":1}');
  });

  it('stops reading at the byte limit instead of buffering the body', async () => {
    let pulled = 0;
    const chunk = enc.encode('x'.repeat(65535) + '\n');
    const endless = new ReadableStream<Uint8Array>({ pull: (ctl) => { pulled += chunk.length; ctl.enqueue(chunk); } });
    const err = await collect(endless, { maxBodyBytes: 1 << 20, maxLines: 1e6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(413);
    expect(pulled).toBeLessThan(4 << 20);
  });

  it('throws 413 past the line limit; blank lines do not count', async () => {
    const ok = await collect(streamOf([enc.encode('1\n\n\n2\n3\n')]), { maxBodyBytes: 1000, maxLines: 3 });
    expect(ok).toHaveLength(3);
    const err = await collect(streamOf([enc.encode('1\n2\n3\n4\n')]), { maxBodyBytes: 1000, maxLines: 3 }).catch((e: unknown) => e);
    expect((err as ApiError).status).toBe(413);
    expect((err as ApiError).extensions).toEqual({ max_lines: 3 });
  });

  it('gives, for any chunking, what decoding each line on its own gives (BOMs, CRLF, blank and invalid lines)', async () => {
    // The reference: split the whole body at 0x0A, decode each line by itself.
    const reference = (body: Uint8Array): [number, string | null, string][] => {
      const out: [number, string | null, string][] = [];
      let start = 0;
      for (let n = 1; start <= body.length; n++) {
        let end = body.indexOf(0x0a, start);
        if (end === -1) end = body.length;
        let bytes = body.subarray(start, end);
        start = end + 1;
        if (bytes.length === 0 && start > body.length) break;
        if (bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
        let text: string | null;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          text = null;
        }
        if (text !== null && n === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
        if (text !== null && text.trim() === '') continue;
        out.push([n, text, text ?? new TextDecoder().decode(bytes)]);
      }
      return out;
    };
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
    const pieces = [enc.encode('{"a":"é"}'), enc.encode('\uFEFF{"b":1}'), enc.encode('\uFEFF\uFEFF{"c":"日本"}'), enc.encode('  '), enc.encode('\r'),
      new Uint8Array([0x7b, 0xff, 0x7d]), new Uint8Array([0xe6, 0x97]), enc.encode('{"d":"\\t"}'), new Uint8Array(0), enc.encode('x\ry')];
    for (let round = 0; round < 300; round++) {
      const parts: Uint8Array[] = [];
      const lines = 1 + Math.floor(rand() * 12);
      for (let i = 0; i < lines; i++) {
        parts.push(pieces[Math.floor(rand() * pieces.length)]!);
        if (rand() < 0.3) parts.push(enc.encode('\r'));
        if (i < lines - 1 || rand() < 0.5) parts.push(enc.encode('\n'));
      }
      const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (body.set(p, at), at + p.length), 0);
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < body.length; ) {
        const size = 1 + Math.floor(rand() * (rand() < 0.5 ? 4 : 64));
        chunks.push(body.slice(at, at + size));
        at += size;
      }
      const got = await collect(streamOf(chunks), { maxBodyBytes: 1 << 20, maxLines: 1000 });
      expect(got.map((l) => [l.line, l.text, l.raw]), JSON.stringify([...body])).toEqual(reference(body));
      const batches: BodyLine[][] = [];
      for await (const b of readNdjsonBatches(streamOf(chunks), { maxBodyBytes: 1 << 20, maxLines: 1000 })) batches.push(b);
      expect(batches.every((b) => b.length > 0)).toBe(true);
      expect(batches.flat()).toEqual(got);
    }
  });
});
