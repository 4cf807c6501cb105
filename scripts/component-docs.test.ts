// docs/components.md is generated from components/custom-elements.json by
// scripts/component-docs.mjs; this fails when the manifest changed (a component
// was added or documented differently) and the page was not regenerated.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC_PATH, MANIFEST_PATH, REGENERATE, renderComponentDocs } from './component-docs.mjs';

interface Declaration { tagName?: string; customElement?: boolean; events?: { name: string }[]; cssParts?: { name: string }[]; cssProperties?: { name: string }[] }
const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as { modules: { declarations?: Declaration[] }[] };
const elements = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.customElement && d.tagName);

describe('docs/components.md', () => {
  it('is what scripts/component-docs.mjs generates from components/custom-elements.json', () => {
    const committed = readFileSync(DOC_PATH, 'utf8');
    const fresh = renderComponentDocs(manifest);
    expect(committed === fresh, `docs/components.md is out of date with components/custom-elements.json. Regenerate it: ${REGENERATE}`).toBe(true);
  });

  it('has a section per custom element with its events, CSS parts and custom properties', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    expect(elements.length).toBeGreaterThan(0);
    for (const e of elements) {
      const start = doc.indexOf(`## \`<${e.tagName}>\``);
      expect(start, `no section for <${e.tagName}>`).toBeGreaterThanOrEqual(0);
      const section = doc.slice(start, doc.indexOf('\n## ', start + 1) >>> 0);
      for (const name of [...(e.events ?? []), ...(e.cssParts ?? []), ...(e.cssProperties ?? [])].map((x) => x.name)) {
        expect(section, `<${e.tagName}>: ${name}`).toContain(`\`${name}\``);
      }
    }
  });
});
