export { runSynthCli } from './cli.js';
export { writeNdjson } from './ndjson.js';
export type { NdjsonSinks, WriteOptions, WriteStats } from './ndjson.js';
