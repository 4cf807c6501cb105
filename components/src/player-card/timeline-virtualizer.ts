// @lit-labs/virtualizer is most of a card's weight (~38 KB minified) and only
// the event timeline uses it: it loads with import() with the first page of
// events, so the components' entry stays small (see the bundle bench).
import type { virtualize } from '@lit-labs/virtualizer/virtualize.js';

export type Virtualize = typeof virtualize;

let loading: Promise<Virtualize> | null = null;

/** The `virtualize` directive, imported once per page; a failed load is tried again on the next call. */
export function loadVirtualize(): Promise<Virtualize> {
  return (loading ??= import('@lit-labs/virtualizer/virtualize.js').then(
    (m) => m.virtualize,
    (error: unknown) => {
      loading = null;
      throw error;
    },
  ));
}
