// Browser packages: one ESM bundle per package (dist/index.js), dependencies
// left external so an application bundles one copy of lit, comlink, etc.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

const dir = process.env.PKG;
if (!dir) throw new Error('rollup.config.mjs: set PKG (e.g. --environment PKG:components)');
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];

export default {
  input: join(dir, 'src/index.ts'),
  external: (id) => external.some((d) => id === d || id.startsWith(`${d}/`)),
  output: { dir: join(dir, 'dist'), format: 'es', sourcemap: true, preserveModules: false },
  plugins: [
    nodeResolve({ exportConditions: ['source', 'browser', 'import'], extensions: ['.ts', '.js'] }),
    esbuild({ target: 'es2022', tsconfig: 'tsconfig.base.json' }),
  ],
};
