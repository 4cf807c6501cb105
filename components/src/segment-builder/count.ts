import type { GuardrailReason, Segment } from '@pitboss/core';

/** Players the marketing guardrail left out of a count, in all and per reason (a player may count under several). */
export interface SegmentGuardrailRemovals {
  /** Members before the guardrail. */
  matched: number;
  removed: number;
  kept: number;
  byReason: Readonly<Record<GuardrailReason, number>>;
  /** Lowest risk band the `high_risk` reason removes, when the counter knows it. */
  riskBandAtOrAbove?: string;
}

/** What a counter answers: the members (after the guardrail for marketing) and, for marketing, the removals. */
export interface SegmentCountResult {
  count: number;
  guardrail?: SegmentGuardrailRemovals | null;
}

export interface SegmentCountOptions {
  /** Aborted when the segment changes again before the answer arrives. */
  signal: AbortSignal;
  /** Apply the marketing guardrail and report its removals. */
  marketing: boolean;
}

/**
 * Counts a segment's members. `<pb-segment-builder>` calls it, debounced,
 * with a segment that validates; see `apiSegmentCounter` and
 * `duckdbSegmentCounter` for ready-made ones.
 *
 * @example
 * builder.counter = async (segment, { signal }) => ({ count: (await fetchCount(segment, signal)).n });
 */
export type SegmentCounter = (segment: Segment, options: SegmentCountOptions) => Promise<SegmentCountResult>;

export type CountState =
  | { status: 'idle' }
  | { status: 'invalid' }
  | { status: 'counting'; last?: SegmentCountResult }
  | { status: 'done'; result: SegmentCountResult }
  | { status: 'error'; error: unknown };

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/**
 * Debounces counts and keeps only the newest: each `request` restarts the
 * timer and aborts the request in flight, so a burst of edits costs one
 * count and a slow, stale answer never overwrites a newer one.
 */
export class CountScheduler {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #controller: AbortController | null = null;
  #seq = 0;

  constructor(readonly onState: (state: CountState) => void) {}

  /** Counts `segment` after `delayMs` unless another request or `cancel` comes first. */
  request(counter: SegmentCounter, segment: Segment, marketing: boolean, delayMs: number, last?: SegmentCountResult): void {
    this.cancel();
    const seq = this.#seq;
    this.onState(last ? { status: 'counting', last } : { status: 'counting' });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const controller = new AbortController();
      this.#controller = controller;
      let pending: Promise<SegmentCountResult>;
      try {
        pending = Promise.resolve(counter(segment, { signal: controller.signal, marketing }));
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (result) => {
          if (seq !== this.#seq) return;
          this.#controller = null;
          if (!result || typeof result.count !== 'number') this.onState({ status: 'error', error: new TypeError('the counter answered without a numeric count') });
          else this.onState({ status: 'done', result });
        },
        (error: unknown) => {
          if (seq !== this.#seq) return;
          this.#controller = null;
          if (isAbort(error) && controller.signal.aborted) return;
          this.onState({ status: 'error', error });
        },
      );
    }, Math.max(0, delayMs));
  }

  /** Drops a pending count and aborts the one in flight. */
  cancel(): void {
    this.#seq++;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#controller?.abort();
    this.#controller = null;
  }
}
