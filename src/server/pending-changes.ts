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

export class PendingChanges {
  private readonly byPath = new Map<string, ChangeRecord>();
  private readonly ordered: ChangeRecord[] = [];

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
    return this.ordered;
  }

  /** Forgets records the tree now reflects. */
  releaseThrough(zxid: bigint): void {
    let i = 0;
    while (i < this.ordered.length && (this.ordered[i] as ChangeRecord).zxid <= zxid) {
      const rec = this.ordered[i] as ChangeRecord;
      if (this.byPath.get(rec.path) === rec) this.byPath.delete(rec.path);
      i++;
    }
    if (i > 0) this.ordered.splice(0, i);
  }

  get size(): number {
    return this.ordered.length;
  }
}

/**
 * A scratch layer over PendingChanges for one request: a multi adds its ops'
 * records here and commits them only if every op succeeds.
 */
export class ChangeSet {
  private readonly local = new Map<string, ChangeRecord>();
  private readonly added: ChangeRecord[] = [];

  constructor(private readonly base: PendingChanges) {}

  get(path: string): ChangeRecord | null {
    const rec = this.local.get(path);
    if (rec) return rec.exists ? rec : null;
    return this.base.get(path);
  }

  add(record: ChangeRecord): void {
    this.local.set(record.path, record);
    this.added.push(record);
  }

  /** Records of this change set, oldest first, for ephemeral bookkeeping. */
  pending(): readonly ChangeRecord[] {
    return [...this.base.all(), ...this.added];
  }

  commit(): void {
    for (const r of this.added) this.base.add(r);
  }
}
