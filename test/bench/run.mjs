#!/usr/bin/env node
// `npm run bench [-- --quick] [names...]`: runs every test/bench/*.bench.ts in its own
// process (sources through tsx and the `source` condition) and writes one report.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--'));
const out = join(root, 'bench-results');
mkdirSync(join(out, 'raw'), { recursive: true });

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => names.length === 0 || names.some((n) => f.startsWith(n)))
  .sort();
let failures = 0;
for (const file of files) {
  const result = join(out, 'raw', file.replace(/\.bench\.ts$/, '.json'));
  rmSync(result, { force: true });
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(here, 'one.ts'), join(here, file), result, ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    failures++;
    console.error(`${file} failed (exit ${r.status})`);
  }
}
const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(here, 'report.ts'), out], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) failures++;
process.exit(failures ? 1 : 0);
