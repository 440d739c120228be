/**
 * Moving a deployment between Apache ZooKeeper and zkts: `zkts import` builds the
 * zkts store from a ZooKeeper data dir at the same zxid; `zkts export` writes a
 * `version-2` snapshot that ZooKeeper starts from with the identical tree.
 * Both work on stopped servers, like ZooKeeper's own data-dir tools.
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { DataTree } from '../tree/data-tree.js';
import { DurableStore, type StoreSettings } from './durable-store.js';
import { recoverStore } from './recovery.js';
import { storeLayout } from './store-layout.js';
import { readZkDataDir, type ZkDataDirLocation } from './zk-datadir/data-dir-reader.js';
import { writeZkDataDir } from './zk-datadir/data-dir-writer.js';
import { imageOfTree, replayDataDir, type DigestMismatch } from './zk-datadir/tree-replay.js';

export class MigrationError extends Error {}

export interface ImportResult {
  zxid: bigint;
  nodes: number;
  sessions: number;
  /** ZooKeeper's snapshot/txn digests that did not match the replayed tree (ZooKeeper only logs these too). */
  digestMismatches: readonly DigestMismatch[];
  snapshotFile: string | null;
}

export interface ExportResult {
  zxid: bigint;
  nodes: number;
  sessions: number;
  snapshotFile: string;
  /** Digests logged in the store that the recovered tree did not reach (recovery logs them too). */
  digestMismatches: number;
}

/** Imports a ZooKeeper data dir into the (new) zkts store that `settings` names. */
export async function importZkDataDir(from: ZkDataDirLocation, settings: StoreSettings, log: Logger): Promise<ImportResult> {
  const layout = storeLayout(settings.dataDir, settings.dataLogDir);
  for (const f of [layout.logFile, layout.snapFile]) {
    if (existsSync(f)) throw new MigrationError(`${f} exists: import only into a new zkts store (move it away first)`);
  }
  const contents = readZkDataDir(from);
  if (contents.snapshot === null && contents.txns.length === 0) {
    throw new MigrationError(`${contents.snapshotDir} holds no ZooKeeper snapshot or txn log`);
  }
  const replay = replayDataDir(contents);
  const opened = await DurableStore.open(settings, () => replay.tree, log, replay.sessions);
  try {
    await opened.store.snapshotNow();
  } finally {
    await opened.store.close();
  }
  return {
    zxid: replay.tree.lastProcessedZxid,
    nodes: replay.tree.nodeCount,
    sessions: replay.sessions.size,
    digestMismatches: replay.mismatches,
    snapshotFile: contents.snapshot?.file ?? null,
  };
}

/** Writes the zkts store's tree and sessions as a ZooKeeper data dir (snapshot at the store's last zxid). */
export function exportToZkDataDir(settings: StoreSettings, to: ZkDataDirLocation, log: Logger): ExportResult {
  const layout = storeLayout(settings.dataDir, settings.dataLogDir);
  if (!existsSync(layout.logFile) && !existsSync(layout.snapFile)) {
    throw new MigrationError(`no zkts store under ${layout.snapDir} / ${layout.logDir}`);
  }
  // With the digest kept, recovery checks the tree against the digests the store logged.
  const { tree, sessions, report } = recoverStore(layout, () => new DataTree({ digest: true }), log);
  const image = imageOfTree(tree, [...sessions].map(([id, timeout]) => ({ id, timeout })));
  const written = writeZkDataDir({ ...to, image });
  return {
    zxid: tree.lastProcessedZxid,
    nodes: tree.nodeCount,
    sessions: sessions.size,
    snapshotFile: written.snapshotFile,
    digestMismatches: report.digests?.mismatches.length ?? 0,
  };
}
