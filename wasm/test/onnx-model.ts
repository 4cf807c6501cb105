// A tiny float32 MLP in ONNX (opset 17), written with a minimal protobuf
// encoder, and the same network evaluated in plain JavaScript as the
// reference. Used by the browser tests and by test/bench/wasm.bench.ts.

/** Weights of `sigmoid(tanh(x·W1 + b1)·w2 + b2)`. */
export interface Mlp {
  features: number;
  hidden: number;
  w1: Float32Array; // features × hidden, row-major
  b1: Float32Array;
  w2: Float32Array; // hidden
  b2: number;
}

/** Deterministic weights from a seed (mulberry32). */
export function randomMlp(features: number, hidden: number, seed = 7): Mlp {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const fill = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => next() * scale);
  return { features, hidden, w1: fill(features * hidden, 1), b1: fill(hidden, 0.5), w2: fill(hidden, 2), b2: next() };
}

/** Deterministic inputs in [-2, 2). */
export function randomInputs(rows: number, features: number, seed = 11): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: rows * features }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 4 - 2;
  });
}

/** The network in float64 JavaScript: the reference the engines must match. */
export function referenceScores(m: Mlp, x: Float32Array, rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let logit = m.b2;
    for (let h = 0; h < m.hidden; h++) {
      let a = m.b1[h]!;
      for (let f = 0; f < m.features; f++) a += x[r * m.features + f]! * m.w1[f * m.hidden + h]!;
      logit += Math.tanh(a) * m.w2[h]!;
    }
    out[r] = 1 / (1 + Math.exp(-logit));
  }
  return out;
}

class Writer {
  readonly #bytes: number[] = [];
  varint(value: number): this {
    let v = value;
    while (v >= 0x80) {
      this.#bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.#bytes.push(v);
    return this;
  }
  int(field: number, value: number): this {
    return this.varint(field * 8).varint(value);
  }
  bytes(field: number, value: Uint8Array): this {
    this.varint(field * 8 + 2).varint(value.length);
    for (const b of value) this.#bytes.push(b);
    return this;
  }
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }
  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

const FLOAT = 1;

function tensor(w: Writer, name: string, dims: number[], values: Float32Array): void {
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT);
  w.string(8, name);
  w.bytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

function valueInfo(w: Writer, name: string, dims: (number | string)[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (t) => {
      t.int(1, FLOAT);
      t.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** The ONNX bytes of `m`: input `features` [N, F], output `probability` [N, 1]. */
export function mlpToOnnx(m: Mlp): Uint8Array {
  const nodes: [string, string[], string][] = [
    ['MatMul', ['features', 'w1'], 'h0'],
    ['Add', ['h0', 'b1'], 'h1'],
    ['Tanh', ['h1'], 'h'],
    ['MatMul', ['h', 'w2'], 'l0'],
    ['Add', ['l0', 'b2'], 'logit'],
    ['Sigmoid', ['logit'], 'probability'],
  ];
  return new Writer()
    .int(1, 8)
    .string(2, 'pitboss-wasm-test')
    .message(7, (g) => {
      nodes.forEach(([op, inputs, output], i) =>
        g.message(1, (n) => {
          for (const x of inputs) n.string(1, x);
          n.string(2, output).string(3, `n${i}`).string(4, op);
        }),
      );
      g.string(2, 'mlp');
      g.message(5, (t) => tensor(t, 'w1', [m.features, m.hidden], m.w1));
      g.message(5, (t) => tensor(t, 'b1', [m.hidden], m.b1));
      g.message(5, (t) => tensor(t, 'w2', [m.hidden, 1], m.w2));
      g.message(5, (t) => tensor(t, 'b2', [1], Float32Array.of(m.b2)));
      g.message(11, (v) => valueInfo(v, 'features', ['N', m.features]));
      g.message(12, (v) => valueInfo(v, 'probability', ['N', 1]));
    })
    .message(8, (o) => o.string(1, '').int(2, 17))
    .finish();
}
