import { describe, expect, it } from '@pitboss/test/harness';
import { HistoryCursor, QueryHistory, type HistoryStorage } from './history.js';

class MapStorage implements HistoryStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

describe('QueryHistory', () => {
  it('deduplicates (a repeat moves to the end), trims, skips blanks and is bounded', () => {
    const storage = new MapStorage();
    const h = new QueryHistory('t1', { storage, limit: 3 });
    for (const q of ['SELECT 1', ' SELECT 2 ', '', 'SELECT 1', 'SELECT 3', 'SELECT 4']) h.add(q);
    expect(h.entries).to.deep.equal(['SELECT 1', 'SELECT 3', 'SELECT 4']);
    expect(JSON.parse(storage.getItem('pitboss.sql-console.history.t1')!)).to.deep.equal(['SELECT 1', 'SELECT 3', 'SELECT 4']);
  });

  it('keeps one history per storage key and survives corrupt or blocked storage', () => {
    const storage = new MapStorage();
    new QueryHistory('a', { storage }).add('SELECT a');
    expect(new QueryHistory('a', { storage }).entries).to.deep.equal(['SELECT a']);
    expect(new QueryHistory('b', { storage }).entries).to.deep.equal([]);
    storage.setItem('pitboss.sql-console.history.c', '{not json');
    expect(new QueryHistory('c', { storage }).entries).to.deep.equal([]);
    const blocked: HistoryStorage = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    const h = new QueryHistory('d', { storage: blocked });
    h.add('SELECT d');
    expect(h.entries).to.deep.equal(['SELECT d']);
  });
});

describe('HistoryCursor', () => {
  it('walks older and newer and gives the draft back past the newest', () => {
    const c = new HistoryCursor();
    const e = ['a', 'b', 'c'];
    expect(c.newer(e), 'not walking').to.equal(null);
    expect([c.older(e, 'draft'), c.older(e, 'c'), c.older(e, 'b'), c.older(e, 'a')]).to.deep.equal(['c', 'b', 'a', null]);
    expect([c.newer(e), c.newer(e), c.newer(e), c.newer(e)]).to.deep.equal(['b', 'c', 'draft', null]);
    expect(new HistoryCursor().older([], 'x')).to.equal(null);
  });
});
