import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitbossApiError, PitbossClient, apiKey } from '@pitboss/sdk';
import type { LiveMessage, LiveStream } from '@pitboss/sdk';
import { deposit, ingestInProcess, registered, startApi } from './api-server.js';
import type { ApiServer } from './api-server.js';

/** Collects a stream's messages; `until(n)` waits for the n-th. */
function collect(live: LiveStream): { messages: LiveMessage[]; until(n: number, ms?: number): Promise<LiveMessage[]> } {
  const messages: LiveMessage[] = [];
  const waiters: (() => void)[] = [];
  live.subscribe((m) => {
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  return {
    messages,
    async until(n, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`got ${messages.length} of ${n} messages: ${JSON.stringify(messages)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      return messages;
    },
  };
}

async function state(live: LiveStream, want: LiveStream['state'], ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (live.state !== want) {
    if (Date.now() > deadline) throw new Error(`state ${live.state}, wanted ${want}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const playerIds = (ms: LiveMessage[]) => ms.filter((m) => m.event === 'event').map((m) => (m.event === 'event' ? m.data.player_id : ''));

describe('client.live() against the real /v1/stream', () => {
  let api: ApiServer;
  let admin: string;
  let client: PitbossClient;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.key('admin');
    client = new PitbossClient({ baseUrl: api.url, auth: apiKey(admin) });
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it('delivers committed events as typed messages with ids', async () => {
    const live = client.live();
    const got = collect(live);
    await state(live, 'open');
    await client.ingestEvents([registered('a-1'), deposit('a-1', 1234), registered('a-2')]);
    const ms = await got.until(3);
    expect(playerIds(ms)).toEqual(['a-1', 'a-1', 'a-2']);
    const pay = ms[1]!;
    expect(pay.event).toBe('event');
    if (pay.event === 'event') expect(pay.data).toMatchObject({ type: 'payment', amount_minor: 1234, direction: 'deposit', currency: 'EUR' });
    expect(live.lastEventId).toBe(ms[2]!.id);
    expect(new Set(ms.map((m) => m.id)).size).toBe(3);
    live.close();
    await live.done;
    expect(live.state).toBe('closed');
  });

  it('resumes from lastEventId in a new session: exactly the missed events, in order', async () => {
    const first = client.live();
    const got = collect(first);
    await state(first, 'open');
    await client.ingestEvents([registered('b-1')]);
    await got.until(1);
    first.close();
    await first.done;
    await client.ingestEvents([registered('b-2'), registered('b-3')]);
    const second = client.live({ lastEventId: first.lastEventId });
    const got2 = collect(second);
    expect(playerIds(await got2.until(2))).toEqual(['b-2', 'b-3']);
    second.close();
  });

  it('reconnects with backoff after the connection is cut and resumes without loss or repeats', async () => {
    const live = client.live({ backoff: { baseDelayMs: 50, maxDelayMs: 200 } });
    const got = collect(live);
    const states: string[] = [];
    live.onState((s) => states.push(s));
    await state(live, 'open');
    await client.ingestEvents([registered('c-1')]);
    await got.until(1);
    await api.stopListener();
    // Committed while no listener is up: the client cannot be connected, so only a resume can deliver these.
    await ingestInProcess(api, admin, [registered('c-2'), registered('c-3')]);
    await new Promise((r) => setTimeout(r, 300));
    await api.startListener();
    await client.ingestEvents([registered('c-4')]);
    expect(playerIds(await got.until(4))).toEqual(['c-1', 'c-2', 'c-3', 'c-4']);
    expect(states).toContain('reconnecting');
    expect(live.state).toBe('open');
    live.close();
  });

  it('sends reset for an id it cannot resume from, then follows on', async () => {
    const live = client.live({ lastEventId: 'not-an-id' });
    const got = collect(live);
    const [first] = await got.until(1);
    expect(first!.event).toBe('reset');
    if (first!.event === 'reset') expect(first!.data).toMatchObject({ reason: 'unknown-id', last_event_id: 'not-an-id' });
    await client.ingestEvents([registered('d-1')]);
    expect(playerIds(await got.until(2))).toEqual(['d-1']);
    live.close();
  });

  it('stops for good on 401 and reports the error', async () => {
    const bad = new PitbossClient({ baseUrl: api.url, auth: apiKey('pb_revoked_or_unknown_key') });
    const live = bad.live();
    const errors: unknown[] = [];
    live.onError((e) => errors.push(e));
    await live.done;
    expect(live.state).toBe('closed');
    expect(live.error).toBeInstanceOf(PitbossApiError);
    expect(errors).toEqual([live.error]);
    expect((live.error as PitbossApiError).status).toBe(401);
  });

  it('closes when its signal aborts', async () => {
    const ac = new AbortController();
    const live = client.live({ signal: ac.signal });
    await state(live, 'open');
    ac.abort();
    await live.done;
    expect(live.state).toBe('closed');
  });
});
