import type { Logger } from 'pino';
import type { LoggedTxn } from '../protocol/txn-entry.js';
import type { TxnLog } from '../server/txn-log.js';
import { DEFAULT_SNAPSHOT_TUNING, SnapshotCancelled, takeFuzzySnapshot, type SnapshotResult, type SnapshotTuning } from './fuzzy-snapshot.js';
import type { RecoverableTree } from './recoverable-tree.js';
import { recoverStore, type RecoveryReport } from './recovery.js';
import { SessionTable } from './session-table.js';
import type { PurgeSnapshotsResult, SnapshotRequest, SnapshotWorkerData } from './snapshot-protocol.js';
import { SnapshotSchedule } from './snapshot-schedule.js';
import { SqliteTxnLog } from './sqlite-txn-log.js';
import { ensureStoreDirs, storeLayout, type StoreLayout } from './store-layout.js';
import { WorkerRpc } from './worker-rpc.js';
import { hex } from './zxid.js';

/** The zoo.cfg settings the store follows. */
export interface StoreSettings {
  dataDir: string;
  dataLogDir: string;
  forceSync: boolean;
  snapCount: number;
  autopurgeSnapRetainCount: number;
  /** 0 disables autopurge. */
  autopurgePurgeIntervalMs: number;
  snapshotTuning?: Partial<SnapshotTuning>;
}

export interface PurgeResult {
  snapshotsDeleted: number;
  txnsDeleted: number;
}

export interface OpenedStore<T> {
  store: DurableStore;
  /** The recovered tree: the server serves from it, and the store snapshots it. */
  tree: T;
  /** Sessions that were live at the last txn, with their timeouts. */
  sessions: Map<bigint, number>;
  report: RecoveryReport;
}

/**
 * The durable store behind the pipeline's `log` stage: the SQLite txn log, the
 * fuzzy snapshots taken every snapCount txns (randomized), and autopurge.
 */
export class DurableStore implements TxnLog {
  private readonly schedule: SnapshotSchedule;
  private readonly tuning: SnapshotTuning;
  private running: Promise<SnapshotResult | undefined> | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private purging: Promise<PurgeResult> | undefined;
  private closing = false;
  lastSnapshot: SnapshotResult | undefined;

  private constructor(
    readonly layout: StoreLayout,
    readonly txnLog: SqliteTxnLog,
    private readonly snapshots: WorkerRpc<SnapshotRequest>,
    private readonly tree: RecoverableTree,
    private readonly sessionTable: SessionTable,
    private readonly settings: StoreSettings,
    private readonly log: Logger,
  ) {
    this.schedule = new SnapshotSchedule(settings.snapCount);
    this.tuning = { ...DEFAULT_SNAPSHOT_TUNING, ...settings.snapshotTuning };
  }

  /** Recovers the store in dataDir/dataLogDir (creating it if new) and opens it for writing. */
  static async open<T extends RecoverableTree>(
    settings: StoreSettings,
    newTree: () => T,
    log: Logger,
    /** Sessions of the tree newTree() gives, used only when the store is new (an import). */
    newSessions?: ReadonlyMap<bigint, number>,
  ): Promise<OpenedStore<T>> {
    const layout = storeLayout(settings.dataDir, settings.dataLogDir);
    ensureStoreDirs(layout);
    const recovered = recoverStore(layout, newTree, log);
    const { tree, report } = recovered;
    const isNew = report.snapshot === null && report.replayed === 0 && report.skippedSnapshots.length === 0;
    const sessions = isNew && newSessions ? new Map(newSessions) : recovered.sessions;
    log.info(
      {
        logFile: layout.logFile,
        snapshotFile: layout.snapFile,
        snapshot: report.snapshot ? { id: report.snapshot.id, zxid: hex(report.snapshot.zxid), nodes: report.snapshot.nodes } : null,
        replayed: report.replayed,
        lastZxid: hex(report.lastZxid),
        sessions: sessions.size,
        ms: Math.round(report.ms),
      },
      'store recovered',
    );
    const txnLog = await SqliteTxnLog.open(layout.logFile, settings.forceSync);
    const data: SnapshotWorkerData = { file: layout.snapFile, forceSync: settings.forceSync, digest: tree.digest !== null };
    const snapshots = new WorkerRpc<SnapshotRequest>(new URL('./snapshot-worker.js', import.meta.url), data, 'snapshot writer');
    try {
      await snapshots.call({ op: 'open' });
    } catch (err) {
      await snapshots.terminate();
      await txnLog.close();
      throw err;
    }
    const store = new DurableStore(layout, txnLog, snapshots, tree, new SessionTable(sessions), settings, log);
    // Txns replayed since the snapshot count towards the next one.
    if (store.schedule.countLogged(report.replayed)) store.startSnapshot();
    store.startAutopurge();
    return { store, tree, sessions, report };
  }

  append(txns: readonly LoggedTxn[]): Promise<void> {
    for (const t of txns) this.sessionTable.observe(t.txn);
    const durable = this.txnLog.append(txns);
    if (this.schedule.countLogged(txns.length)) this.startSnapshot();
    return durable;
  }

  /** Starts a snapshot unless one is running (then, as ZooKeeper, this one is skipped). */
  private startSnapshot(): void {
    if (this.running || this.closing) {
      if (this.running) this.log.warn('a snapshot is still being written; skipping this one');
      return;
    }
    // Begin on a later turn: the txns of this batch are not applied yet, and the
    // snapshot records the last applied zxid, whatever it is then.
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.snapshotOnce())
      .finally(() => {
        this.running = undefined;
      });
  }

  private async snapshotOnce(): Promise<SnapshotResult | undefined> {
    try {
      const result = await takeFuzzySnapshot(this.tree, new Map(this.sessionTable.sessions), this.snapshots, this.tuning, () => this.closing);
      this.lastSnapshot = result;
      this.log.info(
        { snapshot: result.snapshotId, zxid: hex(result.zxid), nodes: result.nodeCount, bytes: result.bytes, ms: Math.round(result.ms), longestSliceMs: +result.longestSliceMs.toFixed(2) },
        'snapshot written',
      );
      return result;
    } catch (err) {
      if (err instanceof SnapshotCancelled) return undefined;
      // Like ZooKeeper: a failed snapshot is logged; the txn log still holds everything.
      this.log.error({ err }, 'snapshot failed');
      return undefined;
    }
  }

  /** Takes a snapshot now (after any running one) and resolves when it is sealed. */
  async snapshotNow(): Promise<SnapshotResult> {
    if (this.running) await this.running;
    const run = this.snapshotOnce();
    this.running = run.finally(() => {
      this.running = undefined;
    });
    const result = await run;
    if (!result) throw new Error('snapshot failed (see the log)');
    return result;
  }

  /**
   * autopurge: keeps the newest autopurge.snapRetainCount snapshots and deletes
   * older ones and the txns that only they needed (zxid <= the oldest kept).
   */
  purge(): Promise<PurgeResult> {
    this.purging ??= this.purgeOnce().finally(() => {
      this.purging = undefined;
    });
    return this.purging;
  }

  private async purgeOnce(): Promise<PurgeResult> {
    const snaps = await this.snapshots.call<PurgeSnapshotsResult>({ op: 'purge', retain: this.settings.autopurgeSnapRetainCount });
    const txnsDeleted = snaps.oldestKeptZxid === null ? 0 : await this.txnLog.purgeThrough(snaps.oldestKeptZxid);
    if (snaps.deleted > 0 || txnsDeleted > 0) {
      this.log.info({ snapshotsDeleted: snaps.deleted, txnsDeleted, keptFrom: snaps.oldestKeptZxid === null ? null : hex(snaps.oldestKeptZxid) }, 'autopurge');
    }
    return { snapshotsDeleted: snaps.deleted, txnsDeleted };
  }

  private startAutopurge(): void {
    const every = this.settings.autopurgePurgeIntervalMs;
    if (every <= 0) return;
    const run = (): void => {
      this.purge().catch((err: unknown) => this.log.error({ err }, 'autopurge failed'));
    };
    // As ZooKeeper's cleanup task: once at start, then every purgeInterval.
    setImmediate(run);
    this.purgeTimer = setInterval(run, every);
    this.purgeTimer.unref();
  }

  /** Waits for the log to be durable, abandons a running snapshot, and stops both writers. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.running;
    await this.purging?.catch(() => undefined);
    try {
      await this.txnLog.close();
    } finally {
      await this.snapshots.call({ op: 'close' }).catch(() => undefined);
      await this.snapshots.terminate();
    }
  }
}
