import type { ACL } from '../protocol/generated/records.js';
import type { Txn } from '../protocol/txn.js';
import type { SnapshotSource } from './fuzzy-snapshot.js';

/**
 * What recovery needs of a tree (zkts's DataTree has it): load nodes from a
 * snapshot, then apply txns. Kept structural so persistence does not depend on
 * the tree's module.
 */
export interface RecoverableTree extends SnapshotSource {
  lastProcessedZxid: bigint;
  /**
   * Puts a node read from a snapshot in place (children are linked later): its
   * data (one char per byte), ACL, and the jute StatPersisted record at stat[statOffset].
   */
  restoreRecord(path: string, data: string | null, acl: readonly ACL[], stat: Uint8Array, statOffset: number): void;
  /**
   * Links children to parents after the last restoreNode; returns paths whose
   * parent is missing. `nodesDigest`, when known, is the sum of the restored
   * nodes' digests (else the tree computes it, if it keeps one).
   */
  finishRestore(nodesDigest?: bigint): string[];
  readonly nodeCount: number;
  /** Applies a txn; replays of txns the fuzzy snapshot already shows must be harmless. */
  processTxn(txn: Txn): { err: number };
}
