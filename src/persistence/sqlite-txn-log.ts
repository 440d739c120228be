import { JuteWriter } from '../protocol/jute-writer.js';
import type { Txn } from '../protocol/txn.js';
import type { TxnLog } from '../server/txn-log.js';
import { CommitStats } from './commit-stats.js';
import { encodeStoredTxn } from './txn-codec.js';
import type { AppendResult, PurgeResult, TxnLogRequest, TxnLogWorkerData } from './txn-log-protocol.js';
import { WorkerRpc } from './worker-rpc.js';

interface Staged {
  zxids: bigint[];
  ends: number[];
  writer: JuteWriter;
  waiters: { resolve(): void; reject(err: Error): void }[];
}

function freshStage(): Staged {
  return { zxids: [], ends: [], writer: new JuteWriter(16 * 1024), waiters: [] };
}

/**
 * The txn log in SQLite (txnlog.db), written by a worker thread.
 *
 * Group commit: at most one commit is in flight. Txns appended while it runs
 * (however many pipeline batches) are encoded on arrival and wait in the next
 * stage; when the commit is reported, the whole stage goes to the worker as one
 * SQLite transaction (one fsync). append() resolves when its txns' commit is
 * reported. The main thread only encodes and hands over bytes (transferred, not
 * copied), so reads go on while the worker waits for the disk.
 */
export class SqliteTxnLog implements TxnLog {
  readonly stats = new CommitStats();
  private stage = freshStage();
  private inFlight: Promise<void> | undefined;
  private closed = false;

  private constructor(private readonly rpc: WorkerRpc<TxnLogRequest>) {}

  static async open(file: string, forceSync: boolean): Promise<SqliteTxnLog> {
    const data: TxnLogWorkerData = { file, forceSync };
    const rpc = new WorkerRpc<TxnLogRequest>(new URL('./txn-log-worker.js', import.meta.url), data, 'txn log writer');
    try {
      await rpc.call({ op: 'open' });
    } catch (err) {
      await rpc.terminate();
      throw err;
    }
    return new SqliteTxnLog(rpc);
  }

  append(txns: readonly Txn[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('txn log is closed'));
    if (txns.length === 0) return Promise.resolve();
    const s = this.stage;
    for (const t of txns) {
      encodeStoredTxn(s.writer, t);
      s.zxids.push(t.hdr.zxid);
      s.ends.push(s.writer.offset);
    }
    const done = new Promise<void>((resolve, reject) => s.waiters.push({ resolve, reject }));
    if (!this.inFlight) this.commitNext();
    return done;
  }

  private commitNext(): void {
    const s = this.stage;
    if (s.zxids.length === 0) {
      this.inFlight = undefined;
      return;
    }
    this.stage = freshStage();
    // A fresh ArrayBuffer of exactly the staged bytes: it is moved to the worker.
    const bytes = new ArrayBuffer(s.writer.offset);
    new Uint8Array(bytes).set(s.writer.view());
    const zxids = BigInt64Array.from(s.zxids);
    const ends = Uint32Array.from(s.ends);
    this.inFlight = this.rpc
      .call<AppendResult>({ op: 'append', zxids, ends, bytes }, [bytes, zxids.buffer, ends.buffer])
      .then(
        (r) => {
          this.stats.record(s.zxids.length, r.commitMs);
          for (const w of s.waiters) w.resolve();
        },
        (err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          for (const w of s.waiters) w.reject(e);
        },
      )
      .then(() => this.commitNext());
  }

  /** Deletes every txn with zxid <= throughZxid (autopurge). */
  async purgeThrough(throughZxid: bigint): Promise<number> {
    const r = await this.rpc.call<PurgeResult>({ op: 'purge', throughZxid });
    return r.deleted;
  }

  /** Waits for every appended txn to be durable. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
      if (!this.rpc.failed) await this.rpc.call({ op: 'close' });
    } finally {
      await this.rpc.terminate();
    }
  }
}
