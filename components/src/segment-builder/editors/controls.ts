import { html, nothing, type TemplateResult } from 'lit';
import type { SegmentBuilderMessages } from '../segment-builder.messages.js';
import type { CodecContext } from './codec.js';

/**
 * What an editor gets from the builder for one condition. Controls are named
 * by their key path inside the condition (`value`, `value[1]`, `did.type`,
 * `of.amount.value`): the same path `validateSegment` reports issues at, so
 * an issue finds its control.
 */
export interface EditorHost {
  readonly msgs: SegmentBuilderMessages;
  readonly codec: CodecContext;
  /** The DOM id of a control (unique in the builder). */
  id(control: string): string;
  /** Ids of the issue messages about this control, for `aria-describedby`. */
  describedBy(control: string): string | undefined;
  invalid(control: string): boolean;
  /** What a text control shows: the text as typed while it still means `value`, else `formatted`. */
  text(control: string, value: unknown, formatted: string): string;
  /** Sets the condition's `control` key to `value`, remembering `typed` as the control's text. */
  set(control: string, value: unknown, typed?: string): void;
}

export interface Choice {
  value: string;
  label: string;
}

const ariaInvalid = (host: EditorHost, control: string) => (host.invalid(control) ? 'true' : nothing);

/** A labelled text input; `parse` turns the typed text into the AST value. */
export function textControl(
  host: EditorHost,
  o: { control: string; label: string; value: unknown; formatted: string; parse: (text: string) => unknown; suffix?: string; type?: 'text' | 'date'; inputmode?: 'decimal' | 'numeric' | 'text'; first?: boolean },
): TemplateResult {
  const id = host.id(o.control);
  return html`<span class="ctl" part="control">
    <label part="control-label" for=${id}>${o.label}</label>
    <span class="input-wrap">
      <input id=${id} part="input" type=${o.type ?? 'text'} inputmode=${o.inputmode ?? nothing} ?data-first=${o.first === true}
        .value=${host.text(o.control, o.value, o.formatted)}
        aria-invalid=${ariaInvalid(host, o.control)} aria-describedby=${host.describedBy(o.control) ?? nothing}
        @input=${(e: Event) => {
          const text = (e.target as HTMLInputElement).value;
          host.set(o.control, o.parse(text), text);
        }} />
      ${o.suffix ? html`<span class="suffix" part="suffix" aria-hidden="true">${o.suffix}</span>` : nothing}
    </span>
  </span>`;
}

/** A labelled single select; `placeholder` adds an empty first choice (selected while `value` matches none). */
export function selectControl(
  host: EditorHost,
  o: { control: string; label: string; value: string | undefined; choices: readonly Choice[]; onChange: (value: string) => void; placeholder?: string; first?: boolean; groups?: readonly { label: string; choices: readonly Choice[] }[] },
): TemplateResult {
  const id = host.id(o.control);
  const option = (c: Choice) => html`<option value=${c.value} ?selected=${c.value === o.value}>${c.label}</option>`;
  const known = [...o.choices, ...(o.groups ?? []).flatMap((g) => g.choices)].some((c) => c.value === o.value);
  return html`<span class="ctl" part="control">
    <label part="control-label" for=${id}>${o.label}</label>
    <select id=${id} part="select" ?data-first=${o.first === true}
      aria-invalid=${ariaInvalid(host, o.control)} aria-describedby=${host.describedBy(o.control) ?? nothing}
      @change=${(e: Event) => o.onChange((e.target as HTMLSelectElement).value)}>
      ${o.placeholder !== undefined || !known ? html`<option value="" ?selected=${!known}>${o.placeholder ?? ''}</option>` : nothing}
      ${o.choices.map(option)}
      ${(o.groups ?? []).map((g) => html`<optgroup label=${g.label}>${g.choices.map(option)}</optgroup>`)}
    </select>
  </span>`;
}

/** A labelled multiple select (arrow keys move, Shift/Ctrl+arrows and Space extend the selection). */
export function multiSelectControl(
  host: EditorHost,
  o: { control: string; label: string; values: readonly unknown[]; choices: readonly Choice[]; onChange: (values: string[]) => void },
): TemplateResult {
  const id = host.id(o.control);
  return html`<span class="ctl" part="control">
    <label part="control-label" for=${id}>${o.label}</label>
    <select id=${id} part="select" multiple size=${Math.min(5, Math.max(2, o.choices.length))}
      aria-invalid=${ariaInvalid(host, o.control)} aria-describedby=${host.describedBy(o.control) ?? nothing}
      @change=${(e: Event) => o.onChange([...(e.target as HTMLSelectElement).selectedOptions].map((x) => x.value))}>
      ${o.choices.map((c) => html`<option value=${c.value} ?selected=${o.values.includes(c.value)}>${c.label}</option>`)}
    </select>
  </span>`;
}
