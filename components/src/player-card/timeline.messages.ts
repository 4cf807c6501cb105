import type { EventType } from '@pitboss/core';
import type { PbLocale } from '../shared/format.js';
import { localeTables } from '../shared/locales.js';

/** Values of payment and bet events the timeline translates; other values are shown as sent. */
export type PaymentTerm =
  | 'deposit' | 'withdrawal' | 'requested' | 'approved' | 'rejected' | 'cancelled' | 'rolled_back'
  | 'won' | 'lost' | 'void' | 'half_won' | 'half_lost' | 'cashed_out';

/**
 * Text of `<pb-player-card>`'s event timeline: read only once the first page
 * of events is there, so it loads with the timeline (timeline.ts, import())
 * rather than with the card. `playerCardTimelineMessages(locale)` gives it.
 */
export interface PlayerCardTimelineMessages {
  eventTypes: Record<EventType, string>;
  /** Payment directions and statuses, bet results, as the timeline shows them. */
  terms: Record<PaymentTerm, string>;
}

const EN: PlayerCardTimelineMessages = {
  eventTypes: {
    'player.updated': 'Profile updated', 'bet.placed': 'Bet placed', 'bet.settled': 'Bet settled', 'casino.round': 'Casino round',
    payment: 'Payment', 'session.started': 'Session started', 'session.ended': 'Session ended', 'limit.changed': 'Limit changed',
    'exclusion.started': 'Exclusion started', 'rg.interaction': 'RG interaction', 'bonus.granted': 'Bonus granted',
    'bonus.wagered': 'Bonus wagered', 'bonus.forfeited': 'Bonus forfeited',
  },
  terms: {
    deposit: 'Deposit', withdrawal: 'Withdrawal', requested: 'requested', approved: 'approved', rejected: 'rejected', cancelled: 'cancelled',
    rolled_back: 'rolled back', won: 'Won', lost: 'Lost', void: 'Void', half_won: 'Half won', half_lost: 'Half lost', cashed_out: 'Cashed out',
  },
};

/** The timeline's text for a locale: English until `loadLocale(locale)` has loaded `pt-BR` or `es`. */
export function timelineMessages(locale: PbLocale): PlayerCardTimelineMessages {
  return localeTables(locale)?.playerCardTimeline ?? EN;
}
