import type { LoggedTxn } from '../protocol/txn-entry.js';

/**
 * The `log` stage of the pipeline. append() resolves once every txn of the batch
 * is durable; the pipeline applies and acknowledges them only then.
 */
export interface TxnLog {
  append(txns: readonly LoggedTxn[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps recent txns in memory only: nothing survives a restart. Stands in until
 * the SQLite log lands.
 */
export class MemoryTxnLog implements TxnLog {
  private readonly recent: LoggedTxn[] = [];
  appended = 0;

  constructor(private readonly keep = 10_000) {}

  append(txns: readonly LoggedTxn[]): Promise<void> {
    for (const t of txns) this.recent.push({ txn: t.txn, digest: t.digest });
    if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
    this.appended += txns.length;
    return Promise.resolve();
  }

  /** Txns still held, oldest first. */
  txns(): readonly LoggedTxn[] {
    return this.recent;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
