import type { ACL, Stat } from '../protocol/generated/records.js';
import type { JuteWriter } from '../protocol/jute-writer.js';
import { CONTAINER_OWNER, clientVisibleOwner } from './ephemeral-owner.js';
import { STAT_PERSISTED_BYTES, StatField, type StatStore } from './stat-store.js';

/**
 * Whether Stat hides the stored owner: containers (exactly 0x8000000000000000) and
 * TTL nodes (0xff0000 in the top three bytes) show 0, as ZooKeeper's do.
 */
function ownerHidden(s: StatStore, at: number): boolean {
  const high3 = s.ownerHighBytes(at);
  if (high3 === 0xff0000) return true;
  return high3 === 0x800000 && s.getLong(at, 'ephemeralOwner') === CONTAINER_OWNER;
}


/** What a childless znode answers: most znodes of a large tree are leaves. */
const NO_CHILDREN: ReadonlySet<string> = new Set<string>();

/**
 * Bytes as a string of one char per byte (latin1). A znode keeps its data so: a
 * 100-byte string is one compact heap object, where a Buffer is a ~100-byte view
 * object plus its bytes outside the heap — about 100 bytes more per znode.
 */
export type ByteString = string;

/** A znode's data as it keeps it (its own copy: it never pins the buffer `data` views). */
export function byteStringOf(data: Buffer | null): ByteString | null {
  return data === null ? null : data.toString('latin1');
}

/**
 * One znode: data, ACL and the persisted stat fields (StatPersisted). Kept small,
 * since a tree holds millions: the children set exists only while there are
 * children, the data is a byte string, the ACL list is the tree's shared copy
 * (never mutate it), and the stat fields live in the tree's StatStore slot.
 */
export class ZNode {
  private kids: Set<string> | null = null;
  /** This znode's slot in `store`; -1 once the znode is deleted. */
  private at: number;

  constructor(
    private readonly store: StatStore,
    /** The data; null when created or set with null data: ZooKeeper hands null back. */
    private byteString: ByteString | null,
    public acl: readonly ACL[],
  ) {
    this.at = store.allocate();
  }

  /** The data as a byte string (one char per byte); null when created or set with null data. */
  get bytes(): ByteString | null {
    return this.byteString;
  }

  set bytes(value: ByteString | null) {
    this.byteString = value;
    // The data is part of the node's digest, which the slot caches.
    if (this.at >= 0) this.store.dataChanged(this.at);
  }

  /** Gives the slot back (the znode was deleted): any later stat access throws. */
  release(): void {
    if (this.at < 0) return;
    this.store.release(this.at);
    this.at = -1;
  }

  /** Fills the stat fields from a jute StatPersisted record at src[offset]. */
  loadStatPersisted(src: Uint8Array, offset: number): void {
    this.store.load(this.at, src, offset);
  }

  get czxid(): bigint {
    return this.store.getLong(this.at, 'czxid');
  }
  set czxid(v: bigint) {
    this.store.setLong(this.at, 'czxid', v);
  }
  get mzxid(): bigint {
    return this.store.getLong(this.at, 'mzxid');
  }
  set mzxid(v: bigint) {
    this.store.setLong(this.at, 'mzxid', v);
  }
  get ctime(): bigint {
    return this.store.getLong(this.at, 'ctime');
  }
  set ctime(v: bigint) {
    this.store.setLong(this.at, 'ctime', v);
  }
  get mtime(): bigint {
    return this.store.getLong(this.at, 'mtime');
  }
  set mtime(v: bigint) {
    this.store.setLong(this.at, 'mtime', v);
  }
  get version(): number {
    return this.store.getInt(this.at, 'version');
  }
  set version(v: number) {
    this.store.setInt(this.at, 'version', v);
  }
  /** Counts creates of children only (ZooKeeper's stored form). */
  get cversion(): number {
    return this.store.getInt(this.at, 'cversion');
  }
  set cversion(v: number) {
    this.store.setInt(this.at, 'cversion', v);
  }
  get aversion(): number {
    return this.store.getInt(this.at, 'aversion');
  }
  set aversion(v: number) {
    this.store.setInt(this.at, 'aversion', v);
  }
  /** The stored owner: a session, or a container/TTL mark (see ephemeral-owner.ts). */
  get ephemeralOwner(): bigint {
    return this.store.ownerIsZero(this.at) ? 0n : this.store.getLong(this.at, 'ephemeralOwner');
  }
  set ephemeralOwner(v: bigint) {
    this.store.setLong(this.at, 'ephemeralOwner', v);
  }
  get pzxid(): bigint {
    return this.store.getLong(this.at, 'pzxid');
  }
  set pzxid(v: bigint) {
    this.store.setLong(this.at, 'pzxid', v);
  }

  /** Sets what a create sets: every zxid to `zxid`, both times to `time`, the owner. */
  setCreated(zxid: bigint, time: bigint, owner: bigint): void {
    const s = this.store;
    s.setLong(this.at, 'czxid', zxid);
    s.copyLong(this.at, 'czxid', 'mzxid');
    s.copyLong(this.at, 'czxid', 'pzxid');
    s.setLong(this.at, 'ctime', time);
    s.copyLong(this.at, 'ctime', 'mtime');
    if (owner !== 0n) s.setLong(this.at, 'ephemeralOwner', owner);
  }

  /** This node's part of the tree digest (ZooKeeper's DigestCalculator), `path` being its path. */
  digest(path: string): number {
    return this.store.nodeDigest(this.at, path, this.bytes);
  }

  /** The stat fields as jute writes a StatPersisted (a snapshot record's tail). */
  writeStatPersisted(w: JuteWriter): void {
    this.store.writeTo(w, this.at, 0, STAT_PERSISTED_BYTES);
  }

  /** The Stat clients see, as jute writes it, without making a Stat object. */
  writeStat(w: JuteWriter): void {
    const numChildren = this.childCount;
    const s = this.store;
    const at = this.at;
    // czxid, mzxid, ctime, mtime, version: as stored.
    s.writeTo(w, at, StatField.czxid, StatField.cversion);
    w.writeInt(s.getInt(at, 'cversion') * 2 - numChildren);
    w.writeInt(s.getInt(at, 'aversion'));
    if (ownerHidden(s, at)) {
      w.writeInt(0);
      w.writeInt(0);
    } else {
      s.writeTo(w, at, StatField.ephemeralOwner, StatField.ephemeralOwner + 8);
    }
    w.writeInt(this.dataLength);
    w.writeInt(numChildren);
    s.writeTo(w, at, StatField.pzxid, StatField.pzxid + 8);
  }

  /** The data as a new Buffer (a copy: changing it changes nothing here). */
  get data(): Buffer | null {
    return this.bytes === null ? null : Buffer.from(this.bytes, 'latin1');
  }

  set data(data: Buffer | null) {
    this.bytes = byteStringOf(data);
  }

  get dataLength(): number {
    return this.bytes === null ? 0 : this.bytes.length;
  }

  /** The names of the children, live (read-only: change them through addChild/removeChild). */
  get children(): ReadonlySet<string> {
    return this.kids ?? NO_CHILDREN;
  }

  get childCount(): number {
    return this.kids === null ? 0 : this.kids.size;
  }

  hasChild(name: string): boolean {
    return this.kids !== null && this.kids.has(name);
  }

  addChild(name: string): void {
    if (this.kids === null) this.kids = new Set();
    this.kids.add(name);
  }

  removeChild(name: string): void {
    if (this.kids === null) return;
    this.kids.delete(name);
    if (this.kids.size === 0) this.kids = null;
  }

  clearChildren(): void {
    this.kids = null;
  }

  /** The Stat clients see: cversion also counts deletes, owner hides container/TTL marks. */
  stat(): Stat {
    const numChildren = this.childCount;
    return {
      czxid: this.czxid,
      mzxid: this.mzxid,
      ctime: this.ctime,
      mtime: this.mtime,
      version: this.version,
      cversion: this.cversion * 2 - numChildren,
      aversion: this.aversion,
      ephemeralOwner: clientVisibleOwner(this.ephemeralOwner),
      dataLength: this.dataLength,
      numChildren,
      pzxid: this.pzxid,
    };
  }
}
