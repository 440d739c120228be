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

/** The stat fields a node digest covers (StatPersisted has them all, under these names). */
export interface DigestStat {
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  /** Stored form: counts child creates only. */
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
}

/** `s` in the digest's byte layout, into `out` (a shared scratch buffer unless given). */
export function digestStatBytes(s: DigestStat, out: Buffer = statScratch): Buffer {
  out.writeBigInt64BE(s.czxid, 0);
  out.writeBigInt64BE(s.mzxid, 8);
  out.writeBigInt64BE(s.pzxid, 16);
  out.writeBigInt64BE(s.ctime, 24);
  out.writeBigInt64BE(s.mtime, 32);
  out.writeInt32BE(s.version, 40);
  out.writeInt32BE(s.cversion, 44);
  out.writeInt32BE(s.aversion, 48);
  out.writeBigInt64BE(s.ephemeralOwner, 52);
  return out;
}

const statScratch = Buffer.alloc(DIGEST_STAT_BYTES);
let dataScratch = Buffer.alloc(4096);

/**
 * One node's digest: `stat` holds the DIGEST_STAT_BYTES stat bytes in digest order;
 * `data` is bytes or a byte string (one char per byte, as znodes keep data).
 */
export function nodeDigestOf(path: string, data: Uint8Array | string | null, stat: Uint8Array): number {
  if (path.startsWith(EXCLUDED_SUBTREE)) return 0;
  // Empty parts are skipped: zlib restarts at 0 for an empty buffer with no data pointer.
  let c = path === '/' ? 0 : crc32(path);
  if (data !== null && data.length > 0) c = crc32(typeof data === 'string' ? latin1Bytes(data) : data, c);
  return crc32(stat, c);
}

function latin1Bytes(s: string): Buffer {
  if (s.length > dataScratch.length) dataScratch = Buffer.allocUnsafe(s.length);
  dataScratch.write(s, 0, s.length, 'latin1');
  return dataScratch.subarray(0, s.length);
}
