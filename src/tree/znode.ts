import type { ACL, Stat } from '../protocol/generated/records.js';
import { clientVisibleOwner } from './ephemeral-owner.js';

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
 * children, the data is a byte string, and the ACL list is the tree's shared copy
 * (never mutate it).
 */
export class ZNode {
  private kids: Set<string> | null = null;
  constructor(
    /** The data; null when created or set with null data: ZooKeeper hands null back. */
    public bytes: ByteString | null,
    public acl: readonly ACL[],
    public czxid: bigint,
    public mzxid: bigint,
    public ctime: bigint,
    public mtime: bigint,
    public version: number,
    /** Counts creates of children only (ZooKeeper's stored form). */
    public cversion: number,
    public aversion: number,
    public ephemeralOwner: bigint,
    public pzxid: bigint,
  ) {}

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
