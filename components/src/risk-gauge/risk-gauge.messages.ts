import type { RiskBand, UkgcCategory } from '@pitboss/core';
import type { PbLocale } from '../shared/format.js';

/** Interface text of `<pb-risk-gauge>`. */
export interface RiskGaugeMessages {
  /** Accessible name of the meter. */
  label: string;
  /** `aria-valuetext`: `{score}` and `{band}`. */
  valueText: string;
  /** `aria-valuetext` without a band: `{score}`. */
  valueTextNoBand: string;
  bands: Record<RiskBand, string>;
  categories: Record<UkgcCategory, string>;
  reasons: string;
  /** `{version}` */
  model: string;
  /** `{date}` */
  scoredAt: string;
  noScore: string;
  loading: string;
  error: string;
  retry: string;
}

const MESSAGES: Record<PbLocale, RiskGaugeMessages> = {
  en: {
    label: 'Risk score',
    valueText: '{score} of 100, {band}',
    valueTextNoBand: '{score} of 100',
    bands: { none: 'No risk', low: 'Low risk', medium: 'Medium risk', high: 'High risk', very_high: 'Very high risk' },
    categories: {
      spend: 'Spend', patterns_of_spend: 'Patterns of spend', time: 'Time', gambling_behaviour: 'Gambling behaviour',
      customer_led_contact: 'Customer-led contact', gambling_management_tools: 'Gambling management tools', account_indicators: 'Account indicators',
    },
    reasons: 'Top reasons',
    model: 'Model {version}',
    scoredAt: 'Scored {date}',
    noScore: 'Not scored yet',
    loading: 'Loading score…',
    error: 'The score could not be loaded',
    retry: 'Retry',
  },
  'pt-BR': {
    label: 'Pontuação de risco',
    valueText: '{score} de 100, {band}',
    valueTextNoBand: '{score} de 100',
    bands: { none: 'Sem risco', low: 'Risco baixo', medium: 'Risco médio', high: 'Risco alto', very_high: 'Risco muito alto' },
    categories: {
      spend: 'Gastos', patterns_of_spend: 'Padrões de gasto', time: 'Tempo', gambling_behaviour: 'Comportamento de jogo',
      customer_led_contact: 'Contato iniciado pelo cliente', gambling_management_tools: 'Ferramentas de controle de jogo', account_indicators: 'Indicadores da conta',
    },
    reasons: 'Principais motivos',
    model: 'Modelo {version}',
    scoredAt: 'Pontuado em {date}',
    noScore: 'Ainda sem pontuação',
    loading: 'Carregando pontuação…',
    error: 'Não foi possível carregar a pontuação',
    retry: 'Tentar novamente',
  },
  es: {
    label: 'Puntuación de riesgo',
    valueText: '{score} de 100, {band}',
    valueTextNoBand: '{score} de 100',
    bands: { none: 'Sin riesgo', low: 'Riesgo bajo', medium: 'Riesgo medio', high: 'Riesgo alto', very_high: 'Riesgo muy alto' },
    categories: {
      spend: 'Gasto', patterns_of_spend: 'Patrones de gasto', time: 'Tiempo', gambling_behaviour: 'Comportamiento de juego',
      customer_led_contact: 'Contacto iniciado por el cliente', gambling_management_tools: 'Herramientas de control del juego', account_indicators: 'Indicadores de la cuenta',
    },
    reasons: 'Motivos principales',
    model: 'Modelo {version}',
    scoredAt: 'Puntuado el {date}',
    noScore: 'Aún sin puntuación',
    loading: 'Cargando puntuación…',
    error: 'No se pudo cargar la puntuación',
    retry: 'Reintentar',
  },
};

/** The gauge's interface text for a locale. */
export function riskGaugeMessages(locale: PbLocale): RiskGaugeMessages {
  return MESSAGES[locale];
}

/** Replaces `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
