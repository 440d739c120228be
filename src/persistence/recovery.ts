import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { DigestCheck, type DigestMismatch } from './digest-check.js';
import { isSoundRow, isSqliteError, intactTxnsAfter, replayLog, type BadTail } from './log-replay.js';
import { moveAside } from './move-aside.js';
import type { RecoverableTree } from './recoverable-tree.js';
import { RecoveryError } from './recovery-error.js';
import { SessionTable } from './session-table.js';
import { BadSnapshotError, listSnapshots, loadSnapshot, type LoadedSnapshot, type SnapshotInfo } from './snapshot-reader.js';
import { APPLICATION_ID, claimStoreFile, configureConnection, LOG_SCHEMA, SNAPSHOT_SCHEMA, StoreFormatError } from './sqlite-schema.js';
import type { StoreLayout } from './store-layout.js';
import { hex } from './zxid.js';

export interface RecoveryReport {
  snapshot: { id: number; zxid: bigint; nodes: number; ms: number } | null;
  /** Snapshots passed over because they failed their checks, newest first. */
  skippedSnapshots: { id: number; zxid: bigint; reason: string }[];
  replayed: number;
  lastZxid: bigint;
  /** Set when a damaged tail of the log was dropped. */
  droppedTail: { fromZxid: bigint | undefined; rows: number | undefined; reason: string } | null;
  /** ZooKeeper's digest checks during replay; null when the tree keeps no digest. */
  digests: DigestReport | null;
  ms: number;
}

export interface DigestReport {
  /** Logged txn digests compared with the tree. */
  checked: number;
  /** Digests that differed (ZooKeeper logs these and starts anyway, and so does zkts). */
  mismatches: readonly DigestMismatch[];
  /**
   * Why txn digests were not compared, if they were not: the snapshot sealed no
   * digest, or replay never reached the zxid it was sealed at.
   */
  skipped?: string;
}

export interface Recovered<T> {
  tree: T;
  /** Sessions and timeouts as of lastZxid. */
  sessions: Map<bigint, number>;
  report: RecoveryReport;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Opens an existing zkts store file, or says why it cannot be used. */
function openStoreFile(file: string, schema: string): Database.Database {
  const db = new Database(file);
  try {
    configureConnection(db, true);
    claimStoreFile(db, file, schema);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Opens a txn log SQLite calls malformed (a truncated file, typically) so that
 * the txns before the damage can still be read: SQLite refuses a file shorter
 * than its header says unless writable_schema is on, which needs unsafe mode.
 * Nothing is written through this connection.
 */
function openDamagedLog(file: string, cause: Error & { code: string }): Database.Database {
  const refuse = (why: string): RecoveryError =>
    new RecoveryError(
      `the txn log ${file} cannot be read (${why}); refusing to start. ` +
        'Restore it from a backup, or move it aside to start from the newest snapshot alone (writes after it are lost)',
    );
  if (cause.code !== 'SQLITE_CORRUPT') throw refuse(`${cause.code}: ${cause.message}`);
  const db = new Database(file);
  try {
    db.unsafeMode(true);
    db.pragma('writable_schema = ON');
    db.defaultSafeIntegers(true);
    if (Number(db.pragma('application_id', { simple: true })) !== APPLICATION_ID) throw refuse('not a zkts store');
    return db;
  } catch (err) {
    db.close();
    if (err instanceof RecoveryError) throw err;
    throw refuse(`${cause.code}: ${cause.message}; ${message(err)}`);
  }
}

/** The newest snapshot that passes every check, or none. */
function loadNewestSnapshot<T extends RecoverableTree>(
  layout: StoreLayout,
  newTree: () => T,
  log: Logger,
  skipped: RecoveryReport['skippedSnapshots'],
): LoadedSnapshot<T> | undefined {
  if (!existsSync(layout.snapFile)) return undefined;
  let db: Database.Database;
  let infos: SnapshotInfo[];
  try {
    db = openStoreFile(layout.snapFile, SNAPSHOT_SCHEMA);
    infos = listSnapshots(db);
  } catch (err) {
    if (err instanceof StoreFormatError || !isSqliteError(err)) throw err;
    const kept = moveAside(layout.snapFile);
    log.error({ file: layout.snapFile, movedTo: kept, err: message(err) }, 'snapshot database is unreadable; moved it aside and recovering from the txn log alone');
    return undefined;
  }
  try {
    for (const info of infos) {
      try {
        return loadSnapshot(db, info, newTree());
      } catch (err) {
        if (!(err instanceof BadSnapshotError) && !isSqliteError(err)) throw err;
        skipped.push({ id: info.id, zxid: info.zxid, reason: message(err) });
        log.warn({ snapshot: info.id, zxid: hex(info.zxid), err: message(err) }, 'snapshot is damaged; falling back to an older one');
      }
    }
    return undefined;
  } finally {
    db.close();
  }
}

/**
 * Rewrites the log with the txns that can still be read when SQLite can no
 * longer read (or delete in) the damaged file; the damaged file is kept aside.
 */
function salvageLog(db: Database.Database, layout: StoreLayout, from: bigint, through: bigint, log: Logger): void {
  type Row = { zxid: bigint; txn: Buffer; crc: bigint };
  const select = db.prepare('SELECT zxid, txn, crc FROM txns WHERE zxid > ? AND zxid <= ? ORDER BY zxid');
  // Replay just read these, so they are sound.
  const recent = (select.all(from, through) as Row[]).filter((r) => isSoundRow(r));
  let older: Row[] = [];
  try {
    // Older txns too, if every one is sound: they let recovery fall back to an older snapshot.
    const candidates = select.all(-1n << 63n, from) as Row[];
    if (candidates.every((r) => isSoundRow(r))) older = candidates;
  } catch (err) {
    if (!isSqliteError(err)) throw err;
  }
  const rows = older.concat(recent);
  db.close();
  const fresh = `${layout.logFile}.salvage`;
  for (const extra of ['', '-wal', '-shm']) rmSync(fresh + extra, { force: true });
  const out = openStoreFile(fresh, LOG_SCHEMA);
  const insert = out.prepare('INSERT INTO txns (zxid, txn, crc) VALUES (?, ?, ?)');
  out.transaction(() => {
    for (const r of rows) insert.run(r.zxid, r.txn, r.crc);
  })();
  // Fold the WAL into the file, so that one file is all there is to move.
  out.pragma('journal_mode = DELETE');
  out.close();
  const kept = moveAside(layout.logFile);
  renameSync(fresh, layout.logFile);
  log.error(
    { file: layout.logFile, movedTo: kept, kept: rows.length, through: hex(through) },
    'txn log file is damaged; rewrote it with the txns that could be read and kept the damaged file aside',
  );
}

/**
 * Start = newest valid snapshot + replay of the txns after it. A damaged tail of
 * the log is dropped and reported; damage with intact txns after it, a gap
 * after the snapshot, or an unreadable log stop the start (RecoveryError).
 */
export function recoverStore<T extends RecoverableTree>(layout: StoreLayout, newTree: () => T, log: Logger): Recovered<T> {
  const t0 = performance.now();
  const skippedSnapshots: RecoveryReport['skippedSnapshots'] = [];
  const snap = loadNewestSnapshot(layout, newTree, log, skippedSnapshots);
  const snapMs = performance.now() - t0;
  if (!snap && skippedSnapshots.length > 0) log.warn('no snapshot passed its checks; replaying the txn log from the beginning');
  const tree = snap ? snap.tree : newTree();
  const sessions = new SessionTable(snap?.sessions);
  const startZxid = snap ? snap.info.zxid : 0n;

  let db: Database.Database;
  let damaged: string | undefined;
  try {
    db = openStoreFile(layout.logFile, LOG_SCHEMA);
  } catch (err) {
    if (err instanceof StoreFormatError || !isSqliteError(err)) throw err;
    damaged = `${err.code}: ${err.message}`;
    db = openDamagedLog(layout.logFile, err);
  }
  const check = digestCheckFor(tree, snap?.info);
  const outcome = replayLog(db, startZxid, ({ txn, digest }) => {
    tree.processTxn(txn);
    sessions.observe(txn);
    check?.afterTxn(txn.hdr.zxid, digest);
  });
  let droppedTail: RecoveryReport['droppedTail'] = null;
  if (outcome.badTail) {
    droppedTail = dropBadTail(db, damaged !== undefined, layout, outcome.badTail, startZxid, outcome.lastZxid, log);
  } else if (damaged) {
    // Every txn read back fine, but the file itself is damaged: write a sound one.
    salvageLog(db, layout, startZxid, outcome.lastZxid, log);
    droppedTail = { fromZxid: undefined, rows: undefined, reason: damaged };
  }
  if (db.open) db.close();

  const report: RecoveryReport = {
    snapshot: snap ? { id: snap.info.id, zxid: snap.info.zxid, nodes: snap.info.nodeCount, ms: snapMs } : null,
    skippedSnapshots,
    replayed: outcome.replayed,
    lastZxid: tree.lastProcessedZxid,
    droppedTail,
    digests: digestReport(tree, snap?.info, check),
    ms: performance.now() - t0,
  };
  if (report.digests !== null && report.digests.mismatches.length > 0) {
    const first = report.digests.mismatches[0] as DigestMismatch;
    log.error(
      {
        mismatches: report.digests.mismatches.length,
        first: { zxid: hex(first.zxid), source: first.source, expected: String(first.expected), computed: String(first.computed) },
      },
      'digests are not matching: the tree replayed from the store differs from the one the digests were taken of',
    );
  }
  return { tree, sessions: sessions.sessions, report };
}

/**
 * Compares the digests logged with the txns as ZooKeeper does on startup. After a
 * fuzzy snapshot that sealed no digest, it cannot tell where the fuzziness ends,
 * so it does not compare (null).
 */
function digestCheckFor(tree: RecoverableTree, snapshot: SnapshotInfo | undefined): DigestCheck | null {
  if (tree.digest === null) return null;
  if (snapshot === undefined) return new DigestCheck(() => tree.digest ?? 0n);
  if (snapshot.digest === null) return null;
  return new DigestCheck(() => tree.digest ?? 0n, snapshot.digest, snapshot.zxid);
}

function digestReport(tree: RecoverableTree, snapshot: SnapshotInfo | undefined, check: DigestCheck | null): DigestReport | null {
  if (tree.digest === null) return null;
  if (check === null) return { checked: 0, mismatches: [], skipped: `snapshot ${snapshot?.id ?? '?'} sealed no digest` };
  const report: DigestReport = { checked: check.checked, mismatches: check.mismatches };
  if (check.fuzzy) report.skipped = 'replay did not reach the zxid the snapshot digest was sealed at';
  return report;
}

class DamagedFile extends Error {}

/**
 * The log ends early: drops the bad rows if that is safe (no intact txn after
 * them), by deleting them or, when the file itself is damaged, by rewriting it.
 */
function dropBadTail(
  db: Database.Database,
  /** The file is damaged: never write through this connection. */
  damagedFile: boolean,
  layout: StoreLayout,
  bad: BadTail,
  startZxid: bigint,
  lastGood: bigint,
  log: Logger,
): RecoveryReport['droppedTail'] {
  if (!bad.unreadable && bad.zxid !== undefined) {
    let after: { intact: number; first?: bigint } = { intact: 0 };
    try {
      after = intactTxnsAfter(db, bad.zxid);
    } catch (err) {
      if (!isSqliteError(err)) throw err;
    }
    if (after.intact > 0) {
      db.close();
      throw new RecoveryError(
        `txn ${hex(bad.zxid)} in ${layout.logFile} is damaged (${bad.reason}), but ${after.intact} later txns ` +
          `(from ${hex(after.first ?? 0n)}) are intact: this is not a torn tail, and dropping them would lose ` +
          'acknowledged writes; refusing to start. Restore the log from a backup',
      );
    }
    try {
      if (damagedFile) throw new DamagedFile();
      const rows = db.prepare('DELETE FROM txns WHERE zxid >= ?').run(bad.zxid).changes;
      log.warn(
        { file: layout.logFile, recoveredTo: hex(lastGood), dropped: rows, from: hex(bad.zxid), reason: bad.reason },
        'txn log has a torn or damaged tail; recovered to the last complete txn and dropped the rest',
      );
      return { fromZxid: bad.zxid, rows, reason: bad.reason };
    } catch (err) {
      if (!isSqliteError(err) && !(err instanceof DamagedFile)) throw err;
    }
  }
  log.warn({ file: layout.logFile, recoveredTo: hex(lastGood), reason: bad.reason }, 'txn log cannot be read past this zxid; recovering to it');
  salvageLog(db, layout, startZxid, lastGood, log);
  return { fromZxid: bad.zxid, rows: undefined, reason: bad.reason };
}
