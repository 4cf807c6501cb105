import { LitElement, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { RISK_BANDS, UKGC_CATEGORIES, type RiskBand, type UkgcCategory } from '@pitboss/core';
import { PitbossApiError, type PitbossClient, type PlayerScore, type ScoreReason } from '@pitboss/sdk';
import { emit } from '../shared/events.js';
import { formatter, resolveLocale, type PbLocale } from '../shared/format.js';
import { LocaleController } from '../shared/locales.js';
import { themeTokens } from '../shared/theme.js';
import { VERSION } from '../shared/version.js';
import type { PbTheme } from '../player-table/player-table.component.js';
import type {} from '../player-table/player-table.events.js';
import type {} from './risk-gauge.events.js';
import { fill } from '../shared/messages.js';
import { riskGaugeMessages } from './risk-gauge.messages.js';
import { styles } from './risk-gauge.styles.js';

type Status = 'idle' | 'loading' | 'ready' | 'none' | 'error';

const BANDS: ReadonlySet<string> = new Set(RISK_BANDS);
const CATEGORIES: ReadonlySet<string> = new Set(UKGC_CATEGORIES);
/** The arc: a half circle, left to right over the top; `pathLength` 100 makes the dash offset the score. */
const ARC = 'M 10 60 A 50 50 0 0 1 110 60';

/** A band of `RISK_BANDS`, or null for anything else (an unknown band is shown uncoloured, not guessed). */
function knownBand(band: string | null | undefined): RiskBand | null {
  return band && BANDS.has(band) ? (band as RiskBand) : null;
}

function clampScore(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.min(100, Math.max(0, Math.round(value)));
}

/**
 * A player's risk score (0–100) as a gauge: a half-circle arc coloured by
 * band, the band's name, the top reasons with their UK Gambling Commission
 * indicator category, and the model version. Exposed as `role="meter"`.
 *
 * Give it a score (`score`, `band`, `reasons`, `modelVersion`), or a
 * `client` and a `player-id` to fetch `GET /v1/players/{id}/score` itself.
 * The arc animates to a new score only when `prefers-reduced-motion` allows.
 *
 * @summary Risk score gauge with band colours, reasons and model version.
 * @tag pb-risk-gauge
 *
 * @fires pb-score-load - A score was fetched for `player-id` (`detail.score` is null when the player has none yet).
 * @fires pb-load-error - Fetching the score failed; `detail.error`.
 *
 * @csspart meter - The `role="meter"` element holding the arc and the value.
 * @csspart arc - The SVG of the gauge.
 * @csspart track - The arc's background track.
 * @csspart value-arc - The coloured arc up to the score (class `band-<band>`).
 * @csspart score - The score as text.
 * @csspart band - The band's name.
 * @csspart reasons - The list of top reasons.
 * @csspart reason - One reason.
 * @csspart reason-text - A reason's text.
 * @csspart category - A reason's UKGC category.
 * @csspart model - The model version and scoring time.
 * @csspart status - The loading, no-score or error message.
 * @csspart retry-button - The retry button after an error.
 *
 * @cssprop --pb-accent - Accent colour.
 * @cssprop --pb-surface - Background colour.
 * @cssprop --pb-text - Text colour.
 * @cssprop --pb-risk-none - Colour of the `none` band.
 * @cssprop --pb-risk-low - Colour of the `low` band.
 * @cssprop --pb-risk-medium - Colour of the `medium` band.
 * @cssprop --pb-risk-high - Colour of the `high` band.
 * @cssprop --pb-risk-very-high - Colour of the `very_high` band.
 * @cssprop --pb-risk-unbanded - Colour of a score without a known band.
 * @cssprop --pb-gauge-track - Colour of the arc's track.
 * @cssprop --pb-gauge-size - Width of the gauge (default 160px).
 * @cssprop --pb-gauge-duration - Duration of the arc animation (when motion is allowed).
 * @cssprop --pb-gauge-font-size - Base font size.
 */
export class PbRiskGauge extends LitElement {
  static override styles = [themeTokens, styles];

  // Reactive properties, declared here rather than with decorators (each decorator compiles to a
  // helper call per property: 0.6 KB gzip of the bundle across the components); each is documented
  // where its field is declared below.
  static override properties = {
    score: { type: Number },
    band: {},
    reasons: { attribute: false },
    modelVersion: { attribute: 'model-version' },
    scoredAt: { attribute: 'scored-at' },
    maxReasons: { type: Number, attribute: 'max-reasons' },
    locale: { reflect: true, converter: { fromAttribute: (v: string | null) => resolveLocale(v) } },
    theme: { reflect: true },
    playerId: { attribute: 'player-id' },
    client: { attribute: false },
    status: { state: true },
    shown: { state: true },
  };

  /** Version of the library that defined this class; registration compares it with an existing definition. */
  static readonly version = VERSION;

  /** The score, 0–100; null shows the no-score state. Set by a fetch when `client` and `player-id` are given. */
  score: number | null = null;

  /** The band of the score (`none`, `low`, `medium`, `high`, `very_high`); an unknown band is shown uncoloured. */
  band: RiskBand | null = null;

  /** The score's reasons, most important first (as the API returns them). */
  reasons: readonly ScoreReason[] = [];

  /** Version of the model that produced the score. */
  modelVersion = '';

  /** When the score was computed (ISO 8601); shown under the model version. */
  scoredAt = '';

  /** How many reasons to list. */
  maxReasons = 3;

  /** Locale for text, numbers and dates: `en`, `pt-BR` or `es`. */
  locale: PbLocale = resolveLocale(globalThis.document?.documentElement.lang || globalThis.navigator?.language);

  /** Loads the interface text of `locale` when it is not built in (pt-BR, es) and re-renders when it arrives. */
  readonly #localeText = new LocaleController(this);

  /** Also waits for the text of `locale` to arrive (pt-BR and es load on first use), so after `await updateComplete` the component speaks its locale. */
  protected override getUpdateComplete(): Promise<boolean> {
    return this.#localeText.settle(() => super.getUpdateComplete());
  }

  /** Colour scheme: `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  theme: PbTheme = 'light';

  /** The player whose score to fetch with `client`. */
  playerId = '';

  /** API client used to fetch the score of `player-id`; without one, the gauge shows the properties it is given. */
  client: PitbossClient | null = null;

  private status: Status = 'idle';
  /** The score the arc currently shows: lags `score` by one frame so a change can animate. */
  private shown = 0;
  #error: unknown = null;
  #abort: AbortController | null = null;
  #frame = 0;
  #loaded: Promise<void> = Promise.resolve();

  /** Resolves when the current fetch (if any) has settled and the result is rendered. */
  async whenLoaded(): Promise<void> {
    await this.#loaded;
    await this.updateComplete;
  }

  /** Fetches the score of `player-id` again. */
  reload(): Promise<void> {
    this.#loaded = this.#fetch();
    return this.#loaded;
  }

  /** Sets every displayed field from a score as `GET /v1/players/{id}/score` returns it (null: no score). */
  applyScore(score: PlayerScore | null): void {
    this.score = score?.score ?? null;
    this.band = score ? knownBand(score.band) : null;
    this.reasons = score?.reasons ?? [];
    this.modelVersion = score?.model_version ?? '';
    this.scoredAt = score?.scored_at ?? '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
    cancelAnimationFrame(this.#frame);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('client') || changed.has('playerId')) && this.client && this.playerId) this.#loaded = this.#fetch();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('score')) {
      const target = clampScore(this.score) ?? 0;
      cancelAnimationFrame(this.#frame);
      // One frame at the old value first, so the transition (where allowed) has a start.
      this.#frame = requestAnimationFrame(() => {
        this.shown = target;
      });
    }
  }

  async #fetch(): Promise<void> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    const client = this.client;
    const playerId = this.playerId;
    if (!client || !playerId) return;
    this.status = 'loading';
    try {
      let score: PlayerScore | null;
      try {
        score = await client.getPlayerScore(playerId, { signal: abort.signal });
      } catch (error) {
        if (!(error instanceof PitbossApiError && error.status === 404)) throw error;
        score = null;
      }
      if (abort.signal.aborted) return;
      this.applyScore(score);
      this.status = score ? 'ready' : 'none';
      emit(this, 'pb-score-load', { playerId, score });
    } catch (error) {
      if (abort.signal.aborted) return;
      this.#error = error;
      this.status = 'error';
      emit(this, 'pb-load-error', { error });
    }
  }

  protected override render(): TemplateResult {
    const t = riskGaugeMessages(this.locale);
    if (this.status === 'loading' && this.score === null) return html`<div part="status" class="status" role="status">${t.loading}</div>`;
    if (this.status === 'error') {
      const detail = this.#error instanceof Error ? this.#error.message : String(this.#error);
      return html`<div part="status" class="status error" role="alert">
        <div>${t.error}</div>
        <div>${detail}</div>
        <button part="retry-button" type="button" @click=${() => void this.reload()}>${t.retry}</button>
      </div>`;
    }
    const score = clampScore(this.score);
    if (score === null) return html`<div part="status" class="status" role="status">${t.noScore}</div>`;
    const band = knownBand(this.band);
    const bandName = band ? t.bands[band] : '';
    const valueText = band ? fill(t.valueText, { score, band: bandName }) : fill(t.valueTextNoBand, { score });
    const f = formatter(this.locale);
    const bandClass = `band-${band ?? 'unknown'}`;
    return html`
      <div part="meter" class="meter ${bandClass}" role="meter" aria-label=${t.label}
        aria-valuemin="0" aria-valuemax="100" aria-valuenow=${score} aria-valuetext=${valueText}>
        <svg part="arc" viewBox="0 0 120 66" aria-hidden="true" focusable="false">
          ${svg`<path part="track" class="track" d=${ARC} pathLength="100"></path>
          <path part="value-arc" class="value ${bandClass}" d=${ARC} pathLength="100"
            stroke-dasharray="100 100" style="stroke-dashoffset: ${100 - this.shown}"></path>`}
        </svg>
        <div part="score" class="score">${f.number(score, 0)}</div>
        ${band ? html`<div part="band" class="band ${bandClass}">${bandName}</div>` : nothing}
      </div>
      ${this.#reasons(t)}
      ${this.modelVersion || this.scoredAt
        ? html`<div part="model" class="meta">
            ${this.modelVersion ? html`<span>${fill(t.model, { version: this.modelVersion })}</span>` : nothing}
            ${this.scoredAt && f.date(this.scoredAt, 'datetime') ? html`<span> · ${fill(t.scoredAt, { date: f.date(this.scoredAt, 'datetime') })}</span>` : nothing}
          </div>`
        : nothing}
    `;
  }

  #reasons(t: ReturnType<typeof riskGaugeMessages>): TemplateResult | typeof nothing {
    const reasons = this.reasons.slice(0, Math.max(0, this.maxReasons));
    if (reasons.length === 0) return nothing;
    return html`
      <div class="reasons-title" id="reasons-title">${t.reasons}</div>
      <ul part="reasons" class="reasons" aria-labelledby="reasons-title">
        ${reasons.map((r) => html`<li part="reason" class="reason">
          <span part="reason-text">${r.text[this.locale] ?? r.text.en ?? r.feature}</span>
          <span part="category" class="category">${CATEGORIES.has(r.category) ? t.categories[r.category as UkgcCategory] : r.category}</span>
        </li>`)}
      </ul>
    `;
  }
}
