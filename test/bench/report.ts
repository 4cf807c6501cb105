// Collects bench-results/raw/*.json into bench-results/report.{md,json}.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { cdfSvg } from './plot.js';
import type { Figure } from './types.js';

interface Raw {
  bench: string;
  quick: boolean;
  seconds: number;
  figures: Figure[];
}

const out = process.argv[2]!;
const raws: Raw[] = readdirSync(join(out, 'raw'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(out, 'raw', f), 'utf8')) as Raw);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const fmt = (n: number | undefined) => (n === undefined ? '' : Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));

const lines = [
  '# Pitboss benchmark report',
  '',
  `Machine: ${machine}. Generated ${new Date().toISOString()}. Each value is a median of several runs; each ratio is measured side by side in the same run.`,
  '',
  '| bench | figure | value | baseline | ratio | goal | met |',
  '|---|---|---|---|---|---|---|',
];
for (const r of raws) {
  for (const f of r.figures) {
    const base = f.baseline ? `${fmt(f.baseline.value)} ${f.unit} (${f.baseline.name})` : '';
    const met = f.met === undefined ? '' : f.met ? 'yes' : 'no';
    lines.push(`| ${r.bench}${r.quick ? ' (quick)' : ''} | ${f.name} | ${fmt(f.value)} ${f.unit} | ${base} | ${fmt(f.ratio)} | ${f.goal ?? ''} | ${met} |`);
  }
}
// Distribution plots for every figure that kept its samples (latencies, frame times).
const plots: string[] = [];
mkdirSync(join(out, 'plots'), { recursive: true });
for (const r of raws) {
  r.figures.forEach((f, i) => {
    if (!f.samples || f.samples.length < 2) return;
    const file = `${r.bench.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${i}.svg`;
    writeFileSync(join(out, 'plots', file), cdfSvg(`${r.bench}: ${f.name}`, f.unit, f.samples));
    plots.push(`![${f.name}](plots/${file})`);
  });
}
if (plots.length) lines.push('', '## Distributions', '', 'Empirical CDFs of the samples behind the figures above (p50, p95, p99 marked).', '', ...plots);
writeFileSync(join(out, 'report.md'), lines.join('\n') + '\n');
writeFileSync(
  join(out, 'report.json'),
  JSON.stringify({ machine, generated_at: new Date().toISOString(), benches: raws.map((r) => ({ ...r, figures: r.figures.map(({ samples: _s, ...f }) => f) })) }, null, 2),
);
console.log(`\n${lines.join('\n')}\n\nreport: ${join(out, 'report.md')}`);
