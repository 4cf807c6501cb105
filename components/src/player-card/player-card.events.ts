import type { PlayerNote, RgInteractionResult } from '@pitboss/sdk';

/** Detail of `pb-note-add`: a note the user added was stored. */
export interface PbNoteAddDetail {
  playerId: string;
  note: PlayerNote;
}

/** Detail of `pb-interaction-add`: an RG interaction the user recorded was stored (or found stored: `result.duplicate`). */
export interface PbInteractionAddDetail {
  playerId: string;
  result: RgInteractionResult;
}

/** Detail of `pb-player-refresh`: the card (re)loaded the player, first or after a live update. */
export interface PbPlayerRefreshDetail {
  playerId: string;
  reason: 'load' | 'live';
}

export type PbNoteAddEvent = CustomEvent<PbNoteAddDetail>;
export type PbInteractionAddEvent = CustomEvent<PbInteractionAddDetail>;
export type PbPlayerRefreshEvent = CustomEvent<PbPlayerRefreshDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pb-note-add': PbNoteAddEvent;
    'pb-interaction-add': PbInteractionAddEvent;
    'pb-player-refresh': PbPlayerRefreshEvent;
  }
}
