import type { PlayerScore } from '@pitboss/sdk';

/** Detail of `pb-score-load`: the score fetched for `player-id`, or null when the player has none yet. */
export interface PbScoreLoadDetail {
  playerId: string;
  score: PlayerScore | null;
}

export type PbScoreLoadEvent = CustomEvent<PbScoreLoadDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pb-score-load': PbScoreLoadEvent;
  }
}
