import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PbLocale } from './format.js';
import type { LocaleTables } from '../locales/tables.js';

// English ships in each component's messages module; pt-BR and es load with
// import() the first time a component resolves to them, so a page in English
// never downloads the other two.
const loaded = new Map<PbLocale, LocaleTables>();
const loading = new Map<PbLocale, Promise<void>>();

function importTables(locale: Exclude<PbLocale, 'en'>): Promise<{ tables: LocaleTables }> {
  return locale === 'pt-BR' ? import('../locales/pt-BR.js') : import('../locales/es.js');
}

/** The loaded tables of a locale; `undefined` for `en` (built in) and for a locale not loaded yet. */
export function localeTables(locale: PbLocale): LocaleTables | undefined {
  return loaded.get(locale);
}

/** Whether a locale's interface text is available without loading: `en` always, the others once `loadLocale` has resolved. */
export function isLocaleLoaded(locale: PbLocale): boolean {
  return locale === 'en' || loaded.has(locale);
}

/**
 * Loads the interface text of `pt-BR` or `es` (one small chunk per locale,
 * shared by every component); resolves at once for `en` and for a locale
 * already loaded. Components call it themselves when their `locale` needs it
 * and re-render when it arrives (showing English meanwhile); await it before
 * the first render to skip that English frame. A failed load rejects and is
 * tried again on the next call.
 *
 * @example
 * await loadLocale(resolveLocale(navigator.language));
 * defineAll();
 */
export function loadLocale(locale: PbLocale): Promise<void> {
  if (locale === 'en' || loaded.has(locale)) return Promise.resolve();
  let pending = loading.get(locale);
  if (!pending) {
    pending = importTables(locale).then(
      (m) => {
        loaded.set(locale, m.tables);
        loading.delete(locale);
      },
      (error: unknown) => {
        loading.delete(locale);
        throw new Error(`[pitboss] the ${locale} interface text could not be loaded`, { cause: error });
      },
    );
    loading.set(locale, pending);
  }
  return pending;
}

/**
 * Keeps a component's text in its `locale`: before each update it starts
 * loading a locale that is not loaded yet and re-renders the host when the
 * table arrives. The host's `getUpdateComplete` goes through `settle`, so
 * `await el.updateComplete` after `el.locale = 'pt-BR'` sees Portuguese.
 */
export class LocaleController implements ReactiveController {
  readonly #host: ReactiveControllerHost & { locale: PbLocale };
  #pending: Promise<void> | null = null;
  /** A locale whose load failed: not tried again until the host's locale changes. */
  #failed: PbLocale | null = null;

  constructor(host: ReactiveControllerHost & { locale: PbLocale }) {
    this.#host = host;
    host.addController(this);
  }

  hostUpdate(): void {
    const locale = this.#host.locale;
    if (locale !== this.#failed) this.#failed = null;
    if (isLocaleLoaded(locale) || this.#pending || this.#failed) return;
    const pending: Promise<void> = loadLocale(locale).then(
      () => {
        this.#pending = null;
        this.#host.requestUpdate();
      },
      (error: unknown) => {
        this.#pending = null;
        this.#failed = locale;
        // The component stays usable in English; setting the locale again retries.
        console.warn('[pitboss] interface text stays in English', error);
      },
    );
    this.#pending = pending;
  }

  /**
   * For the host's `getUpdateComplete`: waits for `update` (the host's own
   * update), then for locale text still loading and the update it requests.
   */
  async settle(update: () => Promise<boolean>): Promise<boolean> {
    let done = await update();
    for (let pending = this.#pending; pending; pending = this.#pending) {
      await pending;
      done = await update();
    }
    return done;
  }
}
