import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generate } from '@pitboss/synth';
import { ReferenceModel, artifactFromOnnx } from '../src/index.js';
import { OnnxNodeScorer, loadSynthDataset, runTrainCli } from '../src/node.js';

let dir = '';
let events = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pb-ml-cli-'));
  events = join(dir, 'events.ndjson');
  const ev: string[] = [];
  const lb: string[] = [];
  for (const p of generate({ players: 1500, days: 90, seed: 4 })) {
    for (const e of p.events) ev.push(JSON.stringify(e));
    lb.push(JSON.stringify(p.label));
  }
  writeFileSync(events, ev.join('\n') + '\n');
  writeFileSync(join(dir, 'events.labels.ndjson'), lb.join('\n') + '\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): { out: string[]; err: string[]; restore(): void } {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const w = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  return { out, err, restore: () => [o, e, w].forEach((s) => s.mockRestore()) };
}

// Training on 1500 synthetic players takes ~40 s on this 2-core machine under a full test run; 60 s was too tight.
describe('pitboss train', () => {
  it('trains a risk model from synth NDJSON and writes the ONNX file and its card', async () => {
    const out = join(dir, 'risk.onnx');
    const c = capture();
    const code = await runTrainCli(['--target', 'risk', '--from', events, '--out', out, '--trained-at', '2026-03-01T00:00:00Z']);
    c.restore();
    expect(code, c.err.join('')).toBe(0);
    expect(c.err.join('')).toMatch(/read \d+ events/);
    expect(c.err.join('')).toMatch(/epoch \d+: train loss/);
    const summary = JSON.parse(c.out.at(-1)!) as { rocAuc: number; rows: number };
    expect(summary.rows).toBe(1500);
    // Planted at-risk players must be found far better than by chance.
    expect(summary.rocAuc).toBeGreaterThan(0.65);

    const card = readFileSync(join(dir, 'risk.card.md'), 'utf8');
    expect(card).toContain('# Model card: pitboss-risk-logistic v1');
    expect(card).toContain('| ROC-AUC |');
    expect(card).toContain('net_loss_30d');
    expect(card).toContain('**synthetic**');

    const bytes = new Uint8Array(readFileSync(out));
    const artifact = artifactFromOnnx(bytes);
    expect(artifact.trainedAt).toBe('2026-03-01T00:00:00Z');
    const { matrix } = await loadSynthDataset({ eventsFile: events, target: 'risk' });
    const scorer = await OnnxNodeScorer.open(bytes);
    const got = (await scorer.score(matrix)).probabilities;
    await scorer.close();
    const want = new ReferenceModel(artifact).predictValues(Float64Array.from(Float32Array.from(matrix.values)), matrix.rows);
    let worst = 0;
    for (let i = 0; i < matrix.rows; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThanOrEqual(1e-6);
  }, 180_000);

  it('trains a churn MLP on players whose churn label is defined', async () => {
    const c = capture();
    const code = await runTrainCli(['--target', 'churn', '--model', 'mlp', '--from', events, '--out', join(dir, 'churn.onnx'), '--epochs', '10', '-q']);
    c.restore();
    expect(code, c.err.join('')).toBe(0);
    expect(c.err.join('')).toBe('');
    const artifact = artifactFromOnnx(new Uint8Array(readFileSync(join(dir, 'churn.onnx'))));
    expect(artifact.target).toBe('churn');
    expect(artifact.network.kind).toBe('mlp');
    const summary = JSON.parse(c.out.at(-1)!) as { rows: number; rocAuc: number };
    expect(summary.rows).toBeLessThan(1500);
    expect(summary.rocAuc).toBeGreaterThan(0.55);
  }, 180_000);

  it('explains its flags, refuses --from db without the API host or a tenant, and reports a missing labels file', async () => {
    const c = capture();
    expect(await runTrainCli(['--help'])).toBe(0);
    expect(await runTrainCli(['--target', 'risk', '--from', 'db', '--tenant', 'acme'])).toBe(2);
    expect(await runTrainCli(['--target', 'risk', '--from', 'db'], { fromDb: async () => Promise.reject(new Error('not called')) })).toBe(2);
    expect(await runTrainCli(['--target', 'risk', '--from', events, '--tenant', 'acme'])).toBe(2);
    expect(await runTrainCli(['--target', 'fraud', '--from', events])).toBe(2);
    const lonely = join(dir, 'lonely.ndjson');
    writeFileSync(lonely, readFileSync(events, 'utf8').split('\n').slice(0, 5).join('\n'));
    expect(await runTrainCli(['--target', 'risk', '--from', lonely, '--out', join(dir, 'x.onnx')])).toBe(1);
    c.restore();
    expect(c.out[0]).toContain('--from db');
    expect(c.err.join('\n')).toContain("--from db reads the API's database");
    expect(c.err.join('\n')).toContain('--from db needs --tenant');
    expect(c.err.join('\n')).toContain('--tenant is for --from db');
    expect(c.err.join('\n')).toContain('no labels file beside');
  });
});
