import type { Txn } from '../protocol/txn.js';

/**
 * The `log` stage of the pipeline. append() resolves once every txn of the batch
 * is durable; the pipeline applies and acknowledges them only then.
 */
export interface TxnLog {
  append(txns: readonly Txn[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps recent txns in memory only: nothing survives a restart. Stands in until
 * the SQLite log lands.
 */
export class MemoryTxnLog implements TxnLog {
  private readonly recent: Txn[] = [];
  appended = 0;

  constructor(private readonly keep = 10_000) {}

  append(txns: readonly Txn[]): Promise<void> {
    for (const t of txns) this.recent.push(t);
    if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
    this.appended += txns.length;
    return Promise.resolve();
  }

  /** Txns still held, oldest first. */
  txns(): readonly Txn[] {
    return this.recent;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
