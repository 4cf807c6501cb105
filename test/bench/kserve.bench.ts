// Predictions/s of the KServe v2 path (KServeScorer → HTTP on loopback →
// @pitboss/model-server → onnxruntime-node), JSON and binary tensors, against
// onnxruntime-node in process on the same model and rows, in the same run.
// The server runs as deployed, in its own process (`bin/server.js`), on the
// same 2 cores as this client: the figures are CPU-bound, not network-bound.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_KEYS } from '@pitboss/core';
import { KServeScorer, Rng, exportOnnx, sigmoid, trainModel } from '@pitboss/ml';
import type { KServeMode, LabelledMatrix } from '@pitboss/ml';
import { OnnxNodeScorer } from '@pitboss/ml/node';
import type { Bench, BenchContext, Figure } from './types.js';
import { median } from './types.js';

function dataset(rows: number): LabelledMatrix {
  const rng = new Rng(99);
  const f = FEATURE_KEYS.length;
  const values = new Float64Array(rows * f);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = -2;
    for (let j = 0; j < f; j++) {
      const v = j % 3 === 0 ? Math.exp(5 + 2 * rng.normal()) : rng.normal();
      values[r * f + j] = v;
      s += 0.3 * (j % 3 === 0 ? (Math.log1p(v) - 5) / 2 : v);
    }
    labels[r] = rng.next() < sigmoid(s) ? 1 : 0;
  }
  return { names: FEATURE_KEYS, rows, values, labels };
}

/** `bin/server.js --model risk=FILE --port 0`, resolved with its URL once it listens. */
async function startServer(file: string): Promise<{ url: string; child: ChildProcess }> {
  const bin = fileURLToPath(new URL('../../packages/model-server/bin/server.js', import.meta.url));
  const child = spawn(process.execPath, [bin, '--model', `risk=${file}`, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const m = /at (http:\/\/\S+)\/v2/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`model server exited ${code}: ${stderr}`)));
  });
  return { url, child };
}

async function rate(ctx: BenchContext, batch: number, calls: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < ctx.repeats; i++) {
    const t0 = performance.now();
    for (let c = 0; c < calls; c++) await fn();
    samples.push((batch * calls) / ((performance.now() - t0) / 1000));
  }
  return median(samples);
}

const bench: Bench = {
  name: 'kserve v2 scoring',
  async run(ctx) {
    const pool = dataset(ctx.quick ? 5000 : 20000);
    const f = FEATURE_KEYS.length;
    const artifact = trainModel(pool, { kind: 'mlp', target: 'risk', seed: 1, epochs: ctx.quick ? 2 : 10, trainedAt: '2026-01-01T00:00:00.000Z' }).artifact;
    const bytes = exportOnnx(artifact, { precision: 'float32' });
    const local = await OnnxNodeScorer.open(bytes);
    const dir = await mkdtemp(join(tmpdir(), 'pitboss-kserve-bench-'));
    await writeFile(join(dir, 'risk.onnx'), bytes);
    const server = await startServer(join(dir, 'risk.onnx'));
    const out: Figure[] = [];
    try {
      const remote: Record<KServeMode, KServeScorer> = {
        json: await KServeScorer.connect({ url: server.url, model: 'risk', mode: 'json' }),
        binary: await KServeScorer.connect({ url: server.url, model: 'risk', mode: 'binary' }),
      };
      for (const batch of [1000, 65536]) {
        const x = new Float32Array(batch * f);
        for (let i = 0; i < x.length; i++) x[i] = pool.values[i % pool.values.length]!;
        const calls = Math.max(3, Math.round((ctx.quick ? 5e4 : 2e5) / batch));
        const inProcess = await rate(ctx, batch, calls, () => local.run(x, batch));
        ctx.log(`batch ${batch}: in process ${Math.round(inProcess).toLocaleString('en')}/s`);
        for (const mode of ['binary', 'json'] as const) {
          // JSON at 64k moves ~25 MB per call each way: fewer calls keep the run short.
          const n = mode === 'json' && batch > 1000 ? 2 : calls;
          const value = await rate(ctx, batch, n, () => remote[mode].infer(x, batch));
          const name = `MLP ${f}→16→1 predictions/s, KServe v2 REST (${mode} tensors, loopback, model-server in its own process), float32 graph, batch ${batch.toLocaleString('en')}`;
          ctx.log(`${name}: ${Math.round(value).toLocaleString('en')}`);
          out.push({
            name,
            value,
            unit: 'predictions/s',
            baseline: { name: 'onnxruntime-node in process (OnnxNodeScorer.run)', value: inProcess },
            ratio: value / inProcess,
            higherIsBetter: true,
          });
        }
      }
    } finally {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
      await local.close();
      await rm(dir, { recursive: true, force: true });
    }
    return out;
  },
};

export default bench;
