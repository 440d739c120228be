import { ACL } from '../protocol/generated/records.js';
import { JuteDecodeError, JuteReader } from '../protocol/jute-reader.js';
import type { JuteWriter } from '../protocol/jute-writer.js';
import { nodeDigestOfPersisted } from '../tree/node-digest.js';
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

  /**
   * Hands each node to onNode: its path, data, shared ACL list, and where in
   * `bytes` its StatPersisted record starts (STAT_PERSISTED_BYTES long).
   */
  decodeChunk(
    bytes: Buffer,
    expectedNodes: number,
    onNode: (path: string, data: string | null, acl: readonly ACL[], stat: Buffer, statOffset: number) => void,
  ): void {
    const r = new JuteReader(bytes);
    for (let i = 0; i < expectedNodes; i++) {
      const path = r.readString();
      if (path === null || path.charCodeAt(0) !== 0x2f) throw new JuteDecodeError(`bad node path ${JSON.stringify(path)} in snapshot chunk`);
      const data = readByteString(r);
      const acl = this.readAcl(r);
      const statOffset = r.offset;
      if (r.remaining() < STAT_PERSISTED_BYTES) throw new JuteDecodeError(`snapshot chunk ends inside the stat of ${path}`);
      r.offset += STAT_PERSISTED_BYTES;
      onNode(path, data, acl, bytes, statOffset);
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
    const last = this.lastAclBytes;
    // Compared in place: a view per node would be a million short-lived objects.
    if (r.offset - start === last.length && r.buf.compare(last, 0, last.length, start, r.offset) === 0) return this.lastAcl;
    const bytes = r.buf.subarray(start, r.offset);
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

/**
 * The sum of a chunk's node digests (its part of ZooKeeper's tree digest; a
 * double holds it exactly: a chunk has far fewer than 2^21 nodes).
 */
export function chunkNodesDigest(bytes: Buffer, expectedNodes: number): number {
  let sum = 0;
  new NodeRecordDecoder().decodeChunk(bytes, expectedNodes, (path, data, _acl, stat, statOffset) => {
    sum += nodeDigestOfPersisted(path, data, stat, statOffset);
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
