/**
 * The vocabulary of segment validation issues: each code with its parameters,
 * and the English text. Each locale's text is a `SegmentCatalogue`, so a
 * missing translation is a type error; `messages.ts` puts the three together.
 */

/** Parameters of each issue code. */
export interface SegmentIssueParams {
  expected_object: Record<string, never>;
  expected_group: Record<string, never>;
  expected_node: Record<string, never>;
  ambiguous_node: { keys: string };
  unknown_key: { key: string };
  expected_list: Record<string, never>;
  empty_list: Record<string, never>;
  list_too_long: { max: number };
  too_deep: { max: number };
  too_many_conditions: { max: number };
  unknown_field: { field: string };
  unknown_op: { op: string; allowed: string };
  op_not_for_type: { op: string; type: string; allowed: string };
  expected_number: Record<string, never>;
  expected_integer: Record<string, never>;
  expected_string: Record<string, never>;
  expected_boolean: Record<string, never>;
  expected_timestamp: Record<string, never>;
  expected_one_of: { values: string };
  expected_pair: Record<string, never>;
  pair_order: Record<string, never>;
  string_too_long: { max: number };
  out_of_range: { min: number; max: number };
  unexpected_value: { op: string };
  missing: Record<string, never>;
}

export type SegmentIssueCode = keyof SegmentIssueParams;

/** The text of every issue code in one locale. */
export type SegmentCatalogue = { readonly [C in SegmentIssueCode]: (p: SegmentIssueParams[C]) => string };

/** English issue text. */
export const SEGMENT_MESSAGES_EN: SegmentCatalogue = {
  expected_object: () => 'expected an object',
  expected_group: () => 'expected a group: an object with "all", "any" or "not"',
  expected_node: () => 'expected a group ("all", "any", "not") or a condition ("field", "did" or "sum")',
  ambiguous_node: (p) => `a node has exactly one of "all", "any", "not", "field", "did", "sum"; found ${p.keys}`,
  unknown_key: (p) => `unknown key "${p.key}"`,
  expected_list: () => 'expected a list',
  empty_list: () => 'expected at least one item',
  list_too_long: (p) => `at most ${p.max} items`,
  too_deep: (p) => `groups nest at most ${p.max} deep`,
  too_many_conditions: (p) => `a segment has at most ${p.max} conditions`,
  unknown_field: (p) => `unknown field "${p.field}"`,
  unknown_op: (p) => `unknown operator "${p.op}"; expected one of ${p.allowed}`,
  op_not_for_type: (p) => `operator "${p.op}" does not apply to a ${p.type} field; expected one of ${p.allowed}`,
  expected_number: () => 'expected a number',
  expected_integer: () => 'expected a whole number',
  expected_string: () => 'expected a text',
  expected_boolean: () => 'expected true or false',
  expected_timestamp: () => 'expected a date (YYYY-MM-DD) or an ISO 8601 timestamp with Z or an offset',
  expected_one_of: (p) => `expected one of ${p.values}`,
  expected_pair: () => 'expected a pair [low, high]',
  pair_order: () => 'low must not be greater than high',
  string_too_long: (p) => `at most ${p.max} characters`,
  out_of_range: (p) => `expected a value from ${p.min} to ${p.max}`,
  unexpected_value: (p) => `operator "${p.op}" takes no value`,
  missing: () => 'required',
};
