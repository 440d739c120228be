/** zxid = epoch (high 32 bits) : counter (low 32 bits), as in ZooKeeper. */
export function epochOf(zxid: bigint): bigint {
  return zxid >> 32n;
}

export function counterOf(zxid: bigint): bigint {
  return zxid & 0xffffffffn;
}

/**
 * Whether `next` may directly follow `prev` in a log: the next counter of the
 * same epoch, or the first txn (counter 1) of a later epoch.
 */
export function followsDirectly(prev: bigint, next: bigint): boolean {
  return next === prev + 1n || (epochOf(next) > epochOf(prev) && counterOf(next) === 1n);
}

export function hex(zxid: bigint): string {
  return `0x${zxid.toString(16)}`;
}
