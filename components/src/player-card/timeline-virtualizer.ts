// @lit-labs/virtualizer is most of a card's weight (~38 KB minified) and only
// the event timeline uses it: the timeline (timeline.ts: the virtualized list
// and the text of each event) loads with import() with the first page of
// events, so the components' entry stays small (see the bundle bench).
export type Timeline = typeof import('./timeline.js');

let loading: Promise<Timeline> | null = null;

/** The timeline module, imported once per page; a failed load is tried again on the next call. */
export function loadTimeline(): Promise<Timeline> {
  return (loading ??= import('./timeline.js').catch((error: unknown) => {
    loading = null;
    throw error;
  }));
}
