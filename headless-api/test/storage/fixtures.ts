import { parseEvent } from '@pitboss/core';
import type { Event } from '@pitboss/core';
import type { IngestLine } from '../../src/storage/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A validated event; `ago` is how long before `now` it happened. */
/** Validated through core's parser, so a fixture can only be a valid event. */
export function event(input: Record<string, unknown> & { ago?: number }, now = Date.now()): Event {
  const { ago = HOUR, ...rest } = input;
  const r = parseEvent({ schema_version: 1, occurred_at: new Date(now - ago).toISOString(), ...rest }, { now });
  if (!r.ok) throw new Error(`fixture event is invalid: ${JSON.stringify(r.issues)}`);
  return r.event;
}

export function lines(events: readonly Event[], firstLine = 1): IngestLine[] {
  return events.map((e, i) => ({ line: firstLine + i, event: e }));
}

let serial = 0;
/** A fresh tenant id, so tests sharing one storage never see each other's rows. */
export function tenant(label: string): string {
  return `t_${label}_${process.pid}_${++serial}`;
}

export const deposit = (player: string, id: string, amount: number, ago: number, status: 'approved' | 'rejected' = 'approved'): Event =>
  event({ type: 'payment', event_id: id, player_id: player, payment_id: `pay-${id}`, direction: 'deposit', status, method: 'pix', amount_minor: amount, currency: 'BRL', ago });

export const round = (player: string, id: string, stake: number, win: number, ago: number): Event =>
  event({ type: 'casino.round', event_id: id, player_id: player, round_id: `r-${id}`, game_id: 'g1', game_type: 'slots', stake_minor: stake, win_minor: win, currency: 'BRL', ago });

export const updated = (player: string, id: string, profile: Record<string, unknown>, ago = HOUR): Event =>
  event({ type: 'player.updated', event_id: id, player_id: player, profile, ago });

export { HOUR, DAY };
