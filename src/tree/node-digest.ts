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
const DIGEST_STAT_BYTES = 60;
const EXCLUDED_SUBTREE = '/zookeeper/';
const EXCLUDED_SUBTREE_BYTES = Buffer.from(EXCLUDED_SUBTREE);

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

/** `s` in the digest's byte layout, into the scratch buffer at `at` (DataView: Buffer's BigInt writes cost 8 times more). */
function writeDigestStat(s: DigestStat, at: number): void {
  const v = scratchView;
  v.setBigInt64(at, s.czxid);
  v.setBigInt64(at + 8, s.mzxid);
  v.setBigInt64(at + 16, s.pzxid);
  v.setBigInt64(at + 24, s.ctime);
  v.setBigInt64(at + 32, s.mtime);
  v.setInt32(at + 40, s.version);
  v.setInt32(at + 44, s.cversion);
  v.setInt32(at + 48, s.aversion);
  v.setBigInt64(at + 52, s.ephemeralOwner);
}

/** Path, data and stat laid end to end: one CRC call over them costs less than three. */
let scratch = Buffer.alloc(64 * 1024);
let scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);

function ensureScratch(bytes: number): void {
  if (bytes <= scratch.length) return;
  scratch = Buffer.allocUnsafe(bytes);
  scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
}

/**
 * Lays out a node's path and data (bytes, or a byte string: one char per byte, as
 * znodes keep data) for its digest and returns where its DIGEST_STAT_BYTES stat
 * bytes go in the scratch buffer; -1 when the node counts 0. finishNodeDigest()
 * then gives the digest.
 */
function beginNodeDigest(path: string, data: Uint8Array | string | null): number {
  if (path.startsWith(EXCLUDED_SUBTREE)) return -1;
  const dataLength = data === null ? 0 : data.length;
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  ensureScratch(path.length * 3 + dataLength + DIGEST_STAT_BYTES);
  // The root hashes with the path "".
  let n = path === '/' ? 0 : scratch.write(path, 0, 'utf8');
  if (typeof data === 'string') {
    n += scratch.write(data, n, 'latin1');
  } else if (data !== null) {
    scratch.set(data, n);
    n += dataLength;
  }
  return n;
}

function finishNodeDigest(statAt: number): number {
  return statAt < 0 ? 0 : crc32(scratch.subarray(0, statAt + DIGEST_STAT_BYTES));
}

/**
 * StatPersisted bytes (czxid, mzxid, ctime, mtime, version, cversion, aversion,
 * ephemeralOwner, pzxid) at src[from] to the digest's order at out[to].
 * Byte loops: four Buffer.copy calls cost more than the 60 bytes they move.
 */
function persistedStatToDigestOrder(src: Uint8Array, from: number, out: Uint8Array, to: number): void {
  // czxid, mzxid
  for (let i = 0; i < 16; i++) out[to + i] = src[from + i] as number;
  // pzxid
  for (let i = 0; i < 8; i++) out[to + 16 + i] = src[from + 52 + i] as number;
  // ctime, mtime, version, cversion, aversion
  for (let i = 0; i < 28; i++) out[to + 24 + i] = src[from + 16 + i] as number;
  // ephemeralOwner
  for (let i = 0; i < 8; i++) out[to + 52 + i] = src[from + 44 + i] as number;
}

/** The digest of a node whose StatPersisted record is at stat[statOffset] (a snapshot's, a StatStore slot). */
export function nodeDigestOfPersisted(path: string, data: Uint8Array | string | null, stat: Uint8Array, statOffset: number): number {
  const at = beginNodeDigest(path, data);
  if (at >= 0) persistedStatToDigestOrder(stat, statOffset, scratch, at);
  return finishNodeDigest(at);
}

/**
 * The digest of a node as a snapshot record holds it, without decoding it: its
 * path's UTF-8 bytes are src[pathStart, pathEnd), its data src[dataStart, dataEnd),
 * its StatPersisted record at src[statOffset].
 */
export function nodeDigestOfRecord(src: Buffer, pathStart: number, pathEnd: number, dataStart: number, dataEnd: number, statOffset: number): number {
  const pathLength = pathEnd - pathStart;
  const excluded = EXCLUDED_SUBTREE_BYTES;
  if (pathLength > excluded.length && src.compare(excluded, 0, excluded.length, pathStart, pathStart + excluded.length) === 0) return 0;
  ensureScratch(pathLength + (dataEnd - dataStart) + DIGEST_STAT_BYTES);
  // The root hashes with the path "".
  let n = pathLength === 1 ? 0 : src.copy(scratch, 0, pathStart, pathEnd);
  if (dataEnd > dataStart) n += src.copy(scratch, n, dataStart, dataEnd);
  persistedStatToDigestOrder(src, statOffset, scratch, n);
  return finishNodeDigest(n);
}

/** The digest of a node whose fields are at hand (a change record, an image node). */
export function nodeDigestOfFields(path: string, data: Uint8Array | string | null, stat: DigestStat): number {
  const at = beginNodeDigest(path, data);
  if (at >= 0) writeDigestStat(stat, at);
  return finishNodeDigest(at);
}
