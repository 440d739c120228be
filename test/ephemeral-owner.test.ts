/**
 * The stored ephemeralOwner field's kinds (ZooKeeper's EphemeralType): ownerKind
 * compares ranges rather than masking, so its answers are checked against the
 * mask definition over edge values and many generated owners.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientVisibleOwner, CONTAINER_OWNER, MAX_TTL, ownerKind, ttlOf, ttlOwner, type OwnerKind } from '../src/tree/ephemeral-owner.js';

const EXTENDED = BigInt.asIntN(64, 0xff00000000000000n);
const RESERVED = 0x00ffff0000000000n;

/** The definition: top byte 0xff and the reserved bits clear make a TTL owner. */
function byMasks(owner: bigint): OwnerKind {
  if (owner === 0n) return 'persistent';
  if (owner === CONTAINER_OWNER) return 'container';
  if ((owner & EXTENDED) === EXTENDED && (owner & RESERVED) === 0n) return 'ttl';
  return 'ephemeral';
}

test('edge owners get the kind the masks give', () => {
  const cases: [bigint, OwnerKind][] = [
    [0n, 'persistent'],
    [CONTAINER_OWNER, 'container'],
    [CONTAINER_OWNER + 1n, 'ephemeral'],
    [ttlOwner(1n), 'ttl'],
    [ttlOwner(MAX_TTL), 'ttl'],
    [EXTENDED, 'ttl'],
    [ttlOwner(MAX_TTL) + 1n, 'ephemeral'],
    [EXTENDED - 1n, 'ephemeral'],
    [-1n, 'ephemeral'],
    [1n, 'ephemeral'],
    [0x0100000000000001n, 'ephemeral'],
    [(1n << 63n) - 1n, 'ephemeral'],
  ];
  for (const [owner, kind] of cases) {
    assert.equal(ownerKind(owner), kind, `0x${BigInt.asUintN(64, owner).toString(16)}`);
    assert.equal(byMasks(owner), kind, `definition for 0x${BigInt.asUintN(64, owner).toString(16)}`);
  }
  assert.equal(ttlOf(ttlOwner(12345n)), 12345n);
});

test('generated owners near and inside the TTL range agree with the masks', () => {
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 20000; i++) {
    x = BigInt.asUintN(64, x * 6364136223846793005n + 1442695040888963407n);
    const random = BigInt.asIntN(64, x);
    // Owners with the marker byte set and random bits below it, some reserved bits set.
    const marked = BigInt.asIntN(64, EXTENDED | (x >> 8n));
    const ttlLike = BigInt.asIntN(64, EXTENDED | (x & MAX_TTL));
    for (const owner of [random, marked, ttlLike]) assert.equal(ownerKind(owner), byMasks(owner));
  }
});

test('clients see only session owners', () => {
  assert.equal(clientVisibleOwner(0x0100000000000001n), 0x0100000000000001n);
  assert.equal(clientVisibleOwner(ttlOwner(1000n)), 0n);
  assert.equal(clientVisibleOwner(CONTAINER_OWNER), 0n);
  assert.equal(clientVisibleOwner(0n), 0n);
});
