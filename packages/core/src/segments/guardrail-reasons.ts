/**
 * The reasons the marketing guardrail removes a player for, in report order.
 * A module of its own so that code which only names the reasons (the segment
 * builder's summary) does not pull in the guardrail's SQL compiler.
 *
 * @example
 * GUARDRAIL_REASONS.includes('blocked') // true
 */
export const GUARDRAIL_REASONS = ['self_excluded', 'blocked', 'timed_out', 'high_risk'] as const;
export type GuardrailReason = (typeof GUARDRAIL_REASONS)[number];
