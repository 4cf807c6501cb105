import { css } from 'lit';

export const styles = css`
  :host {
    --_band-none: var(--pb-risk-none, var(--_ok));
    --_band-low: var(--pb-risk-low, #65a30d);
    --_band-medium: var(--pb-risk-medium, var(--_warning));
    --_band-high: var(--pb-risk-high, #ea580c);
    --_band-very-high: var(--pb-risk-very-high, var(--_danger));
    --_band-unknown: var(--pb-risk-unbanded, var(--_muted));
    --_track: var(--pb-gauge-track, var(--_border));
    --_gauge-size: var(--pb-gauge-size, 160px);
    --_duration: var(--pb-gauge-duration, 700ms);
    display: inline-block;
    box-sizing: border-box;
    min-width: var(--_gauge-size);
    padding: var(--_space);
    background: var(--_surface);
    border-radius: var(--_radius);
    font-size: var(--pb-gauge-font-size, 14px);
  }
  :host([hidden]) {
    display: none;
  }
  :host([theme='dark']) {
    --_band-low: var(--pb-risk-low, #a3e635);
    --_band-high: var(--pb-risk-high, #fb923c);
  }
  .meter {
    display: flex;
    flex-direction: column;
    align-items: center;
    width: var(--_gauge-size);
    margin: 0 auto;
  }
  svg {
    width: 100%;
    height: auto;
    overflow: visible;
  }
  .track {
    fill: none;
    stroke: var(--_track);
    stroke-width: 12;
    stroke-linecap: round;
  }
  .value {
    fill: none;
    stroke: var(--_arc);
    stroke-width: 12;
    stroke-linecap: round;
    transition: none;
  }
  @media (prefers-reduced-motion: no-preference) {
    .value {
      transition: stroke-dashoffset var(--_duration) ease-out, stroke var(--_duration) ease-out;
    }
  }
  .band-none { --_arc: var(--_band-none); }
  .band-low { --_arc: var(--_band-low); }
  .band-medium { --_arc: var(--_band-medium); }
  .band-high { --_arc: var(--_band-high); }
  .band-very_high { --_arc: var(--_band-very-high); }
  .band-unknown { --_arc: var(--_band-unknown); }
  .score {
    margin-top: calc(var(--_space) * -5);
    font-size: 2em;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
    line-height: 1.1;
  }
  .band {
    font-weight: 600;
    color: var(--_text);
  }
  .band::before {
    content: '';
    display: inline-block;
    width: 0.7em;
    height: 0.7em;
    margin-inline-end: 0.35em;
    border-radius: 50%;
    background: var(--_arc);
  }
  .meta {
    color: var(--_muted);
    font-size: 0.85em;
    text-align: center;
  }
  .reasons {
    margin: var(--_space) 0 0;
    padding: 0;
    list-style: none;
  }
  .reasons-title {
    margin: var(--_space) 0 calc(var(--_space) / 2);
    font-size: 0.9em;
    font-weight: 600;
  }
  .reason {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) / 2);
    align-items: baseline;
    padding: calc(var(--_space) / 2) 0;
    border-top: 1px solid var(--_border);
  }
  .category {
    padding: 0 calc(var(--_space) * 0.75);
    border-radius: 999px;
    background: var(--_surface-raised);
    border: 1px solid var(--_border);
    font-size: 0.8em;
    white-space: nowrap;
  }
  .status {
    color: var(--_muted);
    text-align: center;
  }
  .status.error {
    color: var(--_danger);
  }
  button {
    font: inherit;
    color: var(--_accent);
    background: none;
    border: 1px solid currentColor;
    border-radius: var(--_radius);
    padding: 0 var(--_space);
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
`;
