/** Messages between the snapshot writer (main thread) and its worker thread. */
import type { ZxidDigest } from './digest-check.js';

export interface SnapshotWorkerData {
  file: string;
  forceSync: boolean;
  /** Store each chunk's sum of node digests, so a restart need not compute the tree digest itself. */
  digest: boolean;
}

export type SnapshotRequest =
  | { op: 'open' }
  /** Starts a snapshot of the tree as of `zxid` (fuzzy: later txns may show). */
  | { op: 'begin'; zxid: bigint; startedAt: number; sessions: ArrayBuffer }
  | { op: 'chunk'; snapshotId: number; seq: number; nodeCount: number; bytes: ArrayBuffer }
  /** Marks the snapshot complete if it holds exactly these counts, with the tree digest at the end of the walk; fsyncs. */
  | { op: 'seal'; snapshotId: number; nodeCount: number; chunkCount: number; digest: ZxidDigest | null }
  | { op: 'abort'; snapshotId: number }
  /** Deletes all but the newest `retain` sealed snapshots. */
  | { op: 'purge'; retain: number }
  | { op: 'close' };

export interface PurgeSnapshotsResult {
  deleted: number;
  /** zxid of the oldest snapshot kept, if any: log txns up to it are no longer needed. */
  oldestKeptZxid: bigint | null;
}
