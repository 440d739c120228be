/**
 * The snapshot writer thread: owns the write connection to snapshots.db. Chunks
 * are committed without fsync (synchronous=NORMAL); the seal is committed with
 * synchronous=FULL (when forceSync), which makes the whole snapshot durable.
 */
import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { checksum } from './checksum.js';
import { chunkNodesDigest } from './snapshot-format.js';
import type { ZxidDigest } from './digest-check.js';
import type { PurgeSnapshotsResult, SnapshotRequest, SnapshotWorkerData } from './snapshot-protocol.js';
import { claimStoreFile, configureConnection, SNAPSHOT_SCHEMA } from './sqlite-schema.js';
import { serveRequests, yieldToMessages } from './worker-serve.js';

const settings = workerData as SnapshotWorkerData;

class SnapshotDb {
  private readonly db: Database.Database;
  private readonly insertChunk: Database.Statement;

  constructor() {
    this.db = new Database(settings.file);
    configureConnection(this.db, false);
    claimStoreFile(this.db, settings.file, SNAPSHOT_SCHEMA);
    // A snapshot left unsealed by a crash, or chunks of one a purge was deleting, are of no use.
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM snapshot_chunks WHERE snapshot_id IN (SELECT id FROM snapshots WHERE sealed = 0)').run();
      this.db.prepare('DELETE FROM snapshots WHERE sealed = 0').run();
      this.db.prepare('DELETE FROM snapshot_chunks WHERE snapshot_id NOT IN (SELECT id FROM snapshots)').run();
    })();
    this.insertChunk = this.db.prepare(
      'INSERT INTO snapshot_chunks (snapshot_id, seq, node_count, bytes, crc, nodes_digest) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  begin(zxid: bigint, startedAt: number, sessions: ArrayBuffer): number {
    const blob = Buffer.from(sessions);
    const info = this.db
      .prepare('INSERT INTO snapshots (zxid, started_at, sessions, sessions_crc) VALUES (?, ?, ?, ?)')
      .run(zxid, startedAt, blob, checksum(blob));
    return Number(info.lastInsertRowid);
  }

  chunk(snapshotId: number, seq: number, nodeCount: number, bytes: ArrayBuffer): void {
    const blob = Buffer.from(bytes);
    // Here, off the main thread: the digest costs about as much as decoding the chunk.
    const digest = settings.digest ? chunkNodesDigest(blob, nodeCount) : null;
    this.insertChunk.run(snapshotId, seq, nodeCount, blob, checksum(blob), digest);
  }

  seal(snapshotId: number, nodeCount: number, chunkCount: number, digest: ZxidDigest | null): void {
    const row = this.db
      .prepare('SELECT count(*) AS chunks, coalesce(sum(node_count), 0) AS nodes FROM snapshot_chunks WHERE snapshot_id = ?')
      .get(snapshotId) as { chunks: bigint; nodes: bigint };
    if (Number(row.chunks) !== chunkCount || Number(row.nodes) !== nodeCount) {
      throw new Error(`snapshot ${snapshotId}: ${row.chunks} chunks / ${row.nodes} nodes written, ${chunkCount} / ${nodeCount} sent`);
    }
    if (settings.forceSync) this.db.pragma('synchronous = FULL');
    try {
      this.db
        .prepare('UPDATE snapshots SET sealed = 1, node_count = ?, chunk_count = ?, digest_zxid = ?, digest_version = ?, digest = ? WHERE id = ?')
        .run(nodeCount, chunkCount, digest?.zxid ?? null, digest?.digestVersion ?? null, digest?.digest ?? null, snapshotId);
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  abort(snapshotId: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM snapshot_chunks WHERE snapshot_id = ?').run(snapshotId);
      this.db.prepare('DELETE FROM snapshots WHERE id = ?').run(snapshotId);
    })();
  }

  /** Deletes old snapshots one at a time, yielding between them. */
  async purge(retain: number): Promise<PurgeSnapshotsResult> {
    const sealed = this.db.prepare('SELECT id, zxid FROM snapshots WHERE sealed = 1 ORDER BY zxid DESC, id DESC').all() as { id: bigint; zxid: bigint }[];
    const kept = sealed.slice(0, Math.max(1, retain));
    const doomed = sealed.slice(kept.length);
    const deleteChunks = this.db.prepare('DELETE FROM snapshot_chunks WHERE rowid IN (SELECT rowid FROM snapshot_chunks WHERE snapshot_id = ? LIMIT 64)');
    for (const s of doomed) {
      this.db.prepare('DELETE FROM snapshots WHERE id = ?').run(s.id);
      while (deleteChunks.run(s.id).changes > 0) await yieldToMessages();
    }
    const oldest = kept[kept.length - 1];
    return { deleted: doomed.length, oldestKeptZxid: oldest ? oldest.zxid : null };
  }

  close(): void {
    this.db.close();
  }
}

let store: SnapshotDb | undefined;

function opened(): SnapshotDb {
  if (!store) throw new Error('snapshot store is not open');
  return store;
}

serveRequests<SnapshotRequest & { id: number }>((req) => {
  switch (req.op) {
    case 'open':
      store = new SnapshotDb();
      return undefined;
    case 'begin':
      return opened().begin(req.zxid, req.startedAt, req.sessions);
    case 'chunk':
      return opened().chunk(req.snapshotId, req.seq, req.nodeCount, req.bytes);
    case 'seal':
      return opened().seal(req.snapshotId, req.nodeCount, req.chunkCount, req.digest);
    case 'abort':
      return opened().abort(req.snapshotId);
    case 'purge':
      return opened().purge(req.retain);
    case 'close':
      store?.close();
      store = undefined;
      return undefined;
  }
});
