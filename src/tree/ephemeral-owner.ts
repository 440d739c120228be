/**
 * The stored ephemeralOwner field carries more than a session id: containers and
 * TTL nodes are marked by reserved high bits (ZooKeeper's EphemeralType).
 */
export const CONTAINER_OWNER = -0x8000000000000000n;
const EXTENDED_MASK = -0x0100000000000000n; // 0xff00000000000000 as a signed long
const RESERVED_MASK = 0x00ffff0000000000n;
export const MAX_TTL = 0x000000ffffffffffn;

export type OwnerKind = 'persistent' | 'ephemeral' | 'container' | 'ttl';

export function ttlOwner(ttl: bigint): bigint {
  return EXTENDED_MASK | ttl;
}

export function ownerKind(owner: bigint): OwnerKind {
  if (owner === 0n) return 'persistent';
  if (owner === CONTAINER_OWNER) return 'container';
  if ((owner & EXTENDED_MASK) === EXTENDED_MASK && (owner & RESERVED_MASK) === 0n) return 'ttl';
  return 'ephemeral';
}

export function ttlOf(owner: bigint): bigint {
  return owner & MAX_TTL;
}

/** What clients see in Stat.ephemeralOwner: only real session owners. */
export function clientVisibleOwner(owner: bigint): bigint {
  return ownerKind(owner) === 'ephemeral' ? owner : 0n;
}
