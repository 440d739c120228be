import { Worker } from 'node:worker_threads';
import { JuteWriter } from '../protocol/jute-writer.js';
import { type LoggedTxn, writeTxnEntry } from '../protocol/txn-entry.js';
import type { TxnLog } from '../server/txn-log.js';
import { CommitStats } from './commit-stats.js';
import { ControlOp, TxnLogChannel, type Mailbox } from './txn-log-channel.js';
import type { TxnLogWorkerData } from './txn-log-protocol.js';

/** One append() call: settled once every stage holding its txns is committed, or one failed. */
class Completion {
  remaining = 0;
  private settled = false;

  constructor(
    private readonly resolve: () => void,
    private readonly reject: (err: Error) => void,
  ) {}

  stageDone(err?: Error): void {
    if (this.settled) return;
    if (err) {
      this.settled = true;
      this.reject(err);
    } else if (--this.remaining === 0) {
      this.settled = true;
      this.resolve();
    }
  }
}

/** Txns waiting for one commit: txn i is writer bytes [ends[i-1], ends[i]) with zxid zxids[i]. */
interface Staged {
  writer: JuteWriter;
  zxids: bigint[];
  ends: number[];
  completions: Completion[];
}

/**
 * A stage is closed at this size and the next txns go to the one after it, so
 * one commit's bytes always fit the channel's data area.
 */
const STAGE_BYTES = 4 * 1024 * 1024;
/** Stage writers up to this size are kept for the next stage; larger ones are dropped. */
const KEEP_WRITER_BYTES = 1024 * 1024;

/**
 * The txn log in SQLite (txnlog.db), written by a worker thread.
 *
 * Group commit: at most one commit is in flight. Txns appended while it runs
 * (however many pipeline batches) are encoded on arrival and wait in the next
 * stage; when the commit is reported, the whole stage goes to the worker as one
 * SQLite transaction (one fsync). append() resolves when its txns' commit is
 * reported. The main thread only encodes and copies bytes into the shared
 * channel (txn-log-channel.ts), so reads go on while the worker waits for the disk.
 */
export class SqliteTxnLog implements TxnLog {
  private readonly commitStats = new CommitStats();
  /** Waiting stages, oldest first; appends go to the last. */
  private readonly stages: Staged[] = [];
  private spareWriter: JuteWriter | undefined = new JuteWriter(16 * 1024);
  private inFlight: Promise<void> | undefined;
  private control: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Set once the writer thread died: nothing more can be asked of it. */
  private failure: Error | undefined;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    private readonly channel: TxnLogChannel,
  ) {
    const fail = (err: Error): void => {
      this.failure ??= err;
      this.channel.wake();
    };
    worker.on('error', (err) => fail(err instanceof Error ? err : new Error(String(err))));
    worker.on('exit', (code) => {
      this.exited = true;
      fail(new Error(`txn log writer thread exited (code ${code})`));
    });
  }

  static async open(file: string, forceSync: boolean): Promise<SqliteTxnLog> {
    const channel = TxnLogChannel.create();
    const data: TxnLogWorkerData = { file, forceSync, channel: channel.buffers };
    const worker = new Worker(new URL('./txn-log-worker.js', import.meta.url), { workerData: data, name: 'txn log writer' });
    const log = new SqliteTxnLog(worker, channel);
    try {
      await log.request(ControlOp.open);
    } catch (err) {
      await log.terminate();
      throw err;
    }
    return log;
  }

  /** Group-commit sizes, commit times, and the writer's checkpoints so far. */
  get stats(): CommitStats {
    this.commitStats.checkpoints = this.channel.checkpoints();
    return this.commitStats;
  }

  append(txns: readonly LoggedTxn[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('txn log is closed'));
    if (txns.length === 0) return Promise.resolve();
    let done!: Completion;
    const promise = new Promise<void>((resolve, reject) => (done = new Completion(resolve, reject)));
    let s = this.stages.at(-1) ?? this.newStage();
    for (const t of txns) {
      if (s.writer.offset >= STAGE_BYTES) s = this.newStage();
      writeTxnEntry(s.writer, t);
      s.zxids.push(t.txn.hdr.zxid);
      s.ends.push(s.writer.offset);
      if (s.completions.at(-1) !== done) {
        s.completions.push(done);
        done.remaining++;
      }
    }
    if (!this.inFlight) this.commitNext();
    return promise;
  }

  private newStage(): Staged {
    const s: Staged = { writer: this.spareWriter ?? new JuteWriter(16 * 1024), zxids: [], ends: [], completions: [] };
    this.spareWriter = undefined;
    this.stages.push(s);
    return s;
  }

  private commitNext(): void {
    const s = this.stages.shift();
    if (!s) {
      this.inFlight = undefined;
      return;
    }
    let posted: number;
    try {
      if (this.failure) throw this.failure;
      posted = this.channel.postAppend(s.zxids, s.ends, s.writer.view());
    } catch (err) {
      posted = -1;
      const e = err instanceof Error ? err : new Error(String(err));
      for (const c of s.completions) c.stageDone(e);
    }
    // The bytes are in the channel now: the writer can take the next stage.
    if (s.writer.offset <= KEEP_WRITER_BYTES) this.spareWriter ??= s.writer.reset();
    if (posted < 0) {
      this.inFlight = Promise.resolve().then(() => this.commitNext());
      return;
    }
    // The next stage is posted before this one's appends settle (the pipeline
    // then applies and replies), so the writer starts the next commit meanwhile.
    this.inFlight = this.outcome('append', posted).then(
      () => {
        this.commitStats.record(s.zxids.length, this.channel.result('append'));
        this.commitNext();
        for (const c of s.completions) c.stageDone();
      },
      (err: unknown) => {
        this.commitNext();
        const e = err instanceof Error ? err : new Error(String(err));
        for (const c of s.completions) c.stageDone(e);
      },
    );
  }

  /**
   * Waits until the worker has finished request `seq` of `box` (the only one of
   * that mailbox in flight); rejects with its error, or if the worker died.
   */
  private async outcome(box: Mailbox, seq: number): Promise<void> {
    for (;;) {
      const done = this.channel.done(box);
      if (done === seq) break;
      if (this.failure) throw this.failure;
      await this.channel.changed(box, done);
    }
    const error = this.channel.failure(box);
    if (error !== undefined) throw new Error(`txn log writer: ${error}`);
  }

  /** One control request at a time; resolves with its result. */
  private request(op: ControlOp, arg = 0n): Promise<number> {
    const run = async (): Promise<number> => {
      if (this.failure) throw this.failure;
      await this.outcome('control', this.channel.postControl(op, arg));
      return this.channel.result('control');
    };
    const result = this.control.then(run, run);
    this.control = result.catch(() => undefined);
    return result;
  }

  /** Deletes every txn with zxid <= throughZxid (autopurge). */
  async purgeThrough(throughZxid: bigint): Promise<number> {
    return this.request(ControlOp.purge, throughZxid);
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
      if (!this.failure) await this.request(ControlOp.close);
    } finally {
      await this.terminate();
    }
  }

  /** Stops the thread (after its last answer has been received). */
  private async terminate(): Promise<void> {
    this.failure ??= new Error('txn log writer closed');
    if (!this.exited) await this.worker.terminate();
  }
}
