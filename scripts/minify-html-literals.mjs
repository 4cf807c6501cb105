// A rollup plugin that drops the indentation inside Lit `html` and `svg`
// tagged templates of @pitboss/components: esbuild's JavaScript minifier
// leaves template text as written, and a component's templates are indented
// like the code around them. Spaces and tabs next to a line break go; the line
// break stays, so every whitespace-only text node stays whitespace (rendered
// the same under `white-space: normal`), an attribute list stays separated,
// and the module keeps its lines (source maps stay right line by line).
// Whitespace inside a `${}` expression is code, not template text, and is left
// to the JavaScript minifier; so are templates with any other tag (css`` has
// its own plugin) and untagged ones.
//
// Not for templates whose text lands in a `pre`-like context (`<pre>`,
// `<textarea>` content, `white-space: pre*`): the components have none (text in
// such elements always comes from an expression).
import ts from 'typescript';

const TAGS = new Set(['html', 'svg']);
// Spaces and tabs around a line break (CRLF kept as it is).
const INDENT = /[ \t]*(\r?\n)[ \t]*/g;

/**
 * The module's text with the indentation of its html``/svg`` templates removed, or null when it has none.
 *
 * @example
 * minifyHtmlTemplates('html`<p>\n    ${x}\n  </p>`', 'a.ts') // 'html`<p>\n${x}\n</p>`'
 */
export function minifyHtmlTemplates(code, fileName) {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const ranges = [];
  const visit = (node) => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && TAGS.has(node.tag.text)) {
      const t = node.template;
      for (const literal of ts.isNoSubstitutionTemplateLiteral(t) ? [t] : [t.head, ...t.templateSpans.map((s) => s.literal)]) {
        // Text between the opening ` or } and the closing ` or ${.
        const opensExpression = literal.kind === ts.SyntaxKind.TemplateHead || literal.kind === ts.SyntaxKind.TemplateMiddle;
        ranges.push([literal.getStart(source) + 1, literal.end - (opensExpression ? 2 : 1)]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let out = '';
  let last = 0;
  for (const [start, end] of ranges.sort((a, b) => a[0] - b[0])) {
    // A backslash before a line break is a line continuation: leave that text as written.
    const text = code.slice(start, end);
    out += code.slice(last, start) + (text.includes('\\') ? text.replace(INDENT, (run, nl, at) => (text[at - 1] === '\\' ? run : nl)) : text.replace(INDENT, '$1'));
    last = end;
  }
  out += code.slice(last);
  return out === code ? null : out;
}

/** @param {{ include?: RegExp }} [options] modules to transform (default: components/src/**.ts). */
export function minifyHtmlLiterals(options = {}) {
  const include = options.include ?? /[\\/]components[\\/]src[\\/].*\.ts$/;
  return {
    name: 'pitboss-minify-html-literals',
    transform(code, id) {
      if (!include.test(id) || !(code.includes('html`') || code.includes('svg`'))) return null;
      const out = minifyHtmlTemplates(code, id);
      // Lines are kept, so the incoming source map still holds line for line.
      return out === null ? null : { code: out, map: null };
    },
  };
}
