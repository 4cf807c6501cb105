import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { describe, expect, it } from 'vitest';
import { chain } from '../../src/app/chain.js';
import { ApiError, errorHandler } from '../../src/app/errors.js';
import type { AppEnv } from '../../src/app/types.js';

/**
 * `chain` runs several middleware as one Hono layer. It must answer exactly
 * as the same middleware registered one layer each: every case below is sent
 * to both apps and the answers compared (status, body, every header).
 */

/** Adds `x-seen-<name>` after `next()`, the way CORS and security headers do on errors too. */
const after = (name: string): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next();
  c.res.headers.append('x-seen', name);
};
/** Goes straight on without a frame of its own (returns what `next()` returned). */
const through = (name: string): MiddlewareHandler<AppEnv> => (c, next) => {
  c.set('requestId', `${c.get('requestId') ?? ''}${name}`);
  return next();
};
/** Fails at once, from its promise, or after `next()`, depending on the request's query. */
const failing: MiddlewareHandler<AppEnv> = (c, next) => {
  const mode = c.req.query('fail');
  if (mode === 'sync') throw new ApiError('forbidden', { detail: 'sync' });
  if (mode === 'async') return Promise.reject(new ApiError('unauthorized', { detail: 'async' }));
  if (mode === 'after') return next().then(() => { throw new ApiError('conflict', { detail: 'after' }); });
  if (mode === 'answer') return Promise.resolve(c.json({ answered: 'by a link' }, 202));
  if (mode === 'sync-answer') return c.text('sync answer', 203) as unknown as Promise<void>;
  return next();
};

function build(chained: boolean): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const onError = errorHandler();
  app.onError(onError);
  const links = [after('outer'), through('a'), after('middle'), through('b'), failing, after('inner')];
  if (chained) app.use('/v1/*', chain(onError, ...links));
  else app.use('/v1/*', ...links);
  app.get('/v1/ok', (c) => c.json({ id: c.get('requestId') }));
  app.get('/v1/throws', () => {
    throw new ApiError('not-found', { detail: 'from the handler' });
  });
  app.get('/v1/crash', () => {
    throw new Error('boom');
  });
  return app;
}

async function answer(app: Hono<AppEnv>, path: string) {
  const res = await app.request(path);
  return { status: res.status, headers: [...res.headers.entries()], body: await res.text() };
}

describe('chain', () => {
  const paths = [
    '/v1/ok', '/v1/throws', '/v1/crash', '/v1/missing',
    '/v1/ok?fail=sync', '/v1/ok?fail=async', '/v1/ok?fail=after', '/v1/ok?fail=answer', '/v1/ok?fail=sync-answer',
    '/v1/throws?fail=after',
  ];
  for (const path of paths) {
    it(`answers ${path} as one layer per middleware would`, async () => {
      const one = await answer(build(true), path);
      const each = await answer(build(false), path);
      expect(one).toEqual(each);
      // Not vacuous: the outer links ran after every error.
      if (!path.includes('answer')) expect(one.headers.find(([k]) => k === 'x-seen')?.[1]).toMatch(/middle, outer$/);
    });
  }

  it('a link that goes straight on gets the rest of the chain, in order', async () => {
    const res = await build(true).request('/v1/ok');
    expect(await res.json()).toEqual({ id: 'ab' });
    expect(res.headers.get('x-seen')).toBe('inner, middle, outer');
  });

  it('a link that throws answers with the error handler, and the links after it never run', async () => {
    const res = await build(true).request('/v1/ok?fail=sync');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('x-seen')).toBe('middle, outer');
  });
});
