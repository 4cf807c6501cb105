// scripts/minify-css-literals.mjs: `tightenCss`, the whitespace it drops from what
// esbuild's CSS minifier leaves (custom property values, var() fallbacks), and what
// it must leave alone (selectors, at-rule preludes, strings, `+`/`-` in calc()).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { minifyCssLiterals, tightenCss } from './minify-css-literals.mjs';

describe('tightenCss', () => {
  it('drops the space after a custom property colon and after commas and around * and / in values', () => {
    expect(tightenCss(':host{--a: var(--b, color-mix(in srgb, var(--c) 60%, #fff))}')).toBe(':host{--a:var(--b,color-mix(in srgb,var(--c) 60%,#fff))}');
    expect(tightenCss('a{padding:calc(var(--s) / 2) calc(var(--s) * 1.5)}')).toBe('a{padding:calc(var(--s)/2) calc(var(--s)*1.5)}');
  });

  it('keeps the spaces calc() needs around + and -, and those outside parentheses', () => {
    expect(tightenCss('a{height:calc(var(--h) - 1px);width:calc(1px + 2%);grid-area:1 / 2}')).toBe('a{height:calc(var(--h) - 1px);width:calc(1px + 2%);grid-area:1 / 2}');
  });

  it('leaves selectors, at-rule preludes and strings as written', () => {
    for (const css of ['.a :is(.b *){color:red}', ':host(:not([x="a, b"])) *{a:b}', '@media (min-width: 10px) and (max-width: 20px){a{b:c}}', 'a{content:", * / "}']) {
      expect(tightenCss(css)).toBe(css);
    }
    expect(tightenCss('a{--x: "a, b"}')).toBe('a{--x:"a, b"}');
  });
});

describe('minifyCssLiterals', () => {
  it('changes only whitespace in what esbuild makes of every css`` template of the components', async () => {
    const dir = join(import.meta.dirname, '../components/src');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.styles.ts') || f.endsWith('theme.ts'));
    expect(files.length).toBeGreaterThan(4);
    const plugin = minifyCssLiterals();
    const literals = (code: string) => [...code.matchAll(/\bcss`([^`]*)`/g)].map((m) => m[1]!.replace(/\\\\/g, '\\'));
    for (const file of files) {
      const path = join(dir, file);
      const code = readFileSync(path, 'utf8');
      const out = (await (plugin.transform as (c: string, id: string) => Promise<{ code: string } | null>)(code, path))!.code;
      const before = literals(code);
      const after = literals(out);
      expect(after.length, file).toBe(before.length);
      for (const [i, css] of before.entries()) {
        const esbuilt = (await transform(css, { loader: 'css', minify: true })).code.trim();
        expect(after[i]!.replace(/\s+/g, ''), file).toBe(esbuilt.replace(/\s+/g, ''));
        expect(after[i]!.length, file).toBeLessThanOrEqual(esbuilt.length);
      }
    }
  });
});
