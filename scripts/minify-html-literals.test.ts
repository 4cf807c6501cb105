// scripts/minify-html-literals.mjs: what it removes from html``/svg`` templates
// (spaces and tabs around line breaks), and that it leaves everything else as written.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { minifyHtmlTemplates } from './minify-html-literals.mjs';

/** The cooked static strings of every html``/svg`` template of a module, in source order. */
function templateStrings(code: string): string[][] {
  const source = ts.createSourceFile('m.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[][] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && ['html', 'svg'].includes(node.tag.text)) {
      const t = node.template;
      out.push(ts.isNoSubstitutionTemplateLiteral(t) ? [t.text] : [t.head.text, ...t.templateSpans.map((s) => s.literal.text)]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Runs a module's JavaScript with `html` and `svg` tags that return their strings. */
function run(code: string): unknown {
  return new Function('html', 'svg', 'x', 'css', code)((s: TemplateStringsArray) => [...s], (s: TemplateStringsArray) => ['svg', ...s], 'X', (s: TemplateStringsArray) => s.raw[0]);
}

describe('minifyHtmlTemplates', () => {
  it('drops the spaces and tabs around line breaks in html`` and svg`` text, keeping the breaks', () => {
    const code = 'return [html`<div\n    class="a">\n\t  ${x}\n  </div>`, svg`<g>\n    <path d="M 0 0"></path>\n</g>`];';
    const out = minifyHtmlTemplates(code, 'a.ts')!;
    expect(out).toBe('return [html`<div\nclass="a">\n${x}\n</div>`, svg`<g>\n<path d="M 0 0"></path>\n</g>`];');
    expect(run(out)).toEqual([['<div\nclass="a">\n', '\n</div>'], ['svg', '<g>\n<path d="M 0 0"></path>\n</g>']]);
    expect(out.split('\n').length).toBe(code.split('\n').length);
  });

  it('leaves expressions, other templates and whitespace without a line break as written', () => {
    const code = [
      'const inner = html`<li>\n    ${x}</li>`;',
      'const list = html`<ul>\n  ${[1, 2].map((i) =>\n      html`<li>${`a\n    b`}</li>`)}\n</ul>`;',
      'const style = css`a {\n    color: red }`;',
      'const text = `plain\n    text`;',
      'const spaced = html`<b>a  b</b> <i>\u00a0\n\u00a0c</i>`;',
      'return [inner, list, style, text, spaced];',
    ].join('\n');
    const out = minifyHtmlTemplates(code, 'a.ts')!;
    expect(out).toContain('html`<li>\n${x}</li>`');
    expect(out).toContain('html`<ul>\n${[1, 2].map((i) =>\n      html`<li>${`a\n    b`}</li>`)}\n</ul>`');
    expect(out).toContain('css`a {\n    color: red }`');
    expect(out).toContain('`plain\n    text`');
    expect(out).toContain('html`<b>a  b</b> <i>\u00a0\n\u00a0c</i>`');
    expect(run(out)).toEqual([['<li>\n', '</li>'], ['<ul>\n', '\n</ul>'], 'a {\n    color: red }', 'plain\n    text', ['<b>a  b</b> <i>\u00a0\n\u00a0c</i>']]);
  });

  it('leaves a line continuation (backslash, line break) as written', () => {
    const code = 'return html`a \\\n    b\n    c`;';
    const out = minifyHtmlTemplates(code, 'a.ts')!;
    expect(out).toBe('return html`a \\\n    b\nc`;');
    expect(run(out)).toEqual(['a     b\nc']);
  });

  it('returns null for a module with nothing to remove', () => {
    expect(minifyHtmlTemplates('return html`<p>${x}</p>`;', 'a.ts')).toBeNull();
    expect(minifyHtmlTemplates('export const a = 1;\n', 'a.ts')).toBeNull();
  });

  it('changes nothing in the components but the indentation of their templates', () => {
    const dir = join(import.meta.dirname, '../components/src');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    let changed = 0;
    for (const file of files) {
      const code = readFileSync(join(dir, file), 'utf8');
      const out = minifyHtmlTemplates(code, file);
      if (out === null) continue;
      changed++;
      expect(out.split('\n').length, file).toBe(code.split('\n').length);
      // Outside template text the module is the same, token for token.
      const outside = (c: string) => c.replace(/`(?:[^`\\$]|\\.|\$(?!\{))*(?:`|\$\{)|\}(?:[^`\\$]|\\.|\$(?!\{))*(?:`|\$\{)/g, '').replace(/\s+/g, '');
      expect(outside(out), file).toBe(outside(code));
      expect(templateStrings(out), file).toEqual(templateStrings(code).map((t) => t.map((s) => s.replace(/[ \t]*(\r?\n)[ \t]*/g, '$1'))));
    }
    expect(changed).toBeGreaterThan(5);
  });
});
