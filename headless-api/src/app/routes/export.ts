import { z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  AsyncByteQueue, Bool, Field, Float64, Int32, Int64, RecordBatch, RecordBatchStreamWriter, Schema, Struct, TimeUnit, Timestamp, Utf8, makeData,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import type { Segment } from '@pitboss/core';
import { requirePermission } from '../auth.js';
import { ApiError } from '../errors.js';
import { PERMISSION_EXTENSION, ROLE_PERMISSIONS } from '../permissions.js';
import type { Role } from '../permissions.js';
import { problemContent } from '../schemas.js';
import type { AppEnv } from '../types.js';
import { EXPORT_TABLES, exportColumns } from '../../storage/export.js';
import type { ExportColumn, ExportKind, ExportPage, ExportQuery, ExportTable } from '../../storage/export.js';
import type { Row } from '../../storage/pool.js';

/** Media type of the Arrow IPC stream format. */
export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/** What the export routes need from storage. */
export interface ExportApiStorage {
  exportPages(tenant: string, table: ExportTable, query: ExportQuery): AsyncGenerator<ExportPage>;
  /** Saved segments, for `?segment=<id>`; without it the filter answers 404. */
  segments?: { get(tenant: string, id: string): Promise<{ segment: Segment } | null> };
}

/**
 * Whether a storage can serve exports.
 *
 * @example
 * if (hasExportStorage(storage)) registerExportRoutes(app, storage);
 */
export function hasExportStorage(storage: object): storage is ExportApiStorage {
  return typeof (storage as { exportPages?: unknown }).exportPages === 'function';
}

const ARROW_TYPES: Record<ExportKind, () => DataType> = {
  text: () => new Utf8(),
  time: () => new Timestamp(TimeUnit.MILLISECOND, 'UTC'),
  int64: () => new Int64(),
  int32: () => new Int32(),
  float64: () => new Float64(),
  bool: () => new Bool(),
};

/**
 * The Arrow schema of an exported table: timestamps as Timestamp(ms, UTC),
 * money (minor units) as Int64, flags as Bool, text as Utf8, every column
 * nullable.
 *
 * @example
 * arrowSchema('events').fields.find((f) => f.name === 'occurred_at')?.type.toString(); // 'Timestamp<MILLISECOND, UTC>'
 */
export function arrowSchema(table: ExportTable): Schema {
  return new Schema(exportColumns(table).map((c) => new Field(c.name, ARROW_TYPES[c.kind](), true)));
}

const utf8 = new TextEncoder();

/** Validity bitmap (LSB first) and null count of a column; no bitmap when nothing is null. */
function validity(values: readonly unknown[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { nullBitmap: nullCount === 0 ? undefined : bitmap, nullCount };
}

/**
 * One column of a page as Arrow data, written straight into its buffers:
 * apache-arrow's generic builders (`vectorFromArray`) dispatch per value and
 * made encoding, not the databases, the bottleneck of an export.
 */
function columnData(rows: readonly Row[], column: ExportColumn, type: DataType): Data {
  const n = rows.length;
  const values = new Array<unknown>(n);
  for (let i = 0; i < n; i++) values[i] = rows[i]![column.name];
  const { nullBitmap, nullCount } = validity(values);
  const base = { type, length: n, nullCount, ...(nullBitmap ? { nullBitmap } : {}) };
  switch (column.kind) {
    case 'text': {
      const valueOffsets = new Int32Array(n + 1);
      let capacity = 0;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== null && v !== undefined) capacity += String(v).length * 3;
      }
      // encodeInto writes each string in place: one buffer per column instead of one allocation per value.
      const buffer = new Uint8Array(capacity);
      let size = 0;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== null && v !== undefined) size += utf8.encodeInto(String(v), buffer.subarray(size)).written;
        valueOffsets[i + 1] = size;
      }
      return makeData({ ...base, type: type as Utf8, valueOffsets, data: buffer.subarray(0, size) });
    }
    case 'int64':
    case 'time': {
      const data = new BigInt64Array(n);
      // Minor units arrive as text (int8 → text in SQL) so that no driver rounds them through a double; times as whole epoch ms.
      for (let i = 0; i < n; i++) if (values[i] !== null && values[i] !== undefined) data[i] = BigInt(values[i] as string | number);
      return makeData({ ...base, type: type as Int64, data });
    }
    case 'int32': {
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) if (values[i] !== null && values[i] !== undefined) data[i] = Number(values[i]);
      return makeData({ ...base, type: type as Int32, data });
    }
    case 'float64': {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) if (values[i] !== null && values[i] !== undefined) data[i] = Number(values[i]);
      return makeData({ ...base, type: type as Float64, data });
    }
    case 'bool': {
      const data = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (values[i] === true) data[i >> 3]! |= 1 << (i & 7);
      return makeData({ ...base, type: type as Bool, data });
    }
  }
}

function recordBatch(schema: Schema, columns: readonly ExportColumn[], rows: readonly Row[]): RecordBatch {
  const children = columns.map((c, i) => columnData(rows, c, schema.fields[i]!.type as DataType));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

/** Collects what the Arrow writer emits so each batch's bytes can be handed on as soon as it is written. */
class ChunkSink extends AsyncByteQueue {
  chunks: Uint8Array[] = [];
  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.chunks.push(value);
  }
  take(): Uint8Array {
    const chunks = this.chunks;
    this.chunks = [];
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }
}

/**
 * An Arrow IPC stream (schema, one record batch per page, end-of-stream
 * marker) over pages of rows. Pull-based: the next page is read only when
 * the consumer wants more bytes, so memory holds one page whatever the
 * table's size. An empty table still gives a valid stream (schema only).
 *
 * @example
 * const body = arrowStream('events', storage.exportPages('acme', 'events', { maskPersonal: true }));
 * const table = tableFromIPC(new Uint8Array(await new Response(body).arrayBuffer()));
 */
export function arrowStream(table: ExportTable, pages: AsyncGenerator<ExportPage>, onError?: (error: unknown) => void): ReadableStream<Uint8Array> {
  const schema = arrowSchema(table);
  const columns = exportColumns(table);
  const sink = new ChunkSink();
  const writer = new RecordBatchStreamWriter();
  writer.reset(sink, schema);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await pages.next();
          if (next.done) {
            writer.finish();
            controller.enqueue(sink.take());
            controller.close();
            return;
          }
          writer.write(recordBatch(schema, columns, next.value.rows));
          controller.enqueue(sink.take());
        } catch (error) {
          // Headers are out: the client sees a stream without its end-of-stream marker, which Arrow readers report as truncated.
          onError?.(error);
          controller.error(error);
        }
      },
      async cancel() {
        await pages.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

/** Whether a role sees name, email, phone and IP (`personal:read`, see permissions.ts); everyone else gets them as nulls. */
function seesPersonalData(role: Role): boolean {
  return (ROLE_PERMISSIONS[role] as readonly string[]).includes('personal:read');
}

const Instant = z.string().datetime({ offset: true });
const ExportQuerySchema = z.object({
  from: Instant.optional().openapi({ description: 'Inclusive lower bound of the time column (events: occurred_at; players: last_event_at; features: computed_at).' }),
  to: Instant.optional().openapi({ description: 'Exclusive upper bound of the same column.' }),
  segment: z.string().min(1).max(128).optional().openapi({ description: 'Id of a saved segment: only its members (players and features; no guardrail, this is analysis, not a campaign list).' }),
  batch_rows: z.coerce.number().int().min(100).max(50_000).default(5000).openapi({ description: 'Rows per Arrow record batch (and per database read).' }),
});

function parseQuery(raw: Record<string, string>): z.infer<typeof ExportQuerySchema> {
  const result = ExportQuerySchema.safeParse(raw);
  if (!result.success) {
    throw new ApiError('validation-failed', {
      detail: 'invalid query',
      extensions: { errors: result.error.issues.map((i) => ({ in: 'query', pointer: '/' + i.path.join('/'), message: i.message })) },
    });
  }
  return result.data;
}

/**
 * `GET /v1/export/{players|events|features}`: the tenant's rows as an Arrow
 * IPC stream (`application/vnd.apache.arrow.stream`), read database by
 * database in keyset pages and written one record batch per page, in bounded
 * memory. Personal columns (`first_name`, `last_name`, `email`, `phone` of
 * players; `ip` of events) stay in the schema but are null for a role without
 * `personal:read` (analysts): the values never leave the database.
 *
 * @example
 * if (hasExportStorage(storage)) registerExportRoutes(app, storage);
 * // curl -H 'authorization: Bearer …' '/v1/export/events?from=2026-01-01T00:00:00Z' | duckdb -c "SELECT count(*) FROM read_arrow('/dev/stdin')"
 */
export function registerExportRoutes(app: OpenAPIHono<AppEnv>, storage: ExportApiStorage): void {
  for (const table of EXPORT_TABLES) {
    app.openAPIRegistry.registerPath({
      method: 'get',
      path: `/v1/export/${table}`,
      tags: ['export'],
      summary: `Export ${table} as an Arrow IPC stream`,
      description: [
        `Columns: ${exportColumns(table).map((c) => `\`${c.name}\` (${ARROW_TYPES[c.kind]().toString()})`).join(', ')}.`,
        'Timestamps are UTC milliseconds; money is in minor units (Int64). Rows are not sorted across shards.',
        'Personal columns are null for a caller without personal data rights (analysts).',
        'An error after the first bytes ends the stream without its end-of-stream marker.',
      ].join(' '),
      security: [{ bearer: [] }],
      [PERMISSION_EXTENSION]: 'players:read',
      request: { query: ExportQuerySchema },
      responses: {
        200: { description: 'Arrow IPC stream format.', content: { [ARROW_STREAM]: { schema: z.string().openapi({ format: 'binary' }) } } },
        400: { description: 'Invalid query (time range, batch size, segment on events).', content: problemContent },
        401: { description: 'Missing or invalid credentials.', content: problemContent },
        403: { description: 'Role lacks players:read.', content: problemContent },
        404: { description: 'No saved segment with that id.', content: problemContent },
      },
    });

    app.get(`/v1/export/${table}`, requirePermission('players:read'), async function exportTable(c) {
      const q = parseQuery(c.req.query());
      const { tenant, role } = c.get('principal');
      let segment: Segment | undefined;
      if (q.segment !== undefined) {
        if (table === 'events') throw new ApiError('bad-request', { detail: 'a segment filter applies to players and features' });
        const saved = storage.segments ? await storage.segments.get(tenant, q.segment) : null;
        if (!saved) throw new ApiError('not-found', { detail: `no segment ${JSON.stringify(q.segment)}` });
        segment = saved.segment;
      }
      const from = q.from === undefined ? undefined : new Date(q.from);
      const to = q.to === undefined ? undefined : new Date(q.to);
      if (from && to && from >= to) throw new ApiError('bad-request', { detail: 'from must be before to' });
      const pages = storage.exportPages(tenant, table, {
        maskPersonal: !seesPersonalData(role), pageSize: q.batch_rows,
        ...(from ? { from } : {}), ...(to ? { to } : {}), ...(segment ? { segment } : {}),
      });
      // The first page is read before answering, so a query error is still a problem+json response and not a cut stream.
      const first = await pages.next();
      const logger = c.get('logger');
      const requestId = c.get('requestId');
      const body = arrowStream(table, prepend(first, pages), (error) => {
        logger.error('arrow export failed mid-stream', { request_id: requestId, table, error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
      });
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': ARROW_STREAM,
          'content-disposition': `attachment; filename="${table}.arrows"`,
          'cache-control': 'no-store',
          'x-request-id': requestId,
        },
      });
    });
  }
}

async function* prepend(first: IteratorResult<ExportPage>, rest: AsyncGenerator<ExportPage>): AsyncGenerator<ExportPage> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}
