import { css } from 'lit';

export const styles = css`
  :host {
    --_editor-height: var(--pb-console-editor-height, 180px);
    --_code-font: var(--pb-console-code-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    --_code-size: var(--pb-console-code-size, 13px);
    /* One line of code, and the space above the first: the gutter, the error backdrop and the textarea share both. */
    --_line: 20px;
    --_pad: 8px;
    --_gutter-bg: var(--pb-console-gutter-background, var(--_surface-raised));
    --_error-line: var(--pb-console-error-line, color-mix(in srgb, var(--_danger) 14%, var(--_surface)));
    display: flex;
    flex-direction: column;
    gap: var(--_space);
    box-sizing: border-box;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    font-size: 14px;
  }
  :host([hidden]) {
    display: none;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
  }
  button,
  select {
    font: inherit;
    color: var(--_text);
    background: var(--_surface-raised);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 4px 12px;
    min-height: 32px;
  }
  button[part~='run-button'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_surface);
    font-weight: 600;
  }
  button:disabled {
    opacity: 0.55;
  }
  button:focus-visible,
  select:focus-visible,
  textarea:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  select[part~='history'] {
    max-width: 24em;
    margin-inline-start: auto;
  }
  .editor {
    display: flex;
    height: var(--_editor-height);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
    font-family: var(--_code-font);
    font-size: var(--_code-size);
    line-height: var(--_line);
  }
  .gutter {
    flex: none;
    min-width: 3.5ch;
    padding: var(--_pad) 6px var(--_pad) 8px;
    overflow: hidden;
    text-align: end;
    color: var(--_muted);
    background: var(--_gutter-bg);
    border-inline-end: 1px solid var(--_border);
    user-select: none;
  }
  /* Only the rows keep white space: on the row containers, the template's indentation would render as two empty lines above line 1. */
  .gutter-lines > div,
  .backdrop-lines > div {
    height: var(--_line);
    white-space: pre;
  }
  .gutter .err {
    color: var(--_danger);
    font-weight: 700;
  }
  .code {
    position: relative;
    flex: 1;
    min-width: 0;
  }
  .backdrop,
  textarea {
    position: absolute;
    inset: 0;
    box-sizing: border-box;
    margin: 0;
    padding: var(--_pad);
    border: 0;
    font: inherit;
    line-height: var(--_line);
    tab-size: 4;
    white-space: pre;
  }
  .backdrop {
    /* The textarea's pre is for its text; here it would make lines of the template's indentation. */
    white-space: normal;
    overflow: hidden;
    color: transparent;
    pointer-events: none;
  }
  .backdrop .err {
    background: var(--_error-line);
  }
  .backdrop mark {
    color: transparent;
    background: transparent;
    text-decoration: underline wavy var(--_danger);
    text-decoration-skip-ink: none;
    text-underline-offset: 3px;
  }
  textarea {
    width: 100%;
    height: 100%;
    resize: none;
    overflow: auto;
    color: var(--_text);
    caret-color: var(--_text);
    background: transparent;
    outline: none;
  }
  .hint {
    margin: 0;
    color: var(--_muted);
    font-size: 12px;
  }
  [part~='error'] {
    margin: 0;
    padding: 6px var(--_space);
    border-inline-start: 3px solid var(--_danger);
    color: var(--_danger);
    background: color-mix(in srgb, var(--_danger) 8%, var(--_surface));
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  [part~='status'] {
    min-height: 20px;
    color: var(--_muted);
  }
  [part~='loader'] {
    padding-top: var(--_space);
    border-top: 1px solid var(--_border);
  }
  progress {
    width: 10em;
  }
  [part~='tables'] {
    display: flex;
    flex-wrap: wrap;
    gap: 4px var(--_space);
    margin: 0;
    padding: 0;
    list-style: none;
    color: var(--_muted);
  }
  [part~='table-name'] {
    font-family: var(--_code-font);
    color: var(--_text);
  }
  pb-player-table {
    height: var(--pb-console-results-height, 320px);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
