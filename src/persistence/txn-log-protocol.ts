/** Messages between SqliteTxnLog (main thread) and its writer thread. */

export interface TxnLogWorkerData {
  file: string;
  forceSync: boolean;
}

export type TxnLogRequest =
  | { op: 'open' }
  /** One group commit: txn i is bytes[ends[i-1] .. ends[i]) with zxid zxids[i]. */
  | { op: 'append'; zxids: BigInt64Array; ends: Uint32Array; bytes: ArrayBuffer }
  /** Deletes every txn with zxid <= throughZxid, in slices. */
  | { op: 'purge'; throughZxid: bigint }
  | { op: 'close' };

export interface AppendResult {
  /** Time inside the SQLite transaction, commit and fsync included. */
  commitMs: number;
}

export interface PurgeResult {
  deleted: number;
}
