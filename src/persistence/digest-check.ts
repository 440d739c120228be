import type { TxnDigest } from '../protocol/generated/records.js';
import { TREE_DIGEST_VERSION } from '../tree/node-digest.js';

/** The tree digest at `zxid` (zxid 0: no digest was known when the snapshot was taken). */
export interface ZxidDigest {
  zxid: bigint;
  digestVersion: number;
  digest: bigint;
}

export interface DigestMismatch {
  zxid: bigint;
  /** 'snapshot': the snapshot's ZxidDigest; 'txn': a logged TxnDigest. */
  source: 'snapshot' | 'txn';
  expected: bigint;
  computed: bigint;
}

/**
 * Checks a tree's digest against the digests written with a snapshot and its
 * txns while they are replayed, as ZooKeeper does on startup. A fuzzy snapshot
 * shows a tree that never existed until replay passes the zxid its digest was
 * taken at, so txn digests before that are not compared. Mismatches are only
 * recorded: ZooKeeper logs them and starts anyway.
 */
export class DigestCheck {
  readonly mismatches: DigestMismatch[] = [];
  /** Txn digests compared (equal, or listed in mismatches). */
  checked = 0;
  /** The snapshot's digest while replay has not reached its zxid. */
  private pendingSnapshotDigest: ZxidDigest | null = null;

  constructor(
    private readonly treeDigest: () => bigint,
    snapshotDigest: ZxidDigest | null = null,
    snapshotZxid = 0n,
  ) {
    // As ZooKeeper: an empty digest (zxid 0) or one older than the snapshot is ignored.
    if (snapshotDigest !== null && snapshotDigest.zxid > 0n && snapshotDigest.zxid >= snapshotZxid) {
      this.pendingSnapshotDigest = snapshotDigest;
      this.reached(snapshotZxid);
    }
  }

  /** Whether replay has not yet reached the snapshot digest's zxid (txn digests are not compared before). */
  get fuzzy(): boolean {
    return this.pendingSnapshotDigest !== null;
  }

  /** After the txn `zxid` is applied: compares the snapshot's digest if this is its zxid, then the txn's own. */
  afterTxn(zxid: bigint, logged: TxnDigest | null): void {
    if (this.pendingSnapshotDigest !== null) this.reached(zxid);
    if (logged === null || this.pendingSnapshotDigest !== null || logged.version !== TREE_DIGEST_VERSION) return;
    this.checked++;
    const computed = this.treeDigest();
    if (logged.treeDigest !== computed) this.mismatches.push({ zxid, source: 'txn', expected: logged.treeDigest, computed });
  }

  private reached(zxid: bigint): void {
    const d = this.pendingSnapshotDigest;
    if (d === null || zxid !== d.zxid) return;
    this.pendingSnapshotDigest = null;
    if (d.digestVersion !== TREE_DIGEST_VERSION) return;
    const computed = this.treeDigest();
    if (d.digest !== computed) this.mismatches.push({ zxid, source: 'snapshot', expected: d.digest, computed });
  }
}
