/**
 * A dependency-free SVG plot of a sample distribution: the empirical CDF of
 * the samples (x: value, y: share of samples ≤ x) with p50/p95/p99 marked.
 * Used by report.ts for latency distributions and scroll frame times.
 */
const W = 640;
const H = 300;
const PAD = { left: 56, right: 16, top: 28, bottom: 40 };

const escapeXml = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

function niceTicks(max: number, count = 5): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const step = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = 0; t <= max + 1e-9; t += nice) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/**
 * @example
 * writeFileSync('latency.svg', cdfSvg('GET /v1/players/{id}', 'ms', latencies));
 */
export function cdfSvg(title: string, unit: string, samples: readonly number[]): string {
  const s = [...samples].filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) throw new RangeError(`no finite samples to plot for ${title}`);
  const maxX = s[s.length - 1]! > 0 ? s[s.length - 1]! : 1;
  const ticks = niceTicks(maxX);
  const top = ticks[ticks.length - 1]!;
  const x = (v: number) => PAD.left + (v / top) * (W - PAD.left - PAD.right);
  const y = (p: number) => H - PAD.bottom - p * (H - PAD.top - PAD.bottom);
  const step = Math.max(1, Math.floor(s.length / 800));
  const points: string[] = [];
  for (let i = 0; i < s.length; i += step) points.push(`${x(s[i]!).toFixed(1)},${y((i + 1) / s.length).toFixed(1)}`);
  points.push(`${x(s[s.length - 1]!).toFixed(1)},${y(1).toFixed(1)}`);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  const marks = ([['p50', 0.5], ['p95', 0.95], ['p99', 0.99]] as const).map(([label, p]) => {
    const v = q(p);
    return `<line x1="${x(v)}" x2="${x(v)}" y1="${y(0)}" y2="${y(p)}" stroke="#c0392b" stroke-dasharray="3 3"/>` +
      `<text x="${x(v) + 3}" y="${y(p) - 4}" font-size="11" fill="#c0392b">${label} ${v.toPrecision(3)}</text>`;
  });
  const xTicks = ticks.map((t) => `<line x1="${x(t)}" x2="${x(t)}" y1="${y(0)}" y2="${y(0) + 4}" stroke="#333"/><text x="${x(t)}" y="${y(0) + 16}" font-size="11" text-anchor="middle">${t}</text>`);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((p) => `<line x1="${PAD.left - 4}" x2="${W - PAD.right}" y1="${y(p)}" y2="${y(p)}" stroke="#eee"/><text x="${PAD.left - 8}" y="${y(p) + 4}" font-size="11" text-anchor="end">${p}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${PAD.left}" y="18" font-size="13">${escapeXml(title)} (n = ${s.length})</text>
${yTicks.join('\n')}
${xTicks.join('\n')}
<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>
<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">${escapeXml(unit)}</text>
<polyline fill="none" stroke="#2c6fbb" stroke-width="2" points="${points.join(' ')}"/>
${marks.join('\n')}
</svg>
`;
}
