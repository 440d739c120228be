/**
 * A model-neutral picture of a ZooKeeper database at one zxid: the znodes with
 * their stored stat, and the open sessions. Readers of ZooKeeper files produce
 * it, writers consume it; whoever holds a tree elsewhere (the zkts store, the
 * in-memory DataTree) converts to and from it.
 */
import type { ACL, StatPersisted } from '../../protocol/generated/records.js';

export interface ZkImageNode {
  /** Absolute path; "/" for the root. */
  path: string;
  /** null is kept apart from empty: clients see the difference. */
  data: Buffer | null;
  acl: readonly ACL[];
  /**
   * The stat as stored: cversion counts child creations only, and
   * ephemeralOwner carries the container/TTL marks (see tree/ephemeral-owner.ts).
   */
  stat: StatPersisted;
}

export interface ZkImageSession {
  id: bigint;
  /** Negotiated timeout in ms. */
  timeout: number;
}

export interface ZkImage {
  /** Every txn up to and including this zxid is reflected. */
  zxid: bigint;
  sessions: readonly ZkImageSession[];
  /** Each parent before its children, the root first. */
  nodes: Iterable<ZkImageNode>;
}

/** The stored path of the root in snapshot files. */
export const SNAPSHOT_ROOT_PATH = '';

export function toSnapshotPath(path: string): string {
  return path === '/' ? SNAPSHOT_ROOT_PATH : path;
}

export function fromSnapshotPath(path: string): string {
  return path === SNAPSHOT_ROOT_PATH ? '/' : path;
}
