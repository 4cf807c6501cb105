import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitbossApiError, PitbossClient, apiKey } from '@pitboss/sdk';
import type { PlayerNote, PlayerNotePage, PlayerSeries, RgInteractionResult, SeriesPoint, TimelineEvent, TimelinePage } from '@pitboss/sdk';
import { deposit, registered, startApi } from './api-server.js';
import type { ApiServer } from './api-server.js';

/** The player 360 client methods against the real API (PGlite) over HTTP. */
describe('PitbossClient player 360 methods', () => {
  let api: ApiServer;
  let admin: PitbossClient;
  let analyst: PitbossClient;

  beforeAll(async () => {
    api = await startApi();
    admin = new PitbossClient({ baseUrl: api.url, auth: apiKey(await api.key('admin')) });
    analyst = new PitbossClient({ baseUrl: api.url, auth: apiKey(await api.key('analyst')) });
    await admin.ingestEvents([registered('c-1'), deposit('c-1', 1200), deposit('c-1', 800)]);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it('reads events, series, notes; adds notes and interactions; maps 403/404 to PitbossApiError', async () => {
    const page = await admin.playerEvents('c-1', { limit: 2, types: ['payment'] });
    expect(page.items.map((e) => e.type)).toEqual(['payment', 'payment']);
    expect(page.next_cursor).toBeNull();
    const series = await admin.playerSeries('c-1', { days: 7 });
    expect(series.series[0]!.points.reduce((n, p) => n + p.deposits_minor, 0)).toBe(2000);
    const note = await admin.addPlayerNote('c-1', 'first <b>note</b>');
    expect((await admin.playerNotes('c-1')).items).toEqual([note]);
    expect((await analyst.playerNotes('c-1')).items[0]!.note).toBe('***');
    const rg = { event_id: 'rg-c-1', level: 'low', channel: 'chat', action: 'information', outcome: 'acknowledged' } as const;
    expect((await admin.recordInteraction('c-1', rg)).duplicate).toBe(false);
    expect((await admin.recordInteraction('c-1', rg)).duplicate).toBe(true);
    const forbidden = await analyst.addPlayerNote('c-1', 'x').catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(PitbossApiError);
    expect((forbidden as PitbossApiError).slug).toBe('forbidden');
    const missing = await admin.getPlayerScore('c-1').catch((e: unknown) => e);
    expect((missing as PitbossApiError).status).toBe(404);
  });

  it('the hand-written wire types name the same properties as the served /openapi.json', async () => {
    const event = { event_id: 1, type: 1, occurred_at: 1, payload: 1 } satisfies Record<keyof TimelineEvent, 1>;
    const timeline = { items: 1, next_cursor: 1 } satisfies Record<keyof TimelinePage, 1>;
    const point = { day: 1, deposits_minor: 1, withdrawals_minor: 1, stakes_minor: 1, net_loss_minor: 1, ggr_minor: 1 } satisfies Record<keyof SeriesPoint, 1>;
    const series = { player_id: 1, days: 1, from: 1, to: 1, series: 1 } satisfies Record<keyof PlayerSeries, 1>;
    const note = { id: 1, player_id: 1, author: 1, note: 1, created_at: 1 } satisfies Record<keyof PlayerNote, 1>;
    const notes = { items: 1, next_cursor: 1 } satisfies Record<keyof PlayerNotePage, 1>;
    const result = { event_id: 1, duplicate: 1, event: 1 } satisfies Record<keyof RgInteractionResult, 1>;
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    const props = (name: string) => Object.keys(doc.components.schemas[name]?.properties ?? {}).sort();
    expect(props('TimelineEvent')).toEqual(Object.keys(event).sort());
    expect(props('TimelinePage')).toEqual(Object.keys(timeline).sort());
    expect(props('SeriesPoint')).toEqual(Object.keys(point).sort());
    expect(props('PlayerSeries')).toEqual(Object.keys(series).sort());
    expect(props('PlayerNote')).toEqual(Object.keys(note).sort());
    expect(props('PlayerNotePage')).toEqual(Object.keys(notes).sort());
    expect(props('RgInteractionResult')).toEqual(Object.keys(result).sort());
  });
});
