import { describe, expect, it } from '@pitboss/test/harness';
import { planThreads, NOT_ISOLATED } from '../src/diagnostics.js';
import {
  DuckDBQueryError,
  QueryCancelledError,
  ScoringError,
  WorkerError,
  rebuildError,
  serializeError,
  settle,
  unwrap,
  type Reply,
} from '../src/errors.js';

// What postMessage does to a reply on its way between threads.
const acrossThreads = <T>(reply: Reply<T>): Reply<T> => structuredClone(reply);

describe('errors across the worker boundary', () => {
  it('rebuilds a DuckDB error with its class, message, SQL, details, cause and both stacks', async () => {
    const raw = new Error('{"exception_type":"Catalog","exception_message":"Table with name nope does not exist!","error_subtype":"MISSING_ENTRY"}');
    const reply = acrossThreads(await settle(() => Promise.reject(DuckDBQueryError.fromEngine(raw, 'SELECT * FROM nope'))));
    let caught: unknown = null;
    try {
      unwrap(reply);
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(DuckDBQueryError);
    const e = caught as DuckDBQueryError;
    expect(e.message).to.equal('Catalog Error: Table with name nope does not exist!');
    expect(e.sql).to.equal('SELECT * FROM nope');
    expect(e.details).to.deep.equal({ exception_type: 'Catalog', exception_message: 'Table with name nope does not exist!', error_subtype: 'MISSING_ENTRY' });
    expect(e.cause).to.be.instanceOf(Error);
    expect((e.cause as Error).message).to.equal(raw.message);
    expect(e.stack).to.contain('DuckDBQueryError: Catalog Error');
    expect(e.stack).to.contain('--- rethrown on the main thread ---');
  });

  it('keeps plain-text engine messages as they are', () => {
    expect(DuckDBQueryError.fromEngine(new Error('{not json'), 'x').message).to.equal('{not json');
    expect(DuckDBQueryError.fromEngine('plain', 'x').details).to.deep.equal({});
  });

  it('maps known names to their classes and keeps unknown names', () => {
    expect(rebuildError(serializeError(new QueryCancelledError('SELECT 1')))).to.be.instanceOf(QueryCancelledError);
    expect((rebuildError(serializeError(new QueryCancelledError('SELECT 1'))) as QueryCancelledError).sql).to.equal('SELECT 1');
    expect(rebuildError(serializeError(new ScoringError('bad model')))).to.be.instanceOf(ScoringError);
    const other = rebuildError(serializeError(new RangeError('offset is out of bounds')));
    expect(other).to.be.instanceOf(WorkerError);
    expect(other.name).to.equal('RangeError');
    expect(other.message).to.equal('offset is out of bounds');
  });

  it('turns thrown non-errors into errors', () => {
    expect(serializeError('boom')).to.deep.equal({ name: 'Error', message: 'boom', stack: null });
    expect(serializeError({ code: 7 }).message).to.equal('{"code":7}');
  });

  it('passes values through', async () => {
    expect(unwrap(acrossThreads(await settle(async () => [1, 2])))).to.deep.equal([1, 2]);
  });
});

describe('thread plan', () => {
  it('uses threads only in a cross-origin isolated scope, else one thread and the reason', () => {
    const plan = planThreads(8);
    if (globalThis.crossOriginIsolated === true) {
      expect(plan.crossOriginIsolated).to.equal(true);
      expect(plan.threads).to.equal(Math.min(8, navigator.hardwareConcurrency));
    } else {
      expect(plan).to.deep.equal({ threads: 1, crossOriginIsolated: false, threadsOffReason: NOT_ISOLATED });
    }
  });
});
