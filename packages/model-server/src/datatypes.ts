import type { Datatype } from './protocol.js';

/** onnxruntime tensor type names this server maps to protocol datatypes. */
export type OrtType =
  | 'bool' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'int8' | 'int16' | 'int32' | 'int64' | 'float16' | 'float32' | 'float64' | 'string';

const ORT_TO_V2: Record<OrtType, Datatype> = {
  bool: 'BOOL', uint8: 'UINT8', uint16: 'UINT16', uint32: 'UINT32', uint64: 'UINT64', int8: 'INT8', int16: 'INT16',
  int32: 'INT32', int64: 'INT64', float16: 'FP16', float32: 'FP32', float64: 'FP64', string: 'BYTES',
};

const V2_TO_ORT = Object.fromEntries(Object.entries(ORT_TO_V2).map(([k, v]) => [v, k])) as Record<Datatype, OrtType>;

/** Bytes per element in the binary extension; BYTES is length-prefixed, so it has none. */
export const ELEMENT_SIZE: Record<Exclude<Datatype, 'BYTES'>, number> = {
  BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, UINT32: 4, INT32: 4, FP32: 4, UINT64: 8, INT64: 8, FP64: 8,
};

/** Protocol datatype of an onnxruntime tensor type, or undefined for types the server cannot carry. */
export function datatypeOf(type: string): Datatype | undefined {
  return (ORT_TO_V2 as Record<string, Datatype>)[type];
}

export function ortTypeOf(datatype: Datatype): OrtType {
  return V2_TO_ORT[datatype];
}

/** Datatypes the server reads and writes (JSON and binary). */
export const SUPPORTED: ReadonlySet<Datatype> = new Set<Datatype>([
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP32', 'FP64',
]);

export function isDatatype(value: unknown): value is Datatype {
  return typeof value === 'string' && Object.hasOwn(V2_TO_ORT, value);
}
