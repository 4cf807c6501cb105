import type { ExportQuery, ExportTable, PitbossClient } from '@pitboss/sdk';

/** The part of `PitbossClient` the console loads exports with. */
export type ExportClient = Pick<PitbossClient, 'fetchResponse'>;

/**
 * Downloads `GET /v1/export/{table}` (an Arrow IPC stream) and reports the
 * bytes received as they arrive; resolves to the whole stream.
 *
 * @example
 * const bytes = await downloadExport(client, 'events', {}, (n) => console.log(n, 'bytes'));
 * await analytics.loadArrow('events', bytes, { replace: true });
 */
export async function downloadExport(
  client: ExportClient,
  table: ExportTable,
  query: ExportQuery,
  onProgress: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const res = await client.fetchResponse(`/v1/export/${table}`, {
    ...(signal ? { signal } : {}),
    headers: { accept: 'application/vnd.apache.arrow.stream' },
    query: { from: query.from, to: query.to, segment: query.segment, batch_rows: query.batchRows },
  });
  if (!res.body) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    onProgress(bytes.byteLength);
    return bytes;
  }
  const parts: Uint8Array[] = [];
  let received = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.byteLength;
    onProgress(received);
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
