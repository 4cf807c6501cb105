import { describe, expect, it } from '@pitboss/test/harness';
import { emulateMedia } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import type { ScoreReason } from '@pitboss/sdk';
import { PbRiskGauge } from './risk-gauge.component.js';
import { defineRiskGauge } from './risk-gauge.js';

defineRiskGauge();

const REASONS: ScoreReason[] = [
  { feature: 'deposit_escalation', category: 'patterns_of_spend', contribution: 0.9, direction: 'above', text: { en: 'Deposits are rising fast', 'pt-BR': 'Depósitos subindo rápido', es: 'Los depósitos suben rápido' } },
  { feature: 'night_play_share_30d', category: 'time', contribution: 0.5, direction: 'above', text: { en: 'Plays mostly at night', 'pt-BR': 'Joga principalmente à noite', es: 'Juega sobre todo de noche' } },
  { feature: 'cancelled_withdrawals_30d', category: 'gambling_behaviour', contribution: 0.3, direction: 'above', text: { en: '<b>Cancels</b> withdrawals', 'pt-BR': 'Cancela saques', es: 'Cancela retiros' } },
  { feature: 'limit_increases_90d', category: 'gambling_management_tools', contribution: 0.1, direction: 'above', text: { en: 'Raised limits', 'pt-BR': 'Aumentou limites', es: 'Subió límites' } },
];

async function mount(setup: (el: PbRiskGauge) => void): Promise<PbRiskGauge> {
  for (const old of document.querySelectorAll('pb-risk-gauge')) old.remove();
  const el = document.createElement('pb-risk-gauge');
  el.locale = 'en';
  setup(el);
  document.body.append(el);
  await el.updateComplete;
  await frames(2);
  await el.updateComplete;
  return el;
}

const frames = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r));
};
const meter = (el: PbRiskGauge) => el.shadowRoot!.querySelector('[role="meter"]')!;
const part = (el: PbRiskGauge, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`);
const parts = (el: PbRiskGauge, name: string) => [...el.shadowRoot!.querySelectorAll(`[part~="${name}"]`)];

describe('<pb-risk-gauge>', () => {
  it('renders the score as a meter with value, band text and the arc filled to the score', async () => {
    const el = await mount((g) => Object.assign(g, { score: 71, band: 'high', reasons: REASONS, modelVersion: '3', scoredAt: '2026-03-01T10:00:00Z' }));
    const m = meter(el);
    expect(m.getAttribute('aria-valuenow')).to.equal('71');
    expect(m.getAttribute('aria-valuemin')).to.equal('0');
    expect(m.getAttribute('aria-valuemax')).to.equal('100');
    expect(m.getAttribute('aria-valuetext')).to.equal('71 of 100, High risk');
    expect(m.getAttribute('aria-label')).to.equal('Risk score');
    expect(part(el, 'score')!.textContent).to.equal('71');
    expect(part(el, 'band')!.textContent).to.equal('High risk');
    expect(parseFloat((part(el, 'value-arc') as SVGElement).style.strokeDashoffset)).to.equal(29);
    expect(part(el, 'model')!.textContent).to.contain('Model 3');
  });

  it('colours the arc by band, each band its own colour, themable through --pb-risk-*', async () => {
    const colours = new Set<string>();
    for (const band of ['none', 'low', 'medium', 'high', 'very_high'] as const) {
      const el = await mount((g) => Object.assign(g, { score: 50, band }));
      colours.add(getComputedStyle(part(el, 'value-arc')!).stroke);
    }
    expect(colours.size).to.equal(5);
    const el = await mount((g) => Object.assign(g, { score: 50, band: 'medium' }));
    el.style.setProperty('--pb-gauge-duration', '0s');
    el.style.setProperty('--pb-risk-medium', 'rgb(1, 2, 3)');
    expect(getComputedStyle(part(el, 'value-arc')!).stroke).to.equal('rgb(1, 2, 3)');
    const unknown = await mount((g) => Object.assign(g, { score: 50, band: 'severe' }));
    expect(part(unknown, 'band')).to.equal(null);
    expect(meter(unknown).getAttribute('aria-valuetext')).to.equal('50 of 100');
  });

  it('lists the top reasons (max-reasons) with their UKGC category, as text only', async () => {
    const el = await mount((g) => Object.assign(g, { score: 80, band: 'very_high', reasons: REASONS }));
    const reasons = parts(el, 'reason');
    expect(reasons).to.have.length(3);
    expect(parts(el, 'reason-text').map((r) => r.textContent)).to.deep.equal(['Deposits are rising fast', 'Plays mostly at night', '<b>Cancels</b> withdrawals']);
    expect(parts(el, 'category').map((r) => r.textContent)).to.deep.equal(['Patterns of spend', 'Time', 'Gambling behaviour']);
    expect(el.shadowRoot!.querySelector('b')).to.equal(null);
    el.maxReasons = 4;
    await el.updateComplete;
    expect(parts(el, 'reason')).to.have.length(4);
  });

  it('speaks pt-BR and es: value text, band, categories, reason text, numbers', async () => {
    const el = await mount((g) => Object.assign(g, { score: 42, band: 'medium', reasons: REASONS, modelVersion: '7', locale: 'pt-BR' }));
    expect(meter(el).getAttribute('aria-valuetext')).to.equal('42 de 100, Risco médio');
    expect(meter(el).getAttribute('aria-label')).to.equal('Pontuação de risco');
    expect(parts(el, 'category')[0]!.textContent).to.equal('Padrões de gasto');
    expect(parts(el, 'reason-text')[1]!.textContent).to.equal('Joga principalmente à noite');
    expect(part(el, 'model')!.textContent).to.contain('Modelo 7');
    el.locale = 'es';
    await el.updateComplete;
    expect(meter(el).getAttribute('aria-valuetext')).to.equal('42 de 100, Riesgo medio');
    expect(parts(el, 'category')[1]!.textContent).to.equal('Tiempo');
    el.setAttribute('locale', 'es-MX');
    await el.updateComplete;
    expect(el.locale).to.equal('es');
  });

  it('animates the arc only when prefers-reduced-motion allows it', async () => {
    await emulateMedia({ reducedMotion: 'no-preference' });
    // A long transition, so a busy machine still samples it mid-way.
    let el = await mount((g) => {
      Object.assign(g, { score: 20, band: 'low' });
      g.style.setProperty('--pb-gauge-duration', '20s');
    });
    const arc = () => part(el, 'value-arc') as SVGElement;
    expect(parseFloat(getComputedStyle(arc()).transitionDuration)).to.be.greaterThan(0);
    el.score = 90;
    await el.updateComplete;
    await frames(3);
    // Mid-transition the painted offset lies between the old and the new value.
    const painted = parseFloat(getComputedStyle(arc()).strokeDashoffset);
    expect(parseFloat(arc().style.strokeDashoffset)).to.equal(10);
    expect(painted).to.be.greaterThan(10);
    expect(painted).to.be.lessThanOrEqual(80);

    await emulateMedia({ reducedMotion: 'reduce' });
    try {
      el = await mount((g) => {
        Object.assign(g, { score: 20, band: 'low' });
        g.style.setProperty('--pb-gauge-duration', '20s');
      });
      expect(getComputedStyle(arc()).transitionDuration).to.equal('0s');
      el.score = 90;
      await el.updateComplete;
      await frames(2);
      expect(parseFloat(getComputedStyle(arc()).strokeDashoffset)).to.equal(10);
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });

  it('shows a no-score state, clamps out-of-range scores', async () => {
    const none = await mount(() => undefined);
    expect(part(none, 'status')!.textContent).to.equal('Not scored yet');
    expect(el(none).querySelector('[role="meter"]')).to.equal(null);
    const high = await mount((g) => Object.assign(g, { score: 140, band: 'very_high' }));
    expect(meter(high).getAttribute('aria-valuenow')).to.equal('100');
  });

  it('themes light and dark through --pb-* tokens', async () => {
    const g = await mount((x) => Object.assign(x, { score: 10, band: 'none' }));
    expect(getComputedStyle(g).backgroundColor).to.equal('rgb(255, 255, 255)');
    g.theme = 'dark';
    await g.updateComplete;
    expect(getComputedStyle(g).backgroundColor).to.equal('rgb(17, 24, 39)');
    g.style.setProperty('--pb-surface', 'rgb(4, 5, 6)');
    expect(getComputedStyle(g).backgroundColor).to.equal('rgb(4, 5, 6)');
  });

  it('has no axe-core violations, light and dark, scored and unscored', async () => {
    if (!('axe' in window)) {
      await new Promise<void>((resolve, reject) => {
        const script = document.createElement('script');
        script.src = '/node_modules/axe-core/axe.min.js';
        script.onload = () => resolve();
        script.onerror = () => reject(new Error('axe-core did not load from node_modules'));
        document.head.append(script);
      });
    }
    const axe = (window as unknown as { axe: { run(context: Element, options?: object): Promise<AxeResults> } }).axe;
    for (const theme of ['light', 'dark'] as const) {
      for (const band of ['none', 'low', 'medium', 'high', 'very_high'] as const) {
        const g = await mount((x) => Object.assign(x, { score: 64, band, reasons: REASONS, modelVersion: '2', scoredAt: '2026-03-01T10:00:00Z', theme }));
        const result = await axe.run(g, { resultTypes: ['violations'] });
        expect(result.violations.map((v) => `${theme} ${band} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).to.deep.equal([]);
      }
    }
    const empty = await mount(() => undefined);
    expect((await axe.run(empty, { resultTypes: ['violations'] })).violations.map((v) => v.id)).to.deep.equal([]);
  });
});

function el(g: PbRiskGauge): ShadowRoot {
  return g.shadowRoot!;
}
