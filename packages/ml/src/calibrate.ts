import type { Calibration } from './model.js';
import { sigmoid } from './model.js';

/**
 * Platt scaling fitted on held-out logits: finds `a`, `b` minimising the log
 * loss of sigmoid(a·s + b), with Platt's smoothed targets
 * ((n₊+1)/(n₊+2) and 1/(n₋+2)) so a perfectly separated validation set does
 * not drive `a` to infinity. Newton's method with a backtracking step.
 *
 * Why Platt and not isotonic: two numbers that sit in the ONNX graph as one
 * Mul and one Add, a monotone map (rankings and AUC unchanged), and explanations
 * still add up in logit space. Class-weighted training inflates raw
 * probabilities; this step brings them back to observed frequencies.
 *
 * @example
 * const cal = fitPlatt(validationLogits, validationLabels); // { method: 'platt', a, b }
 */
export function fitPlatt(logits: ArrayLike<number>, labels: ArrayLike<number>): Calibration {
  const n = logits.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += labels[i]!;
  const neg = n - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  const t = (i: number): number => (labels[i] ? hi : lo);
  const loss = (a: number, b: number): number => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      const s = a * logits[i]! + b;
      l += Math.log1p(Math.exp(-Math.abs(s))) + Math.max(s, 0) - t(i) * s;
    }
    return l;
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const x = logits[i]!;
      const p = sigmoid(a * x + b);
      const d = p - t(i);
      const w = p * (1 - p);
      ga += d * x;
      gb += d;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let stepSize = 1;
    let next = loss(a - da, b - db);
    while (next > current && stepSize > 1e-8) {
      stepSize /= 2;
      next = loss(a - stepSize * da, b - stepSize * db);
    }
    if (next > current) break;
    a -= stepSize * da;
    b -= stepSize * db;
    const gain = current - next;
    current = next;
    if (gain < 1e-12 * Math.max(1, current)) break;
  }
  if (!(a >= MIN_SLOPE)) {
    // A slope at or below zero would flip or flatten the model's ranking: the
    // validation split shows no usable signal. Keep the ranking (a small
    // positive slope) and fit only the intercept, so probabilities sit near
    // the observed base rate, which is the honest calibration of such a model.
    a = MIN_SLOPE;
    b = fitIntercept(logits, t, a);
  }
  return { method: 'platt', a, b };
}

/** Smallest slope `fitPlatt` returns: the map stays strictly increasing (rankings and AUC unchanged). */
export const MIN_SLOPE = 1e-3;

/** Newton's method on the intercept alone, for a fixed slope `a` (the log loss is convex in `b`). */
function fitIntercept(logits: ArrayLike<number>, target: (i: number) => number, a: number): number {
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let g = 0;
    let h = 1e-12;
    for (let i = 0; i < logits.length; i++) {
      const p = sigmoid(a * logits[i]! + b);
      g += p - target(i);
      h += p * (1 - p);
    }
    const step = g / h;
    b -= step;
    if (Math.abs(step) < 1e-10) break;
  }
  return b;
}
