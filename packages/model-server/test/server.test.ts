// The process around the app: a real socket, a Triton-style repository read by
// the CLI, and a close that lets a request in flight finish.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, exportOnnx, trainModel } from '@pitboss/ml';
import { cudaProviderLibrary } from '@pitboss/ml/node';
import { createModelServer } from '../src/index.js';
import type { InferenceResponse } from '../src/index.js';

const NAMES = ['deposit_sum_7d', 'night_play_share_30d', 'active_days_30d'];
const rng = new Rng(5);
const rows = 600;
const values = Float64Array.from({ length: rows * 3 }, () => rng.normal());
const labels = Uint8Array.from({ length: rows }, (_, r) => (values[r * 3]! + rng.normal() > 0 ? 1 : 0));
const model = exportOnnx(trainModel({ names: NAMES, rows, values, labels }, { kind: 'logistic', target: 'risk', seed: 1, epochs: 10 }).artifact);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pitboss-model-repo-'));
  await mkdir(join(dir, 'risk', '4'), { recursive: true });
  await writeFile(join(dir, 'risk', '4', 'model.onnx'), model);
  await writeFile(join(dir, 'risk', 'config.pbtxt'), 'backend: "onnxruntime"\n');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('model server process', () => {
  it('CLI: serves a Triton-style repository and exits 0 on SIGTERM', async () => {
    const bin = fileURLToPath(new URL('../bin/server.js', import.meta.url));
    const child = spawn(process.execPath, [bin, '--repo', dir, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const m = /at (http:\/\/\S+)\/v2/.exec(stderr);
        if (m && /execution provider: .*\n/.test(stderr)) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    expect(stderr).toMatch(/serving risk \(4\)/);
    // --provider defaults to auto: CPU on a host without onnxruntime-node's CUDA provider, and it says so.
    expect(stderr).toMatch(cudaProviderLibrary() ? /execution provider: (cuda|cpu) \(auto: / : /execution provider: cpu \(auto: onnxruntime-node has no CUDA provider library installed\)/);
    const meta = (await (await fetch(`${url}/v2/models/risk`)).json()) as { versions: string[] };
    expect(meta.versions).toEqual(['4']);
    const res = await fetch(`${url}/v2/models/risk/infer`, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 3], data: [0.5, 0.1, 2] }], outputs: [{ name: 'probability' }] }),
    });
    const body = (await res.json()) as InferenceResponse;
    expect(body.model_version).toBe('4');
    expect(body.outputs[0]!.data![0]).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/closing: draining requests in flight/);
  }, 30_000);

  it('CLI: an unknown --provider is refused before anything is served', async () => {
    const bin = fileURLToPath(new URL('../bin/server.js', import.meta.url));
    const child = spawn(process.execPath, [bin, '--repo', dir, '--port', '0', '--provider', 'tpu'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--provider tpu: expected auto, cpu or cuda/);
    expect(stderr).not.toMatch(/serving/);
  }, 30_000);

  it('close() lets a request in flight finish, then refuses new connections', async () => {
    const server = await createModelServer({ repository: { models: [{ name: 'risk', model }] } });
    const body = JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 3], data: [1, 0, 3] }], outputs: [{ name: 'probability' }] });
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let reply = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (reply += chunk));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Headers and half the body now, the rest after close() has begun.
    socket.write(`POST /v2/models/risk/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 20)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write(body.slice(20));
    await ended;
    await closed;
    expect(reply).toMatch(/^HTTP\/1.1 200/);
    expect(reply).toMatch(/"model_version":"1"/);
    await expect(fetch(`${server.url}/v2/health/live`)).rejects.toThrow();
  });

  it('bounds a chunked body (no Content-Length) while reading it: 413', async () => {
    const server = await createModelServer({ repository: { models: [{ name: 'risk', model }] }, maxBodyBytes: 1000 });
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let reply = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (reply += chunk));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const chunk = 'x'.repeat(600);
    socket.end(`POST /v2/models/risk/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`);
    await ended;
    await server.close();
    expect(reply).toMatch(/^HTTP\/1.1 413/);
    expect(reply).toMatch(/"error":"request body exceeds the server's limit of 1000 bytes"/);
  });
});
