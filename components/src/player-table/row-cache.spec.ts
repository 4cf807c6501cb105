import { describe, expect, it } from '@pitboss/test/harness';
import { GeneratedDataSource, type DataQuery, type RowBase } from '@pitboss/sdk';
import { RowCache } from './row-cache.js';

interface Row extends RowBase {
  n: number;
}

function setup(count: number) {
  const source = new GeneratedDataSource<Row>({ count, row: (n) => ({ id: `r${n}`, n }) });
  const calls: { start: number; end: number; signal: AbortSignal | undefined }[] = [];
  const spied = {
    sortableKeys: source.sortableKeys,
    count: (q: DataQuery<unknown>, s?: AbortSignal) => source.count(q as DataQuery<never>, s),
    window: (a: number, b: number, q: DataQuery<unknown>, s?: AbortSignal) => {
      calls.push({ start: a, end: b, signal: s });
      return source.window(a, b, q as DataQuery<never>, s);
    },
    subscribe: source.subscribe.bind(source),
  };
  const events = { changed: 0, failed: [] as unknown[] };
  const cache = new RowCache<Row>({ rowsChanged: () => void events.changed++, rowsFailed: (e) => void events.failed.push(e) }, 64, 4);
  cache.reset(spied, { sort: [] }, count);
  return { cache, calls, events };
}

describe('RowCache', () => {
  it('coalesces the wants of one task into one window of whole blocks', async () => {
    const { cache, calls } = setup(10_000);
    cache.want(10, 20);
    cache.want(60, 70);
    cache.want(100, 110);
    await cache.idle();
    expect(calls.map((c) => [c.start, c.end])).to.deep.equal([[0, 128]]);
    expect(cache.get(100)?.n).to.equal(100);
    cache.want(0, 127);
    await cache.idle();
    expect(calls).to.have.length(1);
  });

  it('aborts requests whose blocks left the wanted range and ignores their late rows', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const signals: AbortSignal[] = [];
    const slow = {
      sortableKeys: 'all' as const,
      count: async () => 1_000_000,
      window: async (a: number, b: number, _q: DataQuery<unknown>, signal?: AbortSignal): Promise<Row[]> => {
        signals.push(signal!);
        await gate;
        return Array.from({ length: b - a }, (_, i) => ({ id: `r${a + i}`, n: a + i }));
      },
      subscribe: () => () => undefined,
    };
    const failed: unknown[] = [];
    const cache = new RowCache<Row>({ rowsChanged: () => undefined, rowsFailed: (e) => void failed.push(e) });
    cache.reset(slow, { sort: [] }, 1_000_000);
    cache.want(0, 20);
    await Promise.resolve();
    cache.want(20, 40);
    await Promise.resolve();
    expect(signals).to.have.length(1);
    cache.want(500_000, 500_020);
    await Promise.resolve();
    expect(signals.map((s) => s.aborted)).to.deep.equal([true, false]);
    release();
    await cache.idle();
    // The aborted window resolved anyway (this source ignores its signal); its rows were dropped.
    expect(cache.get(10)).to.equal(undefined);
    expect(cache.get(500_010)?.n).to.equal(500_010);
    expect(failed).to.deep.equal([]);
  });

  it('holds at most maxBlocks blocks however far it scrolls', async () => {
    const { cache } = setup(1_000_000);
    for (let i = 0; i < 100; i++) {
      cache.want(i * 5_000, i * 5_000 + 30);
      await cache.idle();
    }
    expect(cache.heldRows).to.be.at.most(4 * 64);
    expect(cache.get(99 * 5_000)?.n).to.equal(495_000);
    expect(cache.get(0)).to.equal(undefined);
  });

  it('replaces held rows by id and reports how many it held', async () => {
    const { cache } = setup(1000);
    cache.want(0, 10);
    await cache.idle();
    expect(cache.update([{ id: 'r3', n: -3 }, { id: 'r900', n: -900 }])).to.equal(1);
    expect(cache.get(3)?.n).to.equal(-3);
  });

  it('reports a failed window once, and nothing for an aborted one', async () => {
    const failing = {
      sortableKeys: 'all' as const,
      count: async () => 1000,
      window: async (_a: number, _b: number, _q: DataQuery<unknown>, signal?: AbortSignal): Promise<Row[]> => {
        await new Promise((r) => setTimeout(r, 5));
        if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
        throw new Error('shard down');
      },
      subscribe: () => () => undefined,
    };
    const failed: unknown[] = [];
    const cache = new RowCache<Row>({ rowsChanged: () => undefined, rowsFailed: (e) => void failed.push(e) });
    cache.reset(failing, { sort: [] }, 1000);
    cache.want(0, 10);
    await Promise.resolve();
    cache.want(900, 910);
    await cache.idle();
    expect(failed.map((e) => (e as Error).message)).to.deep.equal(['shard down']);
  });
});
