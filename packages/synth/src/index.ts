export { generate, rangeOf, DEFAULT_START } from './generate.js';
export type { GenerateOptions } from './generate.js';
export { simulatePlayer } from './player.js';
export type { SimulationRange, SyntheticPlayer } from './player.js';
export { COHORTS, COHORT_SHARES, RISK_MARKERS } from './labels.js';
export type { Cohort, PlayerLabel, RiskMarker } from './labels.js';
export { MARKETS } from './markets.js';
export type { Market, PaymentMethod } from './markets.js';
export { Rng } from './rng.js';
