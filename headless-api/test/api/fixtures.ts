import type { EventInput } from '@pitboss/core';
import { createApp } from '../../src/app/app.js';
import type { PitbossApp } from '../../src/app/app.js';
import { createJsonLogger } from '../../src/app/logger.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import type { AppLimits } from '../../src/app/types.js';

export const LIMITS = { maxBodyBytes: 1 << 20, maxLines: 500, maxDeadLetterChars: 8192 };

/** Log lines a test app wrote, parsed. */
export type LogSink = Record<string, unknown>[];

/** An app over `storage`; rate limits off (these suites fire hundreds of requests with one key; ratelimit.test.ts tests them). */
export function testApp(storage: ShardedStorage, sink: LogSink = [], limits: Partial<AppLimits> = {}): PitbossApp {
  const logger = createJsonLogger({ level: 'info', write: (line) => void sink.push(JSON.parse(line) as Record<string, unknown>) });
  return createApp({ storage, logger, config: { limits: { ...LIMITS, ...limits } }, security: { rateLimit: false } });
}

let seq = 0;
const ts = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

export function bet(player: string, overrides: Record<string, unknown> = {}): EventInput & Record<string, unknown> {
  return {
    schema_version: 1, type: 'bet.placed', event_id: `bet-${Date.now()}-${++seq}`, player_id: player, occurred_at: ts(60 - (seq % 50)),
    bet_id: `b-${seq}`, bet_type: 'single', stake_minor: 1000, currency: 'EUR', odds: 2.1,
    legs: [{ sport: 'football', market: '1x2', odds: 2.1 }],
    ...overrides,
  } as EventInput & Record<string, unknown>;
}

export function deposit(player: string, amount = 5000, overrides: Record<string, unknown> = {}): EventInput & Record<string, unknown> {
  return {
    schema_version: 1, type: 'payment', event_id: `pay-${Date.now()}-${++seq}`, player_id: player, occurred_at: ts(120),
    payment_id: `pm-${seq}`, direction: 'deposit', status: 'approved', method: 'card', amount_minor: amount, currency: 'EUR',
    ...overrides,
  } as EventInput & Record<string, unknown>;
}

export function registered(player: string, country = 'GB'): EventInput {
  return {
    schema_version: 1, type: 'player.updated', event_id: `reg-${player}-${++seq}`, player_id: player, occurred_at: ts(600),
    profile: { registered_at: ts(600), country, currency: 'EUR', brand: 'acme' },
  };
}

export const ndjson = (rows: readonly unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
