import { endianness } from 'node:os';
import { ACL } from '../protocol/generated/records.js';
import { JuteDecodeError, JuteReader } from '../protocol/jute-reader.js';
import type { JuteWriter } from '../protocol/jute-writer.js';

/**
 * One znode as a snapshot holds it: what ZooKeeper's snapshot holds per node
 * (data, ACL, StatPersisted). Children are not stored: they follow from the
 * paths. zkts's ZNode has this shape, so the live tree is written directly.
 */
export interface StoredNode {
  /** The data, one char per byte (ZNode's form). */
  bytes: string | null;
  acl: readonly ACL[];
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  /** ZooKeeper's stored form: creates of children. */
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  pzxid: bigint;
}

/**
 * A snapshot chunk is node records back to back, each jute-encoded:
 *   ustring path, buffer data, vector<ACL> acl, StatPersisted stat
 */
export function encodeNodeRecord(w: JuteWriter, path: string, n: StoredNode): void {
  w.writeString(path);
  w.writeByteString(n.bytes);
  w.writeInt(n.acl.length);
  for (const a of n.acl) ACL.encode(w, a);
  // StatPersisted, field by field as its jute record orders them, with longs
  // written without BigInt arithmetic: a snapshot writes millions of them, and
  // the garbage would mean young-generation GCs while requests wait.
  writeLongNoAlloc(w, n.czxid);
  writeLongNoAlloc(w, n.mzxid);
  writeLongNoAlloc(w, n.ctime);
  writeLongNoAlloc(w, n.mtime);
  w.writeInt(n.version);
  w.writeInt(n.cversion);
  w.writeInt(n.aversion);
  writeLongNoAlloc(w, n.ephemeralOwner);
  writeLongNoAlloc(w, n.pzxid);
}

const scratch64 = new BigInt64Array(1);
const scratch32 = new Int32Array(scratch64.buffer);
const [LOW, HIGH] = endianness() === 'LE' ? [0, 1] : [1, 0];

const ZERO = 0n;

/**
 * Reads a jute long, handing back `same` when the value equals it, and making
 * any other value with one allocation (through a typed array, where
 * readBigInt64BE makes several): a 1M-node snapshot holds 6M longs.
 */
function readLongReusing(r: JuteReader, same: bigint): bigint {
  const hi = r.readInt();
  const lo = r.readInt();
  if (hi === 0 && lo === 0) return ZERO;
  // Compared as int halves: building a BigInt to compare would be the very allocation saved.
  scratch64[0] = same;
  if (scratch32[HIGH] === hi && scratch32[LOW] === lo) return same;
  scratch32[HIGH] = hi;
  scratch32[LOW] = lo;
  return scratch64[0] as bigint;
}

/** A jute long as two ints, split through a typed array rather than with BigInt operators. */
function writeLongNoAlloc(w: JuteWriter, v: bigint): void {
  scratch64[0] = v;
  w.writeInt(scratch32[HIGH] as number);
  w.writeInt(scratch32[LOW] as number);
}

const EMPTY = Buffer.alloc(0);

/** A jute buffer copied out of the chunk as a byte string (one allocation, no intermediate view). */
function readByteString(r: JuteReader): string | null {
  const len = r.readInt();
  if (len === -1) return null;
  if (len < -1 || len > r.remaining()) throw new JuteDecodeError(`bad data length ${len} at offset ${r.offset - 4}`);
  const out = r.buf.toString('latin1', r.offset, r.offset + len);
  r.offset += len;
  return out;
}

/** Steps over a length-prefixed string or buffer. */
function skipBytes(r: JuteReader): void {
  const len = r.readInt();
  if (len < -1 || len > r.remaining()) throw new JuteDecodeError(`bad length ${len} at offset ${r.offset - 4}`);
  if (len > 0) r.offset += len;
}

/**
 * Decodes chunks into nodes. Identical ACL lists (nearly all of them, in most
 * trees) decode to one shared array, as ZooKeeper's ACL cache shares them, and
 * node data is copied out (as a byte string) so the chunk buffer is not kept alive by it. Written
 * for speed: a 1M-node restart spends most of its time here.
 */
export class NodeRecordDecoder {
  private readonly acls = new Map<string, ACL[]>();
  private lastAcl: ACL[] = [];
  private lastAclBytes: Buffer = EMPTY;

  decodeChunk(bytes: Buffer, expectedNodes: number, onNode: (path: string, node: StoredNode) => void): void {
    const r = new JuteReader(bytes);
    for (let i = 0; i < expectedNodes; i++) {
      const path = r.readString();
      if (path === null || path.charCodeAt(0) !== 0x2f) throw new JuteDecodeError(`bad node path ${JSON.stringify(path)} in snapshot chunk`);
      const bytes = readByteString(r);
      const acl = this.readAcl(r);
      // Most nodes repeat values across their stat (mzxid = pzxid = czxid for a
      // node never changed, mtime = ctime) and have no owner: one BigInt serves.
      const czxid = readLongReusing(r, ZERO);
      const mzxid = readLongReusing(r, czxid);
      const ctime = readLongReusing(r, ZERO);
      const mtime = readLongReusing(r, ctime);
      const version = r.readInt();
      const cversion = r.readInt();
      const aversion = r.readInt();
      const ephemeralOwner = readLongReusing(r, ZERO);
      const pzxid = readLongReusing(r, mzxid);
      onNode(path, { bytes, acl, czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, pzxid });
    }
    if (r.remaining() !== 0) throw new JuteDecodeError(`${r.remaining()} stray bytes after ${expectedNodes} nodes in snapshot chunk`);
  }

  /** The ACL list at the reader, shared with every identical one decoded before. */
  private readAcl(r: JuteReader): ACL[] {
    const start = r.offset;
    const count = r.readVectorLength(12);
    if (count < 0) throw new JuteDecodeError('null ACL list in snapshot chunk');
    // Find the list's extent first: neighbours mostly share their ACL, and then
    // comparing bytes is all there is to do.
    for (let k = 0; k < count; k++) {
      r.readInt();
      skipBytes(r);
      skipBytes(r);
    }
    const bytes = r.buf.subarray(start, r.offset);
    if (bytes.equals(this.lastAclBytes)) return this.lastAcl;
    const key = bytes.toString('latin1');
    let shared = this.acls.get(key);
    if (!shared) {
      const own = new JuteReader(bytes, 4);
      shared = [];
      for (let k = 0; k < count; k++) shared.push(ACL.decode(own));
      this.acls.set(key, shared);
    }
    this.lastAcl = shared;
    this.lastAclBytes = Buffer.from(bytes);
    return shared;
  }
}

/** Sessions and their timeouts: int count, then (long id, int timeout) each. */
export function encodeSessions(w: JuteWriter, sessions: ReadonlyMap<bigint, number>): void {
  w.writeInt(sessions.size);
  for (const [id, timeout] of sessions) {
    w.writeLong(id);
    w.writeInt(timeout);
  }
}

export function decodeSessions(bytes: Buffer): Map<bigint, number> {
  const r = new JuteReader(bytes);
  const n = r.readVectorLength(12);
  const out = new Map<bigint, number>();
  for (let i = 0; i < n; i++) out.set(r.readLong(), r.readInt());
  if (r.remaining() !== 0) throw new JuteDecodeError(`${r.remaining()} stray bytes after ${n} sessions`);
  return out;
}
