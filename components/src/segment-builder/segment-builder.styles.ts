import { css } from 'lit';

export const styles = css`
  :host {
    --_group-bg: var(--pb-segment-group-background, var(--_surface-raised));
    --_indent: var(--pb-segment-indent, calc(var(--_space) * 2));
    /* Secondary text that stays readable (WCAG AA) on nested group backgrounds too. */
    --_label: color-mix(in srgb, var(--_text) 78%, var(--_surface));
    display: block;
    box-sizing: border-box;
    background: var(--_surface);
    font-size: var(--pb-segment-font-size, 14px);
  }
  :host([hidden]) {
    display: none;
  }
  .builder {
    display: flex;
    flex-direction: column;
    gap: var(--_space);
  }
  .node {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
    outline: none;
  }
  .node:focus-visible {
    box-shadow: 0 0 0 2px var(--_focus);
  }
  .group .group,
  .group .not,
  .not .group {
    background: var(--_group-bg);
  }
  .condition {
    background: var(--_surface);
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: var(--_space);
  }
  .title {
    font-weight: 600;
    align-self: center;
  }
  .controls > .title {
    flex-basis: 100%;
  }
  .hint,
  .empty {
    color: var(--_label);
    align-self: center;
    margin: calc(var(--_space) / 2) 0;
  }
  .actions {
    display: inline-flex;
    gap: calc(var(--_space) / 2);
    margin-inline-start: auto;
    align-self: center;
  }
  .children {
    list-style: none;
    margin: var(--_space) 0 0;
    padding: 0 0 0 var(--_indent);
    display: flex;
    flex-direction: column;
    gap: var(--_space);
  }
  .not-body {
    margin-top: var(--_space);
    padding-inline-start: var(--_indent);
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: var(--_space);
    margin-top: calc(var(--_space) / 2);
  }
  .lead {
    font-weight: 600;
    align-self: center;
  }
  .ctl {
    display: inline-flex;
    flex-direction: column;
    gap: 2px;
    min-width: 0;
  }
  .ctl > label,
  .ctl > legend {
    font-size: 0.85em;
    color: var(--_label);
  }
  fieldset.ctl {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    margin: 0;
    padding: 2px var(--_space) calc(var(--_space) / 2);
    flex-direction: row;
    flex-wrap: wrap;
    gap: var(--_space);
  }
  .check {
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  .input-wrap {
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  input,
  select,
  button {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 4px 6px;
  }
  input[type='text'] {
    width: 10em;
  }
  input[type='checkbox'] {
    padding: 0;
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'] {
    border-color: var(--_danger);
    box-shadow: inset 0 0 0 1px var(--_danger);
  }
  input:focus-visible,
  select:focus-visible,
  button:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  button {
    cursor: pointer;
    background: var(--_surface-raised);
  }
  button:hover:not([disabled]) {
    background: var(--_hover);
  }
  button[disabled] {
    cursor: default;
    opacity: 0.45;
  }
  .action {
    min-width: 2em;
  }
  .add-bar {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) / 2);
    margin-top: var(--_space);
  }
  .add {
    color: var(--_accent);
    border-style: dashed;
  }
  .suffix {
    color: var(--_label);
  }
  .issues {
    margin: calc(var(--_space) / 2) 0 0;
    padding: 0;
    list-style: none;
    color: var(--_danger);
    font-size: 0.9em;
  }
  .issue::before {
    content: '\\26A0\\FE0E  ';
  }
  .summary {
    border-top: 1px solid var(--_border);
    padding-top: var(--_space);
  }
  .count {
    margin: 0;
    font-weight: 600;
  }
  .count.error,
  .load-error {
    color: var(--_danger);
  }
  .summary[aria-busy='true'] .count {
    color: var(--_muted);
  }
  .guardrail ul {
    margin: calc(var(--_space) / 2) 0 0;
    padding-inline-start: calc(var(--_space) * 2);
  }
  .guardrail-title {
    margin: var(--_space) 0 0;
    color: var(--_warning);
    font-weight: 600;
  }
`;
