/**
 * Writes a data dir Apache ZooKeeper 3.8 starts from: `version-2/snapshot.<zxid>`
 * holding the image (sessions, ACL cache, nodes, digest, seals) and, when there
 * are txns after it, `version-2/log.<first zxid>` holding them. Quorum members
 * also get their epoch files.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from './durable-file.js';
import { epochOf, writeEpochs } from './epoch-files.js';
import { ZkFileFormatError } from './file-header.js';
import { filesByZxid, LOG_PREFIX, logFileName, SNAPSHOT_PREFIX, snapshotFileName, VERSION_DIR, type SnapshotCompression } from './file-names.js';
import { encodeSnapshot } from './snapshot-file.js';
import { imageToSnapshot } from './snapshot-image.js';
import { wrapSnapshot } from './snapshot-stream.js';
import type { LoggedTxn } from '../../protocol/txn-entry.js';
import { writeTxnLogFile } from './txn-log-writer.js';
import type { ZkDataDirLocation } from './data-dir-reader.js';
import type { ZkImage } from './zk-image.js';

export interface ZkDataDirWrite extends ZkDataDirLocation {
  image: ZkImage;
  /** Txns after image.zxid, in zxid order; their digests are written as given (null: none). */
  txns?: readonly LoggedTxn[];
  /** Default 'none', as ZooKeeper's default. */
  compression?: SnapshotCompression;
  /** zoo.cfg preAllocSize in bytes (ZooKeeper's default: 64 MiB). */
  preAllocBytes?: number;
  /** Seal the tree digest into the snapshot (default true, as digest.enabled). */
  digest?: boolean;
  /** Write currentEpoch/acceptedEpoch (the epoch of the last zxid), for an ensemble member. */
  epochs?: boolean;
}

export interface ZkDataDirWritten {
  snapshotFile: string;
  logFile: string | null;
  lastZxid: bigint;
}

function refuseExisting(dir: string): void {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const existing = [...filesByZxid(names, SNAPSHOT_PREFIX), ...filesByZxid(names, LOG_PREFIX)];
  // ZooKeeper would mix them with ours (a newer snapshot wins, old logs replay), so never write beside them.
  if (existing.length > 0) throw new ZkFileFormatError(`${dir} already holds ${existing.map((f) => f.name).join(', ')}`);
}

export function writeZkDataDir(opts: ZkDataDirWrite): ZkDataDirWritten {
  const snapDir = join(opts.dataDir, VERSION_DIR);
  const logDir = join(opts.dataLogDir ?? opts.dataDir, VERSION_DIR);
  const txns = opts.txns ?? [];
  let prev = opts.image.zxid;
  for (const t of txns) {
    if (t.txn.hdr.zxid <= prev) throw new ZkFileFormatError(`txn zxid 0x${t.txn.hdr.zxid.toString(16)} does not follow 0x${prev.toString(16)}`);
    prev = t.txn.hdr.zxid;
  }
  refuseExisting(snapDir);
  refuseExisting(logDir);
  mkdirSync(snapDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });

  const compression = opts.compression ?? 'none';
  const snapshot = imageToSnapshot(opts.image, { digest: opts.digest ?? true });
  const snapshotFile = join(snapDir, snapshotFileName(opts.image.zxid, compression));
  writeFileDurably(snapshotFile, wrapSnapshot(encodeSnapshot(snapshot), compression));

  let logFile: string | null = null;
  if (txns.length > 0) {
    logFile = join(logDir, logFileName(txns[0]!.txn.hdr.zxid));
    writeTxnLogFile(logFile, txns, opts.preAllocBytes === undefined ? {} : { preAllocBytes: opts.preAllocBytes });
  }
  if (opts.epochs) writeEpochs(snapDir, epochOf(prev));
  return { snapshotFile, logFile, lastZxid: prev };
}
