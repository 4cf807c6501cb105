import { html, nothing, type TemplateResult } from 'lit';
import { GUARDRAIL_REASONS } from '@pitboss/core';
import { formatter, type PbLocale } from '../shared/format.js';
import type { CountState } from './count.js';
import { fill } from '../shared/messages.js';
import type { SegmentBuilderMessages } from './segment-builder.messages.js';

/**
 * The count under the segment: a `role="status"` line (or a `role="alert"`
 * when the counter failed, with its message as text) and, in marketing mode,
 * the guardrail's removals per reason.
 */
export function countSummary(state: CountState, m: SegmentBuilderMessages, locale: PbLocale, marketing: boolean): TemplateResult {
  const f = formatter(locale);
  const shown = state.status === 'done' ? state.result : state.status === 'counting' ? state.last : undefined;
  const text =
    state.status === 'done' ? fill(m.count, { count: f.number(state.result.count, 0) })
    : state.status === 'counting' ? m.counting
    : state.status === 'invalid' ? m.countInvalid
    : state.status === 'error' ? fill(m.countFailed, { message: state.error instanceof Error ? state.error.message : String(state.error) })
    : m.countIdle;
  const guardrail = marketing && shown?.guardrail ? shown.guardrail : null;
  return html`<div class="summary" part="summary" aria-busy=${state.status === 'counting' ? 'true' : 'false'}>
    ${state.status === 'error'
      ? html`<p class="count error" part="count count-error" role="alert">${text}</p>`
      : html`<p class="count" part="count" role="status">${text}</p>`}
    ${guardrail
      ? html`<div class="guardrail" part="guardrail">
        <p class="guardrail-title" id="guardrail-title">${m.guardrailTitle}</p>
        <ul aria-labelledby="guardrail-title">
          <li>${fill(m.matched, { count: f.number(guardrail.matched, 0) })}</li>
          ${GUARDRAIL_REASONS.map((r) => html`<li data-reason=${r}><span>${r === 'high_risk' && guardrail.riskBandAtOrAbove
            ? fill(m.riskBandAtOrAbove, { band: guardrail.riskBandAtOrAbove })
            : m.reasons[r]}</span>: <strong>${f.number(guardrail.byReason[r], 0)}</strong></li>`)}
          <li>${fill(m.removed, { count: f.number(guardrail.removed, 0) })}</li>
        </ul>
      </div>`
      : nothing}
  </div>`;
}
