// pt-BR and es text is not in the components' static graph: it loads with
// import() the first time a component's locale resolves to it, and the
// component re-renders when it arrives. Each test file runs in its own page,
// so nothing here is loaded before the first test.
import { describe, expect, it } from '@pitboss/test/harness';
import { playerCardMessages, playerCardTimelineMessages } from '../player-card/player-card.messages.js';
import { riskGaugeMessages } from '../risk-gauge/risk-gauge.messages.js';
import { segmentBuilderBehaviourMessages, segmentBuilderMessages } from '../segment-builder/segment-builder.messages.js';
import { defineRiskGauge } from '../risk-gauge/risk-gauge.js';
import { sqlConsoleMessages } from '../sql-console/sql-console.messages.js';
import { isLocaleLoaded, loadLocale } from './locales.js';
import { messages } from './messages.js';

defineRiskGauge();
// The dev server serves every module apart (zod alone is 250): keep room for the entries that follow.
performance.setResourceTimingBufferSize(100_000);

/** Whether the page has fetched the locale module (the dev server serves it as `locales/<locale>.ts`). */
const requested = (locale: string): boolean =>
  performance.getEntriesByType('resource').some((e) => e.name.includes(`/components/src/locales/${locale}.ts`));

const meter = (el: HTMLElement): Element => el.shadowRoot!.querySelector('[role="meter"]')!;

describe('locale text (pt-BR, es)', () => {
  it('is not loaded until asked for; English stands in meanwhile', () => {
    expect(isLocaleLoaded('en')).to.equal(true);
    expect(isLocaleLoaded('pt-BR')).to.equal(false);
    expect(requested('pt-BR')).to.equal(false);
    expect(requested('es')).to.equal(false);
    expect(riskGaugeMessages('pt-BR').label).to.equal('Risk score');
    expect(messages('es').retry).to.equal('Retry');
  });

  it('loads when a component resolves to pt-BR, which renders English first and re-renders in Portuguese', async () => {
    const el = document.createElement('pb-risk-gauge');
    Object.assign(el, { locale: 'pt-BR', score: 42, band: 'medium' });
    document.body.append(el);
    // The shadow root exists from connection on; the first render has not run yet.
    const before: (string | null)[] = [];
    const observer = new MutationObserver((records) => {
      for (const r of records) if (r.attributeName === 'aria-label' && (r.target as Element).getAttribute('role') === 'meter') before.push(r.oldValue);
    });
    observer.observe(el.shadowRoot!, { subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['aria-label'] });
    try {
      await el.updateComplete;
      expect(meter(el).getAttribute('aria-label')).to.equal('Pontuação de risco');
      expect(meter(el).getAttribute('aria-valuetext')).to.equal('42 de 100, Risco médio');
      expect(before, 'the English render the Portuguese one replaced').to.deep.equal(['Risk score']);
    } finally {
      observer.disconnect();
      el.remove();
    }
    expect(requested('pt-BR')).to.equal(true);
    expect(isLocaleLoaded('pt-BR')).to.equal(true);
    expect(requested('es'), 'only the locale asked for').to.equal(false);
    // One table per locale serves every component.
    expect(sqlConsoleMessages('pt-BR').run).to.equal('Executar');
  });

  it('after a locale change, updateComplete waits for the new table', async () => {
    const el = document.createElement('pb-risk-gauge');
    Object.assign(el, { locale: 'en', score: 42, band: 'medium' });
    document.body.append(el);
    try {
      await el.updateComplete;
      expect(meter(el).getAttribute('aria-label')).to.equal('Risk score');
      el.setAttribute('locale', 'es-MX');
      await el.updateComplete;
      expect(meter(el).getAttribute('aria-label')).to.equal('Puntuación de riesgo');
      expect(isLocaleLoaded('es')).to.equal(true);
    } finally {
      el.remove();
    }
  });

  it('loadLocale resolves at once for English and for a loaded locale, and shares one load between callers', async () => {
    await loadLocale('en');
    await Promise.all([loadLocale('pt-BR'), loadLocale('pt-BR')]);
    const fetches = performance.getEntriesByType('resource').filter((e) => e.name.includes('/components/src/locales/pt-BR.ts'));
    expect(fetches).to.have.length(1);
  });

  it('text read only by lazy parts comes with them: the card timeline\'s and the builder\'s behavioural editors\', through async accessors', async () => {
    // Not in the synchronous tables, so not in the components' static graph.
    expect(playerCardMessages('en')).to.not.have.property('terms');
    expect(segmentBuilderMessages('en')).to.not.have.property('did');
    expect(playerCardMessages('pt-BR')).to.not.have.property('eventTypes');
    const [en, pt] = await Promise.all([playerCardTimelineMessages('en'), playerCardTimelineMessages('pt-BR')]);
    expect(en.terms.deposit).to.equal('Deposit');
    expect(en.eventTypes['bet.placed']).to.equal('Bet placed');
    expect(pt.terms.deposit).to.equal('Depósito');
    // The accessor loads the locale it is asked for.
    const es = await segmentBuilderBehaviourMessages('es');
    expect(isLocaleLoaded('es')).to.equal(true);
    expect(es.did).to.equal('Hizo');
    expect(es.countOps.at_least).to.equal('al menos');
    expect((await segmentBuilderBehaviourMessages('en')).sumColumns.amount_minor).to.equal('amount');
  });
});
