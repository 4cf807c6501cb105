import { describe, expect, it, runtime } from '@pitboss/test/harness';
import { EVENT_EXAMPLES, EVENT_TYPES, isStorableText, parseEvent } from '@pitboss/core';
import type { EventIssue } from '@pitboss/core';

const NOW = Date.parse('2026-03-10T00:00:00Z');
const bet = EVENT_EXAMPLES['bet.placed'];

function issues(input: unknown): EventIssue[] {
  const r = parseEvent(input, { now: NOW });
  if (r.ok) throw new Error(`expected a rejection of ${JSON.stringify(input)}`);
  return r.issues;
}

function pointers(input: unknown): string[] {
  return issues(input).map((i) => i.pointer);
}

describe(`event schema (${runtime})`, () => {
  it('has an example of every event type', () => {
    expect(Object.keys(EVENT_EXAMPLES).sort()).to.deep.equal([...EVENT_TYPES].sort());
  });

  for (const type of EVENT_TYPES) {
    it(`accepts the ${type} example`, () => {
      const r = parseEvent(EVENT_EXAMPLES[type], { now: NOW });
      expect(r.ok, JSON.stringify(r)).to.equal(true);
      if (r.ok) expect(r.event.type).to.equal(type);
    });
  }

  it('applies defaults', () => {
    const { bonus_stake_minor: _b, live: _l, ...minimal } = bet;
    const r = parseEvent(minimal, { now: NOW });
    expect(r.ok).to.equal(true);
    if (r.ok && r.event.type === 'bet.placed') {
      expect(r.event.bonus_stake_minor).to.equal(0);
      expect(r.event.live).to.equal(false);
    }
  });

  it('accepts a timestamp with a numeric offset or Z, and one just inside the clock skew', () => {
    expect(parseEvent({ ...bet, occurred_at: '2026-03-09T21:00:00+05:30' }, { now: NOW }).ok).to.equal(true);
    expect(parseEvent({ ...bet, occurred_at: '2026-03-10T00:04:00Z' }, { now: NOW }).ok).to.equal(true);
  });

  it('rejects wrong types at their pointer', () => {
    expect(pointers({ ...bet, stake_minor: '2500' })).to.deep.equal(['/stake_minor']);
    expect(pointers({ ...bet, live: 'yes' })).to.deep.equal(['/live']);
    expect(pointers({ ...bet, legs: [{ ...bet.legs[0], odds: '2.1' }] })).to.deep.equal(['/legs/0/odds']);
    expect(pointers({ ...EVENT_EXAMPLES['player.updated'], profile: { birth_year: '1994' } })).to.deep.equal(['/profile/birth_year']);
  });

  it('rejects text Postgres cannot store (NUL, unpaired surrogates) at its pointer', () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udfffy']) {
      expect(pointers({ ...bet, legs: [{ ...bet.legs[0], sport: bad }] })).to.deep.equal(['/legs/0/sport']);
      expect(pointers({ ...bet, attributes: { note: bad } })).to.deep.equal(['/attributes/note']);
    }
    expect(isStorableText('😀 ok')).to.equal(true);
    expect(isStorableText('\ud83d')).to.equal(false);
  });

  it('rejects an unknown event type', () => {
    const [issue] = issues({ ...bet, type: 'bet.voided' });
    expect(issue?.pointer).to.equal('/type');
    expect(issue?.message).to.match(/unknown event type "bet\.voided"/);
  });

  it('rejects an unknown or missing schema version', () => {
    expect(issues({ ...bet, schema_version: 2 })).to.deep.equal([{ pointer: '/schema_version', message: 'unsupported schema_version 2; supported: 1' }]);
    const { schema_version: _v, ...noVersion } = bet;
    expect(pointers(noVersion)).to.deep.equal(['/schema_version']);
  });

  it('rejects a missing player_id', () => {
    const { player_id: _p, ...noPlayer } = bet;
    expect(pointers(noPlayer)).to.deep.equal(['/player_id']);
    expect([...new Set(pointers({ ...bet, player_id: '' }))]).to.deep.equal(['/player_id']);
  });

  it('rejects a timestamp far in the future', () => {
    const [issue] = issues({ ...bet, occurred_at: '2026-03-10T01:00:00Z' });
    expect(issue?.pointer).to.equal('/occurred_at');
    expect(issue?.message).to.match(/future/);
  });

  it('rejects a timestamp without an offset', () => {
    expect(pointers({ ...bet, occurred_at: '2026-03-01T20:41:10' })).to.deep.equal(['/occurred_at']);
    expect(pointers({ ...bet, occurred_at: '1 March 2026' })).to.deep.equal(['/occurred_at']);
  });

  it('rejects negative and fractional money', () => {
    expect(issues({ ...bet, stake_minor: -1 })).to.deep.equal([{ pointer: '/stake_minor', message: 'must not be negative' }]);
    expect(pointers({ ...bet, stake_minor: 25.5 })).to.deep.equal(['/stake_minor']);
    expect(pointers({ ...EVENT_EXAMPLES.payment, amount_minor: -5000 })).to.deep.equal(['/amount_minor']);
  });

  it('rejects a currency that is not ISO 4217', () => {
    expect(pointers({ ...bet, currency: 'XYZ' })).to.deep.equal(['/currency']);
    expect(pointers({ ...bet, currency: 'brl' })).to.deep.equal(['/currency']);
    expect(pointers({ ...EVENT_EXAMPLES['player.updated'], profile: { country: 'UK' } })).to.deep.equal(['/profile/country']);
  });

  it('rejects what is not an event object', () => {
    for (const input of [null, 42, 'text', [bet]]) expect(pointers(input)).to.deep.equal(['']);
  });

  it('escapes pointer segments (RFC 6901)', () => {
    const r = issues({ ...bet, attributes: { 'a/b': { nested: true } } });
    expect(r[0]?.pointer).to.equal('/attributes/a~1b');
  });
});
