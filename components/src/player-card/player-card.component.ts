import { LitElement, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import type { VisibilityChangedEvent } from '@lit-labs/virtualizer/events.js';
import { PitbossApiError } from '@pitboss/sdk';
import type {
  LiveMessage, LiveStream, PitbossClient, PlayerDetail, PlayerNote, PlayerScore, PlayerSeries, RgInteractionInput, TimelineEvent,
} from '@pitboss/sdk';
import { emit } from '../shared/events.js';
import { formatter, resolveLocale, type Formatter, type PbLocale } from '../shared/format.js';
import { LocaleController } from '../shared/locales.js';
import { themeTokens } from '../shared/theme.js';
import { VERSION } from '../shared/version.js';
import type { PbTheme } from '../player-table/player-table.component.js';
import type {} from '../player-table/player-table.events.js';
import type { PbRiskGauge } from '../risk-gauge/risk-gauge.component.js';
import { fill } from '../shared/messages.js';
import type {} from './player-card.events.js';
import { ACTIONS, CHANNELS, LEVELS, OUTCOMES, playerCardMessages, type PlayerCardMessages } from './player-card.messages.js';
import { styles } from './player-card.styles.js';
import { interactionDetail } from './interaction-detail.js';
import { loadTimeline, type Timeline } from './timeline-virtualizer.js';

/** What the API answers for a personal value the caller's role may not see. */
const MASK = '***';
const PAGE = 50;
const LIVE_DEBOUNCE_MS = 250;

type Status = 'idle' | 'loading' | 'ready' | 'error';
/** Whether the caller may add notes and interactions: asked of the API, not guessed from a role. */
type WriteAccess = 'unknown' | 'allowed' | 'denied';
type Figure = 'deposits_minor' | 'net_loss_minor' | 'ggr_minor';

const FIGURES: readonly Figure[] = ['deposits_minor', 'net_loss_minor', 'ggr_minor'];

function messageOf(error: unknown): string {
  if (error instanceof PitbossApiError) return error.detail ?? error.title;
  return error instanceof Error ? error.message : String(error);
}

/** The timeline's order, as `GET /v1/players/{id}/events` pages it (ISO 8601 UTC strings compare as times). */
function newestFirst(a: TimelineEvent, b: TimelineEvent): number {
  if (a.occurred_at !== b.occurred_at) return a.occurred_at < b.occurred_at ? 1 : -1;
  return a.event_id < b.event_id ? 1 : a.event_id > b.event_id ? -1 : 0;
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** A random id for an interaction's idempotency key (randomUUID needs a secure context; getRandomValues does not). */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'ui-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The player 360: profile (personal values as the API returns them for the
 * caller's role, masked ones labelled as such), key money figures with daily
 * sparklines, the risk gauge, a virtualized timeline of the player's events
 * (older pages load as it scrolls), notes and responsible-gambling
 * interactions with forms to add them (shown only when the API lets the
 * caller write), and live updates from the API's stream.
 *
 * @summary Player 360 card: profile, figures, risk, timeline, notes and RG interactions, live.
 * @tag pb-player-card
 *
 * @fires pb-note-add - A note was stored; `detail.note`.
 * @fires pb-interaction-add - An RG interaction was stored (or already was: `detail.result.duplicate`).
 * @fires pb-player-refresh - The card loaded the player (`detail.reason` `load`) or refreshed it after a live update (`live`).
 * @fires pb-load-error - Loading the player failed; `detail.error`.
 *
 * @csspart card - The card's content.
 * @csspart header - The title row.
 * @csspart live - The live-updates indicator.
 * @csspart profile - The profile section.
 * @csspart masked - A personal value masked for the caller's role (with its label).
 * @csspart figures - The key figures section.
 * @csspart figure - One figure (name, total, sparkline).
 * @csspart sparkline - A figure's daily sparkline (SVG).
 * @csspart risk - The risk section.
 * @csspart gauge - The `<pb-risk-gauge>`.
 * @csspart timeline - The virtualized, scrolling list of events.
 * @csspart event - One event of the timeline.
 * @csspart notes - The notes section.
 * @csspart note - One note.
 * @csspart note-form - The form that adds a note.
 * @csspart interactions - The RG interactions section.
 * @csspart interaction - One recorded interaction.
 * @csspart interaction-form - The form that records an interaction.
 * @csspart form-error - A form's error message.
 * @csspart status - The loading or error message of the whole card.
 * @csspart retry-button - The retry button after a load error.
 *
 * @cssprop --pb-accent - Accent colour (buttons, sparklines).
 * @cssprop --pb-surface - Background colour.
 * @cssprop --pb-text - Text colour.
 * @cssprop --pb-border - Border colour.
 * @cssprop --pb-font - Font family.
 * @cssprop --pb-radius - Corner radius.
 * @cssprop --pb-space - Base spacing unit.
 * @cssprop --pb-card-font-size - Base font size.
 * @cssprop --pb-card-timeline-height - Height of the timeline (default 320px).
 * @cssprop --pb-card-sparkline - Colour of the sparklines.
 * @cssprop --pb-risk-none - Band colours of the gauge (also `--pb-risk-low`, `-medium`, `-high`, `-very-high`).
 */
export class PbPlayerCard extends LitElement {
  static override styles = [themeTokens, styles];

  // Reactive properties, declared here rather than with decorators (each decorator compiles to a
  // helper call per property: 0.6 KB gzip of the bundle across the components); each is documented
  // where its field is declared below.
  static override properties = {
    client: { attribute: false },
    playerId: { attribute: 'player-id' },
    locale: { reflect: true, converter: { fromAttribute: (v: string | null) => resolveLocale(v) } },
    theme: { reflect: true },
    days: { type: Number },
    noLive: { type: Boolean, attribute: 'no-live' },
    status: { state: true },
    player: { state: true },
    score: { state: true },
    series: { state: true },
    events: { state: true },
    notes: { state: true },
    interactions: { state: true },
    writeAccess: { state: true },
    liveState: { state: true },
    sectionErrors: { state: true },
    noteError: { state: true },
    interactionError: { state: true },
    savingNote: { state: true },
    savingInteraction: { state: true },
    loadingMore: { state: true },
    timeline: { state: true },
  };

  /** Version of the library that defined this class; registration compares it with an existing definition. */
  static readonly version = VERSION;

  /** API client the card reads and writes through (its credential decides the role: masking, forms). */
  client: PitbossClient | null = null;

  /** The player to show. */
  playerId = '';

  /** Locale for text, money and dates: `en`, `pt-BR` or `es`. */
  locale: PbLocale = resolveLocale(globalThis.document?.documentElement.lang || globalThis.navigator?.language);

  /** Loads the interface text of `locale` when it is not built in (pt-BR, es) and re-renders when it arrives. */
  readonly #localeText = new LocaleController(this);

  /** Also waits for the text of `locale` to arrive (pt-BR and es load on first use), so after `await updateComplete` the component speaks its locale. */
  protected override getUpdateComplete(): Promise<boolean> {
    return this.#localeText.settle(() => super.getUpdateComplete());
  }

  /** Colour scheme: `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  theme: PbTheme = 'light';

  /** Days of the key figures and sparklines (1–366). */
  days = 90;

  /** Turns off live updates (the card then shows what it loaded until `reload()`). */
  noLive = false;

  private status: Status = 'idle';
  private player: PlayerDetail | null = null;
  private score: PlayerScore | null = null;
  private series: PlayerSeries | null = null;
  private events: TimelineEvent[] = [];
  private notes: PlayerNote[] = [];
  private interactions: TimelineEvent[] = [];
  private writeAccess: WriteAccess = 'unknown';
  private liveState: 'off' | 'on' | 'stopped' = 'off';
  private sectionErrors: Partial<Record<'score' | 'series' | 'events' | 'notes' | 'interactions', string>> = {};
  private noteError = '';
  private interactionError = '';
  private savingNote = false;
  private savingInteraction = false;
  private loadingMore = false;
  /** The timeline (virtualized list, event text), loaded with import() alongside the first page of events. */
  private timeline: Timeline | null = null;

  #error: unknown = null;
  #nextCursor: string | null = null;
  #abort: AbortController | null = null;
  #live: LiveStream | null = null;
  #liveClient: PitbossClient | null = null;
  #timelineEl: Element | null = null;
  #gauge: PbRiskGauge | null = null;
  #gaugeScore: PlayerScore | null = null;
  #liveTimer: ReturnType<typeof setTimeout> | undefined;
  #pending: Promise<unknown> = Promise.resolve();
  #busy = 0;
  /** The idempotency key of the interaction being submitted: kept across retries of one submission. */
  #interactionId: string | null = null;

  /** Resolves when every load, refresh and save started so far has settled and rendered. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const pending = this.#pending;
      await pending;
      await this.updateComplete;
      if (pending !== this.#pending) continue;
      if (this.#busy === 0) return;
      // A live refresh is waiting out its debounce.
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Loads everything again. */
  reload(): Promise<void> {
    return this.#track(this.#load('load'));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the page: keep what is shown; a load cut short by the move starts again.
    if (this.hasUpdated && this.client && this.playerId && this.status !== 'ready') void this.reload();
    this.#connectLive();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
    this.#disconnectLive();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('client') || changed.has('playerId') || changed.has('days')) && this.client && this.playerId) void this.reload();
    if (changed.has('client') || changed.has('noLive')) {
      if (this.#liveClient !== this.client || this.noLive) this.#disconnectLive();
      this.#connectLive();
    }
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#busy++;
    const done = work.finally(() => {
      this.#busy--;
    });
    // `#pending` never rejects: the caller of the work handles its error.
    const settled = done.then(() => undefined, () => undefined);
    this.#pending = Promise.all([this.#pending, settled]);
    return done;
  }

  async #load(reason: 'load' | 'live'): Promise<void> {
    const client = this.client;
    const id = this.playerId;
    if (!client || !id) return;
    if (reason === 'load') {
      this.#abort?.abort();
      this.status = 'loading';
      this.events = [];
      this.#nextCursor = null;
    }
    const abort = reason === 'load' || !this.#abort ? (this.#abort = new AbortController()) : this.#abort;
    const signal = abort.signal;
    const errors: PbPlayerCard['sectionErrors'] = {};
    const part = async <T>(key: keyof PbPlayerCard['sectionErrors'], work: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await work();
      } catch (error) {
        if (isAbort(error) || signal.aborted) throw error;
        errors[key] = messageOf(error);
        return undefined;
      }
    };
    try {
      const [player, score, series, events, notes, interactions] = await Promise.all([
        client.getPlayer(id, { signal }),
        part('score', async () => {
          try {
            return await client.getPlayerScore(id, { signal });
          } catch (error) {
            // Never scored, or an API without scoring: the gauge says so.
            if (error instanceof PitbossApiError && error.status === 404) return null;
            throw error;
          }
        }),
        part('series', () => client.playerSeries(id, { days: this.days }, { signal })),
        part('events', async () => {
          const [page, timeline] = await Promise.all([client.playerEvents(id, { limit: PAGE }, { signal }), loadTimeline()]);
          this.timeline = timeline;
          return page;
        }),
        part('notes', () => client.playerNotes(id, { limit: PAGE }, { signal })),
        part('interactions', () => client.playerEvents(id, { limit: PAGE, types: ['rg.interaction'] }, { signal })),
        reason === 'load' ? this.#probeWriteAccess(client, signal) : Promise.resolve(),
      ]);
      if (signal.aborted) return;
      this.player = player;
      if (score !== undefined) this.score = score;
      if (series) this.series = series;
      if (events) {
        if (reason === 'load' || this.events.length === 0) {
          this.events = events.items;
          this.#nextCursor = events.next_cursor;
        } else {
          // A live refresh: merge what is new into the pages already loaded, in the API's order
          // (newest first, then event id); a late event may belong below others.
          const known = new Set(this.events.map((e) => e.event_id));
          const fresh = events.items.filter((e) => !known.has(e.event_id));
          if (fresh.length > 0) this.events = [...fresh, ...this.events].sort(newestFirst);
        }
      }
      if (notes) this.notes = notes.items;
      if (interactions) this.interactions = interactions.items;
      this.sectionErrors = errors;
      this.status = 'ready';
      await this.updateComplete;
      emit(this, 'pb-player-refresh', { playerId: id, reason });
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      if (reason === 'live' && this.player) {
        this.sectionErrors = { ...errors, events: messageOf(error) };
        return;
      }
      this.#error = error;
      this.status = 'error';
      emit(this, 'pb-load-error', { error });
    }
  }

  /**
   * Asks the API what this caller may do (`GET /v1/me`): the note and
   * interaction forms show when its role holds `notes:write`.
   */
  async #probeWriteAccess(client: PitbossClient, signal: AbortSignal): Promise<void> {
    try {
      const me = await client.me({ signal });
      this.writeAccess = me.permissions.includes('notes:write') ? 'allowed' : 'denied';
    } catch (error) {
      if (isAbort(error) || signal.aborted) throw error;
      // An API without /v1/me, or one that failed: the forms stay up, and a real submission shows the real error.
      this.writeAccess = 'allowed';
    }
  }

  async #loadMore(): Promise<void> {
    const client = this.client;
    const cursor = this.#nextCursor;
    if (!client || !cursor || this.loadingMore) return;
    this.loadingMore = true;
    try {
      const page = await client.playerEvents(this.playerId, { limit: PAGE, cursor }, { signal: this.#abort?.signal });
      const known = new Set(this.events.map((e) => e.event_id));
      this.events = [...this.events, ...page.items.filter((e) => !known.has(e.event_id))];
      this.#nextCursor = page.next_cursor;
    } catch (error) {
      if (!isAbort(error)) this.sectionErrors = { ...this.sectionErrors, events: messageOf(error) };
    } finally {
      this.loadingMore = false;
    }
  }

  #connectLive(): void {
    if (this.#live || this.noLive || !this.client || !this.isConnected) return;
    this.#liveClient = this.client;
    const live = (this.#live = this.client.live());
    live.onState((s) => {
      if (this.#live === live) this.liveState = s === 'open' ? 'on' : s === 'closed' ? 'stopped' : this.liveState;
    });
    live.onError(() => {
      if (this.#live === live) this.liveState = 'stopped';
    });
    live.subscribe((m) => this.#onLive(m));
  }

  #disconnectLive(): void {
    if (this.#liveTimer !== undefined) {
      clearTimeout(this.#liveTimer);
      this.#liveTimer = undefined;
      this.#busy--;
    }
    this.#live?.close();
    this.#live = null;
    this.#liveClient = null;
    this.liveState = 'off';
  }

  #onLive(m: LiveMessage): void {
    const mine = (m.event === 'event' || m.event === 'score') && m.data.player_id === this.playerId;
    if (!mine && m.event !== 'reset') return;
    // A burst of events (one ingest batch) becomes one refresh. Busy from the first message on, so `whenIdle()` waits for it.
    if (this.#liveTimer === undefined) this.#busy++;
    else clearTimeout(this.#liveTimer);
    this.#liveTimer = setTimeout(() => {
      this.#liveTimer = undefined;
      this.#busy--;
      void this.#track(this.#load('live'));
    }, LIVE_DEBOUNCE_MS);
  }

  async #submitNote(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const field = form.elements.namedItem('note') as HTMLTextAreaElement;
    const t = playerCardMessages(this.locale);
    const text = field.value.trim();
    if (!this.client || text === '') {
      this.noteError = text === '' ? `${t.saveFailed}: ${t.noteLabel}` : t.saveFailed;
      return;
    }
    this.savingNote = true;
    this.noteError = '';
    try {
      const note = await this.#track(this.client.addPlayerNote(this.playerId, text));
      this.notes = [note, ...this.notes.filter((n) => n.id !== note.id)];
      field.value = '';
      emit(this, 'pb-note-add', { playerId: this.playerId, note });
    } catch (error) {
      if (error instanceof PitbossApiError && error.status === 403) this.writeAccess = 'denied';
      this.noteError = `${t.saveFailed}: ${messageOf(error)}`;
    } finally {
      this.savingNote = false;
    }
  }

  async #submitInteraction(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLSelectElement | HTMLTextAreaElement).value;
    const t = playerCardMessages(this.locale);
    if (!this.client) return;
    const note = value('note').trim();
    this.#interactionId ??= randomId();
    const input: RgInteractionInput = {
      event_id: this.#interactionId,
      level: value('level') as RgInteractionInput['level'],
      channel: value('channel') as RgInteractionInput['channel'],
      action: value('action') as RgInteractionInput['action'],
      outcome: value('outcome') as RgInteractionInput['outcome'],
      ...(note ? { note } : {}),
    };
    this.savingInteraction = true;
    this.interactionError = '';
    try {
      const result = await this.#track(this.client.recordInteraction(this.playerId, input));
      this.#interactionId = null;
      (form.elements.namedItem('note') as HTMLTextAreaElement).value = '';
      if (!this.interactions.some((i) => i.event_id === result.event_id)) this.interactions = [result.event, ...this.interactions];
      emit(this, 'pb-interaction-add', { playerId: this.playerId, result });
    } catch (error) {
      if (error instanceof PitbossApiError && error.status === 403) this.writeAccess = 'denied';
      // A rejected interaction is not retried under the same id: the next attempt is a new one.
      if (error instanceof PitbossApiError && !error.retryable) this.#interactionId = null;
      this.interactionError = `${t.saveFailed}: ${messageOf(error)}`;
    } finally {
      this.savingInteraction = false;
    }
  }

  protected override updated(): void {
    const timeline = this.renderRoot.querySelector('.timeline');
    if (timeline && timeline !== this.#timelineEl) {
      this.#timelineEl = timeline;
      // Added here, not with `@`: the virtualizer's event names are camelCase.
      timeline.addEventListener('visibilityChanged', (e) => {
        if ((e as VisibilityChangedEvent).last >= this.events.length - 5) void this.#track(this.#loadMore());
      });
    }
    const gauge = this.renderRoot.querySelector<PbRiskGauge>('pb-risk-gauge');
    // By identity: a re-score may keep the number and change the band, the reasons or the model.
    if (gauge && (gauge !== this.#gauge || this.score !== this.#gaugeScore)) {
      gauge.applyScore(this.score);
      this.#gauge = gauge;
      this.#gaugeScore = this.score;
    }
  }

  protected override render(): TemplateResult {
    const t = playerCardMessages(this.locale);
    if (this.status === 'error') {
      return html`<div part="status" class="status error" role="alert">
        <div>${t.error}</div>
        <div>${messageOf(this.#error)}</div>
        <button part="retry-button" type="button" @click=${() => void this.reload()}>${t.retry}</button>
      </div>`;
    }
    const p = this.player;
    if (!p) return html`<div part="status" class="status" role="status">${t.loading}</div>`;
    const f = formatter(this.locale);
    return html`
      <article part="card" aria-labelledby="title">
        <div part="header" class="head">
          <h2 id="title">${fill(t.title, { id: p.player_id })}</h2>
          ${this.liveState === 'off' ? nothing : html`<span part="live" class="live ${this.liveState === 'on' ? 'on' : ''}" role="status">${this.liveState === 'on' ? t.live : t.liveOff}</span>`}
        </div>
        <div class="grid">
          ${this.#profile(p, t, f)}
          ${this.#figures(t, f)}
          <section part="risk" aria-labelledby="risk-title">
            <h3 id="risk-title">${t.risk}</h3>
            ${this.sectionErrors.score ? html`<p class="error" role="alert">${this.sectionErrors.score}</p>` : nothing}
            <pb-risk-gauge part="gauge" exportparts="meter, arc, value-arc, score, band, reasons, reason, category, model"
              .locale=${this.locale} .theme=${this.theme}></pb-risk-gauge>
          </section>
        </div>
        ${this.#timeline(t, f)}
        <div class="columns">
          ${this.#notes(t, f)}
          ${this.#interactions(t, f)}
        </div>
      </article>
    `;
  }

  #personal(value: unknown, t: PlayerCardMessages): TemplateResult | string {
    if (value === MASK) return html`<span part="masked">${MASK}<span class="masked-label" title=${t.maskedHint}>${t.masked}</span></span>`;
    return typeof value === 'string' && value !== '' ? value : t.none;
  }

  #profile(p: PlayerDetail, t: PlayerCardMessages, f: Formatter): TemplateResult {
    const personal = p.personal ?? {};
    const first = personal.first_name;
    const last = personal.last_name;
    const name = first === MASK || last === MASK
      ? this.#personal(MASK, t)
      : [first, last].filter((x): x is string => typeof x === 'string' && x !== '').join(' ') || t.none;
    const excluded = p.self_excluded_until;
    const status = p.blocked
      ? t.statusBlocked
      : excluded === 'infinity'
        ? t.statusExcludedIndefinitely
        : excluded && Date.parse(excluded) > Date.now()
          ? fill(t.statusExcludedUntil, { date: f.date(excluded) })
          : t.statusActive;
    const date = (v: string | null) => (v ? f.date(v, 'datetime') || t.none : t.none);
    return html`<section part="profile" aria-labelledby="profile-title">
      <h3 id="profile-title">${t.profile}</h3>
      <dl>
        <dt>${t.playerId}</dt><dd>${p.player_id}</dd>
        <dt>${t.name}</dt><dd data-field="name">${name}</dd>
        <dt>${t.email}</dt><dd data-field="email">${this.#personal(personal.email, t)}</dd>
        <dt>${t.phone}</dt><dd data-field="phone">${this.#personal(personal.phone, t)}</dd>
        <dt>${t.country}</dt><dd>${p.country ?? t.none}</dd>
        <dt>${t.currency}</dt><dd>${p.currency ?? t.none}</dd>
        <dt>${t.brand}</dt><dd>${p.brand ?? t.none}</dd>
        <dt>${t.registered}</dt><dd>${date(p.registered_at)}</dd>
        <dt>${t.lastActivity}</dt><dd>${date(p.last_event_at)}</dd>
        <dt>${t.status}</dt><dd data-field="status">${status}</dd>
      </dl>
    </section>`;
  }

  #figures(t: PlayerCardMessages, f: Formatter): TemplateResult {
    const s = this.series;
    const names: Record<Figure, string> = { deposits_minor: t.deposits, net_loss_minor: t.netLoss, ggr_minor: t.ggr };
    const home = this.player?.currency;
    const series = s ? [...s.series].sort((a, b) => Number(b.currency === home) - Number(a.currency === home)) : [];
    return html`<section part="figures" aria-labelledby="figures-title">
      <h3 id="figures-title">${t.figures}</h3>
      <div class="muted">${fill(t.figuresPeriod, { days: s?.days ?? this.days })}</div>
      ${this.sectionErrors.series ? html`<p class="error" role="alert">${this.sectionErrors.series}</p>` : nothing}
      ${s && series.length === 0 ? html`<p class="muted">${t.noFigures}</p>` : nothing}
      ${series.map((c) => FIGURES.map((key) => {
        const values = c.points.map((p) => p[key]);
        const total = f.money(values.reduce((a, b) => a + b, 0), c.currency);
        return html`<div part="figure" class="figure" data-figure=${key} data-currency=${c.currency}>
          <span class="figure-name">${names[key]}${series.length > 1 ? ` (${c.currency})` : ''}</span>
          <span class="figure-value">${total}</span>
          ${this.#sparkline(values, fill(t.sparkline, { figure: names[key], days: s!.days, total }))}
        </div>`;
      }))}
    </section>`;
  }

  #sparkline(values: readonly number[], label: string): TemplateResult {
    const min = Math.min(0, ...values);
    const max = Math.max(0, ...values);
    const span = max - min || 1;
    const step = values.length > 1 ? 100 / (values.length - 1) : 0;
    const points = values.map((v, i) => `${(i * step).toFixed(2)},${(24 - ((v - min) / span) * 22 - 1).toFixed(2)}`).join(' ');
    return html`<svg part="sparkline" class="sparkline" viewBox="0 0 100 24" preserveAspectRatio="none" role="img" aria-label=${label}>
      ${svg`<polyline points=${points}></polyline>`}
    </svg>`;
  }

  #timeline(t: PlayerCardMessages, f: Formatter): TemplateResult {
    return html`<section aria-labelledby="timeline-title">
      <h3 id="timeline-title">${t.timeline}</h3>
      ${this.sectionErrors.events ? html`<p class="error" role="alert">${this.sectionErrors.events}</p>` : nothing}
      ${this.events.length === 0 && !this.sectionErrors.events ? html`<p class="muted">${t.noEvents}</p>` : nothing}
      <div part="timeline" class="timeline" role="list" aria-labelledby="timeline-title" ?hidden=${this.events.length === 0}>
        ${this.timeline?.timelineList(this.events, t, f) ?? nothing}
      </div>
      ${this.loadingMore ? html`<p class="muted" role="status">${t.loadingMore}</p>` : nothing}
    </section>`;
  }

  #notes(t: PlayerCardMessages, f: Formatter): TemplateResult {
    return html`<section part="notes" aria-labelledby="notes-title">
      <h3 id="notes-title">${t.notes}</h3>
      ${this.writeAccess === 'allowed'
        ? html`<form part="note-form" @submit=${(e: SubmitEvent) => void this.#submitNote(e)}>
            <label>${t.addNote}<textarea name="note" maxlength="4000" required></textarea></label>
            <button type="submit" ?disabled=${this.savingNote}>${this.savingNote ? t.saving : t.saveNote}</button>
            ${this.noteError ? html`<p part="form-error" class="error" role="alert">${this.noteError}</p>` : nothing}
          </form>`
        : this.writeAccess === 'denied'
          ? html`<p class="muted">${t.readOnly}</p>${this.noteError ? html`<p part="form-error" class="error" role="alert">${this.noteError}</p>` : nothing}`
          : nothing}
      ${this.sectionErrors.notes ? html`<p class="error" role="alert">${this.sectionErrors.notes}</p>` : nothing}
      ${this.notes.length === 0 ? html`<p class="muted">${t.noNotes}</p>` : nothing}
      <ul class="items">
        ${this.notes.map((n) => html`<li part="note" data-note-id=${n.id}>
          <div class="note-text">${n.note === MASK ? this.#personal(MASK, t) : n.note}</div>
          <div class="byline">${fill(t.noteBy, { author: n.author, date: f.date(n.created_at, 'datetime') })}</div>
        </li>`)}
      </ul>
    </section>`;
  }

  #interactions(t: PlayerCardMessages, f: Formatter): TemplateResult {
    const select = <K extends string>(name: string, label: string, values: readonly K[], names: Record<K, string>) =>
      html`<label>${label}<select name=${name}>${values.map((v) => html`<option value=${v}>${names[v]}</option>`)}</select></label>`;
    return html`<section part="interactions" aria-labelledby="interactions-title">
      <h3 id="interactions-title">${t.interactions}</h3>
      ${this.writeAccess === 'allowed'
        ? html`<form part="interaction-form" @submit=${(e: SubmitEvent) => void this.#submitInteraction(e)}>
            <div class="fields">
              ${select('level', t.level, LEVELS, t.levels)}
              ${select('channel', t.channel, CHANNELS, t.channels)}
              ${select('action', t.action, ACTIONS, t.actions)}
              ${select('outcome', t.outcome, OUTCOMES, t.outcomes)}
            </div>
            <label>${t.interactionNote}<textarea name="note" maxlength="4000"></textarea></label>
            <button type="submit" ?disabled=${this.savingInteraction}>${this.savingInteraction ? t.saving : t.saveInteraction}</button>
            ${this.interactionError ? html`<p part="form-error" class="error" role="alert">${this.interactionError}</p>` : nothing}
          </form>`
        : this.interactionError ? html`<p part="form-error" class="error" role="alert">${this.interactionError}</p>` : nothing}
      ${this.sectionErrors.interactions ? html`<p class="error" role="alert">${this.sectionErrors.interactions}</p>` : nothing}
      ${this.interactions.length === 0 ? html`<p class="muted">${t.noInteractions}</p>` : nothing}
      <ul class="items">
        ${this.interactions.map((e) => html`<li part="interaction" data-event-id=${e.event_id}>
          <div class="note-text">${interactionDetail(e, t)}</div>
          <div class="byline">${fill(t.noteBy, { author: String(e.payload.agent_id ?? t.none), date: f.date(e.occurred_at, 'datetime') })}</div>
        </li>`)}
      </ul>
    </section>`;
  }
}
