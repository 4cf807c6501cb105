import type { CountOp, EventProduct, EventType, FieldOp, GuardrailReason, NumberOp, SumColumn } from '@pitboss/core';
import type { PbLocale } from '../shared/format.js';

/**
 * Interface text of `<pb-segment-builder>` in every locale. Field labels come
 * from the core field registry and validation messages from core's segment
 * catalogue; this holds the rest. `{name}` marks a placeholder.
 */
export interface SegmentBuilderMessages {
  builderLabel: string;
  combinator: string;
  all: string;
  any: string;
  not: string;
  notHint: string;
  emptyGroup: string;
  addCondition: string;
  addCount: string;
  addSum: string;
  addGroup: string;
  moveUp: string;
  moveDown: string;
  remove: string;
  negate: string;
  unwrap: string;
  /** Accessible name of a condition's or group's toolbar: `{n}` is its 1-based position. */
  itemActions: string;
  conditionLabel: string;
  groupLabel: string;
  field: string;
  attributes: string;
  features: string;
  operator: string;
  value: string;
  low: string;
  high: string;
  days: string;
  daysSuffix: string;
  listHint: string;
  yes: string;
  no: string;
  chooseValue: string;
  did: string;
  eventType: string;
  countOp: string;
  times: string;
  inLastDays: string;
  sumOf: string;
  sumColumn: string;
  sumOp: string;
  products: string;
  direction: string;
  anyDirection: string;
  status: string;
  method: string;
  amount: string;
  anyAmount: string;
  amountValue: string;
  count: string;
  counting: string;
  countIdle: string;
  countInvalid: string;
  countFailed: string;
  guardrailTitle: string;
  matched: string;
  removed: string;
  /** `{band}` is the lowest band removed. */
  riskBandAtOrAbove: string;
  fieldOps: Readonly<Record<FieldOp, string>>;
  numberOps: Readonly<Record<NumberOp, string>>;
  countOps: Readonly<Record<CountOp, string>>;
  sumColumns: Readonly<Record<SumColumn, string>>;
  products_: Readonly<Record<EventProduct, string>>;
  eventTypes: Readonly<Record<EventType, string>>;
  reasons: Readonly<Record<GuardrailReason, string>>;
}

const en: SegmentBuilderMessages = {
  builderLabel: 'Segment',
  combinator: 'Combine conditions',
  all: 'All of',
  any: 'Any of',
  not: 'Not',
  notHint: 'Players for whom this does not hold',
  emptyGroup: 'No conditions yet',
  addCondition: 'Add condition',
  addCount: 'Add event count',
  addSum: 'Add event sum',
  addGroup: 'Add group',
  moveUp: 'Move up',
  moveDown: 'Move down',
  remove: 'Remove',
  negate: 'Negate',
  unwrap: 'Remove negation',
  itemActions: 'Actions for item {n}',
  conditionLabel: 'Condition {n}',
  groupLabel: 'Group {n}',
  field: 'Field',
  attributes: 'Player attributes',
  features: 'Features',
  operator: 'Operator',
  value: 'Value',
  low: 'From',
  high: 'To',
  days: 'Days',
  daysSuffix: 'days',
  listHint: 'separate values with commas',
  yes: 'Yes',
  no: 'No',
  chooseValue: 'Choose…',
  did: 'Did',
  eventType: 'Event type',
  countOp: 'How often',
  times: 'Times',
  inLastDays: 'In the last (days)',
  sumOf: 'Sum of',
  sumColumn: 'Amount summed',
  sumOp: 'Comparison',
  products: 'Products',
  direction: 'Direction',
  anyDirection: 'Any direction',
  status: 'Status',
  method: 'Method',
  amount: 'Amount filter',
  anyAmount: 'Any amount',
  amountValue: 'Amount',
  count: 'Matching players: {count}',
  counting: 'Counting…',
  countIdle: 'No count yet',
  countInvalid: 'Fix the marked conditions to see the count',
  countFailed: 'The count failed: {message}',
  guardrailTitle: 'Removed by the marketing guardrail',
  matched: 'Matched before the guardrail: {count}',
  removed: 'Removed: {count}',
  riskBandAtOrAbove: 'Risk band {band} or above',
  fieldOps: {
    eq: 'is', neq: 'is not', lt: 'less than', lte: 'at most', gt: 'greater than', gte: 'at least', between: 'between',
    in: 'is one of', not_in: 'is none of', is_null: 'is empty', is_not_null: 'is not empty', contains: 'contains',
    starts_with: 'starts with', within_last_days: 'within the last (days)', more_than_days_ago: 'more than (days) ago',
  },
  numberOps: { eq: 'equal to', neq: 'not equal to', lt: 'less than', lte: 'at most', gt: 'greater than', gte: 'at least', between: 'between' },
  countOps: { at_least: 'at least', at_most: 'at most' },
  sumColumns: { amount_minor: 'amount', win_minor: 'winnings', bonus_minor: 'bonus amount' },
  products_: { sportsbook: 'Sportsbook', casino: 'Casino', live_casino: 'Live casino' },
  eventTypes: {
    'player.updated': 'Profile update', 'bet.placed': 'Bet placed', 'bet.settled': 'Bet settled', 'casino.round': 'Casino round',
    payment: 'Payment', 'session.started': 'Session start', 'session.ended': 'Session end', 'limit.changed': 'Limit change',
    'exclusion.started': 'Exclusion start', 'rg.interaction': 'RG interaction', 'bonus.granted': 'Bonus granted',
    'bonus.wagered': 'Bonus wagered', 'bonus.forfeited': 'Bonus forfeited',
  },
  reasons: { self_excluded: 'Self-excluded', blocked: 'Blocked', timed_out: 'Timed out', high_risk: 'Risk band' },
};

const ptBR: SegmentBuilderMessages = {
  builderLabel: 'Segmento',
  combinator: 'Combinar condições',
  all: 'Todas de',
  any: 'Qualquer de',
  not: 'Não',
  notHint: 'Jogadores para quem isto não vale',
  emptyGroup: 'Nenhuma condição ainda',
  addCondition: 'Adicionar condição',
  addCount: 'Adicionar contagem de eventos',
  addSum: 'Adicionar soma de eventos',
  addGroup: 'Adicionar grupo',
  moveUp: 'Mover para cima',
  moveDown: 'Mover para baixo',
  remove: 'Remover',
  negate: 'Negar',
  unwrap: 'Remover negação',
  itemActions: 'Ações do item {n}',
  conditionLabel: 'Condição {n}',
  groupLabel: 'Grupo {n}',
  field: 'Campo',
  attributes: 'Atributos do jogador',
  features: 'Indicadores',
  operator: 'Operador',
  value: 'Valor',
  low: 'De',
  high: 'Até',
  days: 'Dias',
  daysSuffix: 'dias',
  listHint: 'separe os valores com vírgulas',
  yes: 'Sim',
  no: 'Não',
  chooseValue: 'Escolha…',
  did: 'Fez',
  eventType: 'Tipo de evento',
  countOp: 'Com que frequência',
  times: 'Vezes',
  inLastDays: 'Nos últimos (dias)',
  sumOf: 'Soma de',
  sumColumn: 'Valor somado',
  sumOp: 'Comparação',
  products: 'Produtos',
  direction: 'Direção',
  anyDirection: 'Qualquer direção',
  status: 'Status',
  method: 'Método',
  amount: 'Filtro de valor',
  anyAmount: 'Qualquer valor',
  amountValue: 'Valor',
  count: 'Jogadores encontrados: {count}',
  counting: 'Contando…',
  countIdle: 'Ainda sem contagem',
  countInvalid: 'Corrija as condições marcadas para ver a contagem',
  countFailed: 'A contagem falhou: {message}',
  guardrailTitle: 'Removidos pela proteção de marketing',
  matched: 'Encontrados antes da proteção: {count}',
  removed: 'Removidos: {count}',
  riskBandAtOrAbove: 'Faixa de risco {band} ou acima',
  fieldOps: {
    eq: 'é', neq: 'não é', lt: 'menor que', lte: 'no máximo', gt: 'maior que', gte: 'no mínimo', between: 'entre',
    in: 'é um de', not_in: 'não é nenhum de', is_null: 'está vazio', is_not_null: 'não está vazio', contains: 'contém',
    starts_with: 'começa com', within_last_days: 'nos últimos (dias)', more_than_days_ago: 'há mais de (dias)',
  },
  numberOps: { eq: 'igual a', neq: 'diferente de', lt: 'menor que', lte: 'no máximo', gt: 'maior que', gte: 'no mínimo', between: 'entre' },
  countOps: { at_least: 'pelo menos', at_most: 'no máximo' },
  sumColumns: { amount_minor: 'valor', win_minor: 'ganhos', bonus_minor: 'valor de bônus' },
  products_: { sportsbook: 'Apostas esportivas', casino: 'Cassino', live_casino: 'Cassino ao vivo' },
  eventTypes: {
    'player.updated': 'Atualização de perfil', 'bet.placed': 'Aposta feita', 'bet.settled': 'Aposta liquidada', 'casino.round': 'Rodada de cassino',
    payment: 'Pagamento', 'session.started': 'Início de sessão', 'session.ended': 'Fim de sessão', 'limit.changed': 'Mudança de limite',
    'exclusion.started': 'Início de exclusão', 'rg.interaction': 'Interação de jogo responsável', 'bonus.granted': 'Bônus concedido',
    'bonus.wagered': 'Bônus apostado', 'bonus.forfeited': 'Bônus perdido',
  },
  reasons: { self_excluded: 'Autoexcluídos', blocked: 'Bloqueados', timed_out: 'Em pausa', high_risk: 'Faixa de risco' },
};

const es: SegmentBuilderMessages = {
  builderLabel: 'Segmento',
  combinator: 'Combinar condiciones',
  all: 'Todas de',
  any: 'Cualquiera de',
  not: 'No',
  notHint: 'Jugadores para quienes esto no se cumple',
  emptyGroup: 'Aún no hay condiciones',
  addCondition: 'Añadir condición',
  addCount: 'Añadir recuento de eventos',
  addSum: 'Añadir suma de eventos',
  addGroup: 'Añadir grupo',
  moveUp: 'Subir',
  moveDown: 'Bajar',
  remove: 'Eliminar',
  negate: 'Negar',
  unwrap: 'Quitar negación',
  itemActions: 'Acciones del elemento {n}',
  conditionLabel: 'Condición {n}',
  groupLabel: 'Grupo {n}',
  field: 'Campo',
  attributes: 'Atributos del jugador',
  features: 'Indicadores',
  operator: 'Operador',
  value: 'Valor',
  low: 'Desde',
  high: 'Hasta',
  days: 'Días',
  daysSuffix: 'días',
  listHint: 'separe los valores con comas',
  yes: 'Sí',
  no: 'No',
  chooseValue: 'Elija…',
  did: 'Hizo',
  eventType: 'Tipo de evento',
  countOp: 'Con qué frecuencia',
  times: 'Veces',
  inLastDays: 'En los últimos (días)',
  sumOf: 'Suma de',
  sumColumn: 'Importe sumado',
  sumOp: 'Comparación',
  products: 'Productos',
  direction: 'Dirección',
  anyDirection: 'Cualquier dirección',
  status: 'Estado',
  method: 'Método',
  amount: 'Filtro de importe',
  anyAmount: 'Cualquier importe',
  amountValue: 'Importe',
  count: 'Jugadores encontrados: {count}',
  counting: 'Contando…',
  countIdle: 'Aún sin recuento',
  countInvalid: 'Corrija las condiciones marcadas para ver el recuento',
  countFailed: 'El recuento falló: {message}',
  guardrailTitle: 'Eliminados por la protección de marketing',
  matched: 'Encontrados antes de la protección: {count}',
  removed: 'Eliminados: {count}',
  riskBandAtOrAbove: 'Nivel de riesgo {band} o superior',
  fieldOps: {
    eq: 'es', neq: 'no es', lt: 'menor que', lte: 'como máximo', gt: 'mayor que', gte: 'como mínimo', between: 'entre',
    in: 'es uno de', not_in: 'no es ninguno de', is_null: 'está vacío', is_not_null: 'no está vacío', contains: 'contiene',
    starts_with: 'empieza por', within_last_days: 'en los últimos (días)', more_than_days_ago: 'hace más de (días)',
  },
  numberOps: { eq: 'igual a', neq: 'distinto de', lt: 'menor que', lte: 'como máximo', gt: 'mayor que', gte: 'como mínimo', between: 'entre' },
  countOps: { at_least: 'al menos', at_most: 'como máximo' },
  sumColumns: { amount_minor: 'importe', win_minor: 'ganancias', bonus_minor: 'importe de bono' },
  products_: { sportsbook: 'Apuestas deportivas', casino: 'Casino', live_casino: 'Casino en vivo' },
  eventTypes: {
    'player.updated': 'Actualización de perfil', 'bet.placed': 'Apuesta realizada', 'bet.settled': 'Apuesta liquidada', 'casino.round': 'Ronda de casino',
    payment: 'Pago', 'session.started': 'Inicio de sesión', 'session.ended': 'Fin de sesión', 'limit.changed': 'Cambio de límite',
    'exclusion.started': 'Inicio de exclusión', 'rg.interaction': 'Interacción de juego responsable', 'bonus.granted': 'Bono concedido',
    'bonus.wagered': 'Bono apostado', 'bonus.forfeited': 'Bono perdido',
  },
  reasons: { self_excluded: 'Autoexcluidos', blocked: 'Bloqueados', timed_out: 'En pausa', high_risk: 'Nivel de riesgo' },
};

const MESSAGES: Readonly<Record<PbLocale, SegmentBuilderMessages>> = { en, 'pt-BR': ptBR, es };

/** The builder's interface text for a locale. */
export function segmentBuilderMessages(locale: PbLocale): SegmentBuilderMessages {
  return MESSAGES[locale];
}

/**
 * Fills `{name}` placeholders.
 *
 * @example fill('Condition {n}', { n: 2 }) // 'Condition 2'
 */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
