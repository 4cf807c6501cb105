import { beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { PitbossClient, apiKey } from '@pitboss/sdk';
import type { EventInput } from '@pitboss/sdk';
import { apiSegmentCounter } from './counters.js';
import type { PbSegmentBuilder } from './segment-builder.component.js';
import { defineSegmentBuilder } from './segment-builder.js';

/**
 * `<pb-segment-builder>` against the real API (Hono on PGlite, served
 * same-origin by sdk/web-test-runner.config.mjs): players are ingested, the
 * segment is edited in the component, and the count it shows is the API's.
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
