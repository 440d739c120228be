import type { ACL, Stat } from '../protocol/generated/records.js';
import { clientVisibleOwner } from './ephemeral-owner.js';

/** One znode: data, ACL and the persisted stat fields (StatPersisted). */
export class ZNode {
  readonly children = new Set<string>();
  constructor(
    /** null when created or set with null data: ZooKeeper hands null back. */
    public data: Buffer | null,
    public acl: ACL[],
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

  /** The Stat clients see: cversion also counts deletes, owner hides container/TTL marks. */
  stat(): Stat {
    const numChildren = this.children.size;
    return {
      czxid: this.czxid,
      mzxid: this.mzxid,
      ctime: this.ctime,
      mtime: this.mtime,
      version: this.version,
      cversion: this.cversion * 2 - numChildren,
      aversion: this.aversion,
      ephemeralOwner: clientVisibleOwner(this.ephemeralOwner),
      dataLength: this.data?.length ?? 0,
      numChildren,
      pzxid: this.pzxid,
    };
  }
}
