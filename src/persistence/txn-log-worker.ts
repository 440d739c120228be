/**
 * The txn log's writer thread: owns the only write connection to txnlog.db, so
 * the commit's fsync happens here and the main thread keeps serving reads.
 *
 * It runs no event loop: it sleeps on the channel's doorbell (Atomics.wait) and
 * serves what was posted, a waiting append first.
 *
 * Checkpoints (copying the WAL back into txnlog.db, which fsyncs both files) are
 * run here between commits, after the commit's answer is posted, instead of by
 * SQLite's auto-checkpoint inside the commit that crosses the threshold: that
 * commit's writes are acknowledged without waiting for it.
 */
import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { checksum } from './checksum.js';
import { claimStoreFile, configureConnection, LOG_SCHEMA } from './sqlite-schema.js';
import { ControlOp, TxnLogChannel, type AppendView } from './txn-log-channel.js';
import type { TxnLogWorkerData } from './txn-log-protocol.js';

const PURGE_SLICE = 5000;
/**
 * WAL frames (pages) after which a checkpoint runs: SQLite's own auto-checkpoint
 * default, so the WAL stays ~4 MB and, once checkpointed, is rewritten from its
 * start (overwriting blocks already allocated syncs faster than appending).
 */
const CHECKPOINT_FRAMES = 1000;
/** A commit rewrites the table's last leaf page, plus about one page per this many new bytes. */
const BYTES_PER_NEW_FRAME = 2048;
const settings = workerData as TxnLogWorkerData;
const channel = new TxnLogChannel(settings.channel);

class LogWriter {
  private readonly appendBatch: (view: AppendView) => void;
  private readonly purgeSlice: Database.Statement<[bigint, number]>;
  private readonly checkpointStmt: Database.Statement;
  /** WAL frames written since the last checkpoint, estimated (SQLite does not tell without checkpointing). */
  private framesSinceCheckpoint = 0;

  constructor(private readonly db: Database.Database) {
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare<[bigint, Buffer, number]>('INSERT INTO txns (zxid, txn, crc) VALUES (?, ?, ?)');
    this.appendBatch = db.transaction(({ zxids, ends, bytes }: AppendView) => {
      let start = 0;
      for (let i = 0; i < zxids.length; i++) {
        const end = ends[i] as number;
        const txn = bytes.subarray(start, end);
        insert.run(zxids[i] as bigint, txn, checksum(txn));
        start = end;
      }
    });
    this.purgeSlice = db.prepare('DELETE FROM txns WHERE zxid IN (SELECT zxid FROM txns WHERE zxid <= ? ORDER BY zxid LIMIT ?)');
    this.checkpointStmt = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  }

  static open(): LogWriter {
    const db = new Database(settings.file);
    try {
      configureConnection(db, settings.forceSync);
      claimStoreFile(db, settings.file, LOG_SCHEMA);
      return new LogWriter(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** One group commit; returns the time spent in the SQLite transaction (commit and fsync included). */
  append(view: AppendView): number {
    const t0 = performance.now();
    this.appendBatch(view);
    this.framesSinceCheckpoint += 1 + Math.floor(view.bytes.length / BYTES_PER_NEW_FRAME);
    return performance.now() - t0;
  }

  /**
   * Checkpoints once the WAL has grown past CHECKPOINT_FRAMES; while appends are
   * waiting, only once it is 4 times that (so a steady stream of commits cannot
   * put it off for ever).
   */
  checkpointIfDue(appendWaiting: boolean): void {
    if (this.framesSinceCheckpoint < (appendWaiting ? 4 * CHECKPOINT_FRAMES : CHECKPOINT_FRAMES)) return;
    this.framesSinceCheckpoint = 0;
    // PASSIVE: nothing else writes this file, so it copies every frame and the
    // next commit restarts the WAL from its beginning.
    const t0 = performance.now();
    this.checkpointStmt.run();
    channel.recordCheckpoint(performance.now() - t0);
  }

  /** Deletes every txn with zxid <= throughZxid, in slices; `between` runs between slices. */
  purge(throughZxid: bigint, between: () => void): number {
    let deleted = 0;
    for (;;) {
      const n = this.purgeSlice.run(throughZxid, PURGE_SLICE).changes;
      deleted += n;
      this.framesSinceCheckpoint += Math.ceil(n / 20);
      if (n < PURGE_SLICE) return deleted;
      between();
    }
  }

  close(): void {
    this.db.close();
  }
}

let writer: LogWriter | undefined;
let appendsServed = 0;
let controlsServed = 0;

function describe(err: unknown): string {
  if (err instanceof Error) return 'code' in err && typeof err.code === 'string' ? `${err.code}: ${err.message}` : err.message;
  return String(err);
}

/** Serves the posted append, if one waits. */
function serveAppend(): void {
  const seq = channel.requested('append');
  if (seq === appendsServed) return;
  appendsServed = seq;
  try {
    if (!writer) throw new Error('txn log is not open');
    channel.finish('append', seq, { result: writer.append(channel.readAppend()) });
  } catch (err) {
    channel.finish('append', seq, { error: describe(err) });
  }
}

/** Checkpoints if due; a waiting append normally goes first. */
function checkpointIfDue(): void {
  if (!writer) return;
  try {
    writer.checkpointIfDue(channel.requested('append') !== appendsServed);
  } catch {
    // A failed checkpoint loses nothing (the WAL keeps the txns); SQLite
    // retries at the next one, and a disk that fails for good fails the commits.
  }
}

/** Serves the posted control request, if one waits; false once the log is closed. */
function serveControl(): boolean {
  const seq = channel.requested('control');
  if (seq === controlsServed) return true;
  controlsServed = seq;
  const { op, arg } = channel.readControl();
  try {
    switch (op) {
      case ControlOp.open:
        writer ??= LogWriter.open();
        channel.finish('control', seq, { result: 0 });
        return true;
      case ControlOp.purge: {
        if (!writer) throw new Error('txn log is not open');
        channel.finish('control', seq, { result: writer.purge(arg, serveAppend) });
        checkpointIfDue();
        return true;
      }
      case ControlOp.close:
        writer?.close();
        writer = undefined;
        channel.finish('control', seq, { result: 0 });
        return false;
      default:
        throw new Error(`unknown txn log request ${String(op)}`);
    }
  } catch (err) {
    channel.finish('control', seq, { error: describe(err) });
    return true;
  }
}

let bell = 0;
for (;;) {
  bell = channel.waitBell(bell);
  serveAppend();
  if (!serveControl()) break;
  checkpointIfDue();
}
