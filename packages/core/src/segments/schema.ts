import { z } from 'zod';
import { EVENT_TYPES } from '../event-types.js';
import { COUNT_OPS, EVENT_PRODUCTS, FIELD_OPS, NUMBER_OPS, SEGMENT_LIMITS, SUM_COLUMNS } from './ast.js';
import type { Segment, SegmentNode } from './ast.js';

/**
 * zod shapes of the segment AST (`ast.ts`), for request schemas and OpenAPI.
 * Kept apart from the AST so that browser code using only the AST's constants
 * and types does not bundle zod.
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const numberValue = z.union([z.number(), z.tuple([z.number(), z.number()])]);

/** zod shape of `EventMatch`, for OpenAPI; `validateSegment` does the full check with located, translated issues. */
export const EventMatchSchema = z.strictObject({
  type: z.enum(EVENT_TYPES),
  product: z.array(z.enum(EVENT_PRODUCTS)).min(1).optional(),
  direction: z.string().min(1).max(SEGMENT_LIMITS.maxStringLength).optional(),
  status: z.array(z.string().min(1).max(SEGMENT_LIMITS.maxStringLength)).min(1).optional(),
  method: z.array(z.string().min(1).max(SEGMENT_LIMITS.maxStringLength)).min(1).optional(),
  amount: z.strictObject({ op: z.enum(NUMBER_OPS), value: numberValue }).optional(),
});

export const FieldConditionSchema = z.strictObject({
  field: z.string().min(1),
  op: z.enum(FIELD_OPS),
  value: z.union([scalar, z.array(scalar)]).optional(),
});

export const EventCountConditionSchema = z.strictObject({
  did: EventMatchSchema,
  op: z.enum(COUNT_OPS),
  times: z.int().min(0).max(SEGMENT_LIMITS.maxTimes),
  days: z.int().min(1).max(SEGMENT_LIMITS.maxDays),
});

export const EventSumConditionSchema = z.strictObject({
  sum: z.enum(SUM_COLUMNS),
  of: EventMatchSchema,
  op: z.enum(NUMBER_OPS),
  value: numberValue,
  days: z.int().min(1).max(SEGMENT_LIMITS.maxDays),
});

/** zod shape of a node (group or condition), recursive. */
export const SegmentNodeSchema: z.ZodType<SegmentNode> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(SegmentNodeSchema) }),
    z.strictObject({ any: z.array(SegmentNodeSchema) }),
    z.strictObject({ not: SegmentNodeSchema }),
    FieldConditionSchema,
    EventCountConditionSchema,
    EventSumConditionSchema,
  ]),
);

/**
 * zod shape of a segment, for request schemas and OpenAPI. It checks structure
 * only; fields, operators per type and values are checked by `validateSegment`.
 *
 * @example
 * SegmentSchema.safeParse({ marketing: true, all: [{ field: 'country', op: 'eq', value: 'BR' }] }).success // true
 */
export const SegmentSchema: z.ZodType<Segment> = z.union([
  z.strictObject({ marketing: z.boolean().optional(), all: z.array(SegmentNodeSchema) }),
  z.strictObject({ marketing: z.boolean().optional(), any: z.array(SegmentNodeSchema) }),
  z.strictObject({ marketing: z.boolean().optional(), not: SegmentNodeSchema }),
]);
