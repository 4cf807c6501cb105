// Relative links in the docs and the examples' READMEs point at files that
// exist (and #anchors of docs/components.md at its sections), so a moved or
// renamed file breaks a test instead of a reader's click.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pages = [
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f)),
  join(root, 'README.md'),
  join(root, 'examples/README.md'),
  ...['html', 'react', 'vue', 'api-scripts', 'embed-token'].map((e) => join(root, 'examples', e, 'README.md')),
];

describe('links in docs/ and examples/ READMEs', () => {
  for (const page of pages) {
    it(`${relative(root, page)}: every relative link resolves`, () => {
      const text = readFileSync(page, 'utf8').replace(/```[\s\S]*?```/g, '');
      const broken: string[] = [];
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue;
        const [path, anchor] = target!.split('#');
        const file = join(dirname(page), path!);
        if (!existsSync(file)) {
          broken.push(target!);
          continue;
        }
        if (anchor && file.endsWith('components.md') && !readFileSync(file, 'utf8').includes(`<a id="${anchor}"></a>`)) broken.push(target!);
      }
      expect(broken, `broken links in ${relative(root, page)}`).toEqual([]);
    });
  }
});
