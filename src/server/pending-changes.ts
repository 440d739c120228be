import type { ACL } from '../protocol/generated/records.js';
import type { DataTree } from '../tree/data-tree.js';
import { nodeDigestOfFields, type DigestStat } from '../tree/node-digest.js';
import type { ByteString } from '../tree/znode.js';

/**
 * What prep believes a znode will look like once every txn already prepped is
 * applied. Prep validates against this, not the tree, so pipelined writes see
 * each other before they reach disk. It holds every field of the node's digest,
 * so prep knows the tree digest each txn leaves (ZooKeeper logs it with the txn).
 */
export interface ChangeRecord extends DigestStat {
  /** The txn that made this record; -1 for one read from the tree. */
  zxid: bigint;
  path: string;
  exists: boolean;
  childCount: number;
  acl: readonly ACL[];
  /** Data once applied: a request's bytes, or the byte string a znode keeps. */
  data: Buffer | ByteString | null;
  /** The node's digest in this state (0 when digests are off or the node is gone). */
  digest: number;
}

/** `rec` as a setData at `zxid`/`time` leaves it. Spelled out rather than spread: one object shape for every record. */
export function withData(rec: ChangeRecord, zxid: bigint, time: bigint, version: number, data: Buffer | null): ChangeRecord {
  return {
    zxid,
    path: rec.path,
    exists: true,
    czxid: rec.czxid,
    mzxid: zxid,
    pzxid: rec.pzxid,
    ctime: rec.ctime,
    mtime: time,
    version,
    cversion: rec.cversion,
    aversion: rec.aversion,
    ephemeralOwner: rec.ephemeralOwner,
    childCount: rec.childCount,
    acl: rec.acl,
    data,
    digest: 0,
  };
}

/** A record's node digest, from its own fields. */
function recordDigest(rec: ChangeRecord): number {
  return nodeDigestOfFields(rec.path, rec.data, rec);
}

/** What a released record's slot in the queue holds until the queue is compacted. */
const RELEASED: ChangeRecord = Object.freeze({
  zxid: -1n,
  path: '',
  exists: false,
  czxid: 0n,
  mzxid: 0n,
  pzxid: 0n,
  ctime: 0n,
  mtime: 0n,
  version: 0,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  childCount: 0,
  acl: [],
  data: null,
  digest: 0,
}) as ChangeRecord;

/** Below this many released records at the front, the queue is not compacted. */
const COMPACT_AT = 1024;

export class PendingChanges {
  private readonly byPath = new Map<string, ChangeRecord>();
  /** Records in prep order; those before `head` are released. */
  private ordered: ChangeRecord[] = [];
  private head = 0;

  /** Whether records carry node digests (the tree keeps ZooKeeper's digest). */
  readonly digesting: boolean;
  /** The tree digest once the txn of the newest pending record is applied. */
  private lastDigest = 0n;

  constructor(private readonly tree: DataTree) {
    this.digesting = tree.digest !== null;
  }

  get(path: string): ChangeRecord | null {
    const pending = this.byPath.get(path);
    if (pending) return pending.exists ? pending : null;
    const node = this.tree.getNode(path);
    if (!node) return null;
    return {
      zxid: -1n,
      path,
      exists: true,
      czxid: node.czxid,
      mzxid: node.mzxid,
      pzxid: node.pzxid,
      ctime: node.ctime,
      mtime: node.mtime,
      version: node.version,
      cversion: node.cversion,
      aversion: node.aversion,
      ephemeralOwner: node.ephemeralOwner,
      childCount: node.childCount,
      acl: node.acl,
      data: node.bytes,
      digest: this.digesting ? node.digest(path) : 0,
    };
  }

  /**
   * ZooKeeper's tree digest once every prepped txn is applied: the tree's own
   * when nothing is pending, else the one the newest change set left.
   */
  digestAfterPending(): bigint {
    return this.size === 0 ? (this.tree.digest ?? 0n) : this.lastDigest;
  }

  /** Adds one request's records, which move the tree digest by `digestDelta`. */
  commit(records: readonly ChangeRecord[], digestDelta: number): void {
    if (records.length === 0) return;
    if (this.digesting) this.lastDigest = BigInt.asIntN(64, this.digestAfterPending() + BigInt(digestDelta));
    for (const r of records) {
      this.byPath.set(r.path, r);
      this.ordered.push(r);
    }
  }

  /** Pending records in prep order (for closeSession's ephemeral list). */
  all(): readonly ChangeRecord[] {
    return this.head === 0 ? this.ordered : this.ordered.slice(this.head);
  }

  /**
   * Forgets records the tree now reflects. Called once per applied txn, so the
   * released front is dropped in bulk (splicing it off every call moved the whole
   * queue, ~1000 records under load, per write).
   */
  releaseThrough(zxid: bigint): void {
    const ordered = this.ordered;
    let i = this.head;
    while (i < ordered.length && (ordered[i] as ChangeRecord).zxid <= zxid) {
      const rec = ordered[i] as ChangeRecord;
      if (this.byPath.get(rec.path) === rec) this.byPath.delete(rec.path);
      // Until compaction the slot would keep the record, and the request bytes its data
      // views (a whole socket read), alive through young-generation GCs into the old one.
      ordered[i] = RELEASED;
      i++;
    }
    if (i === ordered.length) {
      this.ordered = [];
      this.head = 0;
    } else if (i >= COMPACT_AT && i * 2 >= ordered.length) {
      this.ordered = ordered.slice(i);
      this.head = 0;
    } else {
      this.head = i;
    }
  }

  get size(): number {
    return this.ordered.length - this.head;
  }
}

/** Up to this many records, a change set finds a path by scanning instead of keeping a Map. */
const SCAN_LIMIT = 8;

/**
 * A scratch layer over PendingChanges for one request: a multi adds its ops'
 * records here and commits them only if every op succeeds. The pipeline keeps one
 * and resets it per request (prep is synchronous). Most requests add one or two
 * records, so they are found by a scan; a Map is built only for big multis.
 */
export class ChangeSet {
  private local: Map<string, ChangeRecord> | null = null;
  private added: ChangeRecord[] = [];
  /** How the records added so far move the tree digest. */
  private digestDelta = 0;

  constructor(private readonly base: PendingChanges) {}

  /** Forgets what the last request added (committed or not). */
  reset(): void {
    if (this.added.length === 0) return;
    this.local = null;
    this.added = [];
    this.digestDelta = 0;
  }

  get(path: string): ChangeRecord | null {
    const rec = this.latest(path);
    if (rec) return rec.exists ? rec : null;
    return this.base.get(path);
  }

  private latest(path: string): ChangeRecord | undefined {
    if (this.local) return this.local.get(path);
    const added = this.added;
    for (let i = added.length - 1; i >= 0; i--) {
      const rec = added[i] as ChangeRecord;
      if (rec.path === path) return rec;
    }
    return undefined;
  }

  /**
   * Records the node's next state; `replaced` is the record it had (from get(),
   * null for a new node), whose digest leaves the tree digest as the new one enters.
   */
  add(record: ChangeRecord, replaced: ChangeRecord | null): void {
    if (this.base.digesting) {
      record.digest = record.exists ? recordDigest(record) : 0;
      this.digestDelta += record.digest - (replaced === null ? 0 : replaced.digest);
    }
    this.added.push(record);
    if (this.local) {
      this.local.set(record.path, record);
    } else if (this.added.length > SCAN_LIMIT) {
      this.local = new Map();
      for (const r of this.added) this.local.set(r.path, r);
    }
  }

  /** Records of this change set, oldest first, for ephemeral bookkeeping. */
  pending(): readonly ChangeRecord[] {
    return [...this.base.all(), ...this.added];
  }

  commit(): void {
    this.base.commit(this.added, this.digestDelta);
  }
}
