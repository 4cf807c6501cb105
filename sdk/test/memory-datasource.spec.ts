import { describe, expect, it } from '@pitboss/test/harness';
import { MemoryDataSource } from '@pitboss/sdk';

interface P { id: string; loss: number | null; name: string }
const rows: P[] = [
  { id: 'a', loss: 30, name: 'Ana' },
  { id: 'b', loss: null, name: 'Bruno' },
  { id: 'c', loss: 10, name: 'Carla' },
  { id: 'd', loss: 30, name: 'Davi' },
];

describe('MemoryDataSource', () => {
  it('counts and windows in sort order, nulls last ascending, id as tiebreak', async () => {
    const s = new MemoryDataSource(rows);
    expect(await s.count({ sort: [] })).to.equal(4);
    const asc = await s.window(0, 10, { sort: [{ key: 'loss', direction: 'asc' }] });
    expect(asc.map((r) => r.id)).to.deep.equal(['c', 'a', 'd', 'b']);
    const desc = await s.window(1, 3, { sort: [{ key: 'loss', direction: 'desc' }] });
    // Descending puts nulls first (Postgres' default); ties stay in ascending id order.
    expect(desc.map((r) => r.id)).to.deep.equal(['a', 'd']);
  });

  it('filters with a predicate', async () => {
    const s = new MemoryDataSource(rows);
    const q = { sort: [], filter: (r: P) => (r.loss ?? 0) >= 30 };
    expect(await s.count(q)).to.equal(2);
    expect((await s.window(0, 5, q)).map((r) => r.id)).to.deep.equal(['a', 'd']);
  });

  it('notifies subscribers of in-place updates and resets', async () => {
    const s = new MemoryDataSource(rows);
    const seen: string[] = [];
    const off = s.subscribe((c) => seen.push(c.kind === 'update' ? `update:${c.rows.map((r) => r.id).join()}` : 'reset'));
    s.update([{ id: 'b', loss: 99, name: 'Bruno' }, { id: 'zz', loss: 1, name: 'nobody' }]);
    expect((await s.window(0, 1, { sort: [{ key: 'loss', direction: 'desc' }] }))[0]!.id).to.equal('b');
    s.reset(rows.slice(0, 1));
    off();
    s.reset(rows);
    expect(seen).to.deep.equal(['update:b', 'reset']);
  });

  it('rejects with AbortError when the signal has aborted', async () => {
    const s = new MemoryDataSource(rows);
    const ac = new AbortController();
    ac.abort();
    let name = '';
    await s.window(0, 1, { sort: [] }, ac.signal).catch((e: Error) => (name = e.name));
    expect(name).to.equal('AbortError');
  });
});
