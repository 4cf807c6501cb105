export { Rng } from './random.js';
export { FeatureMatrixError, matrixFromRows, withLabels, takeRows, splitStratified } from './matrix.js';
export type { FeatureMatrix, LabelledMatrix, FeatureValue, Splits } from './matrix.js';
export { UKGC_CATEGORIES } from './categories.js';
export type { UkgcCategory } from './categories.js';
export { ReferenceModel, FeatureMismatchError, assertSameFeatures, sigmoid, slog } from './model.js';
export type {
  ModelArtifact, Network, LogisticNetwork, MlpNetwork, ModelKind, Target, Preprocessing, Transform, Calibration,
} from './model.js';
export { trainNetwork, fitPreprocessing, designMatrix, classWeightsOf } from './train.js';
export type { TrainOptions, TrainResult, EpochProgress, Design } from './train.js';
export { fitPlatt } from './calibrate.js';
export { rocAuc, prAuc, expectedCalibrationError, logLoss, bandMetrics, evaluate } from './metrics.js';
export type { Evaluation, BandMetrics } from './metrics.js';
export {
  BANDS, DEFAULT_BAND_THRESHOLDS, DEFAULT_SCORING_CONFIG, ScoringConfigError, scoringConfig, toScore, bandOf,
} from './bands.js';
export type { Band, BandThresholds, ScoringConfig } from './bands.js';
export { LOCALES, FEATURE_INFO, categoryOf, reasonText } from './reasons.js';
export type { Locale, LocalizedText, FeatureInfo, Direction } from './reasons.js';
export { Explainer, IG_STEPS } from './explain.js';
export type { ExplainedScore, Contribution, Reason } from './explain.js';
export { trainModel, TrainingDataError } from './pipeline.js';
export type { TrainModelOptions, TrainedModel } from './pipeline.js';
export { datasetFromStoredRows } from './dataset.js';
export type { StoredDataset, StoredLabel } from './dataset.js';
export { modelCard } from './card.js';
export type { CardSource } from './card.js';
export {
  exportOnnx, readOnnxMetadata, artifactFromOnnx, ONNX_OPSET, ONNX_IR_VERSION, ONNX_INPUT, ONNX_PROBABILITY,
  ONNX_CONTRIBUTIONS, META,
} from './onnx.js';
export type { ExportOptions } from './onnx.js';
export { ProtoDecodeError } from './protobuf.js';
export { ReferenceScorer } from './scorer.js';
export type { Scorer, ScoreBatch } from './scorer.js';
export { KServeScorer, KServeError } from './kserve-client.js';
export type { KServeScorerOptions, KServeMode } from './kserve-client.js';
