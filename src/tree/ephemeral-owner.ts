/**
 * The stored ephemeralOwner field carries more than a session id: containers and
 * TTL nodes are marked by reserved high bits (ZooKeeper's EphemeralType).
 */
export const CONTAINER_OWNER = -0x8000000000000000n;
const EXTENDED_MASK = -0x0100000000000000n; // 0xff00000000000000 as a signed long
export const MAX_TTL = 0x000000ffffffffffn;

export type OwnerKind = 'persistent' | 'ephemeral' | 'container' | 'ttl';

export function ttlOwner(ttl: bigint): bigint {
  return EXTENDED_MASK | ttl;
}

/**
 * TTL owners are the extended marker (top byte 0xff) with the reserved bits clear
 * and a ttl in the low 40 bits: as signed longs, exactly [TTL_MIN, TTL_MAX].
 */
const TTL_MIN = EXTENDED_MASK;
const TTL_MAX = EXTENDED_MASK | MAX_TTL;

/**
 * Compares instead of masking: `owner & mask` makes a BigInt per call, and every
 * Stat of an ephemeral node asks (clientVisibleOwner).
 */
export function ownerKind(owner: bigint): OwnerKind {
  if (owner === 0n) return 'persistent';
  if (owner === CONTAINER_OWNER) return 'container';
  if (owner >= TTL_MIN && owner <= TTL_MAX) return 'ttl';
  return 'ephemeral';
}

export function ttlOf(owner: bigint): bigint {
  return owner & MAX_TTL;
}

/** What clients see in Stat.ephemeralOwner: only real session owners. */
export function clientVisibleOwner(owner: bigint): bigint {
  return ownerKind(owner) === 'ephemeral' ? owner : 0n;
}
