import { css } from 'lit';

/**
 * The theme contract shared by every `pb-*` component. A page sets a few
 * global tokens (`--pb-accent`, `--pb-surface`, `--pb-text`, `--pb-font`,
 * `--pb-radius`, `--pb-space`); every other `--pb-*` property derives from
 * them, so one token re-themes all components and a component-specific one
 * (e.g. `--pb-table-row-hover`) still wins where set. `theme="dark"` on an
 * element (or `theme="auto"` with a dark `prefers-color-scheme`) switches the
 * defaults of the global tokens.
 */
export const themeTokens = css`
  :host {
    --_accent: var(--pb-accent, #2563eb);
    --_surface: var(--pb-surface, #ffffff);
    --_text: var(--pb-text, #111827);
    --_muted: var(--pb-text-muted, color-mix(in srgb, var(--_text) 60%, var(--_surface)));
    --_border: var(--pb-border, color-mix(in srgb, var(--_text) 14%, var(--_surface)));
    --_surface-raised: var(--pb-surface-raised, color-mix(in srgb, var(--_text) 4%, var(--_surface)));
    --_hover: var(--pb-hover, color-mix(in srgb, var(--_accent) 8%, var(--_surface)));
    --_selected: var(--pb-selected, color-mix(in srgb, var(--_accent) 18%, var(--_surface)));
    --_focus: var(--pb-focus-ring, var(--_accent));
    --_danger: var(--pb-danger, #b91c1c);
    --_warning: var(--pb-warning, #a16207);
    --_ok: var(--pb-ok, #15803d);
    --_font: var(--pb-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_radius: var(--pb-radius, 6px);
    --_space: var(--pb-space, 8px);
    color-scheme: light;
    color: var(--_text);
    font-family: var(--_font);
  }
  :host([theme='dark']) {
    --_accent: var(--pb-accent, #60a5fa);
    --_surface: var(--pb-surface, #111827);
    --_text: var(--pb-text, #f3f4f6);
    --_danger: var(--pb-danger, #f87171);
    --_warning: var(--pb-warning, #facc15);
    --_ok: var(--pb-ok, #4ade80);
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      --_accent: var(--pb-accent, #60a5fa);
      --_surface: var(--pb-surface, #111827);
      --_text: var(--pb-text, #f3f4f6);
      --_danger: var(--pb-danger, #f87171);
      --_warning: var(--pb-warning, #facc15);
      --_ok: var(--pb-ok, #4ade80);
      color-scheme: dark;
    }
  }
`;
