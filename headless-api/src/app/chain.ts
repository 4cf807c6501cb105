import type { Context, ErrorHandler, MiddlewareHandler, Next } from 'hono';
import type { AppEnv } from './types.js';

/**
 * Several middleware as one Hono layer, run exactly as Hono runs layers:
 * in order, each with a `next` that runs the rest, an error thrown by one
 * (at once or from its promise) answered by `onError` at that link, so that
 * the links before it still see the error response after their `next()`
 * (CORS and security headers on errors too), and a `Response` a link
 * returns becomes `c.res` unless one is already final.
 *
 * Why: each Hono layer is an `async` dispatch frame, a promise and a
 * closure per request, held across the whole database wait. Here a link
 * that goes straight on (returns what its `next()` returned) costs neither a
 * frame nor a promise; only a link that waits for the answer has one (its
 * own `async` frame).
 *
 * @example
 * app.use('/v1/*', chain(onError, cors(settings), authenticate(storage), maskPersonalData()));
 */
export function chain(onError: ErrorHandler<AppEnv>, ...links: MiddlewareHandler<AppEnv>[]): MiddlewareHandler<AppEnv> {
  if (links.length === 0) return (_c, next) => next();
  if (links.length === 1) return links[0]!;
  return function chained(c, next) {
    return new Run(links, onError, c, next).step(0);
  };
}

/** One request's way through a chain. */
class Run {
  /** What the `next()` of each link returned (the promise a link that goes straight on returns as is). */
  readonly #fromNext: unknown[];

  constructor(
    readonly links: readonly MiddlewareHandler<AppEnv>[],
    readonly onError: ErrorHandler<AppEnv>,
    readonly c: Context<AppEnv>,
    readonly last: Next,
  ) {
    this.#fromNext = new Array<unknown>(links.length);
  }

  step(i: number): Promise<void> {
    if (i === this.links.length) return this.last();
    let result: unknown;
    try {
      result = this.links[i]!(this.c, () => (this.#fromNext[i] = this.step(i + 1)));
    } catch (error) {
      return this.#fail(error);
    }
    if (result instanceof Promise) {
      // Going straight on: what `next()` gave never rejects (each link and Hono answer their own errors).
      if (result === this.#fromNext[i]) return result as Promise<void>;
      return result.then(
        (res: unknown) => this.#answered(res),
        (error: unknown) => this.#fail(error),
      );
    }
    this.#answered(result);
    return Promise.resolve();
  }

  #answered(res: unknown): void {
    if (res instanceof Response && !this.c.finalized) this.c.res = res;
  }

  #fail(error: unknown): Promise<void> {
    // As Hono's compose: only Errors go to the handler; anything else propagates.
    if (!(error instanceof Error)) throw error;
    this.c.error = error;
    const res = this.onError(error, this.c);
    if (res instanceof Promise) {
      return res.then((r: Response) => {
        this.c.res = r;
      });
    }
    this.c.res = res;
    return Promise.resolve();
  }
}
