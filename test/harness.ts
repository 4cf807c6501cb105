/**
 * Environment-neutral test vocabulary. A `*.spec.ts` file imports `describe`,
 * `it` and `expect` from here and runs unchanged under vitest (Node, with
 * `globals: true`) and under web-test-runner's mocha (Chromium): both runners
 * install the same BDD globals, and chai's `expect` works in both.
 */
export { expect } from 'chai';

type Body = () => void | Promise<void>;
interface Bdd {
  describe(name: string, body: () => void): void;
  it(name: string, body: Body, timeoutMs?: number): void;
  before?(body: Body): void;
  beforeAll?(body: Body): void;
  after?(body: Body): void;
  afterAll?(body: Body): void;
}

const bdd = globalThis as unknown as Bdd;
if (typeof bdd.describe !== 'function' || typeof bdd.it !== 'function') {
  throw new Error('test harness: no describe/it globals; run under vitest (globals: true) or web-test-runner');
}

export const describe = (name: string, body: () => void): void => bdd.describe(name, body);
export const it = (name: string, body: Body): void => bdd.it(name, body);
/** Runs once before the tests of the enclosing `describe` (mocha `before`, vitest `beforeAll`). */
export const beforeAll = (body: Body): void => (bdd.beforeAll ?? bdd.before)!(body);
/** Runs once after the tests of the enclosing `describe`. */
export const afterAll = (body: Body): void => (bdd.afterAll ?? bdd.after)!(body);
/** `'browser'` under web-test-runner, `'node'` under vitest. */
export const runtime: 'browser' | 'node' =
  typeof (globalThis as { window?: unknown }).window === 'undefined' ? 'node' : 'browser';
