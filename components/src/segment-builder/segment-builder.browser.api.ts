import { beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { devDuckDBAssets } from '@pitboss/wasm/dev-assets';
import { LocalAnalytics, PitbossClient, apiKey } from '@pitboss/sdk';
import type { EventInput, SegmentAst } from '@pitboss/sdk';
import type { Segment } from '@pitboss/core';
import { apiSegmentCounter, duckdbSegmentCounter, readPreviewGuardrail } from './counters.js';
import type { LocalSegmentEngine } from './counters.js';
import type { PbSegmentBuilder } from './segment-builder.component.js';
import { defineSegmentBuilder } from './segment-builder.js';

/**
 * `<pb-segment-builder>` against the real API (Hono on PGlite, served
 * same-origin by sdk/web-test-runner.config.mjs): players are ingested, the
 * segment is edited in the component, and the count it shows is the API's;
 * the DuckDB counter over the API's exports counts as the API does.
 */
defineSegmentBuilder();

const run = Date.now().toString(36);
const BRAND = `segb-${run}`;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('<pb-segment-builder> counting through the API', () => {
  let client: PitbossClient;

  beforeAll(async () => {
    const { key, base } = (await (await fetch('/__pitboss/test-key')).json()) as { key: string; base: string };
    client = new PitbossClient({ baseUrl: location.origin + base, auth: apiKey(key) });
    // 10 players of this run's brand: 6 in BR (2 blocked, 1 self-excluded), 4 in PT; 3 BR players and 1 PT player deposited.
    const events: EventInput[] = [];
    for (let i = 0; i < 10; i++) {
      const id = `sb-${run}-${i}`;
      const br = i < 6;
      events.push({
        schema_version: 1, type: 'player.updated', event_id: `reg-${id}`, player_id: id, occurred_at: ago(600),
        profile: {
          registered_at: ago(600), country: br ? 'BR' : 'PT', currency: 'EUR', brand: BRAND,
          blocked: i === 0 || i === 1, ...(i === 2 ? { self_excluded_until: new Date(Date.now() + 86_400_000 * 30).toISOString() } : {}),
        },
      });
      if ([3, 4, 5, 7].includes(i)) {
        events.push({
          schema_version: 1, type: 'payment', event_id: `pay-${id}`, player_id: id, occurred_at: ago(60), payment_id: `pm-${id}`,
          direction: 'deposit', status: 'approved', method: 'pix', amount_minor: 5000 * i, currency: 'EUR',
        });
      }
    }
    const report = await client.ingestEvents(events);
    expect(report.rejected).to.equal(0);
  });

  it('shows the API count as the segment is edited, and the guardrail removals in marketing mode', async () => {
    const el = document.createElement('pb-segment-builder') as PbSegmentBuilder;
    el.locale = 'en';
    el.debounce = 50;
    el.segment = { all: [{ field: 'brand', op: 'eq', value: BRAND }] };
    el.counter = apiSegmentCounter(client);
    document.body.append(el);
    const root = el.shadowRoot!;
    const countText = () => root.querySelector('[part~="count"]')?.textContent?.trim() ?? '';
    await until(() => countText() === 'Matching players: 10', 'the brand count');

    // Add "country is BR" as a user does: the add button, then the field, operator and value selects.
    root.querySelector<HTMLButtonElement>('[data-path=""] > .add-bar [data-add="condition"]')!.click();
    await el.updateComplete;
    const set = async (id: string, value: string) => {
      const select = root.getElementById(id) as HTMLSelectElement;
      select.value = value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await el.updateComplete;
    };
    await set('n-all-1--field', 'country');
    await set('n-all-1--op', 'eq');
    await set('n-all-1--value', 'BR');
    expect(el.segment).to.deep.equal({ all: [{ field: 'brand', op: 'eq', value: BRAND }, { field: 'country', op: 'eq', value: 'BR' }] });
    await until(() => countText() === 'Matching players: 6', 'the BR count');

    // A behavioural condition: the default one is "did a deposit at least once in the last 30 days".
    root.querySelector<HTMLButtonElement>('[data-path=""] > .add-bar [data-add="count"]')!.click();
    await el.updateComplete;
    await until(() => countText() === 'Matching players: 3', 'BR depositors');
    expect(el.countResult).to.deep.equal({ count: 3, guardrail: null });

    // Marketing: without the deposit condition, the blocked and the self-excluded BR players are removed.
    root.querySelector<HTMLButtonElement>('[data-path="all[2]"] [data-action="remove"]')!.click();
    el.marketing = true;
    await until(() => countText() === 'Matching players: 3' && el.countResult?.guardrail != null, 'the guarded count');
    const g = el.countResult!.guardrail!;
    expect([g.matched, g.removed, g.kept]).to.deep.equal([6, 3, 3]);
    expect(g.byReason).to.deep.equal({ self_excluded: 1, blocked: 2, timed_out: 0, high_risk: 0 });
    const reasons = Object.fromEntries([...root.querySelectorAll<HTMLElement>('[part="guardrail"] li[data-reason]')].map((li) => [li.dataset['reason'], li.textContent!.replace(/\s+/g, ' ').trim()]));
    expect(reasons['blocked']).to.equal('Blocked: 2');
    expect(reasons['self_excluded']).to.equal('Self-excluded: 1');
    el.remove();
  });

  it('counts like the API with duckdbSegmentCounter over the exports, plain and guarded, and follows the exports loaded again', async () => {
    const local = await LocalAnalytics.open({ client, duckdb: { assets: devDuckDBAssets() } });
    // An engine with only query(): the counter derives the local tables itself (the SDK's LocalSegments).
    const queryOnly: LocalSegmentEngine = { query: local.query.bind(local) };
    const segments: Segment[] = [
      { all: [{ field: 'brand', op: 'eq', value: BRAND }] },
      { all: [{ field: 'brand', op: 'eq', value: BRAND }, { field: 'country', op: 'eq', value: 'BR' }] },
      { all: [{ field: 'brand', op: 'eq', value: BRAND }, { did: { type: 'payment' }, op: 'at_least', times: 1, days: 30 }] },
    ];
    /** Every segment, plain and guarded: the API's answers, each compared with both local counters at the API's as_of. */
    const compare = async (when: string) => {
      const answers: unknown[] = [];
      for (const segment of segments) {
        for (const marketing of [false, true]) {
          const server = await client.previewSegment(segment as unknown as SegmentAst, { limit: 1, marketing });
          const want = { count: server.count, guardrail: server.guardrail ? readPreviewGuardrail(server.guardrail) : null };
          answers.push(want);
          for (const [name, engine] of [['LocalAnalytics', local], ['query() only', queryOnly]] as const) {
            const got = await duckdbSegmentCounter(engine, { asOf: () => new Date(server.as_of) })(segment, { signal: new AbortController().signal, marketing });
            expect({ count: got.count, guardrail: got.guardrail ?? null }, `${when}, ${name}, marketing ${marketing}: ${JSON.stringify(segment)}`).to.deep.equal(want);
          }
        }
      }
      return answers;
    };
    try {
      await local.loadExport('players');
      await local.loadExport('events');
      const before = await compare('as exported');
      // A new BR player (self-excluded, a depositor), and BR depositor 3 blocked: the same exports loaded again.
      const id = `sb-${run}-new`;
      const report = await client.ingestEvents([
        {
          schema_version: 1, type: 'player.updated', event_id: `reg-${id}`, player_id: id, occurred_at: ago(30),
          profile: { registered_at: ago(30), country: 'BR', currency: 'EUR', brand: BRAND, blocked: false, self_excluded_until: new Date(Date.now() + 86_400_000).toISOString() },
        },
        {
          schema_version: 1, type: 'payment', event_id: `pay-${id}`, player_id: id, occurred_at: ago(20), payment_id: `pm-${id}`,
          direction: 'deposit', status: 'approved', method: 'pix', amount_minor: 1000, currency: 'EUR',
        },
        { schema_version: 1, type: 'player.updated', event_id: `block-sb-${run}-3`, player_id: `sb-${run}-3`, occurred_at: ago(10), profile: { blocked: true } },
      ] as EventInput[]);
      expect(report.rejected).to.equal(0);
      await local.loadExport('players');
      await local.loadExport('events');
      const after = await compare('exported again');
      expect(after, 'the API answers differently after the change').not.to.deep.equal(before);
    } finally {
      await local.close();
    }
  });

  it('shows an API failure at the count, not as an exception', async () => {
    const el = document.createElement('pb-segment-builder') as PbSegmentBuilder;
    el.locale = 'en';
    el.debounce = 0;
    el.segment = { all: [{ field: 'brand', op: 'eq', value: BRAND }] };
    el.counter = apiSegmentCounter(new PitbossClient({ baseUrl: location.origin + '/pitboss-api', auth: apiKey('pk_wrong_key'), retry: { retries: 0 } }));
    document.body.append(el);
    await until(() => el.shadowRoot!.querySelector('[role="alert"]') !== null, 'the error');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.match(/^The count failed: /);
    el.remove();
  });
});
