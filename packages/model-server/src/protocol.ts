/**
 * Wire types of the KServe v2 / Open Inference Protocol REST API, with the
 * binary tensor data extension. One file, shared by the server and its tests.
 * Spec: https://github.com/kserve/open-inference-protocol and Triton's
 * `binary_data` extension.
 */

/** Tensor element types of the protocol. */
export type Datatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

/** A parameter value (`parameters` objects on requests, tensors and responses). */
export type Parameter = string | number | boolean;
export type Parameters = Record<string, Parameter>;

/** Shape and type of one model input or output; `-1` marks a variable dimension. */
export interface TensorMetadata {
  name: string;
  datatype: Datatype;
  shape: number[];
}

/** `GET /v2` */
export interface ServerMetadataResponse {
  name: string;
  version: string;
  extensions: string[];
}

/** `GET /v2/models/{name}[/versions/{v}]` */
export interface ModelMetadataResponse {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  /** Pitboss extension: the ONNX file's `metadata_props` (feature order, model version...). */
  parameters?: Parameters;
}

/** Nested or flat JSON tensor data (row-major). */
export type JsonTensorData = (number | boolean | string | null | JsonTensorData)[];

export interface RequestInput {
  name: string;
  shape: number[];
  datatype: Datatype;
  /** `binary_data_size` marks data sent after the JSON header. */
  parameters?: Parameters;
  data?: JsonTensorData;
}

export interface RequestOutput {
  name: string;
  /** `binary_data: true` asks for this output in binary. */
  parameters?: Parameters;
}

/** `POST /v2/models/{name}[/versions/{v}]/infer` body (or its JSON header in binary mode). */
export interface InferenceRequest {
  id?: string;
  /** `binary_data_output: true` asks for every output in binary. */
  parameters?: Parameters;
  inputs: RequestInput[];
  outputs?: RequestOutput[];
}

export interface ResponseOutput {
  name: string;
  shape: number[];
  datatype: Datatype;
  parameters?: Parameters;
  data?: (number | boolean)[];
}

export interface InferenceResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Parameters;
  outputs: ResponseOutput[];
}

/** Every failed request: a status code and `{ "error": "..." }`. */
export interface ErrorResponse {
  error: string;
}

/** Header giving the byte length of the JSON part of a binary request or response. */
export const HEADER_CONTENT_LENGTH = 'Inference-Header-Content-Length';
