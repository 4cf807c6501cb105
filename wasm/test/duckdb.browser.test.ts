import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { DuckDBQueryError, QueryCancelledError } from '../src/errors.js';
import { openDuckDB, type DuckDBClient } from '../src/duckdb.client.js';
import { devDuckDBAssets } from '../src/dev-assets.js';

const duckdbTestAssets = devDuckDBAssets();

describe('DuckDB worker', () => {
  let db: DuckDBClient;

  beforeAll(async () => {
    db = await openDuckDB({ assets: duckdbTestAssets });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('round-trips Arrow: IPC in (transferred), SQL, IPC out', async () => {
    const n = 10_000;
    const players = Int32Array.from({ length: n }, (_, i) => i % 7);
    const stakes = Float64Array.from({ length: n }, (_, i) => (i % 13) + 0.5);
    const ipc = tableToIPC(tableFromArrays({ player_id: players, stake: stakes }), 'stream');
    const rows = await db.loadArrow('bets', ipc, { replace: true });
    expect(rows).to.equal(n);
    expect(ipc.byteLength, 'the input buffer was transferred, not copied').to.equal(0);

    const bytes = await db.query('SELECT player_id, sum(stake) AS total, count(*)::INTEGER AS bets FROM bets GROUP BY 1 ORDER BY 1');
    expect(bytes).to.be.instanceOf(Uint8Array);
    const out = tableFromIPC(bytes);
    expect(out.numRows).to.equal(7);
    const expected = new Map<number, number>();
    for (let i = 0; i < n; i++) expected.set(players[i]!, (expected.get(players[i]!) ?? 0) + stakes[i]!);
    for (const row of out) {
      expect(row.total).to.be.closeTo(expected.get(row.player_id)!, 1e-9);
    }
    expect(out.toArray().reduce((s, r) => s + r.bets, 0)).to.equal(n);
  });

  it('appends to an existing table unless asked to replace it', async () => {
    const t = tableFromArrays({ x: Int32Array.from([1, 2, 3]) });
    expect(await db.loadArrow('appendable', t, { replace: true })).to.equal(3);
    expect(await db.loadArrow('appendable', t)).to.equal(6);
    expect(await db.loadArrow('appendable', t, { replace: true })).to.equal(3);
  });

  it('loads CSV and rebuilds an Arrow Table on the main thread', async () => {
    const n = await db.loadCsv('players', 'id,name,balance\n1,Ana,10.5\n2,"Bo ""B""",-3\n3,Caro,0\n', { replace: true });
    expect(n).to.equal(3);
    const t = await db.queryTable('SELECT name, balance FROM players ORDER BY id');
    expect(t.getChild('name')?.toArray()).to.deep.equal(['Ana', 'Bo "B"', 'Caro']);
    expect(Array.from(t.getChild('balance')!.toArray() as Float64Array)).to.deep.equal([10.5, -3, 0]);
  });

  it('rebuilds a SQL syntax error with DuckDB message, SQL and stack', async () => {
    const sql = 'SELEC 1 FROM nowhere';
    const error: unknown = await db.query(sql).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DuckDBQueryError);
    const e = error as DuckDBQueryError;
    expect(e.name).to.equal('DuckDBQueryError');
    expect(e.message).to.match(/Parser Error: syntax error at or near "SELEC"/);
    expect(e.sql).to.equal(sql);
    expect(e.details).to.include({ exception_type: 'Parser', error_subtype: 'SYNTAX_ERROR' });
    expect(e.stack).to.contain('DuckDBQueryError: Parser Error');
    expect(e.stack, 'the worker-side frames').to.match(/duckdb\.engine\.ts/);
    expect(e.stack).to.contain('rethrown on the main thread');
    expect(e.cause).to.be.instanceOf(Error);
    // The connection is still usable afterwards.
    expect((await db.queryTable('SELECT 41 + 1 AS n')).getChild('n')?.get(0)).to.equal(42);
  });

  it('cancels a running query and stays usable', async () => {
    const started = performance.now();
    const running = db.query('SELECT sum(hash(i)) FROM range(20000000000) t(i)');
    await new Promise((r) => setTimeout(r, 300));
    expect(await db.cancel()).to.equal(true);
    const error = await running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(QueryCancelledError);
    expect(performance.now() - started).to.be.below(10_000);
    expect(await db.cancel(), 'nothing left to cancel').to.equal(false);
    expect((await db.queryTable('SELECT 7 AS n')).getChild('n')?.get(0)).to.equal(7);
  });

  it('reports engine, bundle, threads and why they are off', async () => {
    const d = await db.diagnostics();
    expect(d.engine).to.equal('duckdb-wasm');
    expect(d.bundle).to.equal('eh');
    expect(d.packageVersion).to.equal('1.32.0');
    expect(d.libraryVersion).to.match(/^v1\.\d+\.\d+/);
    expect(d.crossOriginIsolated).to.equal(globalThis.crossOriginIsolated);
    expect(d.threads).to.equal(1);
    expect(d.threadsOffReason).to.equal('page is not cross-origin isolated');
    expect(d.persistence).to.deep.equal({ path: ':memory:', persistent: false, reason: null });
    for (const url of Object.values(d.assets)) expect(new URL(url).origin, 'assets come from this origin, never a CDN').to.equal(location.origin);
  });
});

describe('DuckDB worker start-up', () => {
  it('rejects, instead of hanging, when the worker script cannot be loaded', async () => {
    const error = await openDuckDB({ assets: { ...duckdbTestAssets, worker: new URL('/wasm/missing.worker.js', location.href) } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/^worker pitboss-duckdb failed to start from .*missing\.worker\.js/);
  });
});

describe('DuckDB worker start-up, missing assets', () => {
  it('rejects when the WebAssembly is missing', async () => {
    const missing = new URL('/wasm/missing-duckdb.wasm', location.href).href;
    const error = await openDuckDB({ assets: { ...duckdbTestAssets, duckdbWasm: missing } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.equal(`DuckDB-WASM could not start from ${missing}: HTTP 404`);
  });

  it('rejects when DuckDB\'s own worker script is missing', async () => {
    const missing = new URL('/wasm/missing-duckdb.worker.js', location.href).href;
    const error = await openDuckDB({ assets: { ...duckdbTestAssets, duckdbWorker: missing } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(new RegExp(`^DuckDB-WASM could not start from ${missing.replaceAll('.', '\\.')}`));
  });
});

describe('DuckDB in OPFS', () => {

  it('keeps a loaded dataset across worker restarts', async () => {
    const path = `pitboss-test/${crypto.randomUUID()}.db`;
    const first = await openDuckDB({ assets: duckdbTestAssets, opfsPath: path });
    try {
      expect((await first.diagnostics()).persistence).to.deep.equal({ path: `opfs://${path}`, persistent: true, reason: null });
      const ids = Int32Array.from({ length: 5000 }, (_, i) => i);
      await first.loadArrow('kept', tableFromArrays({ id: ids, v: Float64Array.from(ids, (i) => i * 0.25) }));
    } finally {
      await first.close();
    }

    const second = await openDuckDB({ assets: duckdbTestAssets, opfsPath: path });
    try {
      const t = await second.queryTable('SELECT count(*)::INTEGER AS n, sum(v) AS s FROM kept');
      expect(t.getChild('n')?.get(0)).to.equal(5000);
      expect(t.getChild('s')?.get(0)).to.equal((4999 * 5000 * 0.25) / 2);
    } finally {
      await second.close();
      const root = await navigator.storage.getDirectory();
      await root.removeEntry('pitboss-test', { recursive: true });
    }
  });
});
