import type { Txn } from '../protocol/txn.js';
import type { SnapshotSource } from './fuzzy-snapshot.js';
import type { StoredNode } from './snapshot-format.js';

/**
 * What recovery needs of a tree (zkts's DataTree has it): load nodes from a
 * snapshot, then apply txns. Kept structural so persistence does not depend on
 * the tree's module.
 */
export interface RecoverableTree extends SnapshotSource {
  lastProcessedZxid: bigint;
  /** Puts a node read from a snapshot in place (children are linked later); node.data becomes the tree's own, so pass a copy, not a view. */
  restoreNode(path: string, node: StoredNode): void;
  /** Links children to parents after the last restoreNode; returns paths whose parent is missing. */
  finishRestore(): string[];
  /** Applies a txn; replays of txns the fuzzy snapshot already shows must be harmless. */
  processTxn(txn: Txn): { err: number };
}
