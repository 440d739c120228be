import { ACL } from '../protocol/generated/records.js';
import { JuteDecodeError, JuteReader } from '../protocol/jute-reader.js';
import type { JuteWriter } from '../protocol/jute-writer.js';
import { nodeDigestOfRecord } from '../tree/node-digest.js';
import { STAT_PERSISTED_BYTES } from '../tree/stat-store.js';

/**
 * One znode as a snapshot holds it: what ZooKeeper's snapshot holds per node
 * (data, ACL, StatPersisted). Children are not stored: they follow from the
 * paths. zkts's ZNode has this shape, so the live tree is written directly.
 */
export interface SnapshotNode {
  /** The data, one char per byte (ZNode's form). */
  bytes: string | null;
  acl: readonly ACL[];
  /** Writes the StatPersisted record (jute). */
  writeStatPersisted(w: JuteWriter): void;
}


/**
 * A snapshot chunk is node records back to back, each jute-encoded:
 *   ustring path, buffer data, vector<ACL> acl, StatPersisted stat
 */
export function encodeNodeRecord(w: JuteWriter, path: string, n: SnapshotNode): void {
  w.writeString(path);
  w.writeByteString(n.bytes);
  w.writeInt(n.acl.length);
  for (const a of n.acl) ACL.encode(w, a);
  n.writeStatPersisted(w);
}

const EMPTY = Buffer.alloc(0);

/** Steps over a length-prefixed string or buffer; returns its length (-1: null). */
function skipBytes(r: JuteReader): number {
  const len = r.readInt();
  if (len < -1 || len > r.remaining()) throw new JuteDecodeError(`bad length ${len} at offset ${r.offset - 4}`);
  if (len > 0) r.offset += len;
  return len;
}

/** Where the parts of one node record lie in its chunk (one object, reused for every record). */
interface RecordExtent {
  pathStart: number;
  pathEnd: number;
  /** -1: null data. */
  dataLength: number;
  dataStart: number;
  aclStart: number;
  aclCount: number;
  statOffset: number;
}

/**
 * Finds each record of a chunk and hands its extent to onRecord, checking the
 * framing as it goes (lengths within the chunk, no bytes left over). The one place
 * that knows the record layout on the reading side.
 */
function walkRecords(bytes: Buffer, expectedNodes: number, onRecord: (e: Readonly<RecordExtent>) => void): void {
  const r = new JuteReader(bytes);
  const e: RecordExtent = { pathStart: 0, pathEnd: 0, dataLength: 0, dataStart: 0, aclStart: 0, aclCount: 0, statOffset: 0 };
  for (let i = 0; i < expectedNodes; i++) {
    const pathLength = skipBytes(r);
    e.pathEnd = r.offset;
    e.pathStart = r.offset - Math.max(pathLength, 0);
    if (pathLength < 1 || bytes[e.pathStart] !== 0x2f) {
      throw new JuteDecodeError(`bad node path ${JSON.stringify(pathLength < 0 ? null : bytes.toString('utf8', e.pathStart, e.pathEnd))} in snapshot chunk`);
    }
    e.dataLength = skipBytes(r);
    e.dataStart = r.offset - Math.max(e.dataLength, 0);
    e.aclStart = r.offset;
    e.aclCount = r.readVectorLength(12);
    if (e.aclCount < 0) throw new JuteDecodeError('null ACL list in snapshot chunk');
    for (let k = 0; k < e.aclCount; k++) {
      r.readInt();
      skipBytes(r);
      skipBytes(r);
    }
    e.statOffset = r.offset;
    if (r.remaining() < STAT_PERSISTED_BYTES) throw new JuteDecodeError(`snapshot chunk ends inside the stat of ${bytes.toString('utf8', e.pathStart, e.pathEnd)}`);
    r.offset += STAT_PERSISTED_BYTES;
    onRecord(e);
  }
  if (r.remaining() !== 0) throw new JuteDecodeError(`${r.remaining()} stray bytes after ${expectedNodes} nodes in snapshot chunk`);
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

  /**
   * Hands each node to onNode: its path, data, shared ACL list, and where in
   * `bytes` its StatPersisted record starts (STAT_PERSISTED_BYTES long).
   */
  decodeChunk(
    bytes: Buffer,
    expectedNodes: number,
    onNode: (path: string, data: string | null, acl: readonly ACL[], stat: Buffer, statOffset: number) => void,
  ): void {
    walkRecords(bytes, expectedNodes, (e) => {
      const path = bytes.toString('utf8', e.pathStart, e.pathEnd);
      // Copied out as a byte string: one allocation, and the chunk is not kept alive by it.
      const data = e.dataLength < 0 ? null : bytes.toString('latin1', e.dataStart, e.dataStart + e.dataLength);
      onNode(path, data, this.aclAt(bytes, e.aclStart, e.statOffset, e.aclCount), bytes, e.statOffset);
    });
  }

  /** The ACL list in bytes[start, end), shared with every identical one decoded before. */
  private aclAt(bytes: Buffer, start: number, end: number, count: number): ACL[] {
    const last = this.lastAclBytes;
    // Compared in place: neighbours mostly share their ACL, and a view per node would
    // be a million short-lived objects.
    if (end - start === last.length && bytes.compare(last, 0, last.length, start, end) === 0) return this.lastAcl;
    const list = bytes.subarray(start, end);
    const key = list.toString('latin1');
    let shared = this.acls.get(key);
    if (!shared) {
      const own = new JuteReader(list, 4);
      shared = [];
      for (let k = 0; k < count; k++) shared.push(ACL.decode(own));
      this.acls.set(key, shared);
    }
    this.lastAcl = shared;
    this.lastAclBytes = Buffer.from(list);
    return shared;
  }
}

/**
 * The sum of a chunk's node digests (its part of ZooKeeper's tree digest; a
 * double holds it exactly: a chunk has far fewer than 2^21 nodes). The records
 * are hashed where they lie: decoding them first cost more than the hashing and
 * made the snapshot writer thread the walk's bottleneck.
 */
export function chunkNodesDigest(bytes: Buffer, expectedNodes: number): number {
  let sum = 0;
  walkRecords(bytes, expectedNodes, (e) => {
    sum += nodeDigestOfRecord(bytes, e.pathStart, e.pathEnd, e.dataStart, e.dataStart + Math.max(e.dataLength, 0), e.statOffset);
  });
  return sum;
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
