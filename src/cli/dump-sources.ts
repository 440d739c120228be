/**
 * Where `zkts dump-log` and `zkts dump-snapshot` read from. Each source turns
 * its own storage into the same neutral events and trees, which the commands
 * print in ZooKeeper's tool formats. Apache ZooKeeper data-dir files are the
 * first source; the zkts store plugs in beside them by adding an entry to
 * LOG_SOURCES / SNAPSHOT_SOURCES.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Txn } from '../protocol/txn.js';
import { newestValidSnapshot, loadSnapshotFile } from '../persistence/zk-datadir/data-dir-reader.js';
import { SNAPSHOT_MAGIC, TXNLOG_MAGIC, ZkFileFormatError } from '../persistence/zk-datadir/file-header.js';
import { filesByZxid, LOG_PREFIX, VERSION_DIR, zxidFromName, SNAPSHOT_PREFIX } from '../persistence/zk-datadir/file-names.js';
import { decodeTxnEntry } from '../protocol/txn-entry.js';
import { frameTxnLog } from '../persistence/zk-datadir/txn-log-reader.js';
import type { SnapshotDump } from './snapshot-dump-format.js';
import { zktsStoreLog, zktsStoreSnapshot } from './zkts-store-dump-sources.js';

export type LogDumpEvent =
  /** A log starts; `label` names it when a source holds several. */
  | { kind: 'log'; label: string; dbid: bigint; version: number }
  | { kind: 'txn'; txn: Txn; checksumOk: boolean }
  /** The records of the current log end; `partial` when the last one is incomplete. */
  | { kind: 'end'; partial?: { reason: string; txn?: Txn } };

export interface LogDumpSource {
  name: string;
  /** Whether this source can read `path` (a file or a folder). */
  accepts(path: string): boolean;
  /** The logs at `path` in zxid order. Throws for what cannot be read at all. */
  logs(path: string): Iterable<LogDumpEvent>;
}

export interface SnapshotDumpSource {
  name: string;
  accepts(path: string): boolean;
  /** The snapshot at `path` (for a folder: the one a server would load). */
  snapshot(path: string): SnapshotDump & { label: string };
}

function firstInt(path: string): number | null {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 ? b.readInt32BE(0) : null;
  } finally {
    closeSync(fd);
  }
}

/** A data dir, its version-2 folder, or any folder holding ZooKeeper files: the folder with the files. */
function zkFilesDir(path: string, prefix: typeof LOG_PREFIX | typeof SNAPSHOT_PREFIX): string | null {
  for (const dir of [join(path, VERSION_DIR), path]) {
    if (existsSync(dir) && statSync(dir).isDirectory() && filesByZxid(readdirSync(dir), prefix).length > 0) return dir;
  }
  return null;
}

function* zkLogFile(path: string, label: string): Generator<LogDumpEvent> {
  const { header, frames, end } = frameTxnLog(readFileSync(path), label);
  yield { kind: 'log', label, dbid: header.dbid, version: header.version };
  for (const f of frames) {
    let txn: Txn;
    try {
      txn = decodeTxnEntry(f.entry).txn;
    } catch (e) {
      throw new ZkFileFormatError(`${label}: record at offset ${f.offset}: ${e instanceof Error ? e.message : String(e)}`);
    }
    yield { kind: 'txn', txn, checksumOk: f.checksumOk };
  }
  if (end.kind === 'torn' && end.entry !== undefined) {
    let txn: Txn | undefined;
    try {
      txn = decodeTxnEntry(end.entry).txn;
    } catch {
      txn = undefined;
    }
    yield { kind: 'end', partial: txn === undefined ? { reason: end.reason } : { reason: end.reason, txn } };
  } else {
    yield { kind: 'end' };
  }
}

export const zkLogFiles: LogDumpSource = {
  name: 'Apache ZooKeeper txn log',
  accepts(path) {
    if (!existsSync(path)) return false;
    if (statSync(path).isDirectory()) return zkFilesDir(path, LOG_PREFIX) !== null;
    return firstInt(path) === TXNLOG_MAGIC;
  },
  *logs(path) {
    if (!statSync(path).isDirectory()) {
      yield* zkLogFile(path, basename(path));
      return;
    }
    const dir = zkFilesDir(path, LOG_PREFIX)!;
    for (const f of filesByZxid(readdirSync(dir), LOG_PREFIX)) yield* zkLogFile(join(dir, f.name), join(dir, f.name));
  },
};

function dumpOf(s: ReturnType<typeof loadSnapshotFile>, label: string): SnapshotDump & { label: string } {
  return { label, zxid: s.zxid, nodes: s.image.nodes, sessions: s.contents.sessions };
}

export const zkSnapshotFiles: SnapshotDumpSource = {
  name: 'Apache ZooKeeper snapshot',
  accepts(path) {
    if (!existsSync(path)) return false;
    if (statSync(path).isDirectory()) return zkFilesDir(path, SNAPSHOT_PREFIX) !== null;
    // Compressed snapshots are recognised by name, as ZooKeeper does.
    return zxidFromName(basename(path), SNAPSHOT_PREFIX) !== null || firstInt(path) === SNAPSHOT_MAGIC;
  },
  snapshot(path) {
    if (!statSync(path).isDirectory()) {
      const name = basename(path);
      // A file not named snapshot.<zxid> has no zxid in its name: SnapshotFormatter then uses -1.
      return dumpOf(loadSnapshotFile(path, name, zxidFromName(name, SNAPSHOT_PREFIX) ?? -1n), path);
    }
    const dir = zkFilesDir(path, SNAPSHOT_PREFIX)!;
    const { snapshot, skipped } = newestValidSnapshot(dir);
    if (snapshot === null) {
      throw new ZkFileFormatError(`${dir}: no valid snapshot (${skipped.map((s) => s.reason).join('; ')})`);
    }
    return dumpOf(snapshot, join(dir, snapshot.file));
  },
};

export const LOG_SOURCES: readonly LogDumpSource[] = [zkLogFiles, zktsStoreLog];
export const SNAPSHOT_SOURCES: readonly SnapshotDumpSource[] = [zkSnapshotFiles, zktsStoreSnapshot];
