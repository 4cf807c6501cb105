export { runSynthCli } from './cli.js';
export { writeNdjson } from './ndjson.js';
export type { NdjsonSinks, WriteOptions, WriteStats } from './ndjson.js';
export { writeNdjsonParallel, defaultWorkers } from './parallel.js';
export type { ParallelWriteOptions } from './parallel.js';
