/**
 * The event type names of schema version 1, apart from the zod schemas in
 * `events.ts` so that code needing only the names (segment ASTs, the web
 * components) does not pull zod into a browser bundle. `events.ts` checks at
 * compile time that this list and its discriminated union agree.
 */
export const EVENT_TYPES = [
  'player.updated', 'bet.placed', 'bet.settled', 'casino.round', 'payment', 'session.started', 'session.ended',
  'limit.changed', 'exclusion.started', 'rg.interaction', 'bonus.granted', 'bonus.wagered', 'bonus.forfeited',
] as const;

/** The `type` of an event. */
export type EventType = (typeof EVENT_TYPES)[number];
