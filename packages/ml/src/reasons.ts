import { featureByKey } from '@pitboss/core';
import type { UkgcCategory } from './categories.js';

export const LOCALES = ['en', 'pt-BR', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export type LocalizedText = Readonly<Record<Locale, string>>;

/** How a feature is named to people, and which UKGC indicator category it evidences. */
export interface FeatureInfo {
  readonly category: UkgcCategory;
  readonly label: LocalizedText;
}

/**
 * Reason labels of core's features, short noun phrases for a case handler's
 * screen, in every locale. The categories repeat core's `FEATURES[].ukgc` (a
 * test holds them together) so a model whose features core does not define
 * can still list its own here.
 */
export const FEATURE_INFO: Readonly<Record<string, FeatureInfo>> = {
  deposit_count_7d: { category: 'spend', label: { en: 'Deposits in the last 7 days', 'pt-BR': 'Depósitos nos últimos 7 dias', es: 'Depósitos en los últimos 7 días' } },
  deposit_count_30d: { category: 'spend', label: { en: 'Deposits in the last 30 days', 'pt-BR': 'Depósitos nos últimos 30 dias', es: 'Depósitos en los últimos 30 días' } },
  deposit_sum_7d: { category: 'spend', label: { en: 'Amount deposited in the last 7 days', 'pt-BR': 'Valor depositado nos últimos 7 dias', es: 'Importe depositado en los últimos 7 días' } },
  deposit_sum_30d: { category: 'spend', label: { en: 'Amount deposited in the last 30 days', 'pt-BR': 'Valor depositado nos últimos 30 dias', es: 'Importe depositado en los últimos 30 días' } },
  deposit_escalation: { category: 'patterns_of_spend', label: { en: 'Recent rise in deposits', 'pt-BR': 'Aumento recente dos depósitos', es: 'Aumento reciente de los depósitos' } },
  net_loss_30d: { category: 'spend', label: { en: 'Net loss in the last 30 days', 'pt-BR': 'Perda líquida nos últimos 30 dias', es: 'Pérdida neta en los últimos 30 días' } },
  stake_mean_30d: { category: 'spend', label: { en: 'Average stake', 'pt-BR': 'Aposta média', es: 'Apuesta media' } },
  stake_cv_30d: { category: 'patterns_of_spend', label: { en: 'Variability of stakes', 'pt-BR': 'Variação do valor das apostas', es: 'Variabilidad de las apuestas' } },
  active_days_30d: { category: 'gambling_behaviour', label: { en: 'Days with gambling in the last 30 days', 'pt-BR': 'Dias com apostas nos últimos 30 dias', es: 'Días con juego en los últimos 30 días' } },
  bets_per_active_day_30d: { category: 'gambling_behaviour', label: { en: 'Bets per active day', 'pt-BR': 'Apostas por dia ativo', es: 'Apuestas por día activo' } },
  stake_trajectory_30d: { category: 'patterns_of_spend', label: { en: 'Trend of stake sizes', 'pt-BR': 'Tendência do valor das apostas', es: 'Tendencia del importe de las apuestas' } },
  cancelled_withdrawals_30d: { category: 'patterns_of_spend', label: { en: 'Cancelled withdrawals', 'pt-BR': 'Saques cancelados', es: 'Retiradas canceladas' } },
  failed_deposit_ratio_30d: { category: 'patterns_of_spend', label: { en: 'Share of declined deposits', 'pt-BR': 'Proporção de depósitos recusados', es: 'Proporción de depósitos rechazados' } },
  payment_methods_30d: { category: 'patterns_of_spend', label: { en: 'Payment methods used', 'pt-BR': 'Meios de pagamento usados', es: 'Métodos de pago usados' } },
  night_play_share_30d: { category: 'time', label: { en: 'Share of play at night', 'pt-BR': 'Proporção de jogo à noite', es: 'Proporción de juego nocturno' } },
  session_count_30d: { category: 'time', label: { en: 'Sessions in the last 30 days', 'pt-BR': 'Sessões nos últimos 30 dias', es: 'Sesiones en los últimos 30 días' } },
  session_mean_minutes_30d: { category: 'time', label: { en: 'Average session length', 'pt-BR': 'Duração média das sessões', es: 'Duración media de las sesiones' } },
  live_bet_share_30d: { category: 'gambling_behaviour', label: { en: 'Share of in-play bets', 'pt-BR': 'Proporção de apostas ao vivo', es: 'Proporción de apuestas en directo' } },
  limit_increases_90d: { category: 'gambling_management_tools', label: { en: 'Limits raised or removed', 'pt-BR': 'Limites aumentados ou removidos', es: 'Límites aumentados o eliminados' } },
  days_since_last_bet: { category: 'gambling_behaviour', label: { en: 'Days since the last bet', 'pt-BR': 'Dias desde a última aposta', es: 'Días desde la última apuesta' } },
  tenure_days: { category: 'account_indicators', label: { en: 'Account age', 'pt-BR': 'Idade da conta', es: 'Antigüedad de la cuenta' } },
};

const DIRECTION: Readonly<Record<'above' | 'below' | 'missing', LocalizedText>> = {
  above: { en: 'higher than usual', 'pt-BR': 'acima do habitual', es: 'por encima de lo habitual' },
  below: { en: 'lower than usual', 'pt-BR': 'abaixo do habitual', es: 'por debajo de lo habitual' },
  missing: { en: 'no data', 'pt-BR': 'sem dados', es: 'sin datos' },
};

/** Where the player's value sits against the explanation baseline. */
export type Direction = keyof typeof DIRECTION;

/**
 * The UKGC category of a feature: core's definition first, then this table;
 * features neither knows fall under `gambling_behaviour` (the catch-all of
 * the guidance).
 *
 * @example
 * categoryOf('night_play_share_30d'); // 'time'
 */
export function categoryOf(feature: string): UkgcCategory {
  return featureByKey(feature)?.ukgc ?? FEATURE_INFO[feature]?.category ?? 'gambling_behaviour';
}

/**
 * Short reason text in every locale, e.g. "Share of play at night: higher than usual".
 *
 * @example
 * reasonText('night_play_share_30d', 'above')['pt-BR']; // 'Proporção de jogo à noite: acima do habitual'
 */
export function reasonText(feature: string, direction: Direction): LocalizedText {
  const label = FEATURE_INFO[feature]?.label;
  const out = {} as Record<Locale, string>;
  for (const l of LOCALES) out[l] = `${label?.[l] ?? feature}: ${DIRECTION[direction][l]}`;
  return out;
}
