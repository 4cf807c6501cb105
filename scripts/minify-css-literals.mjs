// A rollup plugin that minifies the CSS inside Lit `css` tagged templates of
// @pitboss/components (esbuild's CSS minifier, then `tightenCss` for the custom
// property values esbuild leaves as written): esbuild's JavaScript minifier
// leaves template text as written, indentation and all. Only literals without
// `${}` are touched, and only when their text has no escape but `\\`, so the
// cooked CSS is known exactly; the rest pass through as written.
import { transform } from 'esbuild';

const CSS_LITERAL = /\bcss`([^`]*)`/g;

/** Cooked text of a template literal's raw text, or null when it holds something other than `\\` escapes. */
function cook(raw) {
  if (raw.includes('${')) return null;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '\\') {
      out += raw[i];
      continue;
    }
    if (raw[i + 1] !== '\\') return null;
    out += '\\';
    i++;
  }
  return out;
}

/**
 * Drops whitespace esbuild keeps because it leaves custom property values and
 * var() fallbacks as written (`--_muted: var(--pb-text-muted, color-mix(in srgb,
 * var(--_text) 60%, var(--_surface)))`): after a custom property's colon (its value
 * is trimmed anyway), and inside parentheses after a comma and around `*` and `/` (all three
 * delimit tokens by themselves; `+` and `-` in calc() need their spaces and keep
 * them). Outside parentheses nothing else changes, so a selector's `.a *` stays;
 * strings are left as written.
 */
export function tightenCss(css) {
  let out = '';
  let depth = 0;
  /** Whether the parentheses open at depth 0 are in a declaration's value (not a selector or an at-rule's prelude, where `.a *` means something). */
  let inValue = false;
  for (let i = 0; i < css.length; i++) {
    const c = css[i];
    if (c === '"' || c === "'") {
      const end = stringEnd(css, i);
      out += css.slice(i, end + 1);
      i = end;
      continue;
    }
    if (c === '(') {
      if (depth === 0) inValue = nextOf(css, i, '{;}') !== '{';
      depth++;
    } else if (c === ')') depth = Math.max(0, depth - 1);
    else if (/\s/.test(c)) {
      const prev = out[out.length - 1];
      const next = css[i + 1];
      if (depth > 0 && inValue && (',*/'.includes(prev) || ',*/'.includes(next))) continue;
      if (depth === 0 && prev === ':' && /(?:^|[{;])--[\w-]+:$/.test(out.slice(-100))) continue;
    }
    out += c;
  }
  return out;
}

/** Index of the quote closing the string that opens at `i`. */
function stringEnd(css, i) {
  let j = i + 1;
  while (j < css.length && css[j] !== css[i]) j += css[j] === '\\' ? 2 : 1;
  return j;
}

/** The first of `chars` after `i`, outside strings; '' if none. */
function nextOf(css, i, chars) {
  for (let j = i + 1; j < css.length; j++) {
    if (css[j] === '"' || css[j] === "'") j = stringEnd(css, j);
    else if (chars.includes(css[j])) return css[j];
  }
  return '';
}

const escapeTemplate = (text) => text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');

/** @param {{ include?: RegExp }} [options] modules to transform (default: components/src/**.ts). */
export function minifyCssLiterals(options = {}) {
  const include = options.include ?? /[\\/]components[\\/]src[\\/].*\.ts$/;
  return {
    name: 'pitboss-minify-css-literals',
    async transform(code, id) {
      if (!include.test(id) || !code.includes('css`')) return null;
      const parts = [];
      let last = 0;
      for (const m of code.matchAll(CSS_LITERAL)) {
        const cooked = cook(m[1]);
        if (cooked === null) continue;
        const min = tightenCss((await transform(cooked, { loader: 'css', minify: true, logLevel: 'silent' })).code.trim());
        parts.push(code.slice(last, m.index), `css\`${escapeTemplate(min)}\``);
        last = m.index + m[0].length;
      }
      if (parts.length === 0) return null;
      parts.push(code.slice(last));
      return { code: parts.join(''), map: null };
    },
  };
}
