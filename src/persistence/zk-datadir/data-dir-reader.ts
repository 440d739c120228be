/**
 * Reads an Apache ZooKeeper data dir the way ZooKeeper 3.8 restores one
 * (FileTxnSnapLog.restore): the newest snapshot that loads, then every logged
 * txn after its zxid, file after file. What ZooKeeper would silently skip (an
 * invalid newer snapshot, a torn log tail) is reported; what it would refuse
 * (a bad record checksum, log entries without any snapshot) throws.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEpochs, type Epochs } from './epoch-files.js';
import { ZkFileFormatError } from './file-header.js';
import { compressionOfName, filesByZxid, LOG_PREFIX, SNAPSHOT_PREFIX, VERSION_DIR, type NamedZxidFile } from './file-names.js';
import { decodeSnapshot, type DecodedSnapshot } from './snapshot-file.js';
import { snapshotToImage } from './snapshot-image.js';
import { unwrapSnapshot } from './snapshot-stream.js';
import type { LoggedTxn } from '../../protocol/txn-entry.js';
import { readTxnLog, type LogEnd } from './txn-log-reader.js';
import type { ZkImage, ZkImageNode } from './zk-image.js';

/** ZooKeeper tries at most this many snapshots, newest first. */
const SNAPSHOTS_TRIED = 100;

export interface ZkDataDirLocation {
  /** zoo.cfg dataDir: snapshots live in <dataDir>/version-2. */
  dataDir: string;
  /** zoo.cfg dataLogDir (default dataDir): logs live in <dataLogDir>/version-2. */
  dataLogDir?: string;
}

export interface LoadedSnapshot {
  file: string;
  zxid: bigint;
  contents: DecodedSnapshot;
  image: ZkImage & { nodes: ZkImageNode[] };
}

export interface LogFileSummary {
  file: string;
  firstZxid: bigint;
  /** Records in the file (all of them, including those at or before the snapshot). */
  records: number;
  end: LogEnd;
}

export interface ZkDataDirContents {
  snapshotDir: string;
  logDir: string;
  /** null: no snapshot and no log (ZooKeeper starts an empty tree at zxid 0). */
  snapshot: LoadedSnapshot | null;
  /** Newer snapshots ZooKeeper would pass over, and why. */
  skippedSnapshots: { file: string; reason: string }[];
  /** Logged txns after the snapshot's zxid, in log order. */
  txns: LoggedTxn[];
  logs: LogFileSummary[];
  /** The zxid of the last txn, or the snapshot's when there are none after it. */
  lastZxid: bigint;
  epochs: Epochs;
  /** Things worth telling an operator (torn tails, skipped snapshots). */
  notes: string[];
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** SnapStream.isValidSnapshot: a cheap look at the file before it is read; null when it passes. */
function whySnapshotInvalid(bytes: Buffer, name: string): string | null {
  const compression = compressionOfName(name);
  if (compression === 'gz') return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? null : 'no gzip magic';
  if (compression === 'snappy') return bytes.length >= 8 && bytes[0] === 0x82 ? null : 'no snappy magic';
  if (bytes.length < 10) return `only ${bytes.length} bytes`;
  // The file must end with the seal's "/" (int 1, byte '/'): an unfinished write does not.
  const tail = bytes.subarray(bytes.length - 5);
  return tail.readInt32BE(0) === 1 && tail[4] === 0x2f ? null : 'does not end with a seal';
}

/** Reads one snapshot file, checking it as ZooKeeper does; throws ZkFileFormatError if ZooKeeper would pass it over. */
export function loadSnapshotFile(path: string, name: string, zxid: bigint): LoadedSnapshot {
  const bytes = readFileSync(path);
  const invalid = whySnapshotInvalid(bytes, name);
  if (invalid !== null) throw new ZkFileFormatError(`${name}: ${invalid}`);
  const contents = decodeSnapshot(unwrapSnapshot(bytes, compressionOfName(name), name), name);
  return { file: name, zxid, contents, image: snapshotToImage(contents, zxid) };
}

/** The log files ZooKeeper reads after a snapshot at `zxid`: the last starting at or before it, and all later ones. */
export function logFilesFrom(logs: readonly NamedZxidFile[], zxid: bigint): NamedZxidFile[] {
  let start = 0n;
  for (const f of logs) if (f.zxid <= zxid && f.zxid > start) start = f.zxid;
  return logs.filter((f) => f.zxid >= start);
}

/** The snapshot ZooKeeper would load from `snapshotDir` (a `version-2` folder), and the newer ones it would pass over. */
export function newestValidSnapshot(snapshotDir: string): { snapshot: LoadedSnapshot | null; skipped: { file: string; reason: string }[] } {
  const skipped: { file: string; reason: string }[] = [];
  for (const f of filesByZxid(listDir(snapshotDir), SNAPSHOT_PREFIX, false).slice(0, SNAPSHOTS_TRIED)) {
    try {
      return { snapshot: loadSnapshotFile(join(snapshotDir, f.name), f.name, f.zxid), skipped };
    } catch (e) {
      if (!(e instanceof ZkFileFormatError)) throw e;
      skipped.push({ file: f.name, reason: e.message });
    }
  }
  return { snapshot: null, skipped };
}

export function readZkDataDir(loc: ZkDataDirLocation): ZkDataDirContents {
  const snapshotDir = join(loc.dataDir, VERSION_DIR);
  const logDir = join(loc.dataLogDir ?? loc.dataDir, VERSION_DIR);
  const { snapshot, skipped: skippedSnapshots } = newestValidSnapshot(snapshotDir);
  const notes = skippedSnapshots.map((s) => `skipped snapshot ${s.reason}`);

  const allLogs = filesByZxid(listDir(logDir), LOG_PREFIX);
  const snapZxid = snapshot?.zxid ?? 0n;
  const txns: LoggedTxn[] = [];
  const logs: LogFileSummary[] = [];
  let lastZxid = snapZxid;
  let reachedSnapshot = false;
  for (const f of logFilesFrom(allLogs, snapZxid)) {
    const contents = readTxnLog(readFileSync(join(logDir, f.name)), f.name);
    logs.push({ file: f.name, firstZxid: f.zxid, records: contents.records.length, end: contents.end });
    for (const r of contents.records) {
      const zxid = r.logged.txn.hdr.zxid;
      // ZooKeeper fast-forwards past txns before the snapshot's next zxid, then takes every one.
      if (!reachedSnapshot && zxid <= snapZxid) continue;
      reachedSnapshot = true;
      txns.push(r.logged);
      lastZxid = zxid;
    }
    const end = contents.end;
    if (end.kind === 'corrupt') {
      throw new ZkFileFormatError(`${f.name}: record at offset ${end.offset}: ${end.reason}; ZooKeeper would not load this log`);
    }
    if (end.kind === 'torn') notes.push(`${f.name}: partial record at offset ${end.offset} (${end.reason}); the log ends at the record before it`);
  }
  if (snapshot === null && txns.length > 0) {
    throw new ZkFileFormatError(`${snapshotDir}: no valid snapshot, but the logs hold txns; ZooKeeper refuses to start on this`);
  }
  return { snapshotDir, logDir, snapshot, skippedSnapshots, txns, logs, lastZxid, epochs: readEpochs(snapshotDir), notes };
}
