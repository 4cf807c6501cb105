import { z } from '@hono/zod-openapi';
import { PlayerProfile, PersonalData } from '@pitboss/core';

/** RFC 9457 problem details. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://pitboss.dev/problems/not-found' }),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem');

export const problemContent = { 'application/problem+json': { schema: ProblemSchema } } as const;

const LineErrorSchema = z
  .object({
    line: z.int().openapi({ description: '1-based line number (NDJSON) or array position (JSON array).' }),
    event_id: z.string().nullable(),
    pointer: z.string().openapi({ description: 'RFC 6901 JSON pointer into the event; empty for the whole line.', example: '/stake_minor' }),
    message: z.string(),
  })
  .openapi('LineError');

const RetryLineSchema = z
  .object({ line: z.int(), event_id: z.string(), message: z.string(), retryable: z.literal(true) })
  .openapi('RetryLine');

export const IngestReportSchema = z
  .object({
    accepted: z.int().openapi({ description: 'Lines newly stored.' }),
    duplicate: z.int().openapi({ description: 'Lines whose event_id was already stored (earlier batch or earlier in this one).' }),
    rejected: z.int().openapi({ description: 'Lines that failed validation; kept in the dead-letter table.' }),
    retryable: z.int().openapi({ description: 'Lines on an unavailable shard; always 0 in a 200 response.' }),
    errors: z.array(LineErrorSchema),
    retry: z.array(RetryLineSchema),
  })
  .openapi('IngestReport');

const features = z.record(z.string(), z.number().nullable()).openapi({ description: 'Feature values by key (see the field registry).' });

export const PlayerSummarySchema = z
  .object({
    player_id: z.string(),
    registered_at: z.string().nullable(),
    country: z.string().nullable(),
    currency: z.string().nullable(),
    brand: z.string().nullable(),
    blocked: z.boolean(),
    self_excluded_until: z.string().nullable().openapi({ description: "End of a self-exclusion (ISO 8601), 'infinity' when indefinite, null when none." }),
    last_event_at: z.string().nullable(),
    features,
  })
  .openapi('PlayerSummary');

export const PlayerDetailSchema = PlayerSummarySchema.extend({
  profile: PlayerProfile,
  personal: PersonalData.nullable(),
  features_computed_at: z.string().nullable(),
  score: z.object({ value: z.number(), band: z.string(), model_version: z.string(), scored_at: z.string() }).nullable(),
  recent_events: z.array(
    z.object({ event_id: z.string(), type: z.string(), occurred_at: z.string(), payload: z.record(z.string(), z.unknown()) }),
  ),
}).openapi('PlayerDetail');

export const PlayerPageSchema = z
  .object({
    items: z.array(PlayerSummarySchema),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .openapi('PlayerPage');

export const PlayerIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'p-000042' }),
});

export const ShardHealthSchema = z
  .object({ database: z.int(), ok: z.boolean(), latency_ms: z.number(), error: z.string().optional() })
  .openapi('ShardHealth');
