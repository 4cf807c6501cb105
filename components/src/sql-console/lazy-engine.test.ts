// The components bundle must not carry DuckDB: <pb-sql-console> takes an
// engine, or opens one through import('./open-engine.js'). This bundles the
// package entry with rollup as our build and Vite do (dependencies inlined
// here, as a page's bundler would) and checks the static import graph.
// (esbuild's code splitting is per module: it puts the sdk's LocalAnalytics,
// re-exported by the same barrel the console imports MemoryDataSource from,
// in a chunk the entry imports statically; see components/README.md.)
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup, type OutputChunk } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const WORKER_CODE = /[\\/](wasm[\\/]src|@duckdb|onnxruntime-web|comlink)[\\/]|\.worker\.[tj]s$|\.wasm$/;

describe('lazy DuckDB in <pb-sql-console>', () => {
  it('the package entry, and the console alone, statically import no worker, WASM or Arrow code', async () => {
    const build = await rollup({
      input: { index: join(root, 'components/src/index.ts'), console: join(root, 'components/src/sql-console/sql-console.ts') },
      plugins: [nodeResolve({ exportConditions: ['source', 'browser', 'import'], extensions: ['.ts', '.js'] }), esbuild({ target: 'es2022', tsconfig: join(root, 'tsconfig.base.json') })],
      onwarn: () => undefined,
    });
    const { output } = await build.generate({ format: 'es' });
    await build.close();
    const chunks = new Map(output.filter((o): o is OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c]));
    const staticGraph = (entry: string): { statics: string[]; lazy: string[] } => {
      const seen = new Set<string>();
      const walk = (name: string): void => {
        if (seen.has(name)) return;
        seen.add(name);
        chunks.get(name)!.imports.forEach(walk);
      };
      walk([...chunks.values()].find((c) => c.isEntry && c.name === entry)!.fileName);
      const ids = (keep: boolean) => [...chunks.values()].filter((c) => seen.has(c.fileName) === keep).flatMap((c) => Object.keys(c.modules));
      return { statics: ids(true), lazy: ids(false) };
    };
    const index = staticGraph('index');
    expect(index.statics.filter((id) => WORKER_CODE.test(id))).to.deep.equal([]);
    expect(index.statics.some((id) => id.endsWith('sql-console.component.ts'))).to.equal(true);
    expect(index.lazy.some((id) => id.endsWith('wasm/src/duckdb.client.ts')), 'the DuckDB client is in the lazy chunk').to.equal(true);
    const alone = staticGraph('console');
    expect(alone.statics.filter((id) => WORKER_CODE.test(id) || /[\\/]apache-arrow[\\/]/.test(id))).to.deep.equal([]);
    expect(alone.lazy.some((id) => id.endsWith('open-engine.ts'))).to.equal(true);
  }, 240_000);
});
