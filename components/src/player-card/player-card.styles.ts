import { css } from 'lit';

export const styles = css`
  :host {
    --_timeline-height: var(--pb-card-timeline-height, 320px);
    --_spark: var(--pb-card-sparkline, var(--_accent));
    display: block;
    box-sizing: border-box;
    padding: calc(var(--_space) * 2);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    font-size: var(--pb-card-font-size, 14px);
  }
  :host([hidden]) {
    display: none;
  }
  h2, h3 {
    margin: 0 0 var(--_space);
    line-height: 1.25;
  }
  h2 { font-size: 1.3em; }
  h3 { font-size: 1.05em; }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
    margin-bottom: var(--_space);
  }
  .live {
    font-size: 0.8em;
    color: var(--_muted);
  }
  .live.on::before {
    content: '';
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    margin-inline-end: 0.3em;
    border-radius: 50%;
    background: var(--_ok);
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(240px, 100%), 1fr));
    gap: calc(var(--_space) * 2);
    margin-bottom: calc(var(--_space) * 2);
  }
  section {
    min-width: 0;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: calc(var(--_space) / 2) var(--_space);
    margin: 0;
  }
  dt { color: var(--_muted); }
  dd { margin: 0; overflow-wrap: anywhere; }
  .masked-label {
    margin-inline-start: 0.4em;
    padding: 0 0.4em;
    border: 1px solid var(--_border);
    border-radius: 999px;
    font-size: 0.8em;
    color: var(--_muted);
  }
  .figure {
    display: grid;
    grid-template-columns: 1fr auto;
    align-items: center;
    gap: 0 var(--_space);
    padding: calc(var(--_space) / 2) 0;
    border-top: 1px solid var(--_border);
  }
  .figure-name { color: var(--_muted); }
  .figure-value { font-weight: 600; font-variant-numeric: tabular-nums; text-align: end; }
  .sparkline {
    grid-column: 1 / -1;
    width: 100%;
    height: 28px;
  }
  .sparkline polyline {
    fill: none;
    stroke: var(--_spark);
    stroke-width: 1.5;
    vector-effect: non-scaling-stroke;
  }
  .muted { color: var(--_muted); }
  .timeline {
    height: var(--_timeline-height);
    overflow: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .event {
    box-sizing: border-box;
    width: 100%;
    padding: calc(var(--_space) * 0.75) var(--_space);
    border-bottom: 1px solid var(--_border);
  }
  .event-head {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: var(--_space);
  }
  .event-type { font-weight: 600; }
  .event-time { color: var(--_muted); font-size: 0.9em; }
  .event-detail { color: var(--_text); overflow-wrap: anywhere; white-space: pre-wrap; }
  .columns {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(280px, 100%), 1fr));
    gap: calc(var(--_space) * 2);
    margin-top: calc(var(--_space) * 2);
  }
  ul.items {
    list-style: none;
    margin: var(--_space) 0 0;
    padding: 0;
  }
  ul.items li {
    padding: calc(var(--_space) * 0.75) 0;
    border-top: 1px solid var(--_border);
  }
  .note-text { white-space: pre-wrap; overflow-wrap: anywhere; }
  .byline { color: var(--_muted); font-size: 0.85em; }
  /* Grid items default to min-width: auto, i.e. their longest option or word: a select's longest
     option (pt-BR "Verificação de capacidade financeira") would push the form past a narrow card. */
  .columns > *, form, label { min-width: 0; }
  form {
    display: grid;
    gap: var(--_space);
  }
  .fields {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(120px, 100%), 1fr));
    gap: var(--_space);
  }
  label {
    display: grid;
    gap: 2px;
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
  textarea, select {
    box-sizing: border-box;
    width: 100%;
    min-width: 0;
    max-width: 100%;
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) / 2);
  }
  textarea { min-height: 4em; resize: vertical; }
  button {
    justify-self: start;
    max-width: 100%;
    overflow-wrap: anywhere;
    font: inherit;
    color: var(--_surface);
    background: var(--_accent);
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    padding: calc(var(--_space) / 2) calc(var(--_space) * 1.5);
    cursor: pointer;
  }
  button[disabled] { opacity: 0.6; cursor: progress; }
  button:focus-visible, textarea:focus-visible, select:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .error {
    color: var(--_danger);
  }
  .status {
    padding: calc(var(--_space) * 2);
    text-align: center;
    color: var(--_muted);
  }
`;
