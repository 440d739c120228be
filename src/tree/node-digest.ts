import { crc32 } from 'node:zlib';

/**
 * ZooKeeper's tree digest (DigestCalculator, digest version 2): each znode hashes
 * to CRC32(path bytes, data bytes, 60 bytes of stat: czxid, mzxid, pzxid, ctime,
 * mtime as longs, version, cversion, aversion as ints, ephemeralOwner as a long);
 * the tree digest is the sum of those as a Java long. Nodes under /zookeeper/
 * count 0 (ZooKeeper leaves them out); the root hashes with the path "".
 * It goes into every TxnDigest and into the snapshot's ZxidDigest.
 */
export const TREE_DIGEST_VERSION = 2;
/** Bytes of the stat part, in the digest's field order (not StatPersisted's). */
export const DIGEST_STAT_BYTES = 60;
const EXCLUDED_SUBTREE = '/zookeeper/';

/** One node's digest: `stat` holds the DIGEST_STAT_BYTES stat bytes in digest order. */
export function nodeDigestOf(path: string, data: Uint8Array | null, stat: Uint8Array): number {
  if (path.startsWith(EXCLUDED_SUBTREE)) return 0;
  // Empty parts are skipped: zlib restarts at 0 for an empty buffer with no data pointer.
  let c = path === '/' ? 0 : crc32(path);
  if (data !== null && data.length > 0) c = crc32(data, c);
  return crc32(stat, c);
}
