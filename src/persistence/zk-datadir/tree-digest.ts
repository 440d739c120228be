/** ZooKeeper's tree digest of image nodes (the rules: src/tree/node-digest.ts). */
import type { StatPersisted } from '../../protocol/generated/records.js';
import { DIGEST_STAT_BYTES, nodeDigestOf } from '../../tree/node-digest.js';

export { TREE_DIGEST_VERSION } from '../../tree/node-digest.js';

export function nodeDigest(path: string, data: Buffer | null, stat: StatPersisted): bigint {
  const s = Buffer.allocUnsafe(DIGEST_STAT_BYTES);
  s.writeBigInt64BE(stat.czxid, 0);
  s.writeBigInt64BE(stat.mzxid, 8);
  s.writeBigInt64BE(stat.pzxid, 16);
  s.writeBigInt64BE(stat.ctime, 24);
  s.writeBigInt64BE(stat.mtime, 32);
  s.writeInt32BE(stat.version, 40);
  s.writeInt32BE(stat.cversion, 44);
  s.writeInt32BE(stat.aversion, 48);
  s.writeBigInt64BE(stat.ephemeralOwner, 52);
  return BigInt(nodeDigestOf(path, data, s));
}

/** Sum of the node digests, wrapping as a Java long does. */
export function treeDigest(nodes: Iterable<{ path: string; data: Buffer | null; stat: StatPersisted }>): bigint {
  let sum = 0n;
  for (const n of nodes) sum += nodeDigest(n.path, n.data, n.stat);
  return BigInt.asIntN(64, sum);
}
