import { createHash } from 'node:crypto';

/**
 * A player's fixed position in [0, 1) for champion/challenger assignment:
 * the first 32 bits of SHA-256 over `tenant \0 player`. Separate from the
 * shard hash (core's `shardOf`) so the challenger's players are not one
 * shard's players. Stable across processes and releases.
 *
 * @example
 * challengerBucket('acme', 'p-17') < 0.1; // p-17 is in acme's 10 % challenger share
 */
export function challengerBucket(tenantId: string, playerId: string): number {
  return createHash('sha256').update(`${tenantId}\0${playerId}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Whether the challenger scores this player under `share` (0..1).
 *
 * @example
 * usesChallenger('acme', 'p-17', 0.1);
 */
export function usesChallenger(tenantId: string, playerId: string, share: number): boolean {
  return challengerBucket(tenantId, playerId) < share;
}
