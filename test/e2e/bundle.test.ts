// The demo page's bundle cache (headless-api/src/static/backoffice.ts): a
// second build with unchanged inputs reuses the output without esbuild, and a
// changed input file builds again. A small page of its own, so that edits to
// examples/backoffice cannot change what this checks.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBackoffice } from '../../headless-api/src/static/backoffice.js';

describe('bundleBackoffice: esbuild at start, cached by the hash of every input', { timeout: 120_000 }, () => {
  let pageDir = '';
  let cacheDir = '';

  beforeAll(async () => {
    // Inside the checkout (.tmp/ is git-ignored), so that the page resolves the workspace packages.
    const scratch = fileURLToPath(new URL('../../.tmp/', import.meta.url));
    await mkdir(scratch, { recursive: true });
    pageDir = await mkdtemp(join(scratch, 'e2e-bundle-page-'));
    cacheDir = await mkdtemp(join(tmpdir(), 'pb-bundle-cache-'));
    await writeFile(join(pageDir, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    await writeFile(join(pageDir, 'main.ts'), "import { PitbossClient, apiKey } from '@pitboss/sdk';\nexport const client = new PitbossClient({ baseUrl: location.origin, auth: apiKey('x') });\n");
  });

  afterAll(async () => {
    await rm(pageDir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('builds the page and both workers from sources, then reuses them; an edited input builds again', async () => {
    const first = await bundleBackoffice(cacheDir, { pageDir });
    expect(first.cached).toBe(false);
    expect((await readdir(first.dir)).sort()).toEqual(
      ['duckdb.worker.js', 'duckdb.worker.js.map', 'main.js', 'main.js.map', 'scoring.worker.js', 'scoring.worker.js.map'],
    );
    // Workspace packages came from their sources (the `source` condition): no dist/ needed.
    const manifest = JSON.parse(await readFile(join(cacheDir, 'manifest.json'), 'utf8')) as { inputs: Record<string, string> };
    expect(Object.keys(manifest.inputs)).toContain('sdk/src/client.ts');
    expect(Object.keys(manifest.inputs)).toContain('wasm/src/duckdb.worker.ts');
    expect(await readFile(join(first.dir, 'main.js'), 'utf8')).toContain('var PitbossClient = class');

    const second = await bundleBackoffice(cacheDir, { pageDir });
    expect(second).toMatchObject({ cached: true, hash: first.hash, dir: first.dir });

    await writeFile(join(pageDir, 'main.ts'), "import { PitbossClient, apiKey } from '@pitboss/sdk';\nexport const client = new PitbossClient({ baseUrl: location.origin, auth: apiKey('y') });\n");
    const third = await bundleBackoffice(cacheDir, { pageDir });
    expect(third.cached).toBe(false);
    expect(third.hash).not.toBe(first.hash);
    // The old build is removed: only the new folder and the manifest remain.
    expect((await readdir(cacheDir)).sort()).toEqual([third.hash, 'manifest.json'].sort());

    // A manifest cut short (a start killed while writing it) builds again instead of failing the start.
    await writeFile(join(cacheDir, 'manifest.json'), '{"version":1,"ha');
    const fourth = await bundleBackoffice(cacheDir, { pageDir });
    expect(fourth).toMatchObject({ cached: false, hash: third.hash });
    expect((await bundleBackoffice(cacheDir, { pageDir })).cached).toBe(true);
  });
});
