import * as ort from 'onnxruntime-node';
import { ELEMENT_SIZE, SUPPORTED, isDatatype, ortTypeOf } from './datatypes.js';
import { InferenceError } from './errors.js';
import type { LoadedModel } from './repository.js';
import type {
  Datatype, InferenceRequest, InferenceResponse, JsonTensorData, Parameters, RequestInput, RequestOutput, ResponseOutput,
} from './protocol.js';

type NumericDatatype = Exclude<Datatype, 'BYTES' | 'FP16'>;
type TypedArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

const ARRAYS: Record<NumericDatatype, { new (buffer: ArrayBuffer): TypedArray; new (length: number): TypedArray }> = {
  BOOL: Uint8Array, UINT8: Uint8Array, INT8: Int8Array, UINT16: Uint16Array, INT16: Int16Array, UINT32: Uint32Array,
  INT32: Int32Array, FP32: Float32Array, FP64: Float64Array, INT64: BigInt64Array, UINT64: BigUint64Array,
};

// The binary extension is little-endian; typed arrays use the host's order.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('@pitboss/model-server needs a little-endian host');

/** A request split into its JSON part and the binary tensor data after it. */
export interface RawRequest {
  request: InferenceRequest;
  binary: Uint8Array;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isParameters(v: unknown): v is Parameters {
  return isObject(v) && Object.values(v).every((p) => ['string', 'number', 'boolean'].includes(typeof p));
}

function isShape(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
}

/**
 * Splits a body per the binary tensor data extension (`headerLength` from
 * `Inference-Header-Content-Length`) and checks the JSON part's structure.
 *
 * @example
 * const { request } = decodeRequest(new TextEncoder().encode('{"inputs":[]}'), undefined);
 */
export function decodeRequest(body: Uint8Array, headerLength: string | undefined): RawRequest {
  let jsonBytes = body;
  let binary: Uint8Array = new Uint8Array(0);
  if (headerLength !== undefined) {
    const n = Number(headerLength);
    if (!/^[0-9]+$/.test(headerLength.trim()) || n > body.length) {
      throw new InferenceError(400, `Inference-Header-Content-Length ${headerLength} is not a byte length within the ${body.length}-byte body`);
    }
    jsonBytes = body.subarray(0, n);
    binary = body.subarray(n);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes));
  } catch (error) {
    throw new InferenceError(400, `malformed request JSON: ${(error as Error).message}`, { cause: error });
  }
  return { request: checkRequest(parsed), binary };
}

function checkRequest(v: unknown): InferenceRequest {
  if (!isObject(v)) throw new InferenceError(400, 'the request must be a JSON object');
  if (v.id !== undefined && typeof v.id !== 'string') throw new InferenceError(400, "'id' must be a string");
  if (v.parameters !== undefined && !isParameters(v.parameters)) throw new InferenceError(400, "'parameters' must map names to strings, numbers or booleans");
  if (!Array.isArray(v.inputs) || v.inputs.length === 0) throw new InferenceError(400, "'inputs' must be a non-empty array");
  v.inputs.forEach((input: unknown, i) => {
    if (!isObject(input) || typeof input.name !== 'string') throw new InferenceError(400, `inputs[${i}] must be an object with a 'name'`);
    const at = `input '${input.name}'`;
    if (!isShape(input.shape)) throw new InferenceError(400, `${at}: 'shape' must be an array of non-negative integers`);
    if (!isDatatype(input.datatype)) throw new InferenceError(400, `${at}: unknown datatype ${JSON.stringify(input.datatype)}`);
    if (input.parameters !== undefined && !isParameters(input.parameters)) throw new InferenceError(400, `${at}: bad 'parameters'`);
    const binarySize = isObject(input.parameters) ? input.parameters.binary_data_size : undefined;
    if (binarySize === undefined && !Array.isArray(input.data)) throw new InferenceError(400, `${at}: needs 'data' or parameters.binary_data_size`);
    if (binarySize !== undefined && input.data !== undefined) throw new InferenceError(400, `${at}: has both 'data' and parameters.binary_data_size`);
    if (binarySize !== undefined && !(Number.isSafeInteger(binarySize) && (binarySize as number) >= 0)) {
      throw new InferenceError(400, `${at}: parameters.binary_data_size must be a non-negative integer`);
    }
  });
  if (v.outputs !== undefined) {
    if (!Array.isArray(v.outputs)) throw new InferenceError(400, "'outputs' must be an array");
    v.outputs.forEach((o: unknown, i) => {
      if (!isObject(o) || typeof o.name !== 'string') throw new InferenceError(400, `outputs[${i}] must be an object with a 'name'`);
      if (o.parameters !== undefined && !isParameters(o.parameters)) throw new InferenceError(400, `output '${o.name}': bad 'parameters'`);
    });
  }
  return v as unknown as InferenceRequest;
}

function flatten(data: JsonTensorData, out: (number | boolean | string | null)[]): void {
  for (const d of data) {
    if (Array.isArray(d)) flatten(d, out);
    else out.push(d);
  }
}

function fromJson(input: RequestInput, datatype: NumericDatatype, count: number): TypedArray {
  const data = input.data!;
  let flat = data as (number | boolean | string | null)[];
  // Row-major flat data (what clients send for big batches) is used as is; only nested data is copied flat.
  if (data.some(Array.isArray)) {
    flat = [];
    flatten(data, flat);
  }
  const at = `input '${input.name}'`;
  if (flat.length !== count) throw new InferenceError(400, `${at}: shape [${input.shape.join(', ')}] needs ${count} values, 'data' has ${flat.length}`);
  const out = new ARRAYS[datatype](count);
  const integer = datatype !== 'FP32' && datatype !== 'FP64' && datatype !== 'BOOL';
  for (let i = 0; i < count; i++) {
    const x = flat[i];
    if (datatype === 'BOOL') {
      if (typeof x !== 'boolean') throw new InferenceError(400, `${at}: data[${i}] is not a boolean`);
      out[i] = x ? 1 : 0;
    } else if (typeof x !== 'number' || (integer && !Number.isSafeInteger(x))) {
      throw new InferenceError(400, `${at}: data[${i}] = ${JSON.stringify(x)} is not ${integer ? 'an integer' : 'a number'} (${datatype})`);
    } else if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
      out[i] = BigInt(x);
    } else {
      out[i] = x;
    }
  }
  return out;
}

/**
 * Checks a request's inputs against the model's (names, datatypes, shapes,
 * sizes) and turns them into onnxruntime tensors.
 *
 * @example
 * const feeds = buildFeeds(repo.get('risk'), request, binary);
 */
export function buildFeeds(model: LoadedModel, request: InferenceRequest, binary: Uint8Array): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  let offset = 0;
  for (const input of request.inputs) {
    const at = `input '${input.name}'`;
    const meta = model.inputs.find((m) => m.name === input.name);
    if (!meta) throw new InferenceError(400, `unexpected ${at} for model '${model.name}' (inputs: ${model.inputs.map((m) => m.name).join(', ')})`);
    if (feeds[input.name]) throw new InferenceError(400, `${at} is given twice`);
    if (input.datatype !== meta.datatype) throw new InferenceError(400, `${at}: datatype ${input.datatype} does not match the model's ${meta.datatype}`);
    if (!SUPPORTED.has(input.datatype)) throw new InferenceError(400, `${at}: datatype ${input.datatype} is not supported by this server`);
    const datatype = input.datatype as NumericDatatype;
    const fits = input.shape.length === meta.shape.length && input.shape.every((d, i) => meta.shape[i] === -1 || meta.shape[i] === d);
    if (!fits) throw new InferenceError(400, `${at}: shape [${input.shape.join(', ')}] does not match the model's [${meta.shape.join(', ')}]`);
    const count = input.shape.reduce((a, b) => a * b, 1);
    let values: TypedArray;
    const size = input.parameters?.binary_data_size;
    if (typeof size === 'number') {
      const want = count * ELEMENT_SIZE[datatype];
      if (size !== want) throw new InferenceError(400, `${at}: binary_data_size ${size} but shape [${input.shape.join(', ')}] of ${datatype} needs ${want} bytes`);
      if (offset + size > binary.length) throw new InferenceError(400, `${at}: binary data ends at byte ${binary.length}, before ${offset + size}`);
      // Copy into a fresh buffer: the body slice need not be aligned for the element type.
      const buffer = new ArrayBuffer(size);
      new Uint8Array(buffer).set(binary.subarray(offset, offset + size));
      values = new ARRAYS[datatype](buffer);
      offset += size;
    } else {
      values = fromJson(input, datatype, count);
    }
    feeds[input.name] = new ort.Tensor(ortTypeOf(datatype) as 'float32', values as Float32Array, input.shape);
  }
  if (offset !== binary.length) throw new InferenceError(400, `${binary.length - offset} bytes of binary data are not claimed by any input's binary_data_size`);
  const missing = model.inputs.filter((m) => !feeds[m.name]).map((m) => m.name);
  if (missing.length) throw new InferenceError(400, `missing input(s) for model '${model.name}': ${missing.join(', ')}`);
  return feeds;
}

/** A response body, with the JSON header length when binary outputs follow it. */
export interface EncodedResponse {
  body: Uint8Array;
  headerLength?: number;
}

/**
 * Runs a checked request and encodes the response: JSON outputs, or binary
 * ones where `binary_data_output` (request) or `binary_data` (output) asks.
 *
 * @example
 * const { body, headerLength } = await infer(repo.get('risk'), request, binary);
 */
export async function infer(model: LoadedModel, request: InferenceRequest, binary: Uint8Array): Promise<EncodedResponse> {
  const feeds = buildFeeds(model, request, binary);
  const wanted: RequestOutput[] = request.outputs ?? model.outputs.map((o) => ({ name: o.name }));
  for (const o of wanted) {
    if (!model.outputs.some((m) => m.name === o.name)) {
      throw new InferenceError(400, `unknown output '${o.name}' for model '${model.name}' (outputs: ${model.outputs.map((m) => m.name).join(', ')})`);
    }
  }
  let results: ort.InferenceSession.ReturnType;
  try {
    results = await model.session.run(feeds, wanted.map((o) => o.name));
  } catch (error) {
    // Inputs passed the declared checks; what onnxruntime still refuses (e.g. a dynamic dimension the graph cannot broadcast) is the request's fault.
    throw new InferenceError(400, `inference failed: ${(error as Error).message}`, { cause: error });
  }
  const allBinary = request.parameters?.binary_data_output === true;
  const chunks: Uint8Array[] = [];
  const outputs: ResponseOutput[] = wanted.map((o) => {
    const tensor = results[o.name]!;
    const datatype = model.outputs.find((m) => m.name === o.name)!.datatype;
    const out: ResponseOutput = { name: o.name, datatype, shape: [...tensor.dims] };
    const data = tensor.data as TypedArray;
    if (allBinary || o.parameters?.binary_data === true) {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      out.parameters = { binary_data_size: bytes.byteLength };
      chunks.push(bytes);
    } else if (datatype === 'BOOL') {
      out.data = Array.from(data as Uint8Array, (x) => x !== 0);
    } else {
      out.data = Array.from(data as ArrayLike<number | bigint>, Number);
    }
    return out;
  });
  const response: InferenceResponse = { model_name: model.name, model_version: model.version, outputs };
  if (request.id !== undefined) response.id = request.id;
  const header = new TextEncoder().encode(JSON.stringify(response));
  if (chunks.length === 0) return { body: header };
  const body = new Uint8Array(header.byteLength + chunks.reduce((n, c) => n + c.byteLength, 0));
  body.set(header);
  let at = header.byteLength;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return { body, headerLength: header.byteLength };
}
