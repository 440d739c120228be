/**
 * The zkts store as a source for `zkts dump-log` / `zkts dump-snapshot`: its
 * SQLite txn log and newest sealed snapshot, printed in the same ZooKeeper tool
 * formats as ZooKeeper's own files. Read-only: a running server is not disturbed.
 */
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checksum } from '../persistence/checksum.js';
import { loadSnapshot, listSnapshots } from '../persistence/snapshot-reader.js';
import { LOG_FILE, SNAPSHOT_FILE, STORE_FOLDER } from '../persistence/store-layout.js';
import { decodeExactTxnEntry } from '../protocol/txn-entry.js';
import { ZkFileFormatError } from '../persistence/zk-datadir/file-header.js';
import { imageOfTree } from '../persistence/zk-datadir/tree-replay.js';
import { DataTree } from '../tree/data-tree.js';
import type { LogDumpEvent, LogDumpSource, SnapshotDumpSource } from './dump-sources.js';

/** The store file `name` at `path`: the file itself, or inside a dataDir or its zkts/ folder. */
function storeFile(path: string, name: string): string | null {
  if (!existsSync(path)) return null;
  if (!statSync(path).isDirectory()) return path.endsWith(name) ? path : null;
  for (const f of [join(path, STORE_FOLDER, name), join(path, name)]) if (existsSync(f)) return f;
  return null;
}

function openReadOnly(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.defaultSafeIntegers(true);
  return db;
}

export const zktsStoreLog: LogDumpSource = {
  name: 'zkts txn log',
  accepts: (path) => storeFile(path, LOG_FILE) !== null,
  *logs(path): Generator<LogDumpEvent> {
    const file = storeFile(path, LOG_FILE)!;
    const db = openReadOnly(file);
    try {
      // The zkts log has no dbid or version of ZooKeeper's; print ZooKeeper's values for them.
      yield { kind: 'log', label: file, dbid: 0n, version: 2 };
      const rows = db.prepare('SELECT zxid, txn, crc FROM txns ORDER BY zxid').iterate() as IterableIterator<{ zxid: bigint; txn: Buffer; crc: bigint }>;
      for (const row of rows) {
        try {
          yield { kind: 'txn', txn: decodeExactTxnEntry(row.txn).txn, checksumOk: checksum(row.txn) === Number(row.crc) };
        } catch (e) {
          yield { kind: 'end', partial: { reason: `zxid 0x${row.zxid.toString(16)}: ${e instanceof Error ? e.message : String(e)}` } };
          return;
        }
      }
      yield { kind: 'end' };
    } finally {
      db.close();
    }
  },
};

export const zktsStoreSnapshot: SnapshotDumpSource = {
  name: 'zkts snapshot',
  accepts: (path) => storeFile(path, SNAPSHOT_FILE) !== null,
  snapshot(path) {
    const file = storeFile(path, SNAPSHOT_FILE)!;
    const db = openReadOnly(file);
    try {
      const newest = listSnapshots(db)[0];
      if (newest === undefined) throw new ZkFileFormatError(`${file}: no sealed snapshot`);
      const { tree, sessions } = loadSnapshot(db, newest, new DataTree());
      tree.finishRestore();
      const list = [...sessions].map(([id, timeout]) => ({ id, timeout }));
      return { label: `${file} (snapshot ${newest.id})`, zxid: newest.zxid, nodes: [...imageOfTree(tree, list).nodes], sessions: list };
    } finally {
      db.close();
    }
  },
};
