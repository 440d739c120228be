/**
 * The body of a ZooKeeper snapshot file (`version-2/snapshot.<hex zxid>`), after
 * any compression is undone:
 *
 *   FileHeader (magic "ZKSN", version 2, dbid)
 *   int count, count × (long sessionId, int timeout)
 *   int count, count × (long key, vector<ACL>)        the ACL cache
 *   per znode: ustring path ("" for the root), buffer data, long aclKey,
 *              StatPersisted — depth first, parents before children
 *   ustring "/"                                       end of the nodes
 *   long Adler32 of every byte so far, ustring "/"    the seal
 *   long zxid, int digestVersion, long digest         ZxidDigest (3.6+)
 *   long Adler32 of every byte so far, ustring "/"    a second seal
 *
 * An aclKey of -1 means world:anyone ALL (ZooKeeper's built-in nodes use it).
 */
import { ACL, StatPersisted, type FileHeader } from '../../protocol/generated/records.js';
import { JuteDecodeError, JuteReader } from '../../protocol/jute-reader.js';
import { JuteWriter } from '../../protocol/jute-writer.js';
import { adler32 } from './checksums.js';
import { readFileHeader, SNAPSHOT_MAGIC, writeFileHeader, ZkFileFormatError } from './file-header.js';
import type { ZxidDigest } from '../digest-check.js';

export const OPEN_ACL_KEY = -1n;
/** The path that ends the node list (and follows each seal). */
const END_PATH = '/';

export interface SnapshotSession {
  id: bigint;
  timeout: number;
}

export interface SnapshotAclEntry {
  key: bigint;
  acls: readonly ACL[];
}

export interface SnapshotNode {
  /** As stored: "" for the root, "/a/b" otherwise. */
  path: string;
  data: Buffer | null;
  aclKey: bigint;
  stat: StatPersisted;
}

export type { ZxidDigest } from '../digest-check.js';

export interface SnapshotContents {
  header: FileHeader;
  /** In file order. */
  sessions: SnapshotSession[];
  /** In file order. */
  aclCache: SnapshotAclEntry[];
  /** In file order: depth first from the root. */
  nodes: SnapshotNode[];
  /** Absent in snapshots written before 3.6 or with digests disabled. */
  digest: ZxidDigest | null;
}

export interface DecodedSnapshot extends SnapshotContents {
  /** Bytes after the last seal (ZooKeeper ignores them). */
  trailingBytes: number;
}

function readAclList(r: JuteReader, what: string): ACL[] {
  const n = r.readVectorLength(12);
  // ZooKeeper refuses a null ACL vector in the cache ("missing acls").
  if (n === -1) throw new ZkFileFormatError(`${what}: null ACL list in the ACL cache`);
  const out: ACL[] = [];
  for (let i = 0; i < n; i++) out.push(ACL.decode(r));
  return out;
}

function checkSeal(r: JuteReader, bytes: Buffer, which: string, what: string): void {
  const computed = BigInt(adler32(bytes, 0, r.offset));
  const stored = r.readLong();
  r.readString(); // "/", not checked by ZooKeeper either
  if (stored !== computed) throw new ZkFileFormatError(`${what}: ${which} seal: stored checksum ${stored}, computed ${computed}`);
}

/** The parent path of a stored path, in the snapshot's own spelling ("" is the root). */
function storedParent(path: string): string | null {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? null : path.substring(0, slash);
}

/**
 * Decodes a snapshot stream and checks what ZooKeeper checks when it loads one:
 * the magic, that every node's parent came before it, and both seals.
 */
export function decodeSnapshot(bytes: Buffer, what = 'snapshot'): DecodedSnapshot {
  try {
    return decodeSnapshotUnchecked(bytes, what);
  } catch (e) {
    if (e instanceof JuteDecodeError) throw new ZkFileFormatError(`${what}: ${e.message}`);
    throw e;
  }
}

function decodeSnapshotUnchecked(bytes: Buffer, what: string): DecodedSnapshot {
  const r = new JuteReader(bytes);
  const header = readFileHeader(r, SNAPSHOT_MAGIC, what);

  const sessions: SnapshotSession[] = [];
  for (let n = r.readInt(); n > 0; n--) sessions.push({ id: r.readLong(), timeout: r.readInt() });

  const aclCache: SnapshotAclEntry[] = [];
  for (let n = r.readInt(); n > 0; n--) aclCache.push({ key: r.readLong(), acls: readAclList(r, what) });

  const nodes: SnapshotNode[] = [];
  const seen = new Set<string>();
  for (;;) {
    const path = r.readString();
    if (path === null) throw new ZkFileFormatError(`${what}: null path after ${nodes.length} nodes`);
    if (path === END_PATH) break;
    const data = r.readBuffer();
    const aclKey = r.readLong();
    const stat = StatPersisted.decode(r);
    const parent = storedParent(path);
    if (nodes.length === 0 ? path !== '' : parent === null || !seen.has(parent)) {
      throw new ZkFileFormatError(`${what}: ` + (nodes.length === 0 ? `first node is "${path}", not the root` : `node ${path} comes before its parent`));
    }
    seen.add(path);
    nodes.push({ path, data, aclKey, stat });
  }
  if (nodes.length === 0) throw new ZkFileFormatError(`${what}: no nodes`);
  checkSeal(r, bytes, 'first', what);

  // The digest came later than the seal, so older snapshots simply end here.
  let digest: ZxidDigest | null = null;
  const beforeDigest = r.offset;
  try {
    const zxid = r.readLong();
    const digestVersion = r.readInt();
    const value = digestVersion < 2 ? oldDigestValue(r.readString(), what) : r.readLong();
    digest = { zxid, digestVersion, digest: value };
  } catch (e) {
    if (!(e instanceof JuteDecodeError)) throw e;
    r.offset = beforeDigest;
  }
  if (digest !== null) checkSeal(r, bytes, 'second', what);
  return { header, sessions, aclCache, nodes, digest, trailingBytes: r.remaining() };
}

/** Digest versions before 2 stored the digest as a hex string. */
function oldDigestValue(text: string | null, what: string): bigint {
  if (text === null) return 0n;
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) throw new ZkFileFormatError(`${what}: digest "${text}" is not hex`);
  return BigInt.asIntN(64, BigInt(`0x${text}`));
}

function writeSeal(w: JuteWriter): void {
  w.writeLong(BigInt(adler32(w.view())));
  w.writeString(END_PATH);
}

/** The snapshot stream (before any compression), sealed as ZooKeeper seals it. */
export function encodeSnapshot(s: SnapshotContents, w = new JuteWriter(64 * 1024)): Buffer {
  w.reset();
  writeFileHeader(w, SNAPSHOT_MAGIC, s.header.dbid, s.header.version);
  w.writeInt(s.sessions.length);
  for (const sess of s.sessions) {
    w.writeLong(sess.id);
    w.writeInt(sess.timeout);
  }
  w.writeInt(s.aclCache.length);
  for (const e of s.aclCache) {
    w.writeLong(e.key);
    w.writeInt(e.acls.length);
    for (const acl of e.acls) ACL.encode(w, acl);
  }
  for (const n of s.nodes) {
    w.writeString(n.path);
    w.writeBuffer(n.data);
    w.writeLong(n.aclKey);
    StatPersisted.encode(w, n.stat);
  }
  w.writeString(END_PATH);
  writeSeal(w);
  if (s.digest !== null) {
    w.writeLong(s.digest.zxid);
    w.writeInt(s.digest.digestVersion);
    if (s.digest.digestVersion < 2) w.writeString(BigInt.asUintN(64, s.digest.digest).toString(16));
    else w.writeLong(s.digest.digest);
    writeSeal(w);
  }
  return w.toBuffer();
}
