import type { ModelArtifact } from './model.js';
import { ProtoDecodeError, ProtoWriter, readFields, utf8 } from './protobuf.js';

/** ONNX opset and IR version written (IR 8 is the one that goes with opset 17). */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

/** Names of the graph's input and outputs: the contract every scorer (ORT, KServe v2) uses. */
export const ONNX_INPUT = 'features';
export const ONNX_PROBABILITY = 'probability';
/** Present for logistic models only: a·w_i·z_i per feature, [N, F]. */
export const ONNX_CONTRIBUTIONS = 'contributions';

/** Metadata keys (`metadata_props`) every exported model carries. */
export const META = {
  name: 'pitboss.model_name',
  version: 'pitboss.model_version',
  target: 'pitboss.target',
  kind: 'pitboss.kind',
  features: 'pitboss.feature_order',
  categories: 'pitboss.ukgc_categories',
  metrics: 'pitboss.metrics',
  trainedAt: 'pitboss.trained_at',
  artifact: 'pitboss.artifact',
} as const;

const FLOAT = 1;
const BOOL = 9;
const DOUBLE = 11;

interface Node {
  op: string;
  inputs: string[];
  output: string;
  attrs?: { name: string; int: number }[];
}

interface Tensor {
  name: string;
  dims: number[];
  type: typeof DOUBLE | typeof BOOL;
  values: readonly number[];
}

function tensorBytes(t: Tensor): Uint8Array {
  if (t.type === BOOL) return Uint8Array.from(t.values, (v) => (v ? 1 : 0));
  const a = Float64Array.from(t.values);
  const out = new Uint8Array(a.length * 8);
  const dv = new DataView(out.buffer);
  a.forEach((v, i) => dv.setFloat64(i * 8, v, true));
  return out;
}

function writeTensor(w: ProtoWriter, t: Tensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type);
  w.string(8, t.name);
  w.bytes(9, tensorBytes(t));
}

function writeValueInfo(w: ProtoWriter, name: string, elemType: number, dims: (number | string)[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, elemType);
      tensor.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** Extra facts written into `metadata_props`. */
export interface ExportOptions {
  /** Held-out metrics, serialised as JSON into `pitboss.metrics`. */
  metrics?: unknown;
  /** `doc_string` of the model. */
  description?: string;
}

/**
 * Writes the model as an ONNX ModelProto (opset 17). The graph takes
 * `features` float32 [N, F] in `pitboss.feature_order` (NaN = missing), and
 * computes in float64 — slog transform, imputation, standardisation, the
 * network, Platt calibration — so it reproduces the TypeScript reference to
 * float64 rounding; `probability` is float32 [N, 1]. Logistic models also
 * output `contributions` float32 [N, F].
 *
 * @example
 * const bytes = exportOnnx(artifact, { metrics: evaluation });
 * await writeFile('model.onnx', bytes);
 */
export function exportOnnx(artifact: ModelArtifact, options: ExportOptions = {}): Uint8Array {
  const pre = artifact.preprocessing;
  const f = pre.features.length;
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  const cal = artifact.calibration;
  const net = artifact.network;

  nodes.push({ op: 'Cast', inputs: [ONNX_INPUT], output: 'x', attrs: [{ name: 'to', int: DOUBLE }] });
  let t = 'x';
  if (pre.transforms.includes('slog')) {
    inits.push({ name: 'one', dims: [], type: DOUBLE, values: [1] });
    inits.push({ name: 'slog_mask', dims: [f], type: BOOL, values: pre.transforms.map((x) => (x === 'slog' ? 1 : 0)) });
    nodes.push(
      { op: 'Sign', inputs: ['x'], output: 'x_sign' },
      { op: 'Abs', inputs: ['x'], output: 'x_abs' },
      { op: 'Add', inputs: ['x_abs', 'one'], output: 'x_abs1' },
      { op: 'Log', inputs: ['x_abs1'], output: 'x_log' },
      { op: 'Mul', inputs: ['x_sign', 'x_log'], output: 'x_slog' },
      { op: 'Where', inputs: ['slog_mask', 'x_slog', 'x'], output: 't' },
    );
    t = 't';
  }
  inits.push({ name: 'mean', dims: [f], type: DOUBLE, values: pre.mean });
  inits.push({ name: 'std', dims: [f], type: DOUBLE, values: pre.std });
  nodes.push(
    { op: 'IsNaN', inputs: [t], output: 'missing' },
    { op: 'Where', inputs: ['missing', 'mean', t], output: 'imputed' },
    { op: 'Sub', inputs: ['imputed', 'mean'], output: 'centred' },
    { op: 'Div', inputs: ['centred', 'std'], output: 'z' },
  );
  if (net.kind === 'logistic') {
    inits.push({ name: 'w', dims: [f, 1], type: DOUBLE, values: net.weights });
    inits.push({ name: 'b', dims: [1], type: DOUBLE, values: [net.bias] });
    inits.push({ name: 'aw', dims: [f], type: DOUBLE, values: net.weights.map((w) => cal.a * w) });
    nodes.push(
      { op: 'MatMul', inputs: ['z', 'w'], output: 'zw' },
      { op: 'Add', inputs: ['zw', 'b'], output: 'raw_logit' },
      { op: 'Mul', inputs: ['z', 'aw'], output: 'contributions_f64' },
      { op: 'Cast', inputs: ['contributions_f64'], output: ONNX_CONTRIBUTIONS, attrs: [{ name: 'to', int: FLOAT }] },
    );
  } else {
    inits.push({ name: 'w1', dims: [f, net.hidden], type: DOUBLE, values: net.w1 });
    inits.push({ name: 'b1', dims: [net.hidden], type: DOUBLE, values: net.b1 });
    inits.push({ name: 'w2', dims: [net.hidden, 1], type: DOUBLE, values: net.w2 });
    inits.push({ name: 'b2', dims: [1], type: DOUBLE, values: [net.b2] });
    nodes.push(
      { op: 'MatMul', inputs: ['z', 'w1'], output: 'h_pre0' },
      { op: 'Add', inputs: ['h_pre0', 'b1'], output: 'h_pre' },
      { op: 'Tanh', inputs: ['h_pre'], output: 'h' },
      { op: 'MatMul', inputs: ['h', 'w2'], output: 'hw' },
      { op: 'Add', inputs: ['hw', 'b2'], output: 'raw_logit' },
    );
  }
  inits.push({ name: 'cal_a', dims: [], type: DOUBLE, values: [cal.a] });
  inits.push({ name: 'cal_b', dims: [], type: DOUBLE, values: [cal.b] });
  nodes.push(
    { op: 'Mul', inputs: ['raw_logit', 'cal_a'], output: 'scaled_logit' },
    { op: 'Add', inputs: ['scaled_logit', 'cal_b'], output: 'logit' },
    { op: 'Sigmoid', inputs: ['logit'], output: 'probability_f64' },
    { op: 'Cast', inputs: ['probability_f64'], output: ONNX_PROBABILITY, attrs: [{ name: 'to', int: FLOAT }] },
  );

  const meta: [string, string][] = [
    [META.name, artifact.name],
    [META.version, artifact.version],
    [META.target, artifact.target],
    [META.kind, net.kind],
    [META.features, JSON.stringify(pre.features)],
    [META.categories, JSON.stringify(artifact.categories)],
    [META.metrics, JSON.stringify(options.metrics ?? null)],
    [META.trainedAt, artifact.trainedAt],
    [META.artifact, JSON.stringify(artifact)],
  ];

  const w = new ProtoWriter();
  w.int(1, ONNX_IR_VERSION);
  w.string(2, 'pitboss');
  w.string(3, '0.1.0');
  w.string(4, 'dev.pitboss');
  // model_version is an int64: written when the version is a plain integer, else the string lives in metadata only.
  if (/^\d{1,15}$/.test(artifact.version)) w.int(5, Number(artifact.version));
  w.string(6, options.description ?? `${artifact.name} ${artifact.version}: ${artifact.target} model (${net.kind})`);
  w.message(7, (g) => {
    nodes.forEach((n, i) =>
      g.message(1, (nw) => {
        for (const x of n.inputs) nw.string(1, x);
        nw.string(2, n.output);
        nw.string(3, `${n.op.toLowerCase()}_${i}`);
        nw.string(4, n.op);
        for (const a of n.attrs ?? []) nw.message(5, (aw) => aw.string(1, a.name).int(3, a.int).int(20, 2));
      }),
    );
    g.string(2, artifact.name);
    for (const t of inits) g.message(5, (tw) => writeTensor(tw, t));
    g.message(11, (v) => writeValueInfo(v, ONNX_INPUT, FLOAT, ['N', f]));
    g.message(12, (v) => writeValueInfo(v, ONNX_PROBABILITY, FLOAT, ['N', 1]));
    if (net.kind === 'logistic') g.message(12, (v) => writeValueInfo(v, ONNX_CONTRIBUTIONS, FLOAT, ['N', f]));
  });
  w.message(8, (o) => o.string(1, '').int(2, ONNX_OPSET));
  for (const [k, v] of meta) w.message(14, (m) => m.string(1, k).string(2, v));
  return w.finish();
}

/**
 * The `metadata_props` of an ONNX file.
 *
 * @example
 * readOnnxMetadata(bytes)['pitboss.feature_order']; // '["deposit_count_7d", ...]'
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readFields(bytes)) {
    if (f.field !== 14 || f.wire !== 2) continue;
    let key = '';
    let value = '';
    for (const e of readFields(f.value)) {
      if (e.wire !== 2) continue;
      if (e.field === 1) key = utf8(e.value);
      else if (e.field === 2) value = utf8(e.value);
    }
    out[key] = value;
  }
  return out;
}

/**
 * Rebuilds the model artifact stored in an exported ONNX file, so a server
 * that only has the file can explain its scores in TypeScript.
 *
 * @example
 * const explainer = new Explainer(artifactFromOnnx(await readFile('model.onnx')));
 */
export function artifactFromOnnx(bytes: Uint8Array): ModelArtifact {
  const json = readOnnxMetadata(bytes)[META.artifact];
  if (json === undefined) throw new ProtoDecodeError(`not a Pitboss model: no ${META.artifact} in metadata_props`);
  return JSON.parse(json) as ModelArtifact;
}
