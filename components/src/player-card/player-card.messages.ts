import type { RgInteractionInput } from '@pitboss/sdk';
import type { PbLocale } from '../shared/format.js';
import { loadLocale, localeTables } from '../shared/locales.js';
import type { PlayerCardTimelineMessages } from './timeline.messages.js';
import { loadTimeline } from './timeline-virtualizer.js';

type Level = RgInteractionInput['level'];
type Channel = RgInteractionInput['channel'];
type Action = RgInteractionInput['action'];
type Outcome = RgInteractionInput['outcome'];

/** Interface text of `<pb-player-card>`; the text of its event timeline loads with the timeline (`playerCardTimelineMessages`). */
export interface PlayerCardMessages {
  /** `{id}` */
  title: string;
  loading: string;
  error: string;
  retry: string;
  profile: string;
  playerId: string;
  name: string;
  email: string;
  phone: string;
  country: string;
  currency: string;
  brand: string;
  registered: string;
  lastActivity: string;
  status: string;
  statusActive: string;
  statusBlocked: string;
  /** `{date}` */
  statusExcludedUntil: string;
  statusExcludedIndefinitely: string;
  masked: string;
  maskedHint: string;
  none: string;
  risk: string;
  figures: string;
  /** `{days}` */
  figuresPeriod: string;
  deposits: string;
  netLoss: string;
  ggr: string;
  noFigures: string;
  /** Accessible name of a sparkline: `{figure}`, `{days}`, `{total}`. */
  sparkline: string;
  timeline: string;
  noEvents: string;
  loadingMore: string;
  notes: string;
  noNotes: string;
  addNote: string;
  noteLabel: string;
  saveNote: string;
  saving: string;
  /** `{author}`, `{date}` */
  noteBy: string;
  interactions: string;
  noInteractions: string;
  addInteraction: string;
  level: string;
  channel: string;
  action: string;
  outcome: string;
  interactionNote: string;
  saveInteraction: string;
  readOnly: string;
  saveFailed: string;
  live: string;
  liveOff: string;
  levels: Record<Level, string>;
  channels: Record<Channel, string>;
  actions: Record<Action, string>;
  outcomes: Record<Outcome, string>;
}

const EN: PlayerCardMessages = {
  title: 'Player {id}',
  loading: 'Loading player…',
  error: 'The player could not be loaded',
  retry: 'Retry',
  profile: 'Profile',
  playerId: 'Player ID',
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  country: 'Country',
  currency: 'Currency',
  brand: 'Brand',
  registered: 'Registered',
  lastActivity: 'Last activity',
  status: 'Status',
  statusActive: 'Active',
  statusBlocked: 'Blocked',
  statusExcludedUntil: 'Self-excluded until {date}',
  statusExcludedIndefinitely: 'Self-excluded indefinitely',
  masked: 'masked',
  maskedHint: 'Hidden for your role',
  none: '—',
  risk: 'Risk',
  figures: 'Key figures',
  figuresPeriod: 'Last {days} days',
  deposits: 'Deposits',
  netLoss: 'Net loss',
  ggr: 'GGR',
  noFigures: 'No deposits or bets in this period',
  sparkline: '{figure} per day over {days} days, total {total}',
  timeline: 'Recent activity',
  noEvents: 'No events yet',
  loadingMore: 'Loading older events…',
  notes: 'Notes',
  noNotes: 'No notes yet',
  addNote: 'Add a note',
  noteLabel: 'Note',
  saveNote: 'Save note',
  saving: 'Saving…',
  noteBy: '{author}, {date}',
  interactions: 'Responsible gambling interactions',
  noInteractions: 'No interactions recorded',
  addInteraction: 'Record an interaction',
  level: 'Level',
  channel: 'Channel',
  action: 'Action',
  outcome: 'Outcome',
  interactionNote: 'Note (optional)',
  saveInteraction: 'Record interaction',
  readOnly: 'Your role can read this player but not add notes or interactions.',
  saveFailed: 'Could not save',
  live: 'Live',
  liveOff: 'Live updates stopped',
  levels: { low: 'Low', medium: 'Medium', high: 'High' },
  channels: { email: 'Email', phone: 'Phone', chat: 'Chat', in_app: 'In app', letter: 'Letter', in_person: 'In person' },
  actions: {
    information: 'Information', limit_suggested: 'Limit suggested', cooling_off_suggested: 'Cooling-off suggested',
    self_exclusion_suggested: 'Self-exclusion suggested', account_restricted: 'Account restricted', affordability_check: 'Affordability check',
  },
  outcomes: { acknowledged: 'Acknowledged', accepted: 'Accepted', declined: 'Declined', no_response: 'No response', escalated: 'Escalated' },
};

/** The card's interface text for a locale: English until `loadLocale(locale)` has loaded `pt-BR` or `es` (the component does so itself). */
export function playerCardMessages(locale: PbLocale): PlayerCardMessages {
  return localeTables(locale)?.playerCard ?? EN;
}

/**
 * The text of the card's event timeline (event types, payment and bet terms) in
 * `locale`. It is not in `playerCardMessages`: it loads with the timeline
 * (`import()`, with the first page of events), and this loads the timeline, and
 * the locale's text, if they are not there yet.
 */
export async function playerCardTimelineMessages(locale: PbLocale): Promise<PlayerCardTimelineMessages> {
  const [timeline] = await Promise.all([loadTimeline(), loadLocale(locale)]);
  return timeline.timelineMessages(locale);
}

export const LEVELS: readonly Level[] = ['low', 'medium', 'high'];
export const CHANNELS: readonly Channel[] = ['email', 'phone', 'chat', 'in_app', 'letter', 'in_person'];
export const ACTIONS: readonly Action[] = ['information', 'limit_suggested', 'cooling_off_suggested', 'self_exclusion_suggested', 'account_restricted', 'affordability_check'];
export const OUTCOMES: readonly Outcome[] = ['acknowledged', 'accepted', 'declined', 'no_response', 'escalated'];
