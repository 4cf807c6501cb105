// The player card's event timeline: the virtualized list (@lit-labs/virtualizer)
// and the text of each event. Both are needed only once the first page of
// events is there, so this module loads with import() alongside that page
// (timeline-virtualizer.ts) and stays out of the components' entry.
import { html, nothing, type TemplateResult } from 'lit';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
import type { EventType } from '@pitboss/core';
import type { TimelineEvent } from '@pitboss/sdk';
import type { Formatter } from '../shared/format.js';
import { interactionDetail } from './interaction-detail.js';
import type { PlayerCardMessages } from './player-card.messages.js';
import { timelineMessages, type PaymentTerm, type PlayerCardTimelineMessages } from './timeline.messages.js';

export { timelineMessages };

/** One line of detail under an event of the timeline. */
export function eventDetail(e: TimelineEvent, t: PlayerCardMessages, tl: PlayerCardTimelineMessages, f: Formatter): string {
  const p = e.payload;
  const currency = typeof p.currency === 'string' ? p.currency : null;
  const money = (key: string) => (currency && typeof p[key] === 'number' ? f.money(p[key] as number, currency) : null);
  const term = (key: string) => (typeof p[key] === 'string' ? (tl.terms[p[key] as PaymentTerm] ?? (p[key] as string)) : null);
  switch (e.type) {
    case 'payment':
      return [term('direction'), money('amount_minor'), term('status'), p.method].filter(Boolean).join(' · ');
    case 'bet.placed':
    case 'casino.round':
      return [money('stake_minor'), e.type === 'casino.round' ? money('win_minor') && `→ ${money('win_minor')}` : p.odds && `@ ${f.number(p.odds as number)}`, p.game_type ?? p.bet_type].filter(Boolean).join(' · ');
    case 'bet.settled':
      return [term('result'), money('payout_minor')].filter(Boolean).join(' · ');
    case 'rg.interaction':
      return interactionDetail(e, t);
    case 'limit.changed':
      return [p.limit_type, p.period, p.new_value === null ? '∅' : currency ? money('new_value') : p.new_value].filter((x) => x !== undefined && x !== null && x !== '').join(' · ');
    case 'bonus.granted':
    case 'bonus.wagered':
    case 'bonus.forfeited':
      return [money('amount_minor'), p.campaign].filter(Boolean).join(' · ');
    case 'session.started':
      return [p.device].filter(Boolean).join(' · ');
    case 'exclusion.started':
      return [p.kind, p.scope, p.until ? f.date(p.until as string) : null].filter(Boolean).join(' · ');
    default:
      return '';
  }
}

/** The virtualized list of `events`, newest first, each with its type, time and detail. */
export function timelineList(events: TimelineEvent[], t: PlayerCardMessages, f: Formatter): unknown {
  const tl = timelineMessages(f.locale);
  const label = (type: string) => tl.eventTypes[type as EventType] ?? type;
  return virtualize({
    scroller: true,
    items: events,
    keyFunction: (e: TimelineEvent) => e.event_id,
    renderItem: (e: TimelineEvent): TemplateResult => {
      const detail = eventDetail(e, t, tl, f);
      return html`<div part="event" class="event" role="listitem" data-event-id=${e.event_id}>
        <div class="event-head"><span class="event-type">${label(e.type)}</span><time class="event-time" datetime=${e.occurred_at}>${f.date(e.occurred_at, 'datetime')}</time></div>
        ${detail ? html`<div class="event-detail">${detail}</div>` : nothing}
      </div>`;
    },
  });
}
