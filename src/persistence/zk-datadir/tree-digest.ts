/**
 * ZooKeeper's tree digest (DigestCalculator, digest version 2): each znode hashes
 * to CRC32(path bytes, data bytes, 60 bytes of stat: czxid, mzxid, pzxid, ctime,
 * mtime as longs, version, cversion, aversion as ints, ephemeralOwner as a long);
 * the tree digest is the sum of those as a Java long. Nodes under /zookeeper/
 * count 0 (ZooKeeper leaves them out); the root hashes with the path "".
 * It goes into every TxnDigest and into the snapshot's ZxidDigest.
 */
import type { StatPersisted } from '../../protocol/generated/records.js';
import { crc32 } from './checksums.js';

export const TREE_DIGEST_VERSION = 2;
const EXCLUDED_SUBTREE = '/zookeeper/';
const STAT_BYTES = 60;

export function nodeDigest(path: string, data: Buffer | null, stat: StatPersisted): bigint {
  if (path.startsWith(EXCLUDED_SUBTREE)) return 0n;
  const p = Buffer.from(path === '/' ? '' : path, 'utf8');
  const s = Buffer.allocUnsafe(STAT_BYTES);
  s.writeBigInt64BE(stat.czxid, 0);
  s.writeBigInt64BE(stat.mzxid, 8);
  s.writeBigInt64BE(stat.pzxid, 16);
  s.writeBigInt64BE(stat.ctime, 24);
  s.writeBigInt64BE(stat.mtime, 32);
  s.writeInt32BE(stat.version, 40);
  s.writeInt32BE(stat.cversion, 44);
  s.writeInt32BE(stat.aversion, 48);
  s.writeBigInt64BE(stat.ephemeralOwner, 52);
  return BigInt(crc32(p, data ?? Buffer.alloc(0), s));
}

/** Sum of the node digests, wrapping as a Java long does. */
export function treeDigest(nodes: Iterable<{ path: string; data: Buffer | null; stat: StatPersisted }>): bigint {
  let sum = 0n;
  for (const n of nodes) sum += nodeDigest(n.path, n.data, n.stat);
  return BigInt.asIntN(64, sum);
}
