import type { Event } from '@pitboss/core';

// Characters JSON.stringify would escape (quote, backslash, controls) or might (surrogates, when unpaired).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

const q = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

type Leg = Extract<Event, { type: 'bet.placed' }>['legs'][number];

function leg(l: Leg): string | null {
  if (l.competition === undefined || l.selection === undefined || l.event !== undefined) return null;
  return `{"sport":${q(l.sport)},"competition":${q(l.competition)},"market":${q(l.market)},"selection":${q(l.selection)},"odds":${l.odds},"live":${l.live}}`;
}

/**
 * One event as one JSON line (without the newline): the same text as
 * `JSON.stringify(event)`, written directly for the three types that make up
 * nine in ten generated events (casino rounds, bets and settlements), which
 * halves the cost of serialising them. Any other type or shape goes through
 * `JSON.stringify`.
 *
 * @example
 * eventLine(event) === JSON.stringify(event); // true
 */
export function eventLine(e: Event): string {
  if (e.attributes !== undefined) return JSON.stringify(e);
  const head = `{"schema_version":${e.schema_version},"event_id":${q(e.event_id)},"player_id":${q(e.player_id)},"occurred_at":${q(e.occurred_at)},"type":`;
  switch (e.type) {
    case 'casino.round':
      if (e.provider === undefined) break;
      return `${head}"casino.round","round_id":${q(e.round_id)},"game_id":${q(e.game_id)},"game_type":"${e.game_type}","provider":${q(e.provider)},"stake_minor":${e.stake_minor},"bonus_stake_minor":${e.bonus_stake_minor},"win_minor":${e.win_minor},"currency":${q(e.currency)}}`;
    case 'bet.settled':
      return `${head}"bet.settled","bet_id":${q(e.bet_id)},"result":"${e.result}","payout_minor":${e.payout_minor},"currency":${q(e.currency)},"cash_out":${e.cash_out}}`;
    case 'bet.placed': {
      if (e.channel === undefined) break;
      let legs = '';
      for (const l of e.legs) {
        const text = leg(l);
        if (text === null) return JSON.stringify(e);
        legs += (legs ? ',' : '') + text;
      }
      return `${head}"bet.placed","bet_id":${q(e.bet_id)},"bet_type":"${e.bet_type}","stake_minor":${e.stake_minor},"bonus_stake_minor":${e.bonus_stake_minor},"currency":${q(e.currency)},"odds":${e.odds},"live":${e.live},"legs":[${legs}],"channel":"${e.channel}"}`;
    }
  }
  return JSON.stringify(e);
}
