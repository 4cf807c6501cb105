import { z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Event } from '@pitboss/core';
import { requirePermission } from '../auth.js';
import { readAll, readNdjsonBatches } from '../body.js';
import { ApiError } from '../errors.js';
import { ingestCandidates, ndjsonCandidateBatches, valueCandidates } from '../ingest.js';
import type { Candidate, CandidateSource, IngestDeps } from '../ingest.js';
import { PERMISSION_EXTENSION } from '../permissions.js';
import { IngestReportSchema, problemContent } from '../schemas.js';
import type { AppEnv, AppLimits } from '../types.js';

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl']);

/**
 * `POST /v1/events`. The body is read as a stream, never through a JSON
 * validator, so that its size is checked before it is buffered; the route is
 * therefore registered for the OpenAPI document by hand.
 *
 * @example
 * registerEventRoutes(app, { storage, metrics }, config.limits);
 */
export function registerEventRoutes(app: OpenAPIHono<AppEnv>, deps: IngestDeps, limits: AppLimits): void {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/events',
    tags: ['events'],
    summary: 'Ingest events (NDJSON or a JSON array)',
    description: [
      'Each line is validated on its own; valid lines are committed (one transaction per shard) before the response.',
      'Idempotent on `(tenant, event_id)`: a retried batch never duplicates. An `event_id` is tenant-wide: one already used for another player is a rejected line (`pointer: /event_id`), never a second event.',
      'Invalid lines are listed in `errors` and kept in the dead-letter table. A line that is not valid UTF-8 is rejected on its own (NDJSON);',
      'a JSON array that is not valid UTF-8 or not valid JSON fails as a whole with 400.',
      'If a shard is unavailable the response is **503** (problem+json, `retryable: true`, `Retry-After`) carrying the same report under `report`:',
      'lines that need only healthy shards (their player\'s, and the one holding their event id\'s claim) are committed, and re-sending the whole batch is safe.',
      `Limits: ${limits.maxBodyBytes} bytes and ${limits.maxLines} events per request (413).`,
    ].join(' '),
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'events:write',
    request: {
      body: {
        required: true,
        content: {
          'application/x-ndjson': { schema: z.string().openapi({ description: 'One event (JSON object) per line.' }) },
          'application/json': { schema: z.array(Event) },
        },
      },
    },
    responses: {
      200: { description: 'Every valid line committed (accepted or duplicate); rejections listed.', content: { 'application/json': { schema: IngestReportSchema } } },
      400: { description: 'Empty body, or a JSON array that is not valid UTF-8 / JSON.', content: problemContent },
      401: { description: 'Missing or invalid API key.', content: problemContent },
      403: { description: 'Role lacks events:write.', content: problemContent },
      413: { description: 'Body or line count over the limit.', content: problemContent },
      415: { description: 'Content type other than NDJSON or JSON, a charset other than UTF-8, or a content encoding.', content: problemContent },
      503: { description: 'Some lines need an unavailable shard (retryable); the others are committed.', content: problemContent },
    },
  });

  app.post('/v1/events', requirePermission('events:write'), async function postEvents(c) {
    const kind = mediaKind(c.req.header('content-type'), c.req.header('content-encoding'));
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > limits.maxBodyBytes) {
      throw new ApiError('payload-too-large', { detail: `body of ${declared} bytes exceeds ${limits.maxBodyBytes}`, extensions: { max_body_bytes: limits.maxBodyBytes } });
    }
    const body = c.req.raw.body;
    if (!body || declared === 0) throw new ApiError('empty-body', { detail: 'send at least one event' });

    let candidates: CandidateSource;
    if (kind === 'ndjson') {
      candidates = ndjsonCandidateBatches(readNdjsonBatches(body, limits));
    } else {
      candidates = valueCandidates(await parseJsonArray(await readAll(body, limits.maxBodyBytes), limits.maxLines));
    }
    const { tenant } = c.get('principal');
    const report = await ingestCandidates(deps, tenant, nonEmpty(candidates));
    if (report.retryable > 0) {
      throw new ApiError('shard-unavailable', {
        detail: `${report.retryable} line(s) need an unavailable shard; the other lines are committed, re-send the batch`,
        extensions: { retryable: true, report },
        headers: { 'retry-after': '1' },
      });
    }
    return c.json(report, 200);
  });
}

function mediaKind(contentType: string | undefined, contentEncoding: string | undefined): 'ndjson' | 'json' {
  if (contentEncoding && contentEncoding.trim().toLowerCase() !== 'identity') {
    throw new ApiError('unsupported-media-type', { detail: `content-encoding ${contentEncoding} is not supported; send the body uncompressed` });
  }
  if (!contentType) throw new ApiError('unsupported-media-type', { detail: 'missing Content-Type; use application/x-ndjson or application/json' });
  const [type = '', ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ApiError('unsupported-media-type', { detail: `charset ${charset} is not supported; send UTF-8` });
  }
  if (NDJSON_TYPES.has(type)) return 'ndjson';
  if (type === 'application/json') return 'json';
  throw new ApiError('unsupported-media-type', { detail: `content type ${type} is not supported; use application/x-ndjson or application/json` });
}

async function parseJsonArray(bytes: Uint8Array, maxLines: number): Promise<unknown[]> {
  if (bytes.length === 0) throw new ApiError('empty-body', { detail: 'send at least one event' });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new ApiError('invalid-encoding', { detail: 'a JSON body must be UTF-8 (RFC 8259)', cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ApiError('malformed-json', { detail: `${(cause as Error).message}; a JSON body must be an array of events`, cause });
  }
  if (!Array.isArray(value)) throw new ApiError('bad-request', { detail: 'a JSON body must be an array of events; send NDJSON for a stream' });
  if (value.length > maxLines) {
    throw new ApiError('payload-too-large', { detail: `more than ${maxLines} events in one request`, extensions: { max_lines: maxLines } });
  }
  return value;
}

/** Throws 400 when the body holds no event at all (empty, or only blank lines). */
async function* nonEmpty(candidates: CandidateSource): AsyncGenerator<Candidate | readonly Candidate[]> {
  let any = false;
  for await (const c of candidates) {
    if (!Array.isArray(c) || c.length > 0) any = true;
    yield c;
  }
  if (!any) throw new ApiError('empty-body', { detail: 'the body holds no events' });
}
