/** A custom element class that says which library version it comes from. */
export interface VersionedElement extends CustomElementConstructor {
  readonly version?: string;
}

/** What `defineElement` did: registered the class, or found the tag taken. */
export type DefineResult = 'defined' | 'already-defined' | 'version-clash' | 'foreign';

/**
 * Registers `ctor` under `tag` unless the tag is already taken. An embedded SDK
 * shares the page with other code, possibly a second copy of this library:
 * throwing on a duplicate would break the host page, so a same-version copy is
 * skipped silently and a different version (or a foreign class) is skipped
 * with a warning, keeping the first definition.
 *
 * @example defineElement('pb-player-table', PbPlayerTable, VERSION);
 */
export function defineElement(tag: string, ctor: VersionedElement, version: string): DefineResult {
  const registry = globalThis.customElements;
  const existing = registry.get(tag) as VersionedElement | undefined;
  if (!existing) {
    registry.define(tag, ctor);
    return 'defined';
  }
  if (existing === ctor) return 'already-defined';
  if (existing.version === undefined) {
    console.warn(`[pitboss] <${tag}> is already defined by other code; keeping that definition.`);
    return 'foreign';
  }
  if (existing.version !== version) {
    console.warn(`[pitboss] <${tag}> is already defined by @pitboss/components ${existing.version}; this copy (${version}) is not registered.`);
    return 'version-clash';
  }
  return 'already-defined';
}
