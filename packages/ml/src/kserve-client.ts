import type { FeatureMatrix } from './matrix.js';
import { assertSameFeatures } from './model.js';
import { META, ONNX_INPUT, ONNX_PROBABILITY } from './onnx.js';
import type { ScoreBatch, Scorer } from './scorer.js';

/** How tensors travel: plain JSON, or Triton's binary tensor data extension. */
export type KServeMode = 'json' | 'binary';

export interface KServeScorerOptions {
  /** Server base URL, e.g. `http://triton:8000` (the `/v2` paths are appended). */
  url: string;
  /** Model name in the server's repository. */
  model: string;
  /** Model version; default the server's default (for Triton and `@pitboss/model-server`: the highest). */
  version?: string;
  /** Default `'binary'`: ~4 bytes per value instead of ~10-20 characters of JSON, and no float parsing on either side. */
  mode?: KServeMode;
  /** Per-request timeout; default 30 000 ms. */
  timeoutMs?: number;
  /**
   * Feature order of the model. Default: the model metadata's
   * `parameters['pitboss.feature_order']` (served by `@pitboss/model-server`);
   * Triton does not serve ONNX metadata, so pass `readOnnxMetadata(bytes)`'s order.
   */
  features?: readonly string[];
  /** Input tensor name; default `features` (or the model's only input). */
  input?: string;
  /** Output tensor name; default `probability` (or the model's only output). */
  output?: string;
  /** Extra headers on every request (e.g. authorization). */
  headers?: Readonly<Record<string, string>>;
  /** A fetch implementation; default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/**
 * A v2 request that failed: `status` is the HTTP status (0 when no response
 * came: network error or timeout) and `serverMessage` the server's `error`.
 *
 * @example
 * try { await scorer.score(m); } catch (e) { if (e instanceof KServeError && e.status === 400) console.warn(e.serverMessage); }
 */
export class KServeError extends Error {
  override readonly name = 'KServeError';
  readonly status: number;
  readonly serverMessage: string;
  readonly url: string;

  constructor(url: string, status: number, serverMessage: string, options?: ErrorOptions) {
    super(`${url}: ${status ? `HTTP ${status}: ` : ''}${serverMessage}`, options);
    this.url = url;
    this.status = status;
    this.serverMessage = serverMessage;
  }
}

interface V2Tensor {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, unknown>;
  data?: unknown[];
}

interface V2ModelMetadata {
  name: string;
  versions?: string[];
  inputs: V2Tensor[];
  outputs: V2Tensor[];
  parameters?: Record<string, unknown>;
}

interface V2InferResponse {
  model_name: string;
  model_version?: string;
  outputs: V2Tensor[];
}

/** The innermost `code` of an error chain (undici wraps socket errors in `TypeError: fetch failed`). */
function codeOf(error: unknown): string | undefined {
  let e: unknown = error;
  let code: string | undefined;
  for (let i = 0; i < 5 && e instanceof Error; i++) {
    const c = (e as Error & { code?: unknown }).code;
    if (typeof c === 'string') code = c;
    e = e.cause;
  }
  return code;
}

function causeCode(error: unknown): string {
  const code = codeOf(error);
  return code ? ` (${code})` : '';
}

function isConnectionReset(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

interface Reply {
  status: number;
  ok: boolean;
  headers: Headers;
  body: Uint8Array;
}

/** One request with a timeout; every failure becomes a KServeError that keeps the server's message and status. */
class Transport {
  constructor(
    private readonly fetchFn: typeof fetch,
    private readonly headers: Readonly<Record<string, string>>,
    private readonly timeoutMs: number,
  ) {}

  /** Any answer, 2xx or not; throws only when none comes in time. */
  async send(url: string, init: RequestInit, signal?: AbortSignal): Promise<Reply> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      return await this.attempt(url, init, signal ? AbortSignal.any([signal, timeout]) : timeout);
    } catch (error) {
      // A reused keep-alive connection the server closed as the request went out (the server's idle timer won the race): nothing was processed, and inference has no side effects, so one retry on a fresh connection is safe.
      if (!isConnectionReset(error) || timeout.aborted || signal?.aborted) throw this.wrap(url, error, timeout, signal);
    }
    try {
      return await this.attempt(url, init, signal ? AbortSignal.any([signal, timeout]) : timeout);
    } catch (error) {
      throw this.wrap(url, error, timeout, signal);
    }
  }

  private async attempt(url: string, init: RequestInit, signal: AbortSignal): Promise<Reply> {
    const res = await this.fetchFn(url, { ...init, headers: { ...this.headers, ...(init.headers as Record<string, string> | undefined) }, signal });
    return { status: res.status, ok: res.ok, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
  }

  private wrap(url: string, error: unknown, timeout: AbortSignal, signal?: AbortSignal): KServeError {
    const reason = timeout.aborted ? `no response within ${this.timeoutMs} ms` : signal?.aborted ? 'aborted' : `request failed: ${(error as Error).message}${causeCode(error)}`;
    return new KServeError(url, 0, reason, { cause: error });
  }

  /** `send`, then a KServeError carrying the server's `error` for any non-2xx status. */
  async request(url: string, init: RequestInit, signal?: AbortSignal): Promise<Reply> {
    const reply = await this.send(url, init, signal);
    if (reply.ok) return reply;
    const text = new TextDecoder().decode(reply.body);
    let parsed: { error?: unknown };
    try {
      parsed = JSON.parse(text) as { error?: unknown };
    } catch (error) {
      // Not JSON (a proxy's HTML page, say): the raw text is the message; keep the parse failure as the cause.
      throw new KServeError(url, reply.status, text || `HTTP ${reply.status}`, { cause: error });
    }
    throw new KServeError(url, reply.status, typeof parsed.error === 'string' ? parsed.error : text);
  }
}

const HEADER_LENGTH = 'Inference-Header-Content-Length';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytesOf(values: Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function hasNonFinite(values: Float32Array | Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return true;
  return false;
}

/**
 * Scores through any KServe v2 / Open Inference Protocol server (NVIDIA
 * Triton, `@pitboss/model-server`) over REST, JSON or binary tensors. Input
 * name, datatype (FP32 or FP64) and width come from the model metadata; the
 * batch goes as one `[rows, features]` tensor.
 *
 * Missing values (`NaN`) have no JSON form: in `'json'` mode an input holding
 * one is sent in binary (the extension allows it per tensor); a JSON `null`
 * output reads as `NaN`.
 *
 * @example
 * const scorer = await KServeScorer.connect({ url: 'http://127.0.0.1:8000', model: 'risk' });
 * if (await scorer.ready()) console.log((await scorer.score(matrix)).probabilities);
 */
export class KServeScorer implements Scorer {
  readonly name: string;
  readonly version: string;
  readonly features: readonly string[];
  /** Datatype of the model's input tensor. */
  readonly datatype: 'FP32' | 'FP64';
  readonly mode: KServeMode;
  /**
   * The model metadata's `parameters` (`@pitboss/model-server` serves the ONNX
   * `metadata_props` there, e.g. `pitboss.model_version`; Triton serves none).
   * `version` is the server's version (the routing key), not that string.
   */
  readonly parameters: Readonly<Record<string, unknown>>;
  private readonly base: string;
  private readonly input: string;
  private readonly output: string;
  private readonly transport: Transport;

  private constructor(options: KServeScorerOptions, meta: V2ModelMetadata, base: string, transport: Transport) {
    this.mode = options.mode ?? 'binary';
    this.transport = transport;
    this.base = base;
    this.name = meta.name;
    this.parameters = { ...meta.parameters };
    const versions = meta.versions ?? [];
    this.version = options.version ?? versions[versions.length - 1] ?? '';
    const where = `model '${meta.name}'`;
    const input = meta.inputs.find((t) => t.name === (options.input ?? ONNX_INPUT)) ?? (options.input === undefined && meta.inputs.length === 1 ? meta.inputs[0] : undefined);
    if (!input) throw new Error(`${where} has no input '${options.input ?? ONNX_INPUT}' (inputs: ${meta.inputs.map((t) => t.name).join(', ')})`);
    if (input.datatype !== 'FP32' && input.datatype !== 'FP64') throw new Error(`${where}: input '${input.name}' is ${input.datatype}; a scorer needs FP32 or FP64`);
    if (input.shape.length !== 2) throw new Error(`${where}: input '${input.name}' has shape [${input.shape.join(', ')}]; a scorer needs [rows, features]`);
    const output = meta.outputs.find((t) => t.name === (options.output ?? ONNX_PROBABILITY)) ?? (options.output === undefined && meta.outputs.length === 1 ? meta.outputs[0] : undefined);
    if (!output) throw new Error(`${where} has no output '${options.output ?? ONNX_PROBABILITY}' (outputs: ${meta.outputs.map((t) => t.name).join(', ')})`);
    const served = meta.parameters?.[META.features];
    const features = options.features ?? (typeof served === 'string' ? (JSON.parse(served) as string[]) : undefined);
    if (!features) throw new Error(`${where}: the server gives no feature order; pass options.features`);
    const width = input.shape[1]!;
    if (width >= 0 && width !== features.length) throw new Error(`${where}: input '${input.name}' takes ${width} features, ${features.length} named`);
    this.features = [...features];
    this.input = input.name;
    this.datatype = input.datatype;
    this.output = output.name;
  }

  /**
   * Reads the model metadata and returns a scorer for it. Throws
   * `KServeError` when the server refuses (e.g. 404 for an unknown model).
   *
   * @example
   * const s = await KServeScorer.connect({ url, model: 'risk', version: '2', mode: 'json' });
   */
  static async connect(options: KServeScorerOptions): Promise<KServeScorer> {
    if (!LITTLE_ENDIAN) throw new Error('KServeScorer needs a little-endian host (the binary extension is little-endian)');
    const base = `${options.url.replace(/\/+$/, '')}/v2/models/${encodeURIComponent(options.model)}${
      options.version === undefined ? '' : `/versions/${encodeURIComponent(options.version)}`
    }`;
    const transport = new Transport(options.fetch ?? globalThis.fetch.bind(globalThis), options.headers ?? {}, options.timeoutMs ?? 30_000);
    const reply = await transport.request(base, { method: 'GET' });
    const meta = JSON.parse(new TextDecoder().decode(reply.body)) as V2ModelMetadata;
    return new KServeScorer(options, meta, base, transport);
  }

  /** True when the server reports the model (version) ready; false on a non-2xx answer; throws when no answer comes. */
  async ready(): Promise<boolean> {
    const url = `${this.base}/ready`;
    return (await this.transport.send(url, { method: 'GET' })).ok;
  }

  async score(matrix: FeatureMatrix): Promise<ScoreBatch> {
    assertSameFeatures(this.features, matrix.names);
    const values = this.datatype === 'FP32' ? Float32Array.from(matrix.values) : matrix.values;
    return this.infer(values, matrix.rows);
  }

  /**
   * Scores `rows` rows already in the model's feature order (converted to the
   * input's datatype if needed).
   *
   * @example
   * const { probabilities } = await scorer.infer(new Float32Array(rows * scorer.features.length), rows);
   */
  async infer(values: Float32Array | Float64Array, rows: number, signal?: AbortSignal): Promise<ScoreBatch> {
    const f = this.features.length;
    if (values.length !== rows * f) throw new RangeError(`expected ${rows} × ${f} = ${rows * f} values, got ${values.length}`);
    const typed = this.datatype === 'FP32'
      ? (values instanceof Float32Array ? values : Float32Array.from(values))
      : (values instanceof Float64Array ? values : Float64Array.from(values));
    const binaryInput = this.mode === 'binary' || hasNonFinite(typed);
    const input: V2Tensor = { name: this.input, datatype: this.datatype, shape: [rows, f] };
    if (binaryInput) input.parameters = { binary_data_size: typed.byteLength };
    else input.data = Array.from(typed);
    const header = new TextEncoder().encode(JSON.stringify({
      inputs: [input],
      outputs: [{ name: this.output, parameters: { binary_data: this.mode === 'binary' } }],
    }));
    let body: Uint8Array = header;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (binaryInput) {
      body = new Uint8Array(header.byteLength + typed.byteLength);
      body.set(header);
      body.set(bytesOf(typed), header.byteLength);
      headers['Content-Type'] = 'application/octet-stream';
      headers[HEADER_LENGTH] = String(header.byteLength);
    }
    const url = `${this.base}/infer`;
    const reply = await this.transport.request(url, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers }, signal);
    const probabilities = this.decode(url, reply.headers.get(HEADER_LENGTH), reply.body, rows);
    return { probabilities: probabilities.values, modelVersion: probabilities.version ?? this.version };
  }

  async close(): Promise<void> {}

  private decode(url: string, headerLength: string | null, body: Uint8Array, rows: number): { values: Float32Array | Float64Array; version?: string } {
    const n = headerLength === null ? body.byteLength : Number(headerLength);
    if (!Number.isSafeInteger(n) || n < 0 || n > body.byteLength) throw new KServeError(url, 200, `bad ${HEADER_LENGTH}: ${headerLength}`);
    const response = JSON.parse(new TextDecoder().decode(body.subarray(0, n))) as V2InferResponse;
    let offset = n;
    for (const out of response.outputs) {
      const size = out.parameters?.binary_data_size;
      const isMine = out.name === this.output;
      if (typeof size !== 'number') {
        if (!isMine) continue;
        if (!Array.isArray(out.data)) throw new KServeError(url, 200, `output '${out.name}' has neither data nor binary_data_size`);
        const values = out.datatype === 'FP64' ? new Float64Array(out.data.length) : new Float32Array(out.data.length);
        out.data.forEach((v, i) => { values[i] = v === null ? Number.NaN : Number(v); });
        return this.checked(url, values, rows, response.model_version);
      }
      if (offset + size > body.byteLength) throw new KServeError(url, 200, `output '${out.name}' claims ${size} bytes past the end of the body`);
      if (isMine) {
        // slice() copies into a fresh, aligned buffer.
        const chunk = body.slice(offset, offset + size).buffer;
        if (out.datatype === 'FP32') return this.checked(url, new Float32Array(chunk), rows, response.model_version);
        if (out.datatype === 'FP64') return this.checked(url, new Float64Array(chunk), rows, response.model_version);
        throw new KServeError(url, 200, `output '${out.name}' is ${out.datatype}; expected FP32 or FP64`);
      }
      offset += size;
    }
    throw new KServeError(url, 200, `the response has no output '${this.output}'`);
  }

  private checked(url: string, values: Float32Array | Float64Array, rows: number, version: string | undefined): { values: Float32Array | Float64Array; version?: string } {
    if (values.length !== rows) throw new KServeError(url, 200, `output '${this.output}' has ${values.length} values for ${rows} rows`);
    return version === undefined ? { values } : { values, version };
  }
}
