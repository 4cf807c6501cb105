export { COUNTRIES, CURRENCIES, currencyExponent } from './iso.js';
export { toDecimalString, fromDecimalString } from './money.js';
export type { MinorUnits } from './money.js';
export {
  SCHEMA_VERSION, SUPPORTED_SCHEMA_VERSIONS, EVENT_TYPES, PAYMENT_STATUSES, PAYMENT_METHODS,
  Event, PlayerProfile, PersonalData, MarketingConsents, PlayerUpdated, BetPlaced, BetSettled, CasinoRound, Payment,
  SessionStarted, SessionEnded, LimitChanged, ExclusionStarted, RgInteraction, BonusGranted, BonusWagered, BonusForfeited,
  parseEvent, jsonPointer,
} from './events.js';
export type { EventInput, EventType, EventOf, EventIssue, ParseResult, ParseOptions } from './events.js';
export { EVENT_COLUMNS, toEventRow } from './rows.js';
export type { EventRow } from './rows.js';
