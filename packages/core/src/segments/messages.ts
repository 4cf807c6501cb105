/**
 * The messages of segment validation, in every locale Pitboss speaks. Each
 * issue carries a stable `code` and its `params`; the text is rendered from
 * this catalogue, so a missing translation is a type error.
 */
import type { Locale } from '../field-registry.js';

/** The UI locales of the field registry. */
export type SegmentLocale = Locale;

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

type Catalogue = { readonly [C in SegmentIssueCode]: (p: SegmentIssueParams[C]) => string };

const en: Catalogue = {
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

const ptBR: Catalogue = {
  expected_object: () => 'esperava um objeto',
  expected_group: () => 'esperava um grupo: um objeto com "all", "any" ou "not"',
  expected_node: () => 'esperava um grupo ("all", "any", "not") ou uma condição ("field", "did" ou "sum")',
  ambiguous_node: (p) => `um nó tem exatamente um de "all", "any", "not", "field", "did", "sum"; encontrado ${p.keys}`,
  unknown_key: (p) => `chave desconhecida "${p.key}"`,
  expected_list: () => 'esperava uma lista',
  empty_list: () => 'esperava pelo menos um item',
  list_too_long: (p) => `no máximo ${p.max} itens`,
  too_deep: (p) => `grupos aninham no máximo ${p.max} níveis`,
  too_many_conditions: (p) => `um segmento tem no máximo ${p.max} condições`,
  unknown_field: (p) => `campo desconhecido "${p.field}"`,
  unknown_op: (p) => `operador desconhecido "${p.op}"; esperava um de ${p.allowed}`,
  op_not_for_type: (p) => `o operador "${p.op}" não se aplica a um campo ${p.type}; esperava um de ${p.allowed}`,
  expected_number: () => 'esperava um número',
  expected_integer: () => 'esperava um número inteiro',
  expected_string: () => 'esperava um texto',
  expected_boolean: () => 'esperava true ou false',
  expected_timestamp: () => 'esperava uma data (AAAA-MM-DD) ou um carimbo ISO 8601 com Z ou deslocamento',
  expected_one_of: (p) => `esperava um de ${p.values}`,
  expected_pair: () => 'esperava um par [mínimo, máximo]',
  pair_order: () => 'o mínimo não pode ser maior que o máximo',
  string_too_long: (p) => `no máximo ${p.max} caracteres`,
  out_of_range: (p) => `esperava um valor de ${p.min} a ${p.max}`,
  unexpected_value: (p) => `o operador "${p.op}" não recebe valor`,
  missing: () => 'obrigatório',
};

const es: Catalogue = {
  expected_object: () => 'se esperaba un objeto',
  expected_group: () => 'se esperaba un grupo: un objeto con "all", "any" o "not"',
  expected_node: () => 'se esperaba un grupo ("all", "any", "not") o una condición ("field", "did" o "sum")',
  ambiguous_node: (p) => `un nodo tiene exactamente uno de "all", "any", "not", "field", "did", "sum"; se encontró ${p.keys}`,
  unknown_key: (p) => `clave desconocida "${p.key}"`,
  expected_list: () => 'se esperaba una lista',
  empty_list: () => 'se esperaba al menos un elemento',
  list_too_long: (p) => `como máximo ${p.max} elementos`,
  too_deep: (p) => `los grupos se anidan como máximo ${p.max} niveles`,
  too_many_conditions: (p) => `un segmento tiene como máximo ${p.max} condiciones`,
  unknown_field: (p) => `campo desconocido "${p.field}"`,
  unknown_op: (p) => `operador desconocido "${p.op}"; se esperaba uno de ${p.allowed}`,
  op_not_for_type: (p) => `el operador "${p.op}" no se aplica a un campo ${p.type}; se esperaba uno de ${p.allowed}`,
  expected_number: () => 'se esperaba un número',
  expected_integer: () => 'se esperaba un número entero',
  expected_string: () => 'se esperaba un texto',
  expected_boolean: () => 'se esperaba true o false',
  expected_timestamp: () => 'se esperaba una fecha (AAAA-MM-DD) o una marca ISO 8601 con Z o desfase',
  expected_one_of: (p) => `se esperaba uno de ${p.values}`,
  expected_pair: () => 'se esperaba un par [mínimo, máximo]',
  pair_order: () => 'el mínimo no puede ser mayor que el máximo',
  string_too_long: (p) => `como máximo ${p.max} caracteres`,
  out_of_range: (p) => `se esperaba un valor de ${p.min} a ${p.max}`,
  unexpected_value: (p) => `el operador "${p.op}" no lleva valor`,
  missing: () => 'obligatorio',
};

const CATALOGUES: { readonly [L in SegmentLocale]: Catalogue } = { en, 'pt-BR': ptBR, es };

/**
 * The text of one issue code in one locale.
 *
 * @example
 * segmentMessage('es', 'expected_number', {}) // 'se esperaba un número'
 */
export function segmentMessage<C extends SegmentIssueCode>(locale: SegmentLocale, code: C, params: SegmentIssueParams[C]): string {
  const render = CATALOGUES[locale][code] as (p: SegmentIssueParams[C]) => string;
  return render(params);
}
