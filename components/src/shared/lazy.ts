import type { ReactiveControllerHost } from 'lit';

/**
 * A module a component imports with `import()` the first time it renders
 * something that needs it (editors for a less common kind of condition,
 * forms only some users see), so it is not in the page's up-front bundle.
 * One per module, shared by every instance; a failed import is tried again
 * on the next `load()`.
 */
export interface LazyModule<T> {
  /** The module once loaded, else `null`. */
  readonly value: T | null;
  load(): Promise<T>;
}

export function lazyModule<T>(load: () => Promise<T>): LazyModule<T> {
  let value: T | null = null;
  let pending: Promise<T> | null = null;
  return {
    get value() {
      return value;
    },
    load() {
      pending ??= load().then(
        (m) => (value = m),
        (error: unknown) => {
          pending = null;
          throw error;
        },
      );
      return pending;
    },
  };
}

/**
 * A component's lazy parts. In `render`, `get(module)` gives the module, or
 * `null` while it loads (the component shows a loading state; it re-renders
 * when the module arrives) or after the import failed (`failed(module)`; the
 * component shows why and offers `retry(module)`). The host's
 * `getUpdateComplete` goes through `settle`, so after `await el.updateComplete`
 * the parts it rendered are there.
 */
export class LazyParts {
  readonly #host: ReactiveControllerHost;
  readonly #pending = new Map<LazyModule<unknown>, Promise<unknown>>();
  readonly #failed = new Set<LazyModule<unknown>>();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
  }

  get<T>(module: LazyModule<T>): T | null {
    if (module.value) return module.value;
    if (this.#failed.has(module) || this.#pending.has(module)) return null;
    const pending = module.load().then(
      () => undefined,
      (error: unknown) => {
        this.#failed.add(module);
        console.warn('[pitboss] a part of the component could not be loaded', error);
      },
    ).finally(() => {
      this.#pending.delete(module);
      this.#host.requestUpdate();
    });
    this.#pending.set(module, pending);
    return null;
  }

  failed(module: LazyModule<unknown>): boolean {
    return this.#failed.has(module);
  }

  /** Forgets a failed import and re-renders, which imports it again. */
  retry(module: LazyModule<unknown>): void {
    this.#failed.delete(module);
    this.#host.requestUpdate();
  }

  /** True while a part the last render needed is loading. */
  get loading(): boolean {
    return this.#pending.size > 0;
  }

  /** For the host's `getUpdateComplete`: waits for `update`, then for parts still loading and the update each one requests. */
  async settle(update: () => Promise<boolean>): Promise<boolean> {
    let done = await update();
    while (this.#pending.size > 0) {
      await Promise.all(this.#pending.values());
      done = await update();
    }
    return done;
  }
}
