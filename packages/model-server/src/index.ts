export { createModelServer, runServerCli } from './server.js';
export type { ModelServer, ModelServerOptions } from './server.js';
export { createApp, SERVER_NAME, SERVER_VERSION, EXTENSIONS } from './app.js';
export type { AppOptions } from './app.js';
export { ModelRepository } from './repository.js';
export type { ModelSource, RepositoryOptions, LoadedModel } from './repository.js';
export { InferenceError } from './errors.js';
export { decodeRequest, buildFeeds, infer } from './infer.js';
export type { RawRequest, EncodedResponse } from './infer.js';
export { HEADER_CONTENT_LENGTH } from './protocol.js';
export type {
  Datatype, Parameter, Parameters, TensorMetadata, ServerMetadataResponse, ModelMetadataResponse, JsonTensorData,
  RequestInput, RequestOutput, InferenceRequest, ResponseOutput, InferenceResponse, ErrorResponse,
} from './protocol.js';
