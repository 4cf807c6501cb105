import type { CountOp, EventProduct, EventType, NumberOp, SumColumn } from '@pitboss/core';
import type { PbLocale } from '../../shared/format.js';
import { localeTables } from '../../shared/locales.js';

/**
 * Text of `<pb-segment-builder>`'s behavioural condition editors (event counts
 * and sums): read only by those editors, so it loads with them (behaviour.ts,
 * import()) rather than with the builder. `segmentBuilderBehaviourMessages(locale)`
 * gives it.
 */
export interface SegmentBuilderBehaviourMessages {
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
  numberOps: Readonly<Record<NumberOp, string>>;
  countOps: Readonly<Record<CountOp, string>>;
  sumColumns: Readonly<Record<SumColumn, string>>;
  products_: Readonly<Record<EventProduct, string>>;
  eventTypes: Readonly<Record<EventType, string>>;
}

const EN: SegmentBuilderBehaviourMessages = {
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
};

/** The editors' text for a locale: English until `loadLocale(locale)` has loaded `pt-BR` or `es`. */
export function behaviourMessages(locale: PbLocale): SegmentBuilderBehaviourMessages {
  return localeTables(locale)?.segmentBuilderBehaviour ?? EN;
}
