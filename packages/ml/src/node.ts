export { runTrainCli } from './cli.js';
export type { DbTrainingData, TrainCliHooks } from './cli.js';
export { loadSynthDataset, findLabelsFile, DatasetError } from './dataset-node.js';
export type { FileDataset, ProgressSink } from './dataset-node.js';
export { OnnxNodeScorer, cudaProviderLibrary, openSession } from './onnx-node.js';
export type { ExecutionProviderChoice, ExecutionProviderInfo, OnnxNodeScorerOptions, OnnxRun } from './onnx-node.js';
