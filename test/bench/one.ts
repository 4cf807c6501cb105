// Runs one bench file and writes its figures as JSON (called by run.mjs).
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Bench, BenchContext } from './types.js';

const [file, out, ...flags] = process.argv.slice(2);
const quick = flags.includes('--quick');
const ctx: BenchContext = { quick, repeats: quick ? 1 : 5, log: (m) => console.log(`  ${m}`) };
const bench = (await import(pathToFileURL(file!).href)).default as Bench;
const started = Date.now();
const figures = await bench.run(ctx);
writeFileSync(out!, JSON.stringify({ bench: bench.name, quick, seconds: (Date.now() - started) / 1000, figures }, null, 2));
for (const f of figures) {
  const base = f.baseline ? ` | baseline ${f.baseline.name}: ${f.baseline.value.toFixed(2)} | ratio ${f.ratio?.toFixed(2)}` : '';
  console.log(`  ${f.name}: ${f.value.toFixed(2)} ${f.unit}${base}${f.goal ? ` | goal ${f.goal}: ${f.met ? 'met' : 'NOT met'}` : ''}`);
}
process.exit(0);
