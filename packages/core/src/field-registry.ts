import { FEATURE_META } from './feature-meta.js';
import type { FeatureKey, FeatureType, FeatureUnit } from './feature-meta.js';
import { COUNTRIES, CURRENCIES } from './iso.js';

/**
 * The field registry: every player attribute and feature that segments,
 * tables and exports may use, with its value type, unit, labels in the three
 * UI locales, where its value comes from, and whether it is personal data.
 * Segment and table code take identifiers only from here.
 */

export const LOCALES = ['en', 'pt-BR', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export type Labels = Readonly<Record<Locale, string>>;

/** Value types; the same vocabulary as the segment AST. `money` is integer minor units; `tags` a list of strings. */
export type FieldValueType = 'string' | 'enum' | 'integer' | 'money' | 'number' | 'boolean' | 'timestamp' | 'tags';
export type FieldUnit = FeatureUnit | 'years';

/** Where a field's value lives. */
export type FieldSource =
  /** A column stored per player (`players`, or `player_personal` for personal data). */
  | { readonly kind: 'profile'; readonly table: 'players' | 'player_personal'; readonly column: string }
  /** A column of `player_features`, computed by the feature SQL. */
  | { readonly kind: 'feature'; readonly table: 'player_features'; readonly column: FeatureKey }
  /** Derived from other stored columns when read; `formula` says how. */
  | { readonly kind: 'computed'; readonly from: readonly string[]; readonly formula: string };

export interface FieldDefinition {
  readonly key: string;
  readonly type: FieldValueType;
  /** Allowed values of an `enum` field. */
  readonly values?: readonly string[];
  readonly unit?: FieldUnit;
  readonly label: Labels;
  readonly source: FieldSource;
  /**
   * Direct identifiers and contact data (name, email, phone): masked for the
   * `analyst` role, left out of exports without the personal-data scope, and
   * erased on request.
   */
  readonly personal: boolean;
}

/**
 * Risk bands of a player's latest score, lowest risk first: the bands models
 * score in (packages/ml) and the values of `players.risk_band`. Storage refuses
 * any other value (a CHECK on `players.risk_band`), so no band can slip past
 * the marketing guardrail.
 *
 * @example
 * RISK_BANDS.slice(RISK_BANDS.indexOf('high')) // ['high', 'very_high']
 */
export const RISK_BANDS = ['none', 'low', 'medium', 'high', 'very_high'] as const;
export type RiskBand = (typeof RISK_BANDS)[number];

const profile = (column: string, table: 'players' | 'player_personal' = 'players'): FieldSource => ({ kind: 'profile', table, column });

const CONSENT_LABELS: Record<'email' | 'sms' | 'push' | 'phone' | 'post', Labels> = {
  email: { en: 'Email marketing consent', 'pt-BR': 'Consentimento de marketing por e-mail', es: 'Consentimiento de marketing por correo' },
  sms: { en: 'SMS marketing consent', 'pt-BR': 'Consentimento de marketing por SMS', es: 'Consentimiento de marketing por SMS' },
  push: { en: 'Push marketing consent', 'pt-BR': 'Consentimento de marketing por push', es: 'Consentimiento de marketing push' },
  phone: { en: 'Phone marketing consent', 'pt-BR': 'Consentimento de marketing por telefone', es: 'Consentimiento de marketing telefónico' },
  post: { en: 'Postal marketing consent', 'pt-BR': 'Consentimento de marketing por correio', es: 'Consentimiento de marketing postal' },
};

const ATTRIBUTES: readonly FieldDefinition[] = [
  {
    key: 'registered_at', type: 'timestamp', source: profile('registered_at'), personal: false,
    label: { en: 'Registered', 'pt-BR': 'Cadastro', es: 'Registro' },
  },
  {
    key: 'country', type: 'enum', values: [...COUNTRIES].sort(), source: profile('country'), personal: false,
    label: { en: 'Country', 'pt-BR': 'País', es: 'País' },
  },
  {
    key: 'currency', type: 'enum', values: [...CURRENCIES].sort(), source: profile('currency'), personal: false,
    label: { en: 'Currency', 'pt-BR': 'Moeda', es: 'Moneda' },
  },
  {
    key: 'birth_year', type: 'integer', source: profile('birth_year'), personal: false,
    label: { en: 'Birth year', 'pt-BR': 'Ano de nascimento', es: 'Año de nacimiento' },
  },
  {
    key: 'age', type: 'integer', unit: 'years', personal: false,
    source: { kind: 'computed', from: ['birth_year'], formula: 'year(as_of) − birth_year (may overstate by one before the birthday)' },
    label: { en: 'Age', 'pt-BR': 'Idade', es: 'Edad' },
  },
  {
    key: 'brand', type: 'string', source: profile('brand'), personal: false,
    label: { en: 'Brand', 'pt-BR': 'Marca', es: 'Marca' },
  },
  {
    key: 'market', type: 'string', source: profile('market'), personal: false,
    label: { en: 'Market', 'pt-BR': 'Mercado', es: 'Mercado' },
  },
  {
    key: 'language', type: 'string', source: profile('language'), personal: false,
    label: { en: 'Language', 'pt-BR': 'Idioma', es: 'Idioma' },
  },
  {
    key: 'affiliate_id', type: 'string', source: profile('affiliate_id'), personal: false,
    label: { en: 'Affiliate', 'pt-BR': 'Afiliado', es: 'Afiliado' },
  },
  {
    key: 'kyc_verified_at', type: 'timestamp', source: profile('kyc_verified_at'), personal: false,
    label: { en: 'KYC verified at', 'pt-BR': 'KYC verificado em', es: 'KYC verificado el' },
  },
  {
    key: 'kyc_verified', type: 'boolean', personal: false,
    source: { kind: 'computed', from: ['kyc_verified_at'], formula: 'kyc_verified_at is not null' },
    label: { en: 'KYC verified', 'pt-BR': 'KYC verificado', es: 'KYC verificado' },
  },
  {
    key: 'blocked', type: 'boolean', source: profile('blocked'), personal: false,
    label: { en: 'Blocked', 'pt-BR': 'Bloqueado', es: 'Bloqueado' },
  },
  {
    key: 'self_excluded_until', type: 'timestamp', source: profile('self_excluded_until'), personal: false,
    label: { en: 'Self-excluded until', 'pt-BR': 'Autoexcluído até', es: 'Autoexcluido hasta' },
  },
  {
    key: 'self_excluded', type: 'boolean', personal: false,
    source: { kind: 'computed', from: ['self_excluded_until'], formula: 'self_excluded_until > as_of' },
    label: { en: 'Self-excluded', 'pt-BR': 'Autoexcluído', es: 'Autoexcluido' },
  },
  {
    key: 'timed_out_until', type: 'timestamp', source: profile('timed_out_until'), personal: false,
    label: { en: 'Timed out until', 'pt-BR': 'Em pausa até', es: 'En pausa hasta' },
  },
  {
    key: 'risk_score', type: 'number', source: profile('risk_score'), personal: false,
    label: { en: 'Risk score', 'pt-BR': 'Pontuação de risco', es: 'Puntuación de riesgo' },
  },
  {
    // Lowest risk first: the marketing guardrail removes every band from its threshold up.
    key: 'risk_band', type: 'enum', values: RISK_BANDS, source: profile('risk_band'), personal: false,
    label: { en: 'Risk band', 'pt-BR': 'Faixa de risco', es: 'Nivel de riesgo' },
  },
  {
    key: 'test_account', type: 'boolean', source: profile('test_account'), personal: false,
    label: { en: 'Test account', 'pt-BR': 'Conta de teste', es: 'Cuenta de prueba' },
  },
  {
    key: 'tags', type: 'tags', source: profile('tags'), personal: false,
    label: { en: 'Tags', 'pt-BR': 'Etiquetas', es: 'Etiquetas' },
  },
  ...(['email', 'sms', 'push', 'phone', 'post'] as const).map((channel): FieldDefinition => ({
    key: `consent_${channel}`, type: 'boolean', personal: false,
    source: { kind: 'computed', from: ['marketing_consents'], formula: `marketing_consents.${channel} = true (absent = no consent)` },
    label: CONSENT_LABELS[channel],
  })),
  {
    key: 'last_event_at', type: 'timestamp', source: profile('last_event_at'), personal: false,
    label: { en: 'Last activity', 'pt-BR': 'Última atividade', es: 'Última actividad' },
  },
  {
    key: 'first_name', type: 'string', source: profile('first_name', 'player_personal'), personal: true,
    label: { en: 'First name', 'pt-BR': 'Nome', es: 'Nombre' },
  },
  {
    key: 'last_name', type: 'string', source: profile('last_name', 'player_personal'), personal: true,
    label: { en: 'Last name', 'pt-BR': 'Sobrenome', es: 'Apellido' },
  },
  {
    key: 'email', type: 'string', source: profile('email', 'player_personal'), personal: true,
    label: { en: 'Email', 'pt-BR': 'E-mail', es: 'Correo electrónico' },
  },
  {
    key: 'phone', type: 'string', source: profile('phone', 'player_personal'), personal: true,
    label: { en: 'Phone', 'pt-BR': 'Telefone', es: 'Teléfono' },
  },
];

/** Feature labels; a `Record` over `FeatureKey`, so a new feature without labels does not compile. */
const FEATURE_LABELS: Record<FeatureKey, Labels> = {
  deposit_count_7d: { en: 'Deposits (7 days)', 'pt-BR': 'Depósitos (7 dias)', es: 'Depósitos (7 días)' },
  deposit_count_30d: { en: 'Deposits (30 days)', 'pt-BR': 'Depósitos (30 dias)', es: 'Depósitos (30 días)' },
  deposit_sum_7d: { en: 'Amount deposited (7 days)', 'pt-BR': 'Valor depositado (7 dias)', es: 'Importe depositado (7 días)' },
  deposit_sum_30d: { en: 'Amount deposited (30 days)', 'pt-BR': 'Valor depositado (30 dias)', es: 'Importe depositado (30 días)' },
  deposit_escalation: { en: 'Deposit escalation', 'pt-BR': 'Escalada de depósitos', es: 'Escalada de depósitos' },
  net_loss_30d: { en: 'Net loss (30 days)', 'pt-BR': 'Perda líquida (30 dias)', es: 'Pérdida neta (30 días)' },
  stake_mean_30d: { en: 'Mean stake (30 days)', 'pt-BR': 'Aposta média (30 dias)', es: 'Apuesta media (30 días)' },
  stake_cv_30d: { en: 'Stake variability (30 days)', 'pt-BR': 'Variabilidade das apostas (30 dias)', es: 'Variabilidad de las apuestas (30 días)' },
  active_days_30d: { en: 'Active betting days (30 days)', 'pt-BR': 'Dias de apostas (30 dias)', es: 'Días de apuestas (30 días)' },
  bets_per_active_day_30d: { en: 'Bets per active day (30 days)', 'pt-BR': 'Apostas por dia ativo (30 dias)', es: 'Apuestas por día activo (30 días)' },
  stake_trajectory_30d: { en: 'Stake trajectory (30 days)', 'pt-BR': 'Trajetória das apostas (30 dias)', es: 'Trayectoria de las apuestas (30 días)' },
  cancelled_withdrawals_30d: { en: 'Cancelled withdrawals (30 days)', 'pt-BR': 'Saques cancelados (30 dias)', es: 'Retiradas canceladas (30 días)' },
  failed_deposit_ratio_30d: { en: 'Failed deposit ratio (30 days)', 'pt-BR': 'Taxa de depósitos recusados (30 dias)', es: 'Proporción de depósitos fallidos (30 días)' },
  payment_methods_30d: { en: 'Payment methods (30 days)', 'pt-BR': 'Meios de pagamento (30 dias)', es: 'Métodos de pago (30 días)' },
  night_play_share_30d: { en: 'Night play share (30 days)', 'pt-BR': 'Jogo noturno (30 dias)', es: 'Juego nocturno (30 días)' },
  session_count_30d: { en: 'Sessions (30 days)', 'pt-BR': 'Sessões (30 dias)', es: 'Sesiones (30 días)' },
  session_mean_minutes_30d: { en: 'Mean session length (30 days)', 'pt-BR': 'Duração média da sessão (30 dias)', es: 'Duración media de sesión (30 días)' },
  live_bet_share_30d: { en: 'Live bet share (30 days)', 'pt-BR': 'Apostas ao vivo (30 dias)', es: 'Apuestas en directo (30 días)' },
  limit_increases_90d: { en: 'Limit increases (90 days)', 'pt-BR': 'Aumentos de limite (90 dias)', es: 'Aumentos de límite (90 días)' },
  days_since_last_bet: { en: 'Days since last bet', 'pt-BR': 'Dias desde a última aposta', es: 'Días desde la última apuesta' },
  tenure_days: { en: 'Days since registration', 'pt-BR': 'Dias desde o cadastro', es: 'Días desde el registro' },
};

const FEATURE_VALUE_TYPE: Record<FeatureType, FieldValueType> = { integer: 'integer', money: 'money', number: 'number' };

/**
 * Every field, attributes first, then features in `FEATURES` (`FEATURE_META`) order.
 *
 * @example
 * const personal = FIELDS.filter((f) => f.personal).map((f) => f.key); // ['first_name', 'last_name', 'email', 'phone']
 */
export const FIELDS: readonly FieldDefinition[] = [
  ...ATTRIBUTES,
  ...FEATURE_META.map((f): FieldDefinition => ({
    key: f.key,
    type: FEATURE_VALUE_TYPE[f.type],
    unit: f.unit,
    label: FEATURE_LABELS[f.key],
    source: { kind: 'feature', table: 'player_features', column: f.key },
    personal: false,
  })),
];

const BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));

/**
 * Looks a field up by key; `undefined` when the registry has no such field.
 *
 * @example
 * fieldByKey('net_loss_30d')?.type // 'money'
 */
export function fieldByKey(key: string): FieldDefinition | undefined {
  return BY_KEY.get(key);
}

/**
 * A field's label in a locale; an unknown locale falls back to English
 * (`pt` → `pt-BR`, `es-MX` → `es` by language).
 *
 * @example
 * fieldLabel('country', 'pt-BR') // 'País'
 */
export function fieldLabel(key: string, locale: string): string {
  const field = BY_KEY.get(key);
  if (!field) throw new Error(`unknown field ${JSON.stringify(key)}`);
  const exact = LOCALES.find((l) => l === locale);
  const byLanguage = LOCALES.find((l) => l.split('-')[0] === locale.split('-')[0]);
  return field.label[exact ?? byLanguage ?? 'en'];
}
