/**
 * Session passwords as Apache ZooKeeper derives them: java.util.Random seeded
 * with (sessionId ^ 0xB3415C00), 16 bytes of nextBytes. Being deterministic,
 * any server of an ensemble (zkts or ZooKeeper) can check a client's password.
 */
const SUPER_SECRET = 0xb3415c00n;
const MULTIPLIER = 0x5deece66dn;
const MASK48 = (1n << 48n) - 1n;

export const PASSWORD_LENGTH = 16;

function javaRandomBytes(seed: bigint, length: number): Buffer {
  let state = (seed ^ MULTIPLIER) & MASK48;
  const out = Buffer.alloc(length);
  let i = 0;
  while (i < length) {
    state = (state * MULTIPLIER + 0xbn) & MASK48;
    let rnd = Number(BigInt.asIntN(32, state >> 16n));
    for (let n = Math.min(length - i, 4); n-- > 0; rnd >>= 8) out[i++] = rnd & 0xff;
  }
  return out;
}

export function sessionPassword(sessionId: bigint): Buffer {
  return javaRandomBytes(BigInt.asIntN(64, sessionId ^ SUPER_SECRET), PASSWORD_LENGTH);
}

export function passwordMatches(sessionId: bigint, passwd: Buffer | null): boolean {
  return passwd !== null && passwd.equals(sessionPassword(sessionId));
}
