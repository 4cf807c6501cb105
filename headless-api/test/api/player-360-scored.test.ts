import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RISK_BANDS, UKGC_CATEGORIES } from '@pitboss/core';
import { trainTenantModel } from '../../src/scoring/default-model.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { SCORE_BACKENDS, scoringApp, seedSynth } from './scores-setup.js';

/**
 * The scored state behind `<pb-player-card>`'s gauge, which the card's
 * browser suite cannot reach (its API has no scoring): a scored player's
 * GET /score carries what the gauge shows (score, a RISK_BANDS band, reasons
 * with UKGC categories and text in every locale, model version), and an RG
 * interaction recorded through POST /interactions re-scores the player, so
 * the card's refresh on the live `score` message finds a newer score.
 * PGlite only: training and scoring are the costly part, and the storage
 * paths are covered on Postgres by player-360.test.ts.
 */
interface Score { player_id: string; score: number; band: string; model_version: string; scored_at: string; reasons: { category: string; text: Record<string, string> }[] }

describe('player 360 with a scored player (pglite)', () => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let main: ReturnType<typeof scoringApp>;
  const tenant = `p360s${Date.now().toString(36)}`;
  let agent: string;
  let player: string;

  const call = (method: string, path: string, body?: unknown) =>
    main.app.request(path, {
      method,
      headers: { authorization: `Bearer ${agent}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };

  beforeAll(async () => {
    ({ storage, close } = await SCORE_BACKENDS[0]!.open());
    main = scoringApp(storage);
    agent = (await storage.createApiKey(tenant, 'agent')).key;
    const labels = await seedSynth(storage, tenant, 120);
    const model = await trainTenantModel(storage, tenant, labels, { version: 'p360-1', seed: 3, synthetic: true, source: 'synth' });
    await main.scoring.upload(tenant, model.bytes, model.card);
    await main.scoring.activate(tenant, 'p360-1');
    expect(await main.scoring.scoreAll(tenant)).toBeGreaterThan(100);
    const atRisk = [...labels].filter(([, risky]) => risky).map(([id]) => id).sort();
    player = atRisk[0] ?? [...labels.keys()].sort()[0]!;
  }, 300_000);
  afterAll(async () => {
    await main?.scoring.close();
    await close?.();
  });

  it('GET /score carries what the gauge shows', async () => {
    const s = await json<Score>(await call('GET', `/v1/players/${player}/score`), 200);
    expect(s.score).toBeGreaterThanOrEqual(0);
    expect(s.score).toBeLessThanOrEqual(100);
    expect(RISK_BANDS as readonly string[]).toContain(s.band);
    expect(s.model_version).toBe('p360-1');
    for (const r of s.reasons) {
      expect(UKGC_CATEGORIES as readonly string[]).toContain(r.category);
      expect(Object.keys(r.text).sort()).toEqual(['en', 'es', 'pt-BR']);
    }
    const detail = await json<{ score: { value: number; band: string } }>(await call('GET', `/v1/players/${player}`), 200);
    expect(detail.score).toMatchObject({ value: s.score, band: s.band });
  });

  it('an interaction recorded through POST /interactions re-scores the player', async () => {
    const before = await json<Score>(await call('GET', `/v1/players/${player}/score`), 200);
    const body = { event_id: `rgi-${tenant}`, level: 'high', channel: 'phone', action: 'cooling_off_suggested', outcome: 'declined', occurred_at: new Date(Date.now() - 60_000).toISOString() };
    await json(await call('POST', `/v1/players/${player}/interactions`, body), 201);
    await storage.featuresSettled();
    const end = Date.now() + 120_000;
    let after = before;
    while (after.scored_at === before.scored_at) {
      if (Date.now() > end) throw new Error('the player was not re-scored after the interaction');
      await new Promise((r) => setTimeout(r, 200));
      after = await json<Score>(await call('GET', `/v1/players/${player}/score`), 200);
    }
    expect(Date.parse(after.scored_at)).toBeGreaterThan(Date.parse(before.scored_at));
    expect(after.model_version).toBe('p360-1');
    const events = await json<{ items: { event_id: string }[] }>(await call('GET', `/v1/players/${player}/events?types=rg.interaction`), 200);
    expect(events.items.map((e) => e.event_id)).toContain(body.event_id);
  }, 180_000);
});
