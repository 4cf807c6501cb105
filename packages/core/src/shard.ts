/**
 * Logical shard of a player: `shardOf(tenantId, playerId)` in `0..255`.
 *
 * The hash is fixed forever (changing it would move every player):
 *
 *     bytes = UTF-8(tenantId + "\u0000" + playerId)
 *     h     = FNV-1a 32-bit(bytes)                       offset basis 0x811c9dc5, prime 0x01000193
 *     h     = murmur3 fmix32(h)                          so the low bits depend on every input bit
 *     shard = h mod 256
 *
 * Only `TextEncoder` and `Math.imul`: the same result in browsers, workers,
 * Node and any other JavaScript runtime, and easy to port to SQL or Go.
 */
export const SHARD_COUNT = 256;

const encoder = new TextEncoder();

/**
 * FNV-1a, 32 bits, over bytes.
 *
 * @example
 * fnv1a32(new TextEncoder().encode('foobar')) // 0xbf9cf968
 */
export function fnv1a32(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

/**
 * The murmur3 32-bit finalizer: a bijection on 32-bit integers with full avalanche.
 *
 * @example
 * fmix32(0) // 0
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The logical shard (0..255) that holds every row about a player.
 *
 * @example
 * shardOf('acme', 'player-42') // 61, in every runtime
 */
export function shardOf(tenantId: string, playerId: string): number {
  if (typeof tenantId !== 'string' || typeof playerId !== 'string') throw new TypeError('shardOf: tenantId and playerId must be strings');
  // ASCII (every id the event schema accepts) is its own UTF-8: hash the code units without encoding.
  let h = asciiFnv1a(tenantId, 0x811c9dc5);
  if (h !== -1) h = asciiFnv1a(playerId, Math.imul(h, 0x01000193)); // the 0x00 separator: h ^ 0 = h
  if (h === -1) return fmix32(fnv1a32(encoder.encode(`${tenantId}\u0000${playerId}`))) % SHARD_COUNT;
  return fmix32(h) % SHARD_COUNT;
}

/** FNV-1a steps over an ASCII string from state `h`; -1 when it holds a non-ASCII character. */
function asciiFnv1a(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}
