import type Database from 'better-sqlite3';
import { checksum } from './checksum.js';
import type { ZxidDigest } from './digest-check.js';
import type { RecoverableTree } from './recoverable-tree.js';
import { decodeSessions, NodeRecordDecoder } from './snapshot-format.js';
import { hex } from './zxid.js';

export interface SnapshotInfo {
  id: number;
  zxid: bigint;
  nodeCount: number;
  chunkCount: number;
  /** The tree digest sealed with it (null: taken with digests off, or by a zkts that did not seal one). */
  digest: ZxidDigest | null;
}

interface SnapshotRow {
  id: bigint;
  zxid: bigint;
  node_count: bigint | null;
  chunk_count: bigint | null;
  digest_zxid?: bigint | null;
  digest_version?: bigint | null;
  digest?: bigint | null;
}

export interface LoadedSnapshot<T> {
  info: SnapshotInfo;
  tree: T;
  sessions: Map<bigint, number>;
}

export class BadSnapshotError extends Error {}

/** Sealed snapshots, newest first. */
export function listSnapshots(db: Database.Database): SnapshotInfo[] {
  // `*`: files of the first schema have no digest columns.
  const rows = db.prepare('SELECT * FROM snapshots WHERE sealed = 1 ORDER BY zxid DESC, id DESC').all() as SnapshotRow[];
  return rows.map((r) => ({
    id: Number(r.id),
    zxid: r.zxid,
    nodeCount: Number(r.node_count ?? -1),
    chunkCount: Number(r.chunk_count ?? -1),
    digest:
      typeof r.digest_zxid === 'bigint' && typeof r.digest === 'bigint'
        ? { zxid: r.digest_zxid, digestVersion: Number(r.digest_version ?? 0), digest: r.digest }
        : null,
  }));
}

/**
 * Reads one snapshot into a fresh tree, checking every chunk's checksum, the
 * chunk sequence, the node counts and that every node's parent is there.
 * Throws BadSnapshotError (or SQLite's error) if anything is off.
 */
export function loadSnapshot<T extends RecoverableTree>(db: Database.Database, info: SnapshotInfo, tree: T): LoadedSnapshot<T> {
  const what = `snapshot ${info.id} (zxid ${hex(info.zxid)})`;
  const head = db.prepare('SELECT sessions, sessions_crc FROM snapshots WHERE id = ?').get(info.id) as
    | { sessions: Buffer; sessions_crc: bigint }
    | undefined;
  if (!head) throw new BadSnapshotError(`${what}: gone`);
  if (checksum(head.sessions) !== Number(head.sessions_crc)) throw new BadSnapshotError(`${what}: session table fails its checksum`);
  const sessions = decodeSessions(head.sessions);

  const decoder = new NodeRecordDecoder();
  // `*`: files of the first schema have no nodes_digest column.
  const chunks = db.prepare('SELECT * FROM snapshot_chunks WHERE snapshot_id = ? ORDER BY seq').iterate(info.id) as IterableIterator<{
    seq: bigint;
    node_count: bigint;
    bytes: Buffer;
    crc: bigint;
    nodes_digest?: bigint | null;
  }>;
  let seq = 0;
  let nodes = 0;
  /** The sum of the chunks' node digests, while every chunk has one. */
  let nodesDigest: bigint | undefined = 0n;
  const onNode = tree.restoreRecord.bind(tree);
  for (const c of chunks) {
    if (Number(c.seq) !== seq) throw new BadSnapshotError(`${what}: chunk ${seq} missing`);
    if (checksum(c.bytes) !== Number(c.crc)) throw new BadSnapshotError(`${what}: chunk ${seq} fails its checksum`);
    try {
      decoder.decodeChunk(c.bytes, Number(c.node_count), onNode);
    } catch (err) {
      throw new BadSnapshotError(`${what}: chunk ${seq}: ${err instanceof Error ? err.message : String(err)}`);
    }
    nodes += Number(c.node_count);
    nodesDigest = typeof c.nodes_digest === 'bigint' && nodesDigest !== undefined ? nodesDigest + c.nodes_digest : undefined;
    seq++;
  }
  if (seq !== info.chunkCount) throw new BadSnapshotError(`${what}: ${seq} of ${info.chunkCount} chunks present`);
  if (nodes !== info.nodeCount) throw new BadSnapshotError(`${what}: ${nodes} of ${info.nodeCount} nodes present`);
  // Restored over a fresh tree: its own nodes are in every snapshot, so the counts agree unless something is off.
  const orphans = tree.finishRestore(tree.nodeCount === nodes ? nodesDigest : undefined);
  if (orphans.length > 0) throw new BadSnapshotError(`${what}: ${orphans.length} nodes without a parent, e.g. ${orphans[0]}`);
  tree.lastProcessedZxid = info.zxid;
  return { info, tree, sessions };
}
