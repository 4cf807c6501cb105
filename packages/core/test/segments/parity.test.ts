import { compileSegment } from '../../src/segments/compile.js';
import { AS_OF, FIELDS_FOR_TESTS, generate } from './data.js';
import { duckdbSegmentEngine, postgresSegmentEngine } from './engines.js';
import type { SegmentEngine } from './engines.js';
import { Oracle } from './oracle.js';

const data = generate();
let engines: SegmentEngine[] = [];
beforeAll(async () => {
  engines = await Promise.all([postgresSegmentEngine('parity'), duckdbSegmentEngine()]);
  await Promise.all(engines.map((e) => e.load(data)));
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

it('loads', async () => {
  for (const e of engines) console.log(e.dialect, await e.exec('select count(*) as n from events'));
  const seg = { all: [{ field: 'country', op: 'eq', value: 'BR' }] };
  const oracle = new Oracle(data, FIELDS_FOR_TESTS, AS_OF);
  for (const e of engines) {
    const c = compileSegment(seg, { dialect: e.dialect, fields: FIELDS_FOR_TESTS, asOf: AS_OF, tenantId: 't1' });
    console.log(e.dialect, (await e.query(c.members())).length, oracle.members(c.segment, 't1').length);
  }
});
