import type { Segment, SegmentIssue } from '@pitboss/core';

/** Detail of `pb-segment-change`: the segment as edited, whether it validates, and its issues (with paths and localised messages). */
export interface PbSegmentChangeDetail {
  /** The edited AST; it may not validate yet (a value still missing): see `valid`. */
  segment: Segment;
  valid: boolean;
  issues: readonly SegmentIssue[];
}

export type PbSegmentChangeEvent = CustomEvent<PbSegmentChangeDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pb-segment-change': PbSegmentChangeEvent;
  }
  interface HTMLElementEventMap {
    'pb-segment-change': PbSegmentChangeEvent;
  }
}
