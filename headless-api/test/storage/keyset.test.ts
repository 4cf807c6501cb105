import { describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../../src/storage/index.js';
import { comparePositions, decodeCursor, encodeCursor, mergeSorted, sortSpec } from '../../src/storage/keyset.js';

describe('keyset pagination pieces', () => {
  it('round-trips a cursor for its own sort and order only', () => {
    const at = { value: '2025-01-01T00:00:00.000001Z', playerId: 'p9' };
    const c = encodeCursor('last_event_at', 'desc', at);
    expect(decodeCursor(c, 'last_event_at', 'desc')).toEqual(at);
    expect(() => decodeCursor(c, 'last_event_at', 'asc')).toThrow(InvalidQueryError);
    expect(() => decodeCursor(c, 'player_id', 'desc')).toThrow(InvalidQueryError);
    expect(() => decodeCursor('%%%', 'player_id', 'desc')).toThrow(InvalidQueryError);
    expect(() => decodeCursor(Buffer.from('{"s":"player_id","o":"asc","v":1,"p":"x"}').toString('base64url'), 'player_id', 'asc')).toThrow(InvalidQueryError);
  });

  it('orders NULL last, numbers numerically, ties by player id', () => {
    const pos = (value: string | null, playerId: string) => ({ value, playerId });
    const sorted = [pos(null, 'a'), pos('10', 'b'), pos('9', 'c'), pos('9', 'a'), pos('-1.5', 'z')].sort((x, y) => comparePositions('number', x, y));
    expect(sorted).toEqual([pos('-1.5', 'z'), pos('9', 'a'), pos('9', 'c'), pos('10', 'b'), pos(null, 'a')]);
  });

  it('merges sorted pages into one sorted page of at most limit items', () => {
    expect(mergeSorted([[1, 4, 9], [2, 3], [], [5]], (a, b) => a - b, 4)).toEqual([1, 2, 3, 4]);
    expect(mergeSorted([[1], [2]], (a, b) => a - b, 10)).toEqual([1, 2]);
  });

  it('sorts only on whitelisted keys', () => {
    expect(sortSpec('net_loss_30d')).toMatchObject({ column: 'f.net_loss_30d', kind: 'number', sqlType: 'bigint' });
    expect(() => sortSpec('email')).toThrow(InvalidQueryError);
    expect(() => sortSpec('player_id; DROP TABLE players')).toThrow(InvalidQueryError);
  });
});
