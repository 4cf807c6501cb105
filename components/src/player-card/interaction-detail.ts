import type { TimelineEvent } from '@pitboss/sdk';
import type { PlayerCardMessages } from './player-card.messages.js';

/** The text of a responsible-gambling interaction (action · outcome · channel, then the agent's note), in the interactions list and the timeline. */
export function interactionDetail(e: TimelineEvent, t: PlayerCardMessages): string {
  const p = e.payload;
  const head = [t.actions[p.action as keyof PlayerCardMessages['actions']] ?? p.action, t.outcomes[p.outcome as keyof PlayerCardMessages['outcomes']] ?? p.outcome, t.channels[p.channel as keyof PlayerCardMessages['channels']] ?? p.channel].filter(Boolean).join(' · ');
  return typeof p.note === 'string' && p.note !== '' ? `${head}\n${p.note}` : head;
}
