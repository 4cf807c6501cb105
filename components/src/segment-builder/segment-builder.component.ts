import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { FIELD_META, OPS_BY_TYPE, registrySegmentFields } from '@pitboss/core';
import type { FieldLabels, FieldOp, Segment, SegmentFields, SegmentIssue } from '@pitboss/core';
import { emit } from '../shared/events.js';
import { resolveLocale, type PbLocale } from '../shared/format.js';
import { LazyParts, lazyModule } from '../shared/lazy.js';
import { LocaleController } from '../shared/locales.js';
import { themeTokens } from '../shared/theme.js';
import { VERSION } from '../shared/version.js';
import { CountScheduler, type CountState, type SegmentCountResult, type SegmentCounter } from './count.js';
import { selectControl, type EditorHost } from './editors/controls.js';
import { adaptValue, fieldValueEditor } from './editors/field-value.js';
import { fieldLabels, fieldOptions, type FieldOption } from './field-catalog.js';
import type { PlacedIssue } from './issues.js';
import { fill, messages } from '../shared/messages.js';
import { segmentBuilderMessages, type SegmentBuilderMessages } from './segment-builder.messages.js';
import { styles } from './segment-builder.styles.js';
import { countSummary } from './summary.js';
import {
  appendChild, childPath, children, listParent, moveAt, negateAt, nodeAt, nodeKind, pathString, removeAt, setCombinator, setIn, unwrapAt, updateAt,
  type DraftNode, type NodePath,
} from './tree.js';
import type {} from './segment-builder.events.js';

/** Light, dark, or following `prefers-color-scheme`. */
export type PbSegmentBuilderTheme = 'light' | 'dark' | 'auto';

const DEFAULT_FIELDS = registrySegmentFields(FIELD_META);

/** The editors of behavioural conditions (event counts and sums), imported when the builder first shows one. */
const behaviourEditors = lazyModule(() => import('./editors/behaviour.js'));

/** Core's segment checker with its English messages, imported when a builder first renders (see validation.ts). */
const validator = lazyModule(() => import('./validation.js'));

/**
 * Whether an issue at `issueControl` is about `control`: the same key, a part
 * of it (`value[0]` for `value`), or the whole of it (`value` for `value[1]`:
 * a pair in the wrong order concerns both ends).
 */
function concerns(issueControl: string, control: string): boolean {
  if (issueControl === control) return true;
  const under = (a: string, b: string) => a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  return under(issueControl, control) || under(control, issueControl);
}

const sanitize = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const strip = (v: unknown): DraftNode =>
  Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined));

interface Validation {
  /** False while the validator loads, or when it could not be loaded: nothing is known yet. */
  checked: boolean;
  valid: boolean;
  issues: readonly SegmentIssue[];
  normalised: Segment | null;
  placed: Map<string, PlacedIssue[]>;
}

const UNCHECKED: Validation = { checked: false, valid: false, issues: [], normalised: null, placed: new Map() };

/**
 * Edits a segment of `@pitboss/core`: nested `all` / `any` / `not` groups,
 * conditions on registry fields (an editor per value type: numbers, money in
 * major units, percentages, enums, booleans, dates and relative dates, text)
 * and behavioural conditions (how often, or how much, a player did something
 * in the last N days). Issues from core's segment validation are shown at the control
 * they concern, in the builder's locale. The validator (core's segment checker) loads
 * with `import()` when a builder first renders; the issues, `valid` and the count follow
 * when it arrives, and `await el.updateComplete` waits for it. With a `counter`, the number of
 * matching players is shown live (debounced; a stale count is aborted); in
 * `marketing` mode also the players the guardrail removed, per reason.
 *
 * Keyboard: every control is a native input, select or button in tab order.
 * Alt+↑ / Alt+↓ inside a condition or group moves it; after adding, focus
 * goes to the new item's first control, after removing to the next item.
 *
 * @summary Segment editor over the core AST, with validation in place and a live count.
 * @tag pb-segment-builder
 *
 * @fires pb-segment-change - The user edited the segment; `detail.segment`, `detail.valid`, `detail.issues`.
 *
 * @csspart builder - The outer container.
 * @csspart group - An `all` / `any` group (the root included).
 * @csspart not - A negation around one node.
 * @csspart condition - A condition row (field, event count or event sum).
 * @csspart children - The list of a group's items.
 * @csspart item - One item of a group.
 * @csspart title - The name of a group or condition.
 * @csspart actions - A node's buttons (move, negate, remove).
 * @csspart action-button - One of those buttons.
 * @csspart add-bar - A group's add buttons.
 * @csspart add-button - One add button.
 * @csspart control - A labelled control; `control-label` is its label.
 * @csspart control-label - The label of a control.
 * @csspart input - A text or date input.
 * @csspart select - A select.
 * @csspart suffix - A unit after an input (currency, %, days).
 * @csspart issues - The validation messages of a node; `issue` is one message.
 * @csspart issue - One validation message.
 * @csspart summary - The count area.
 * @csspart count - The count (`role="status"`).
 * @csspart count-error - A failed count's message (`role="alert"`).
 * @csspart guardrail - The marketing guardrail's removals per reason.
 *
 * @cssprop --pb-accent - Accent colour; the other colours derive from it, `--pb-surface` and `--pb-text`.
 * @cssprop --pb-surface - Background colour.
 * @cssprop --pb-text - Text colour.
 * @cssprop --pb-border - Border colour.
 * @cssprop --pb-danger - Colour of validation and count errors.
 * @cssprop --pb-font - Font family.
 * @cssprop --pb-radius - Corner radius.
 * @cssprop --pb-space - Base spacing unit.
 * @cssprop --pb-segment-group-background - Background of nested groups; default a raised surface.
 * @cssprop --pb-segment-indent - Indent of a group's items.
 * @cssprop --pb-segment-font-size - Font size of the builder.
 */
export class PbSegmentBuilder extends LitElement {
  static override styles = [themeTokens, styles];

  // Reactive properties, declared here rather than with decorators (each decorator compiles to a
  // helper call per property: 0.6 KB gzip of the bundle across the components); each is documented
  // where its field is declared below.
  static override properties = {
    segment: { attribute: false },
    fields: { attribute: false },
    counter: { attribute: false },
    debounce: { type: Number },
    marketing: { type: Boolean, reflect: true },
    currency: {},
    locale: { reflect: true, converter: { fromAttribute: (v: string | null) => resolveLocale(v) } },
    theme: { reflect: true },
    label: {},
    countState: { state: true },
  };

  /** Version of the library that defined this class; registration compares it with an existing definition. */
  static readonly version = VERSION;

  /** The segment AST being edited; set it to load one, read it (or listen to `pb-segment-change`) for the edits. */
  segment: Segment = { all: [] };

  /** Fields conditions may use; default the core registry's segment view (`registrySegmentFields(FIELDS)`). */
  fields: SegmentFields = DEFAULT_FIELDS;

  /** Counts the segment's members; `null` shows no count. See `apiSegmentCounter` and `duckdbSegmentCounter`. */
  counter: SegmentCounter | null = null;

  /** Milliseconds without edits before the count is asked for. */
  debounce = 300;

  /** Marketing mode: counts apply the guardrail and the builder shows its removals per reason. */
  marketing = false;

  /** Currency money values are typed in (major units; the AST holds minor units). */
  currency = 'EUR';

  /** Locale of the interface, field labels and validation messages: `en`, `pt-BR` or `es`. */
  locale: PbLocale = resolveLocale(globalThis.document?.documentElement.lang || globalThis.navigator?.language);

  /** Loads the interface text of `locale` when it is not built in (pt-BR, es) and re-renders when it arrives. */
  readonly #localeText = new LocaleController(this);

  /** Also waits for the text of `locale` to arrive (pt-BR and es load on first use), so after `await updateComplete` the component speaks its locale. */
  protected override getUpdateComplete(): Promise<boolean> {
    return this.#localeText.settle(() => this.#lazy.settle(() => super.getUpdateComplete()));
  }

  /** Parts imported on first use (the validator, the behavioural condition editors); `updateComplete` also waits for them. */
  readonly #lazy = new LazyParts(this);

  /** Colour scheme: `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  theme: PbSegmentBuilderTheme = 'light';

  /** Accessible name of the root group; default "Segment" in the builder's locale. */
  label = '';

  private countState: CountState = { status: 'idle' };

  readonly #scheduler = new CountScheduler((s) => {
    this.countState = s;
  });
  #validation: Validation | null = null;
  #validatedFor: { segment: unknown; fields: unknown; catalogue: unknown } | null = null;
  /** A count was asked for while the validator loaded: it is asked for again when the validator arrives (or fails to). */
  #countAwaitsValidator = false;
  /** Text typed into controls, by `path|control`, kept while it still means the AST value (`1,` for 1). */
  readonly #drafts = new Map<string, { text: string; value: unknown }>();
  #editing = false;
  #afterRender: (() => void) | null = null;
  #options: { labels: FieldLabels; fields: SegmentFields; list: FieldOption[]; byKey: Map<string, FieldOption> } | null = null;

  /**
   * Whether the current segment validates. `false` until the validator has loaded: it loads
   * when the builder first renders, and `await el.updateComplete` waits for it.
   */
  get valid(): boolean {
    return this.#validate().valid;
  }

  /** The current segment's validation issues (messages in the builder's locale); empty until the validator has loaded (see `valid`). */
  get issues(): readonly SegmentIssue[] {
    return this.#validate().issues;
  }

  /** The last count the counter answered, or `null`. */
  get countResult(): SegmentCountResult | null {
    const s = this.countState;
    return s.status === 'done' ? s.result : null;
  }

  /** The state of counting: `idle` (no counter), `invalid`, `counting`, `done` or `error`. */
  get countStatus(): CountState['status'] {
    return this.countState.status;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#scheduler.cancel();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.#requestCount();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('segment') && !this.#editing) this.#drafts.clear();
    this.#editing = false;
    if (changed.has('segment') || changed.has('counter') || changed.has('marketing') || changed.has('fields') || changed.has('debounce')
      || (this.#countAwaitsValidator && (validator.value || this.#lazy.failed(validator)))) this.#requestCount();
  }

  protected override updated(): void {
    // Focus moves once the controls it goes to are there (a lazy editor may still be loading).
    if (this.#lazy.loading) return;
    const run = this.#afterRender;
    this.#afterRender = null;
    run?.();
  }

  #validate(): Validation {
    const check = this.#lazy.get(validator);
    if (!check) return UNCHECKED;
    // Keyed by the catalogue, not the locale: the pt-BR or es one replaces English when it arrives.
    const catalogue = check.segmentIssueCatalogue(this.locale);
    const key = { segment: this.segment, fields: this.fields, catalogue };
    const was = this.#validatedFor;
    if (this.#validation && was && was.segment === key.segment && was.fields === key.fields && was.catalogue === key.catalogue) return this.#validation;
    const r = check.validate(this.segment, this.fields, catalogue);
    const issues = r.ok ? [] : r.issues;
    this.#validation = {
      checked: true, valid: r.ok, issues, normalised: r.ok ? r.segment : null,
      placed: check.placeIssues(issues, this.segment as unknown as DraftNode, 'issue-'),
    };
    this.#validatedFor = key;
    return this.#validation;
  }

  #requestCount(): void {
    const counter = this.counter;
    if (!counter) {
      this.#scheduler.cancel();
      this.countState = { status: 'idle' };
      return;
    }
    const v = this.#validate();
    this.#countAwaitsValidator = !v.checked;
    if (!v.valid || !v.normalised) {
      this.#scheduler.cancel();
      this.countState = v.checked ? { status: 'invalid' }
        : this.#lazy.failed(validator) ? { status: 'error', error: new Error(this.#msgs.validatorLoadFailed) }
        : { status: 'counting' };
      return;
    }
    const last = this.countState.status === 'done' ? this.countState.result : this.countState.status === 'counting' ? this.countState.last : undefined;
    this.#scheduler.request(counter, v.normalised, this.marketing || v.normalised.marketing === true, this.debounce, last);
  }

  get #msgs(): SegmentBuilderMessages {
    return segmentBuilderMessages(this.locale);
  }

  #fieldOptions(): { list: FieldOption[]; byKey: Map<string, FieldOption> } {
    // Keyed by the label table, not the locale: the pt-BR or es one replaces English when it arrives.
    const labels = fieldLabels(this.locale);
    if (!this.#options || this.#options.labels !== labels || this.#options.fields !== this.fields) {
      const list = fieldOptions(this.fields, labels);
      this.#options = { labels, fields: this.fields, list, byKey: new Map(list.map((f) => [f.key, f])) };
    }
    return this.#options;
  }

  /** Applies a user edit: new AST, `pb-segment-change`, recount; `focus` runs after the next render. */
  #edit(root: DraftNode, focus?: () => void, structural = false): void {
    if (structural) this.#drafts.clear();
    this.#editing = true;
    this.segment = root as unknown as Segment;
    if (focus) this.#afterRender = focus;
    const segment = this.segment;
    const changed = (valid: boolean, issues: readonly SegmentIssue[]) => emit(this, 'pb-segment-change', { segment, valid, issues });
    const v = this.#validate();
    if (v.checked) return void changed(v.valid, v.issues);
    // Edited before the validator arrived (only a script can be that quick): the event waits for it, in order.
    validator.load().then(
      (check) => {
        const r = check.validate(segment, this.fields, check.segmentIssueCatalogue(this.locale));
        changed(r.ok, r.ok ? [] : r.issues);
      },
      () => changed(false, []),
    );
  }

  get #root(): DraftNode {
    return this.segment as unknown as DraftNode;
  }

  #id(path: string, control: string): string {
    return `n-${sanitize(path) || 'root'}--${sanitize(control)}`;
  }

  #nodeElement(path: NodePath): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`[data-path="${pathString(path)}"]`);
  }

  #focusIn(path: NodePath, selectors: readonly string[]): () => void {
    return () => {
      const node = this.#nodeElement(path);
      for (const s of selectors) {
        const target = node?.querySelector<HTMLElement>(`${s}:not([disabled])`);
        if (target) {
          target.focus();
          return;
        }
      }
      node?.focus();
    };
  }

  #newCondition(): DraftNode {
    const field = this.#fieldOptions().list[0];
    if (!field) return { field: '', op: 'eq' };
    const op = OPS_BY_TYPE[field.type][0]!;
    return strip({ field: field.key, op, value: adaptValue(field, op, undefined, false) });
  }

  #add(groupPath: NodePath, kind: 'condition' | 'count' | 'sum' | 'group'): void {
    const child: DraftNode =
      kind === 'condition' ? this.#newCondition()
      : kind === 'count' ? { did: { type: 'payment', direction: 'deposit' }, op: 'at_least', times: 1, days: 30 }
      : kind === 'sum' ? { sum: 'amount_minor', of: { type: 'payment', direction: 'deposit' }, op: 'gte', days: 30 }
      : { all: [this.#newCondition()] };
    const { root, path } = appendChild(this.#root, groupPath, child);
    this.#edit(root, this.#focusIn(path, ['[data-first]']), true);
  }

  #remove(path: NodePath): void {
    const parent = listParent(path);
    if (!parent) return;
    const root = removeAt(this.#root, path);
    const left = children(nodeAt(root, parent.group) ?? {}).length;
    const focus =
      left === 0 ? this.#focusIn(parent.group, ['[data-add="condition"]'])
      : this.#focusIn(childPath(root, parent.group, Math.min(parent.index, left - 1)), ['[data-first]']);
    this.#edit(root, focus, true);
  }

  #move(path: NodePath, delta: number, keepFocusOn?: string): void {
    const parent = listParent(path);
    if (!parent) return;
    const oldPrefix = this.#id(pathString(path), '').replace(/-+$/, '');
    const { root, path: to } = moveAt(this.#root, path, delta);
    if (pathString(to) === pathString(path)) return;
    const newPrefix = this.#id(pathString(to), '').replace(/-+$/, '');
    const focus = keepFocusOn?.startsWith(oldPrefix)
      ? () => this.renderRoot.querySelector<HTMLElement>(`#${CSS.escape(newPrefix + keepFocusOn.slice(oldPrefix.length))}`)?.focus()
      : this.#focusIn(to, [delta < 0 ? '[data-action="up"]' : '[data-action="down"]', '[data-action="up"]', '[data-action="down"]']);
    this.#edit(root, focus, true);
  }

  #onItemKeydown(e: KeyboardEvent, path: NodePath): void {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    // The innermost item handles it; its ancestors do not move too.
    e.preventDefault();
    e.stopPropagation();
    const active = this.renderRoot instanceof ShadowRoot ? (this.renderRoot.activeElement as HTMLElement | null) : null;
    this.#move(path, e.key === 'ArrowUp' ? -1 : 1, active?.id);
  }

  #host(path: NodePath): EditorHost {
    const p = pathString(path);
    const placed = this.#validate().placed.get(p) ?? [];
    const about = (control: string) => placed.filter((i) => i.control !== '' && concerns(i.control, control));
    return {
      msgs: this.#msgs,
      codec: { locale: this.locale, currency: this.currency },
      id: (control) => this.#id(p, control),
      describedBy: (control) => {
        const ids = about(control).map((i) => i.id);
        return ids.length > 0 ? ids.join(' ') : undefined;
      },
      invalid: (control) => about(control).length > 0,
      text: (control, value, formatted) => {
        const d = this.#drafts.get(`${p}|${control}`);
        return d && same(d.value, value) ? d.text : formatted;
      },
      set: (control, value, typed) => {
        if (typed !== undefined) this.#drafts.set(`${p}|${control}`, { text: typed, value });
        this.#edit(updateAt(this.#root, path, (node) => (control === '' ? strip(value) : setIn(node, control, value))));
      },
    };
  }

  // ---- rendering ----------------------------------------------------------

  #issueList(path: NodePath): TemplateResult | typeof nothing {
    const placed = this.#validate().placed.get(pathString(path)) ?? [];
    if (placed.length === 0) return nothing;
    return html`<ul class="issues" part="issues">
      ${placed.map((i) => html`<li class="issue" part="issue" id=${i.id}>${i.message}</li>`)}
    </ul>`;
  }

  #actions(path: NodePath, position: string, kind: 'group' | 'not' | 'condition'): TemplateResult | typeof nothing {
    const m = this.#msgs;
    const parent = listParent(path);
    const p = pathString(path);
    const canNegate = kind !== 'not' && path.length > 0;
    if (!parent && !canNegate && kind !== 'not') return nothing;
    const siblings = parent ? children(nodeAt(this.#root, parent.group) ?? {}).length : 0;
    const button = (action: string, label: string, symbol: string, onClick: () => void, disabled = false, first = false) => html`<button
      type="button" class="action" part="action-button" id=${this.#id(p, `act-${action}`)} data-action=${action} ?data-first=${first}
      aria-label=${`${label} (${position})`} title=${label} ?disabled=${disabled} @click=${onClick}>${symbol}</button>`;
    return html`<span class="actions" part="actions">
      ${kind === 'not' ? button('unwrap', m.unwrap, '¬×', () => this.#edit(unwrapAt(this.#root, path), this.#focusIn(path, ['[data-first]']), true), false, true) : nothing}
      ${parent
        ? html`${button('up', m.moveUp, '↑', () => this.#move(path, -1), parent.index === 0)}
          ${button('down', m.moveDown, '↓', () => this.#move(path, 1), parent.index === siblings - 1)}`
        : nothing}
      ${canNegate ? button('negate', m.negate, '¬', () => this.#edit(negateAt(this.#root, path), this.#focusIn(path, ['[data-action="unwrap"]']), true)) : nothing}
      ${parent ? button('remove', m.remove, '×', () => this.#remove(path)) : nothing}
    </span>`;
  }

  #node(node: DraftNode, path: NodePath, position: string): TemplateResult {
    const kind = nodeKind(node);
    if (kind === 'all' || kind === 'any') return this.#group(node, path, position, kind);
    if (kind === 'not') return this.#not(node, path, position);
    return this.#condition(node, path, position, kind);
  }

  #group(node: DraftNode, path: NodePath, position: string, kind: 'all' | 'any'): TemplateResult {
    const m = this.#msgs;
    const p = pathString(path);
    const titleId = this.#id(p, 'title');
    const title = path.length === 0 ? this.label || m.builderLabel : fill(m.groupLabel, { n: position });
    const items = children(node);
    const host = this.#host(path);
    const add = (what: 'condition' | 'count' | 'sum' | 'group', label: string) =>
      html`<button type="button" class="add" part="add-button" data-add=${what} @click=${() => this.#add(path, what)}>+ ${label}</button>`;
    return html`<div class="node group" part="group" role="group" aria-labelledby=${titleId} data-path=${p} tabindex="-1">
      <div class="head">
        <span class="title" part="title" id=${titleId}>${title}</span>
        ${selectControl(host, {
          control: 'combinator', label: m.combinator, value: kind, first: true,
          choices: [{ value: 'all', label: m.all }, { value: 'any', label: m.any }],
          onChange: (to) => this.#edit(setCombinator(this.#root, path, to === 'any' ? 'any' : 'all')),
        })}
        ${this.#actions(path, position, 'group')}
      </div>
      ${items.length === 0
        ? html`<p class="empty">${m.emptyGroup}</p>`
        : html`<ul class="children" part="children">
          ${items.map((child, index) => {
            const at: NodePath = [...path, { key: kind, index }];
            const pos = position ? `${position}.${index + 1}` : String(index + 1);
            return html`<li class="item" part="item" @keydown=${(e: KeyboardEvent) => this.#onItemKeydown(e, at)}>${this.#node(child, at, pos)}</li>`;
          })}
        </ul>`}
      ${this.#issueList(path)}
      <div class="add-bar" part="add-bar">
        ${add('condition', m.addCondition)}${add('count', m.addCount)}${add('sum', m.addSum)}${add('group', m.addGroup)}
      </div>
    </div>`;
  }

  #not(node: DraftNode, path: NodePath, position: string): TemplateResult {
    const m = this.#msgs;
    const p = pathString(path);
    const titleId = this.#id(p, 'title');
    const child = node['not'];
    return html`<div class="node not" part="not" role="group" aria-labelledby=${titleId} data-path=${p} tabindex="-1">
      <div class="head">
        <span class="title" part="title" id=${titleId}>${m.not}${position ? ` (${position})` : ''}</span>
        <span class="hint">${m.notHint}</span>
        ${this.#actions(path, position || m.builderLabel, 'not')}
      </div>
      <div class="not-body">
        ${typeof child === 'object' && child !== null ? this.#node(child as DraftNode, [...path, { key: 'not' }], position) : nothing}
      </div>
      ${this.#issueList(path)}
    </div>`;
  }

  #condition(node: DraftNode, path: NodePath, position: string, kind: 'field' | 'count' | 'sum' | 'unknown'): TemplateResult {
    const m = this.#msgs;
    const p = pathString(path);
    const titleId = this.#id(p, 'title');
    const host = this.#host(path);
    const body = kind === 'field' ? this.#fieldCondition(host, node) : kind === 'unknown' ? nothing : this.#behaviourCondition(host, node, kind);
    return html`<div class="node condition" part="condition" role="group" aria-labelledby=${titleId} data-path=${p} tabindex="-1">
      <div class="controls">
        <span class="title" part="title" id=${titleId}>${fill(m.conditionLabel, { n: position || '1' })}</span>
        ${body}
        ${this.#actions(path, position, 'condition')}
      </div>
      ${this.#issueList(path)}
    </div>`;
  }

  /** The controls of an event count or sum, once their editors are loaded; a loading or failure note meanwhile. */
  #behaviourCondition(host: EditorHost, node: DraftNode, kind: 'count' | 'sum'): TemplateResult {
    const editors = this.#lazy.get(behaviourEditors);
    if (editors) return kind === 'count' ? editors.countConditionEditor(host, node) : editors.sumConditionEditor(host, node);
    if (this.#lazy.failed(behaviourEditors)) {
      return html`<span class="load-error" part="issue" role="alert">${this.#msgs.editorLoadFailed}</span>
        <button type="button" part="action-button" @click=${() => this.#lazy.retry(behaviourEditors)}>${messages(this.locale).retry}</button>`;
    }
    return html`<span class="lead" part="lead" role="status">${messages(this.locale).loading}</span>`;
  }

  #fieldCondition(host: EditorHost, node: DraftNode): TemplateResult {
    const m = this.#msgs;
    const { list, byKey } = this.#fieldOptions();
    const key = typeof node['field'] === 'string' ? node['field'] : undefined;
    const field = key === undefined ? undefined : byKey.get(key);
    const op = typeof node['op'] === 'string' ? (node['op'] as FieldOp) : undefined;
    const ops = field ? OPS_BY_TYPE[field.type] : [];
    const choices = (group: FieldOption['group']) => list.filter((f) => f.group === group).map((f) => ({ value: f.key, label: f.label }));
    return html`
      ${selectControl(host, {
        control: 'field', label: m.field, value: key, first: true, choices: [],
        groups: [{ label: m.attributes, choices: choices('attribute') }, { label: m.features, choices: choices('feature') }],
        onChange: (k) => {
          const next = byKey.get(k);
          if (!next) return;
          const allowed = OPS_BY_TYPE[next.type];
          const nextOp = op && allowed.includes(op) ? op : allowed[0]!;
          host.set('', { field: k, op: nextOp, value: adaptValue(next, nextOp, node['value'], false) });
        },
      })}
      ${selectControl(host, {
        control: 'op', label: m.operator, value: op,
        choices: ops.map((o) => ({ value: o, label: m.fieldOps[o] })),
        onChange: (o) => {
          if (!field) return;
          host.set('', { field: key, op: o, value: adaptValue(field, o as FieldOp, node['value'], true) });
        },
      })}
      ${fieldValueEditor(host, field, op, node['value'])}`;
  }

  protected override render(): TemplateResult {
    const unchecked = !this.#validate().checked && this.#lazy.failed(validator);
    return html`<div class="builder" part="builder" lang=${this.locale}>
      ${unchecked
        ? html`<p class="load-error" part="issue" role="alert">${this.#msgs.validatorLoadFailed}
          <button type="button" part="action-button" @click=${() => this.#lazy.retry(validator)}>${messages(this.locale).retry}</button></p>`
        : nothing}
      ${this.#node(this.#root, [], '')}
      ${this.counter ? countSummary(this.countState, this.#msgs, this.locale, this.marketing) : nothing}
    </div>`;
  }
}
