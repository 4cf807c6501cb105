import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { MASK, maskPersonalData, respondJson } from '../../src/app/masking.js';
import { requestId } from '../../src/app/request-id.js';
import { securityHeaders } from '../../src/app/security-headers.js';
import type { AppEnv, Principal } from '../../src/app/types.js';

/**
 * `respondJson` masks JSON for the caller's role before it is serialised
 * (the fast path, over the request's plain header record), and
 * `maskPersonalData` masks every other response from its bytes. Both must
 * write the same body for the same value: each value below is answered both
 * ways to an analyst and the bodies compared.
 */

const when = new Date('2026-03-01T12:00:00.000Z');
const VALUES: Record<string, unknown> = {
  player: {
    player_id: 'p1',
    personal: { first_name: 'Ana', email: 'ana@example.com', extra: { phone: '+5511912345678', n: 3 } },
    features: { net_loss_30d: 1200, stake_cv_30d: null },
    recent_events: [
      { event_id: 'e1', type: 'session.started', payload: { ip: '10.0.0.1', device: 'app', user_agent: 'x' } },
      { event_id: 'e2', type: 'rg.interaction', payload: { note: 'called the player', level: 'high' } },
    ],
  },
  'personal null and absent values': { player_id: 'p2', personal: null, email: null, phone: undefined, tags: ['a', null] },
  'dead letters (raw masked whole)': { items: [{ line: 3, raw: '{"email":"a@b.co"', issues: [{ pointer: '', message: 'malformed' }] }] },
  'toJSON and dates': { at: when, personal: { email: when, since: { toJSON: () => ({ phone: '+5511912345678' }) } }, nested: { toJSON: () => ({ email: 'x@y.z' }) } },
  'arrays at the top': [{ email: 'a@b.co' }, { id: 1 }, [{ ip: '::1' }]],
  'numbers and booleans under personal keys': { phone: 5511912345678, email: true, ip: Number.NaN, note: 0 },
  'nothing personal': { items: [{ player_id: 'p1', amount_minor: 100 }], next_cursor: null },
};

function app(role: Principal['role'], options: { headers: boolean } = { headers: true }): Hono<AppEnv> {
  const a = new Hono<AppEnv>();
  if (options.headers) a.use('*', requestId(), securityHeaders());
  a.use('*', async (c, next) => {
    c.set('principal', { tenant: 't', role, keyId: 'k' } as Principal);
    await next();
  });
  a.use('*', maskPersonalData());
  a.get('/json/:name', (c) => respondJson(c, VALUES[c.req.param('name')], 200));
  a.get('/c-json/:name', (c) => c.json(VALUES[c.req.param('name')] as object, 200, { etag: '"v1"' }));
  a.get('/bytes/:name', (c) => new Response(JSON.stringify(VALUES[c.req.param('name')]), { headers: { 'content-type': 'application/json', etag: '"v1"' } }));
  return a;
}

describe('masking JSON answered with respondJson (fast path), with c.json and as bytes', () => {
  const analyst = app('analyst');
  const bare = app('analyst', { headers: false });
  for (const name of Object.keys(VALUES)) {
    it(`writes the same masked body every way: ${name}`, async () => {
      const fast = await analyst.request(`/json/${encodeURIComponent(name)}`);
      const slow = await analyst.request(`/bytes/${encodeURIComponent(name)}`);
      const body = await fast.text();
      expect(body).toBe(await slow.text());
      expect(await (await analyst.request(`/c-json/${encodeURIComponent(name)}`)).text()).toBe(body);
      // Without securityHeaders there is no header record: respondJson answers with c.json, masked from its bytes.
      expect(await (await bare.request(`/json/${encodeURIComponent(name)}`)).text()).toBe(body);
      for (const res of [fast, slow]) {
        expect(res.headers.get('content-type')).toBe('application/json');
        expect(res.headers.get('vary')).toBe('authorization');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
        expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(slow.headers.get('etag')).toBe('"v1"');
      for (const secret of ['Ana', 'ana@example.com', '+5511912345678', '10.0.0.1', 'called the player', 'a@b.co', 'x@y.z', '::1', when.toISOString()]) {
        if (!(name === 'toJSON and dates' && secret === when.toISOString())) expect(body).not.toContain(secret);
      }
    });
  }

  it('masks what it must and keeps everything else (values, shape, nulls); respondJson never parses back', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const res = await analyst.request('/json/player');
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    const body = (await res.json()) as { player_id: string; personal: Record<string, unknown>; features: unknown; recent_events: { payload: Record<string, unknown> }[] };
    expect(body.player_id).toBe('p1');
    expect(body.personal).toEqual({ first_name: MASK, email: MASK, extra: { phone: MASK, n: MASK } });
    expect(body.features).toEqual({ net_loss_30d: 1200, stake_cv_30d: null });
    expect(body.recent_events[0]!.payload).toEqual({ ip: MASK, device: 'app', user_agent: MASK });
    expect(body.recent_events[1]!.payload).toEqual({ note: MASK, level: 'high' });
    const dated = (await (await analyst.request(`/json/${encodeURIComponent('toJSON and dates')}`)).json()) as Record<string, unknown>;
    expect(dated).toEqual({ at: when.toISOString(), personal: { email: MASK, since: { phone: MASK } }, nested: { email: MASK } });
    // The handler's value is never changed in place.
    expect((VALUES.player as { personal: { email: string } }).personal.email).toBe('ana@example.com');
  });

  it('leaves responses to a role that may read personal data as they are', async () => {
    for (const path of ['/json/player', '/c-json/player']) {
      const res = await app('admin').request(path);
      expect(await res.text()).toBe(JSON.stringify(VALUES.player));
      expect(res.headers.get('vary')).toBeNull();
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});
