import { describe, expect, it, runtime } from '@pitboss/test/harness';
import { SHARD_COUNT, fmix32, fnv1a32, shardOf } from '@pitboss/core';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe(`shardOf (${runtime})`, () => {
  it('uses FNV-1a 32 as published', () => {
    expect(fnv1a32(utf8(''))).to.equal(0x811c9dc5);
    expect(fnv1a32(utf8('a'))).to.equal(0xe40c292c);
    expect(fnv1a32(utf8('foobar'))).to.equal(0xbf9cf968);
  });

  it('uses the murmur3 finalizer', () => {
    expect(fmix32(0)).to.equal(0);
    expect(fmix32(1)).to.equal(0x514e28b7);
  });

  // Computed independently (Python, over the UTF-8 bytes); a change here moves players between shards.
  const VECTORS: [string, string, number][] = [
    ['acme', 'player-42', 61],
    ['acme', 'PLAYER-42', 101],
    ['t1', 'p1', 28],
    ['', '', 27],
    ['acme', 'jogador-ção', 18],
    ['東京', 'プレイヤー1', 121],
    ['tenant', '😀', 103],
    ['a', '\u0000b', 50],
  ];
  for (const [tenant, player, shard] of VECTORS) {
    it(`maps ${JSON.stringify([tenant, player])} to ${shard}`, () => {
      expect(shardOf(tenant, player)).to.equal(shard);
    });
  }

  it('spreads players roughly uniformly over 256 shards', () => {
    const n = 100_000;
    const counts = new Array<number>(SHARD_COUNT).fill(0);
    for (let i = 0; i < n; i++) counts[shardOf('acme', `player-${i}`)]! += 1;
    const expected = n / SHARD_COUNT;
    const chi2 = counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
    // 255 degrees of freedom: mean 255, sd ≈ 22.6; 255 + 5 sd is far in the tail.
    expect(chi2).to.be.lessThan(370);
    expect(Math.min(...counts)).to.be.greaterThan(expected * 0.75);
    expect(Math.max(...counts)).to.be.lessThan(expected * 1.25);
  });

  it('hashes the UTF-8 bytes of tenant, NUL, player, whatever the characters', () => {
    let seed = 5;
    const rand = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
    const alphabet = ['a', 'Z', '0', '-', '~', '\u0000', '\u007f', '\u0080', 'é', 'ção', '日', '😀', '\ud800'];
    const word = () => Array.from({ length: Math.floor(rand() * 12) }, () => (rand() < 0.8 ? String.fromCharCode(0x21 + Math.floor(rand() * 94)) : alphabet[Math.floor(rand() * alphabet.length)]!)).join('');
    for (let i = 0; i < 5000; i++) {
      const [tenant, player] = [word(), word()];
      expect(shardOf(tenant, player), JSON.stringify([tenant, player])).to.equal(fmix32(fnv1a32(new TextEncoder().encode(`${tenant}\u0000${player}`))) % 256);
    }
  });

  it('keeps tenants apart', () => {
    let same = 0;
    for (let i = 0; i < 10_000; i++) if (shardOf('acme', `p${i}`) === shardOf('bolt', `p${i}`)) same++;
    // Independent shards agree 1 time in 256 (≈ 39 of 10 000).
    expect(same).to.be.lessThan(80);
  });
});
