import { describe, it, expect } from 'vitest';
import { LiveBus } from '../../src/app/live.js';
import type { LiveListener, LiveMessage } from '../../src/app/live.js';

/**
 * `LiveBus.publishAll` against `publish` one message at a time: the same ids,
 * the same replay after any `Last-Event-ID`, the same resets, whether or not
 * someone listens while the batch is published (nobody listening: messages
 * are kept deferred, only the newest `replay` of them).
 */

const seq = (m: LiveMessage) => Number(m.id.split('-').at(-1));
const quiet: LiveListener = { message: () => {}, closed: () => {} };

function feed(bus: LiveBus, batches: number[][], all: boolean, listen: boolean): LiveMessage[] {
  const seen: LiveMessage[] = [];
  const sub = listen ? bus.subscribe('t', { message: (m) => seen.push(m), closed: () => {} }) : null;
  for (const batch of batches) {
    if (all) bus.publishAll('t', 'event', batch, (n) => ({ n, sq: n * n }));
    else for (const n of batch) bus.publish('t', 'event', { n, sq: n * n });
  }
  sub?.unsubscribe();
  return seen;
}

describe('LiveBus.publishAll', () => {
  const batches = [[1, 2, 3], [4], Array.from({ length: 17 }, (_, i) => 5 + i), [22, 23], Array.from({ length: 8 }, (_, i) => 24 + i), [32]];

  for (const listen of [false, true]) {
    it(`replays and resets as publish() does (${listen ? 'with' : 'without'} a subscriber during the batches)`, () => {
      const one = new LiveBus({ replay: 8 });
      const many = new LiveBus({ replay: 8 });
      const seenOne = feed(one, batches, false, listen);
      const seenMany = feed(many, batches, true, listen);
      expect(seenMany.map((m) => [seq(m), m.kind, m.data])).toEqual(seenOne.map((m) => [seq(m), m.kind, m.data]));
      for (let last = 0; last <= 33; last++) {
        const a = one.subscribe('t', quiet, `${one.epoch}-${last}`);
        const b = many.subscribe('t', quiet, `${many.epoch}-${last}`);
        expect(b.reset, `last ${last}`).toBe(a.reset);
        expect(b.replay.map((m) => [seq(m), m.kind, m.data]), `last ${last}`).toEqual(a.replay.map((m) => [seq(m), m.kind, m.data]));
        expect(b.head?.split('-').at(-1)).toBe(a.head?.split('-').at(-1));
        a.unsubscribe();
        b.unsubscribe();
      }
      expect(one.subscribe('t', quiet, `${one.epoch}-24`).replay.map((m) => JSON.parse(m.data).n)).toEqual([25, 26, 27, 28, 29, 30, 31, 32]);
    });
  }

  it('a deferred message converts its item once, when first read', () => {
    const bus = new LiveBus({ replay: 4 });
    let calls = 0;
    bus.publishAll('t', 'event', [1, 2, 3, 4, 5, 6], (n) => (calls++, { n }));
    expect(calls).toBe(0);
    const { replay } = bus.subscribe('t', quiet, `${bus.epoch}-3`);
    expect(replay.map((m) => m.data)).toEqual(['{"n":4}', '{"n":5}', '{"n":6}']);
    expect(replay.map((m) => m.data)).toEqual(['{"n":4}', '{"n":5}', '{"n":6}']);
    expect(calls).toBe(3);
  });

  it('forwards every message while a relay is attached', () => {
    const bus = new LiveBus({ replay: 2 });
    const forwarded: unknown[] = [];
    bus.forward = (_tenant, _kind, data) => forwarded.push(data);
    bus.publishAll('t', 'event', [1, 2, 3, 4, 5], (n) => ({ n }));
    expect(forwarded).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
  });
});
