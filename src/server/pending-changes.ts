import type { ACL } from '../protocol/generated/records.js';
import type { DataTree } from '../tree/data-tree.js';

/**
 * What prep believes a znode will look like once every txn already prepped is
 * applied. Prep validates against this, not the tree, so pipelined writes see
 * each other before they reach disk.
 */
export interface ChangeRecord {
  zxid: bigint;
  path: string;
  exists: boolean;
  version: number;
  /** Stored form: counts child creates only. */
  cversion: number;
  aversion: number;
  childCount: number;
  ephemeralOwner: bigint;
  acl: readonly ACL[];
  /** Data length once applied (quota checks of setData). */
  dataLength: number;
}

/** `rec` as a setData at `zxid` leaves it. Spelled out rather than spread: one object shape for every record. */
export function withData(rec: ChangeRecord, zxid: bigint, version: number, dataLength: number): ChangeRecord {
  return {
    zxid,
    path: rec.path,
    exists: true,
    version,
    cversion: rec.cversion,
    aversion: rec.aversion,
    childCount: rec.childCount,
    ephemeralOwner: rec.ephemeralOwner,
    acl: rec.acl,
    dataLength,
  };
}

/** Below this many released records at the front, the queue is not compacted. */
const COMPACT_AT = 1024;

export class PendingChanges {
  private readonly byPath = new Map<string, ChangeRecord>();
  /** Records in prep order; those before `head` are released. */
  private ordered: ChangeRecord[] = [];
  private head = 0;

  constructor(private readonly tree: DataTree) {}

  get(path: string): ChangeRecord | null {
    const pending = this.byPath.get(path);
    if (pending) return pending.exists ? pending : null;
    const node = this.tree.getNode(path);
    if (!node) return null;
    return {
      zxid: node.mzxid,
      path,
      exists: true,
      version: node.version,
      cversion: node.cversion,
      aversion: node.aversion,
      childCount: node.childCount,
      ephemeralOwner: node.ephemeralOwner,
      acl: node.acl,
      dataLength: node.data?.length ?? 0,
    };
  }

  add(record: ChangeRecord): void {
    this.byPath.set(record.path, record);
    this.ordered.push(record);
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

  constructor(private readonly base: PendingChanges) {}

  /** Forgets what the last request added (committed or not). */
  reset(): void {
    if (this.added.length === 0) return;
    this.local = null;
    this.added = [];
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

  add(record: ChangeRecord): void {
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
    for (const r of this.added) this.base.add(r);
  }
}
