import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where zkts keeps its store. ZooKeeper writes `version-2/` under dataDir
 * (snapshots) and dataLogDir (txn logs); zkts uses its own `zkts/` folder beside
 * it, so a ZooKeeper data dir and a zkts store can share a dataDir without
 * either reading the other's files:
 *
 *   <dataLogDir>/zkts/txnlog.db     the txn log (SQLite, WAL)
 *   <dataDir>/zkts/snapshots.db     fuzzy snapshots (SQLite, WAL)
 *
 * Two databases, like ZooKeeper's two directories: the log can live on its own
 * device, and a snapshot being written never holds the log's write lock.
 */
export interface StoreLayout {
  readonly logDir: string;
  readonly snapDir: string;
  readonly logFile: string;
  readonly snapFile: string;
}

export const STORE_FOLDER = 'zkts';
export const LOG_FILE = 'txnlog.db';
export const SNAPSHOT_FILE = 'snapshots.db';

export function storeLayout(dataDir: string, dataLogDir: string = dataDir): StoreLayout {
  const logDir = join(resolve(dataLogDir), STORE_FOLDER);
  const snapDir = join(resolve(dataDir), STORE_FOLDER);
  return { logDir, snapDir, logFile: join(logDir, LOG_FILE), snapFile: join(snapDir, SNAPSHOT_FILE) };
}

export function ensureStoreDirs(layout: StoreLayout): void {
  mkdirSync(layout.logDir, { recursive: true });
  mkdirSync(layout.snapDir, { recursive: true });
}
