#!/usr/bin/env node
// `npm run build`: Node packages with tsc (JS + declarations), browser packages
// with rollup (ESM bundle) plus tsc declarations. Order follows the dependency
// direction of DESIGN.md, so each package sees its dependencies' dist/ types.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (n) => join(root, 'node_modules', '.bin', n);
const steps = [
  ['packages/core', 'tsc'],
  ['packages/synth', 'tsc'],
  ['packages/ml', 'tsc'],
  ['packages/model-server', 'tsc'],
  ['wasm', 'rollup'],
  ['sdk', 'rollup'],
  ['components', 'rollup'],
  ['headless-api', 'tsc'],
];
for (const [dir, kind] of steps) {
  rmSync(join(root, dir, 'dist'), { recursive: true, force: true });
  const t0 = Date.now();
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`build failed in ${dir}: ${cmd} ${args.join(' ')}`);
      process.exit(r.status ?? 1);
    }
  };
  run(bin('tsc'), ['-p', join(dir, 'tsconfig.build.json')]);
  if (kind === 'rollup') run(bin('rollup'), ['-c', join(root, 'rollup.config.mjs'), '--environment', `PKG:${dir}`, '--silent']);
  console.log(`built ${dir} (${kind}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
