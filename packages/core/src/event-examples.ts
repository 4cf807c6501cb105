import type { EventInput, EventType } from './events.js';

/**
 * One valid example of every event type, as an operator would send it. Used
 * by the docs, the API's OpenAPI examples and the tests.
 *
 * @example
 * parseEvent(EVENT_EXAMPLES['bet.placed']).ok // true
 */
export const EVENT_EXAMPLES: { readonly [T in EventType]: Extract<EventInput, { type: T }> } = {
  'player.updated': {
    schema_version: 1, type: 'player.updated', event_id: 'evt-0001', player_id: 'p-1001', occurred_at: '2026-03-01T09:15:00Z',
    profile: {
      registered_at: '2026-03-01T09:14:03Z', country: 'BR', currency: 'BRL', birth_year: 1994, brand: 'acmebet', market: 'br',
      language: 'pt-BR', affiliate_id: 'aff-77', kyc_verified_at: null, blocked: false, self_excluded_until: null,
      test_account: false, tags: ['vip-prospect'], marketing_consents: { email: true, sms: false },
      personal: { first_name: 'Ana', last_name: 'Souza', email: 'ana@example.com', phone: '+5511912345678' },
    },
  },
  'bet.placed': {
    schema_version: 1, type: 'bet.placed', event_id: 'evt-0002', player_id: 'p-1001', occurred_at: '2026-03-01T20:41:10-03:00',
    bet_id: 'bet-9001', bet_type: 'multi', stake_minor: 2500, bonus_stake_minor: 500, currency: 'BRL', odds: 4.2, live: true,
    legs: [
      { sport: 'football', competition: 'Brasileirão Série A', event: 'Flamengo v Palmeiras', market: '1x2', selection: 'Flamengo', odds: 2.1, live: true },
      { sport: 'football', competition: 'Brasileirão Série A', event: 'Santos v Grêmio', market: 'over_under_2.5', selection: 'over', odds: 2, live: false },
    ],
    channel: 'app',
  },
  'bet.settled': {
    schema_version: 1, type: 'bet.settled', event_id: 'evt-0003', player_id: 'p-1001', occurred_at: '2026-03-01T23:02:00-03:00',
    bet_id: 'bet-9001', result: 'won', payout_minor: 10500, currency: 'BRL', cash_out: false,
  },
  'casino.round': {
    schema_version: 1, type: 'casino.round', event_id: 'evt-0004', player_id: 'p-1001', occurred_at: '2026-03-02T01:12:45Z',
    round_id: 'rnd-5551', game_id: 'fortune-tiger', game_type: 'slots', provider: 'pgsoft', stake_minor: 100, bonus_stake_minor: 0,
    win_minor: 0, currency: 'BRL',
  },
  payment: {
    schema_version: 1, type: 'payment', event_id: 'evt-0005', player_id: 'p-1001', occurred_at: '2026-03-01T20:30:00-03:00',
    payment_id: 'pay-301', direction: 'deposit', status: 'approved', method: 'pix', amount_minor: 5000, currency: 'BRL',
  },
  'session.started': {
    schema_version: 1, type: 'session.started', event_id: 'evt-0006', player_id: 'p-1001', occurred_at: '2026-03-01T20:25:00-03:00',
    session_id: 'ses-77', device: 'mobile', ip: '203.0.113.7', user_agent: 'AcmeBet/5.2 (Android 14)',
  },
  'session.ended': {
    schema_version: 1, type: 'session.ended', event_id: 'evt-0007', player_id: 'p-1001', occurred_at: '2026-03-01T21:40:00-03:00',
    session_id: 'ses-77', reason: 'logout',
  },
  'limit.changed': {
    schema_version: 1, type: 'limit.changed', event_id: 'evt-0008', player_id: 'p-1001', occurred_at: '2026-03-03T10:00:00Z',
    limit_type: 'deposit', period: 'month', old_value: 50000, new_value: 100000, currency: 'BRL', initiated_by: 'player',
  },
  'exclusion.started': {
    schema_version: 1, type: 'exclusion.started', event_id: 'evt-0009', player_id: 'p-1001', occurred_at: '2026-03-04T10:00:00Z',
    kind: 'self_exclusion', scope: 'national_register', register: 'SIGAP', until: '2026-09-04T10:00:00Z',
  },
  'rg.interaction': {
    schema_version: 1, type: 'rg.interaction', event_id: 'evt-0010', player_id: 'p-1001', occurred_at: '2026-03-03T11:00:00Z',
    level: 'medium', channel: 'chat', action: 'limit_suggested', outcome: 'declined', agent_id: 'agent-12',
  },
  'bonus.granted': {
    schema_version: 1, type: 'bonus.granted', event_id: 'evt-0011', player_id: 'p-1001', occurred_at: '2026-03-01T09:20:00Z',
    bonus_id: 'bon-1', amount_minor: 2000, currency: 'BRL', campaign: 'welcome', wagering_requirement_minor: 20000,
  },
  'bonus.wagered': {
    schema_version: 1, type: 'bonus.wagered', event_id: 'evt-0012', player_id: 'p-1001', occurred_at: '2026-03-05T09:20:00Z',
    bonus_id: 'bon-1', amount_minor: 2000, currency: 'BRL', campaign: 'welcome',
  },
  'bonus.forfeited': {
    schema_version: 1, type: 'bonus.forfeited', event_id: 'evt-0013', player_id: 'p-1002', occurred_at: '2026-03-05T09:20:00Z',
    bonus_id: 'bon-2', amount_minor: 1000, currency: 'EUR',
  },
};
