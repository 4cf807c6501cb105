// Size of @pitboss/components as a page downloads it: the package's ESM entry
// bundled by rollup the way rollup.config.mjs builds it (node-resolve with the
// `source` condition, esbuild for TypeScript, the CSS of css`` templates
// minified by scripts/minify-css-literals.mjs, the indentation of html``/svg``
// templates dropped by scripts/minify-html-literals.mjs), but with its dependencies
// inlined (lit, @pitboss/sdk, @pitboss/core) and minified, then gzipped.
// The goal (≤ 40 KB gzip) is on the entry's static import graph: what a page
// loads before any component runs. Chunks reached only through import() are
// reported separately, never added to it: the console's DuckDB opener and
// its run machinery (loaded on the first run), the player card's virtualizer,
// the segment builder's validator (requested by its first render, which does
// not wait for it) and behavioural condition editors, the DuckDB segment
// counter's SQL compiler, and the pt-BR and es interface text (English is in
// the static graph, so a page renders every component in English without a
// further request; a component whose locale is pt-BR or es loads that table
// and re-renders).
// Also per component (an entry importing only its define function), the size
// of every module in the static graph (log), and a check that the static
// graph holds no DuckDB/ONNX worker or WASM code.
// Baseline: lit alone, built the same way in the same run.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup, type OutputChunk, type Plugin } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { minifyCssLiterals } from '../../scripts/minify-css-literals.mjs';
import { minifyHtmlLiterals } from '../../scripts/minify-html-literals.mjs';
import type { Bench, Figure } from './types.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const GOAL_KB = 40;

/** Worker and WASM code (and the worker RPC): never in the components' static graph. */
export const WORKER_CODE = /[\\/](wasm[\\/]src|@duckdb|onnxruntime-web|comlink)[\\/]|\.worker\.[tj]s$|\.wasm$/;

interface Built {
  /** gzip bytes of the entry chunk and every chunk it imports statically. */
  staticGzip: number;
  staticRaw: number;
  /** gzip bytes of each chunk reached only through import(). */
  lazy: { name: string; gzip: number; modules: string[]; imports: string[]; dynamicImports: string[] }[];
  /** Module ids in the static graph. */
  staticModules: string[];
  /** Rendered (pre-minification) bytes per package (or workspace folder) in the static graph, largest first. */
  byPackage: [string, number][];
  /** Rendered bytes per module in the static graph (after esbuild's minifying transform, before gzip), largest first. */
  byModule: [string, number][];
}

function packageOf(id: string): string {
  const nm = id.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = id.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const rel = id.startsWith(root) ? id.slice(root.length) : id;
  const parts = rel.split('/');
  // components/src/<folder>, sdk/src, packages/core/src, …
  return parts[0] === 'components' ? `components/${parts[2]}` : parts[0] === 'packages' ? `packages/${parts[1]}` : parts[0]!;
}

/** The entry as a virtual module inside components/ (never written), so bare imports resolve from the workspace. */
function virtualEntry(source: string): Plugin {
  const id = join(root, 'components/src/__bundle-bench-entry__.ts');
  return {
    name: 'pitboss-bundle-bench-entry',
    resolveId: (spec) => (spec === id ? id : null),
    load: (spec) => (spec === id ? source : null),
  };
}

async function bundle(entrySource: string): Promise<Built> {
  const entry = virtualEntry(entrySource);
  const build = await rollup({
    input: join(root, 'components/src/__bundle-bench-entry__.ts'),
    // As rollup.config.mjs builds the components: the entry holds the code rather than re-exporting it from a second chunk.
    preserveEntrySignatures: 'allow-extension',
    plugins: [
      entry,
      minifyCssLiterals(),
      minifyHtmlLiterals(),
      nodeResolve({ exportConditions: ['source', 'browser', 'import'], extensions: ['.ts', '.js'], rootDir: root }),
      esbuild({ target: 'es2022', tsconfig: join(root, 'tsconfig.base.json'), minify: true, legalComments: 'none' }),
    ],
    onwarn(warning, warn) {
      // Everything is inlined: an import left unresolved would make the figure too small.
      if (warning.code === 'UNRESOLVED_IMPORT') throw new Error(warning.message);
      // apache-arrow (in the lazy chunk) ships circular imports; harmless.
      // zod places comments where rollup cannot read them as annotations; harmless.
      if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'INVALID_ANNOTATION') return;
      warn(warning);
    },
  });
  const { output } = await build.generate({ format: 'es', compact: true, chunkFileNames: '[name]-[hash].js' });
  await build.close();
  const chunks = new Map(output.filter((o): o is OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c]));
  const main = [...chunks.values()].find((c) => c.isEntry)!;
  const statics = new Set<string>();
  const walk = (name: string): void => {
    if (statics.has(name)) return;
    statics.add(name);
    for (const i of chunks.get(name)!.imports) walk(i);
  };
  walk(main.fileName);
  const byPackage = new Map<string, number>();
  const byModule: [string, number][] = [];
  for (const n of statics) {
    for (const [id, m] of Object.entries(chunks.get(n)!.modules)) {
      byPackage.set(packageOf(id), (byPackage.get(packageOf(id)) ?? 0) + m.renderedLength);
      byModule.push([id.startsWith(root) ? id.slice(root.length) : id, m.renderedLength]);
    }
  }
  const gz = (c: OutputChunk): number => gzipSync(c.code, { level: 9 }).byteLength;
  return {
    staticGzip: [...statics].reduce((s, n) => s + gz(chunks.get(n)!), 0),
    staticRaw: [...statics].reduce((s, n) => s + Buffer.byteLength(chunks.get(n)!.code), 0),
    lazy: [...chunks.values()].filter((c) => !statics.has(c.fileName)).map((c) => ({ name: c.fileName, gzip: gz(c), modules: Object.keys(c.modules), imports: c.imports, dynamicImports: c.dynamicImports })),
    staticModules: [...statics].flatMap((n) => Object.keys(chunks.get(n)!.modules)),
    byPackage: [...byPackage].sort((a, b) => b[1] - a[1]),
    byModule: byModule.filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]),
  };
}

const kb = (bytes: number): number => Math.round((bytes / 1024) * 100) / 100;
const components = join(root, 'components/src');

const bench: Bench = {
  name: 'bundle',
  async run(ctx) {
      const lit = await bundle(`export * from 'lit'; export * from 'lit/decorators.js';`);
      const all = await bundle(`export * from ${JSON.stringify(join(components, 'index.ts'))};`);
      ctx.log(`components entry, static graph: ${kb(all.staticRaw)} KB minified, ${kb(all.staticGzip)} KB gzip (goal ≤ ${GOAL_KB} KB); lit alone ${kb(lit.staticGzip)} KB gzip; lazy chunks together ${kb(all.lazy.reduce((s, c) => s + c.gzip, 0))} KB gzip (listed below)`);
      const rendered = all.byPackage.reduce((s, [, n]) => s + n, 0);
      ctx.log(`static graph by package (share of unminified bytes): ${all.byPackage.slice(0, 8).map(([p, n]) => `${p} ${Math.round((n / rendered) * 100)}%`).join(', ')}`);
      ctx.log(`static graph by module (minified bytes before gzip, largest first): ${all.byModule.slice(0, 30).map(([m, n]) => `${m.replace(/^.*node_modules\//, '')} ${kb(n)} KB`).join(', ')}`);
      const heavy = all.staticModules.filter((m) => WORKER_CODE.test(m));
      if (heavy.length) ctx.log(`static graph pulls in worker/WASM code: ${heavy.join(', ')}`);
      const figures: Figure[] = [
        {
          name: '@pitboss/components entry, static import graph (what a page loads up front), minified + gzip (lit, sdk, core inlined; workers and import() chunks excluded)',
          value: kb(all.staticGzip),
          unit: 'KB',
          baseline: { name: 'lit alone, same build', value: kb(lit.staticGzip) },
          ratio: kb(all.staticGzip) / kb(lit.staticGzip),
          higherIsBetter: false,
          goal: `≤ ${GOAL_KB} KB gzip`,
          met: all.staticGzip <= GOAL_KB * 1024,
        },
        {
          name: 'worker/WASM modules (wasm/src, @duckdb, onnxruntime-web, comlink) in the components static import graph',
          value: heavy.length,
          unit: 'modules',
          higherIsBetter: false,
          goal: '0 (DuckDB opens through import() only)',
          met: heavy.length === 0,
        },
      ];
      for (const [tag, fn] of [
        ['pb-player-table', 'definePlayerTable'],
        ['pb-sql-console', 'defineSqlConsole'],
        ['pb-segment-builder', 'defineSegmentBuilder'],
      ] as const) {
        const one = await bundle(`export { ${fn} } from ${JSON.stringify(join(components, 'index.ts'))};`);
        ctx.log(`<${tag}> alone: ${kb(one.staticGzip)} KB gzip; ${one.byPackage.slice(0, 5).map(([p, n]) => `${p} ${kb(n)} KB`).join(', ')} (unminified)`);
        figures.push({
          name: `<${tag}> alone (${fn} and what it imports), minified + gzip`,
          value: kb(one.staticGzip),
          unit: 'KB',
          baseline: { name: 'lit alone, same build', value: kb(lit.staticGzip) },
          ratio: kb(one.staticGzip) / kb(lit.staticGzip),
          higherIsBetter: false,
        });
      }
      // Lazy chunks: reached only through import(), so they are not in the figure above. Each one is
      // reported with the lazy chunks it imports in turn, statically or with import() (the virtualizer
      // loads its default flow layout that way on first render); a chunk shared by two counts in both.
      const lazyByName = new Map(all.lazy.map((c) => [c.name, c]));
      const closure = (marker: string): Set<string> => {
        const out = new Set<string>();
        const take = (name: string): void => {
          if (out.has(name) || !lazyByName.has(name)) return;
          out.add(name);
          [...lazyByName.get(name)!.imports, ...lazyByName.get(name)!.dynamicImports].forEach(take);
        };
        for (const c of all.lazy) if (c.modules.some((m) => m.endsWith(marker))) take(c.name);
        return out;
      };
      ctx.log(`lazy chunks (import() only, NOT in the entry figure): ${all.lazy.map((c) => `${c.name} ${kb(c.gzip)} KB gzip [${[...new Set(c.modules.map(packageOf))].join(', ')}]`).join('; ') || 'none'}`);
      for (const [marker, what] of [
        ['sql-console/open-engine.ts', '<pb-sql-console> imports to open DuckDB (page side: sdk LocalAnalytics, wasm client, comlink, apache-arrow)'],
        ['sql-console/run-support.ts', '<pb-sql-console> imports on its first run or export load (result runner, sdk data sources, result formatting, error positions, export download)'],
        ['@lit-labs/virtualizer/virtualize.js', '<pb-player-card> imports when its event timeline first loads (@lit-labs/virtualizer and the text of each event)'],
        ['segment-builder/validation.ts', '<pb-segment-builder> imports when it first renders, without waiting for it (core segment checker and its English messages; issues, validity and the count follow)'],
        ['segment-builder/editors/behaviour.ts', '<pb-segment-builder> imports when it first shows an event count or sum condition (behavioural condition editors and their text)'],
        ['segment-builder/duckdb-count.ts', 'duckdbSegmentCounter imports on its first compiled count (core segment SQL compiler and guardrail)'],
        ['locales/pt-BR.ts', 'a component imports when its locale resolves to pt-BR (the pt-BR text of every component)'],
        ['locales/es.ts', 'a component imports when its locale resolves to es (the es text of every component)'],
      ] as const) {
        const chunks = closure(marker);
        if (chunks.size === 0) throw new Error(`bundle bench: no lazy chunk holds ${marker}; is it in the static graph now?`);
        const gzip = [...chunks].reduce((s, n) => s + lazyByName.get(n)!.gzip, 0);
        ctx.log(`lazy: ${what}: ${[...chunks].join(', ')} = ${kb(gzip)} KB gzip`);
        figures.push({ name: `lazy chunk(s), not in the entry figure: ${what}, minified + gzip`, value: kb(gzip), unit: 'KB', higherIsBetter: false });
      }
      return figures;
  },
};

export default bench;
