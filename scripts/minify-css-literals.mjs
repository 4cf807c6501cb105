// A rollup plugin that minifies the CSS inside Lit `css` tagged templates of
// @pitboss/components (esbuild's CSS minifier): esbuild's JavaScript minifier
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
        const min = (await transform(cooked, { loader: 'css', minify: true, logLevel: 'silent' })).code.trim();
        parts.push(code.slice(last, m.index), `css\`${escapeTemplate(min)}\``);
        last = m.index + m[0].length;
      }
      if (parts.length === 0) return null;
      parts.push(code.slice(last));
      return { code: parts.join(''), map: null };
    },
  };
}
