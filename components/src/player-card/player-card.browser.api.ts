import { afterAll, beforeAll, describe, expect, it } from '@pitboss/test/harness';
import type { AxeResults } from 'axe-core';
import { PitbossClient, apiKey } from '@pitboss/sdk';
import type { EventInput, PlayerScore } from '@pitboss/sdk';
import { formatter } from '../shared/format.js';
import type { PbRiskGauge } from '../risk-gauge/risk-gauge.component.js';
import type { PbPlayerCard } from './player-card.component.js';
import type { PbInteractionAddEvent, PbNoteAddEvent, PbPlayerRefreshEvent } from './player-card.events.js';
import { definePlayerCard } from './player-card.js';

/**
 * <pb-player-card> in Chromium against the real API (PGlite, served
 * same-origin by sdk/web-test-runner.config.mjs, in a tenant of this suite's
 * own): profile, figures, gauge, virtualized timeline, notes and interactions
 * through the forms, masking for an analyst, live updates over /v1/stream.
 */
definePlayerCard();

// The virtualizer measures its variable-height rows with a ResizeObserver; when a measurement moves rows,
// Chromium reports "ResizeObserver loop completed with undelivered notifications" to window.onerror (the
// notifications arrive next frame; nothing is lost). Mocha would fail whichever test is running, so that one
// report, and only it, is stopped here.
window.addEventListener('error', (e) => {
  if (e.message.startsWith('ResizeObserver loop')) e.stopImmediatePropagation();
}, true);

const run = Date.now().toString(36);
const P = `pc-${run}`;
const NAME = '<img src=x onerror="window.__pwned=1">Ada';
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const at = (daysAgo: number, minute: number) => new Date(today - daysAgo * DAY + 9 * 3_600_000 + minute * 60_000).toISOString();
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

const events: EventInput[] = [
  { schema_version: 1, type: 'player.updated', event_id: `reg-${P}`, player_id: P, occurred_at: at(40, 0), profile: { registered_at: at(40, 0), country: 'GB', currency: 'EUR', brand: 'acme', personal: { first_name: NAME, last_name: 'Lovelace', email: 'ada@example.org' } } },
  ...[5, 3, 1].map((d, i) => ({ schema_version: 1, type: 'payment', event_id: `dep-${P}-${i}`, player_id: P, occurred_at: at(d, 0), payment_id: `pm-${i}`, direction: 'deposit', status: 'approved', method: 'card', amount_minor: 10_000 * (i + 1), currency: 'EUR' })),
  // 120 casino rounds: more than one page of the timeline (50), so scrolling loads older ones.
  ...Array.from({ length: 120 }, (_, i) => ({ schema_version: 1, type: 'casino.round', event_id: `cr-${P}-${String(i).padStart(3, '0')}`, player_id: P, occurred_at: at(2, i), round_id: `r-${i}`, game_id: 'starburst', game_type: 'slots', stake_minor: 100, win_minor: i % 3 === 0 ? 150 : 0, currency: 'EUR' })),
];

const frame = () => new Promise((r) => requestAnimationFrame(r));
/** A test body with mocha's per-test timeout raised: the API, the card and Chromium share two busy cores. */
const slow = (body: () => Promise<void>, ms = 240_000) =>
  function (this: { timeout?(ms: number): void } | void) {
    this?.timeout?.(ms);
    return body();
  };
async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const shadow = (el: Element) => el.shadowRoot!;
const q = (el: Element, sel: string) => shadow(el).querySelector(sel);
const qa = (el: Element, sel: string) => [...shadow(el).querySelectorAll(sel)];

async function mount(client: PitbossClient, setup: (c: PbPlayerCard) => void = () => undefined): Promise<PbPlayerCard> {
  for (const old of document.querySelectorAll('pb-player-card')) old.remove();
  const card = document.createElement('pb-player-card');
  card.style.width = '960px';
  card.locale = 'en';
  card.client = client;
  card.playerId = P;
  setup(card);
  const loaded = new Promise<void>((resolve) => card.addEventListener('pb-player-refresh', () => resolve(), { once: true }));
  document.body.append(card);
  await loaded;
  await card.whenIdle();
  return card;
}

async function loadAxe(): Promise<{ run(context: Element, options?: object): Promise<AxeResults> }> {
  if (!('axe' in window)) {
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/node_modules/axe-core/axe.min.js';
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('axe-core did not load from node_modules'));
      document.head.append(script);
    });
  }
  return (window as unknown as { axe: { run(context: Element, options?: object): Promise<AxeResults> } }).axe;
}

describe('<pb-player-card> against the real API', () => {
  let admin: PitbossClient;
  let analyst: PitbossClient;
  let apiBase = '';
  const keys = { admin: '', analyst: '' };

  beforeAll(slow(async () => {
    const { key, base } = (await (await fetch(`/__pitboss/test-key?tenant=card${run}`)).json()) as { key: string; base: string };
    admin = new PitbossClient({ baseUrl: location.origin + base, auth: apiKey(key) });
    const created = await admin.request<{ key: string }>('/v1/keys', { method: 'POST', json: { role: 'analyst', name: 'card suite' } });
    analyst = new PitbossClient({ baseUrl: location.origin + base, auth: apiKey(created.key) });
    Object.assign(keys, { admin: key, analyst: created.key });
    apiBase = base;
    const report = await admin.ingestEvents(events);
    expect(report.rejected, JSON.stringify(report.errors).slice(0, 500)).to.equal(0);
  }));
  afterAll(() => {
    for (const old of document.querySelectorAll('pb-player-card')) old.remove();
  });

  it('shows the profile, player text as text only, and the key figures with sparklines', slow(async () => {
    const card = await mount(admin);
    expect(q(card, 'h2')!.textContent).to.equal(`Player ${P}`);
    expect(q(card, '[data-field="name"]')!.textContent).to.equal(`${NAME} Lovelace`);
    expect(shadow(card).querySelector('img')).to.equal(null);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(q(card, '[data-field="email"]')!.textContent).to.equal('ada@example.org');
    expect(q(card, '[part~="masked"]')).to.equal(null);
    const deposits = q(card, '[data-figure="deposits_minor"][data-currency="EUR"]')!;
    const f = formatter('en');
    expect(deposits.querySelector('.figure-value')!.textContent).to.equal(f.money(60_000, 'EUR'));
    const ggr = q(card, '[data-figure="ggr_minor"]')!;
    expect(ggr.querySelector('.figure-value')!.textContent).to.equal(f.money(120 * 100 - 40 * 150, 'EUR'));
    const spark = deposits.querySelector('svg[part="sparkline"]')!;
    expect(spark.getAttribute('role')).to.equal('img');
    expect(spark.getAttribute('aria-label')).to.contain(f.money(60_000, 'EUR'));
    expect(spark.querySelector('polyline')!.getAttribute('points')!.split(' ')).to.have.length(90);
  }));

  it('shows the gauge\'s real "no score" state: this API has no scoring, GET /score answers 404', slow(async () => {
    const card = await mount(admin);
    const gauge = q(card, 'pb-risk-gauge') as PbRiskGauge;
    await gauge.updateComplete;
    expect(shadow(gauge).querySelector('[part="status"]')!.textContent).to.equal('Not scored yet');
    const standalone = document.createElement('pb-risk-gauge');
    const loaded = new Promise<{ score: PlayerScore | null }>((resolve) => standalone.addEventListener('pb-score-load', (e) => resolve(e.detail), { once: true }));
    standalone.locale = 'es';
    standalone.client = admin;
    standalone.playerId = P;
    document.body.append(standalone);
    expect((await loaded).score).to.equal(null);
    await standalone.whenLoaded();
    expect(shadow(standalone).querySelector('[part="status"]')!.textContent).to.equal('Aún sin puntuación');
    standalone.remove();
  }));

  it('renders the timeline virtualized, newest first, and loads older pages as it scrolls', slow(async () => {
    const card = await mount(admin);
    const timeline = q(card, '[part="timeline"]') as HTMLElement;
    const rendered = () => qa(card, '[part~="event"]') as HTMLElement[];
    await until('first events rendered', () => rendered().length > 0);
    expect(rendered()[0]!.dataset.eventId).to.equal(`dep-${P}-2`);
    expect(rendered().length).to.be.lessThan(50);
    expect(rendered()[0]!.querySelector('.event-type')!.textContent).to.equal('Payment');
    for (let i = 0; i < 200 && !rendered().some((e) => e.dataset.eventId === `reg-${P}`); i++) {
      timeline.scrollTop = timeline.scrollHeight;
      await frame();
      await card.whenIdle();
    }
    expect(rendered().some((e) => e.dataset.eventId === `reg-${P}`)).to.equal(true);
    expect(rendered().length).to.be.lessThan(60);
  }));

  it('adds a note through the form (markup stays text) and records an RG interaction; errors are shown', slow(async () => {
    const card = await mount(admin);
    const form = q(card, 'form[part="note-form"]') as HTMLFormElement;
    const text = `<b>bold</b> call ${run}`;
    (form.elements.namedItem('note') as HTMLTextAreaElement).value = text;
    const added = new Promise<PbNoteAddEvent>((resolve) => document.addEventListener('pb-note-add', (e) => resolve(e), { once: true }));
    (form.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    const event = await added;
    expect(event.detail.note.note).to.equal(text);
    expect(event.composed && event.bubbles).to.equal(true);
    await card.whenIdle();
    const notes = qa(card, '[part="note"] .note-text');
    expect(notes[0]!.textContent).to.equal(text);
    expect(shadow(card).querySelector('[part="note"] b')).to.equal(null);
    expect((await admin.playerNotes(P)).items.map((n) => n.note)).to.include(text);

    (form.elements.namedItem('note') as HTMLTextAreaElement).value = 'broken \ud800 text';
    (form.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    await until('note error shown', () => q(card, 'form[part="note-form"] [part="form-error"]') !== null);
    expect(q(card, '[part="form-error"]')!.getAttribute('role')).to.equal('alert');
    expect(q(card, '[part="form-error"]')!.textContent).to.contain('Could not save');

    const rg = q(card, 'form[part="interaction-form"]') as HTMLFormElement;
    (rg.elements.namedItem('action') as HTMLSelectElement).value = 'cooling_off_suggested';
    (rg.elements.namedItem('outcome') as HTMLSelectElement).value = 'declined';
    (rg.elements.namedItem('note') as HTMLTextAreaElement).value = 'Suggested a <i>break</i>';
    const recorded = new Promise<PbInteractionAddEvent>((resolve) => card.addEventListener('pb-interaction-add', (e) => resolve(e), { once: true }));
    (rg.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    const result = (await recorded).detail.result;
    expect(result.duplicate).to.equal(false);
    await card.whenIdle();
    const first = q(card, '[part="interaction"] .note-text')!;
    expect(first.textContent).to.contain('Cooling-off suggested');
    expect(first.textContent).to.contain('Suggested a <i>break</i>');
    const stored = await admin.playerEvents(P, { types: ['rg.interaction'] });
    expect(stored.items.map((e) => e.event_id)).to.include(result.event_id);
  }));

  it('refreshes on a live event of its player: the new deposit tops the timeline and the figures', slow(async () => {
    const card = await mount(admin);
    await until('live stream open', () => q(card, '[part="live"]')?.textContent === 'Live');
    const refreshed = new Promise<PbPlayerRefreshEvent>((resolve) => {
      card.addEventListener('pb-player-refresh', (e) => { if (e.detail.reason === 'live') resolve(e); });
    });
    const id = `live-${run}`;
    // Now: newer than the interaction the previous test recorded, so it tops the timeline.
    await admin.ingestEvents([{ schema_version: 1, type: 'payment', event_id: id, player_id: P, occurred_at: ago(0), payment_id: 'pm-live', direction: 'deposit', status: 'approved', method: 'card', amount_minor: 5_000, currency: 'EUR' }]);
    await refreshed;
    await card.whenIdle();
    await until('new event rendered', () => (qa(card, '[part~="event"]')[0] as HTMLElement | undefined)?.dataset.eventId === id);
    const deposits = q(card, '[data-figure="deposits_minor"][data-currency="EUR"] .figure-value')!;
    expect(deposits.textContent).to.equal(formatter('en').money(65_000, 'EUR'));
  }));

  it('as an analyst: personal values come masked and are labelled, notes masked, no forms', slow(async () => {
    const card = await mount(analyst);
    const email = q(card, '[data-field="email"]')!;
    expect(email.textContent).to.contain('***');
    expect(email.querySelector('[part~="masked"]')).to.not.equal(null);
    expect(email.textContent).to.contain('masked');
    expect(shadow(card).textContent).to.not.contain('ada@example.org');
    expect(shadow(card).textContent).to.not.contain('Lovelace');
    expect(q(card, 'form')).to.equal(null);
    expect(shadow(card).textContent).to.contain('Your role can read this player but not add notes or interactions.');
    const notes = qa(card, '[part="note"] .note-text');
    expect(notes.length).to.be.greaterThan(0);
    for (const n of notes) expect(n.textContent).to.contain('***');
  }));

  it('decides on its forms with GET /v1/me, writing nothing while it loads', slow(async () => {
    for (const [role, forms] of [['admin', 2], ['analyst', 0]] as const) {
      const calls: string[] = [];
      // The real client and server; the fetch only notes each request the card sends.
      const recording = new PitbossClient({
        baseUrl: location.origin + apiBase,
        auth: apiKey(keys[role]),
        fetch: (r) => {
          calls.push(`${r.method} ${new URL(r.url).pathname.slice(apiBase.length)}`);
          return globalThis.fetch(r);
        },
      });
      const card = await mount(recording);
      expect(calls, role).to.include('GET /v1/me');
      expect(calls.filter((c) => !c.startsWith('GET ')), role).to.deep.equal([]);
      expect(qa(card, 'form').length, role).to.equal(forms);
    }
  }));

  it('keeps every form control inside the card at narrow widths', slow(async () => {
    for (const locale of ['en', 'pt-BR', 'es'] as const) {
      for (const width of [240, 320, 420]) {
        const card = await mount(admin, (c) => {
          c.style.width = `${width}px`;
          c.locale = locale;
        });
        const edge = card.getBoundingClientRect().right;
        const controls = qa(card, 'form select, form textarea, form button, form label');
        expect(controls.length).to.be.greaterThan(4);
        for (const el of controls) {
          const right = el.getBoundingClientRect().right;
          const what = `${locale} ${width}px: <${el.localName} name=${el.getAttribute('name') ?? (el as HTMLElement).textContent!.slice(0, 20)}> ends at ${right}, the card at ${edge}`;
          expect(right <= edge + 0.5, what).to.equal(true);
        }
      }
    }
  }));

  it('speaks pt-BR and es', slow(async () => {
    const card = await mount(admin, (c) => {
      c.locale = 'pt-BR';
    });
    expect(q(card, 'h2')!.textContent).to.equal(`Jogador ${P}`);
    expect(q(card, '#notes-title')!.textContent).to.equal('Anotações');
    const value = q(card, '[data-figure="deposits_minor"] .figure-value')!.textContent!;
    expect(value).to.equal(formatter('pt-BR').money(65_000, 'EUR'));
    await until('timeline rendered', () => qa(card, '[part~="event"] .event-detail').length > 0);
    expect(qa(card, '[part~="event"] .event-type')[0]!.textContent).to.equal('Pagamento');
    expect(qa(card, '[part~="event"] .event-detail')[0]!.textContent).to.equal(`Depósito · ${formatter('pt-BR').money(5_000, 'EUR')} · aprovado · card`);
    card.locale = 'es';
    await card.whenIdle();
    expect(q(card, '#timeline-title')!.textContent).to.equal('Actividad reciente');
  }));

  it('has no axe-core violations, light and dark, as admin and analyst', slow(async () => {
    const axe = await loadAxe();
    for (const client of [admin, analyst]) {
      for (const theme of ['light', 'dark'] as const) {
        const card = await mount(client, (c) => {
          c.theme = theme;
        });
        const result = await axe.run(card, { resultTypes: ['violations'] });
        expect(result.violations.map((v) => `${theme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).to.deep.equal([]);
      }
    }
  }));
});
