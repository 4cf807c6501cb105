import type { FieldLabels, SegmentCatalogue } from '@pitboss/core';
import type { PlayerCardMessages } from '../player-card/player-card.messages.js';
import type { PlayerCardTimelineMessages } from '../player-card/timeline.messages.js';
import type { RiskGaugeMessages } from '../risk-gauge/risk-gauge.messages.js';
import type { SegmentBuilderMessages } from '../segment-builder/segment-builder.messages.js';
import type { SegmentBuilderBehaviourMessages } from '../segment-builder/editors/behaviour.messages.js';
import type { Messages } from '../shared/messages.js';
import type { SqlConsoleMessages } from '../sql-console/sql-console.messages.js';

/** One locale's interface text for every component: what `pt-BR.ts` and `es.ts` hold (English lives with each component). */
export interface LocaleTables {
  shared: Messages;
  riskGauge: RiskGaugeMessages;
  sqlConsole: SqlConsoleMessages;
  playerCard: PlayerCardMessages;
  /** The card's event timeline (loaded with it, not with the card). */
  playerCardTimeline: PlayerCardTimelineMessages;
  segmentBuilder: SegmentBuilderMessages;
  /** The builder's behavioural condition editors (loaded with them, not with the builder). */
  segmentBuilderBehaviour: SegmentBuilderBehaviourMessages;
  /** Core's segment validation messages. */
  segmentIssues: SegmentCatalogue;
  /** Core's field labels. */
  fieldLabels: FieldLabels;
}
