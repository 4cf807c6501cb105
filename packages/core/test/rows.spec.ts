import { describe, expect, it, runtime } from '@pitboss/test/harness';
import { EVENT_COLUMNS, EVENT_EXAMPLES, EVENT_TYPES, parseEvent, toEventRow } from '@pitboss/core';
import type { Event, EventInput } from '@pitboss/core';

const NOW = Date.parse('2026-03-10T00:00:00Z');

function valid(input: EventInput): Event {
  const r = parseEvent(input, { now: NOW });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.event;
}

const PERSONAL_VALUES = ['Ana', 'Souza', 'ana@example.com', '+5511912345678', '203.0.113.7'];

describe(`toEventRow (${runtime})`, () => {
  for (const type of EVENT_TYPES) {
    it(`flattens ${type} into exactly the storage columns, without personal data in the payload`, () => {
      const { row } = toEventRow(valid(EVENT_EXAMPLES[type]));
      expect(Object.keys(row).sort()).to.deep.equal([...EVENT_COLUMNS].sort());
      expect(row.type).to.equal(type);
      const payload = JSON.stringify(row.payload);
      for (const v of PERSONAL_VALUES) expect(payload, `${type} payload`).to.not.contain(v);
      expect(row.payload).to.not.have.property('personal');
      expect(row.payload).to.not.have.property('ip');
    });
  }

  it('returns the personal data of a profile update apart', () => {
    const { row, personal } = toEventRow(valid(EVENT_EXAMPLES['player.updated']));
    expect(personal).to.deep.equal({ first_name: 'Ana', last_name: 'Souza', email: 'ana@example.com', phone: '+5511912345678' });
    const profile = (row.payload as { profile: Record<string, unknown> }).profile;
    expect(profile.country).to.equal('BR');
    expect(profile).to.not.have.property('personal');
  });

  it('keeps the session IP only in its erasable column', () => {
    const { row, personal } = toEventRow(valid(EVENT_EXAMPLES['session.started']));
    expect(row.ip).to.equal('203.0.113.7');
    expect(personal).to.equal(null);
    expect(row.method).to.equal('mobile');
    expect(row.ref_id).to.equal('ses-77');
  });

  it('maps wagers: stake, bonus, live, product', () => {
    const { row } = toEventRow(valid(EVENT_EXAMPLES['bet.placed']));
    expect(row).to.deep.include({
      product: 'sportsbook', amount_minor: 2500, bonus_minor: 500, currency: 'BRL', method: 'multi', live: true, ref_id: 'bet-9001',
    });
    const round = toEventRow(valid(EVENT_EXAMPLES['casino.round'])).row;
    expect(round).to.deep.include({ product: 'casino', amount_minor: 100, win_minor: 0, method: 'slots', live: false, ref_id: 'rnd-5551' });
    const live = toEventRow(valid({ ...EVENT_EXAMPLES['casino.round'], game_type: 'live_casino' })).row;
    expect(live).to.deep.include({ product: 'live_casino', live: true });
  });

  it('marks a bet live when any leg is live', () => {
    const legs = EVENT_EXAMPLES['bet.placed'].legs;
    const { row } = toEventRow(valid({ ...EVENT_EXAMPLES['bet.placed'], live: false, legs: [{ ...legs[0]!, live: true }] }));
    expect(row.live).to.equal(true);
  });

  it('maps payments and settlements', () => {
    expect(toEventRow(valid(EVENT_EXAMPLES.payment)).row).to.deep.include({
      amount_minor: 5000, currency: 'BRL', status: 'approved', direction: 'deposit', method: 'pix', ref_id: 'pay-301',
    });
    expect(toEventRow(valid(EVENT_EXAMPLES['bet.settled'])).row).to.deep.include({
      product: 'sportsbook', amount_minor: 10500, win_minor: 10500, status: 'won', ref_id: 'bet-9001',
    });
  });

  it('derives the direction of a limit change', () => {
    const base = EVENT_EXAMPLES['limit.changed'];
    const dir = (old_value: number | null, new_value: number | null): string | null =>
      toEventRow(valid({ ...base, old_value, new_value })).row.direction;
    expect(dir(100, 200)).to.equal('increase');
    expect(dir(200, 100)).to.equal('decrease');
    expect(dir(null, 100)).to.equal('set');
    expect(dir(100, null)).to.equal('removed');
    expect(dir(100, 100)).to.equal('unchanged');
    expect(toEventRow(valid(base)).row).to.deep.include({ amount_minor: 100000, status: 'deposit', method: 'month' });
  });
});
