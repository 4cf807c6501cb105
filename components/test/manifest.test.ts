// custom-elements.json is generated from the JSDoc of the sources (npm run manifest);
// this fails when a source changed and the committed manifest was not regenerated.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));

describe('custom-elements.json', () => {
  it('matches what the analyzer generates from the sources', () => {
    const out = mkdtempSync(join(tmpdir(), 'pitboss-cem-'));
    try {
      const cem = join(pkg, '..', 'node_modules', '.bin', 'cem');
      const r = spawnSync(cem, ['analyze', '--config', 'custom-elements-manifest.config.mjs'], {
        cwd: pkg,
        encoding: 'utf8',
        // The analyzer joins outdir to the working directory, so it gets a relative path.
        env: { ...process.env, PITBOSS_CEM_OUTDIR: relative(pkg, out) },
      });
      expect(r.status, r.stderr).to.equal(0);
      const fresh = JSON.parse(readFileSync(join(out, 'custom-elements.json'), 'utf8')) as unknown;
      const committed = JSON.parse(readFileSync(join(pkg, 'custom-elements.json'), 'utf8')) as unknown;
      expect(committed).to.deep.equal(fresh);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('documents <pb-player-table> events, parts and properties', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'custom-elements.json'), 'utf8')) as {
      modules: { declarations?: { tagName?: string; events?: { name: string }[]; cssParts?: { name: string }[]; cssProperties?: { name: string }[]; members?: { name: string; description?: string }[] }[] }[];
    };
    const table = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'pb-player-table');
    expect(table).to.not.equal(undefined);
    expect(table!.events!.map((e) => e.name)).to.include.members(['pb-selection-change', 'pb-sort-change', 'pb-column-resize']);
    expect(table!.cssParts!.map((p) => p.name)).to.include.members(['table', 'header-cell', 'row', 'cell', 'status']);
    expect(table!.cssProperties!.map((p) => p.name)).to.include('--pb-accent');
    const undocumented = table!.members!.filter((m) => !m.description).map((m) => m.name);
    expect(undocumented).to.deep.equal([]);
  });
});
