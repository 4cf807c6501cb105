import { describe, it, expect } from 'vitest';
import { readNdjson } from '../../src/app/body.js';
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
});
