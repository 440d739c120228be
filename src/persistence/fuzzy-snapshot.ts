import { JuteWriter } from '../protocol/jute-writer.js';
import { TREE_DIGEST_VERSION } from '../tree/node-digest.js';
import type { ZxidDigest } from './digest-check.js';
import { encodeNodeRecord, encodeSessions, type SnapshotNode } from './snapshot-format.js';
import type { SnapshotRequest } from './snapshot-protocol.js';
import type { WorkerRpc } from './worker-rpc.js';

/** The live tree as a snapshot sees it. */
export interface SnapshotSource {
  readonly lastProcessedZxid: bigint;
  /** ZooKeeper's tree digest now, or null when the tree does not keep it. */
  readonly digest: bigint | null;
  /**
   * Every node, parents before children, as a live iterator: nodes created
   * while it is walked are still visited, deleted ones are skipped (a Map's
   * iterator behaves so).
   */
  nodeEntries(): Iterator<[string, SnapshotNode]>;
}

export interface SnapshotTuning {
  /** Longest the main thread spends serializing before it yields (ms). */
  sliceMs: number;
  /** Bytes per chunk handed to the worker. */
  chunkBytes: number;
  /** Chunks handed over but not yet written before the walk waits. */
  maxChunksInFlight: number;
}

export const DEFAULT_SNAPSHOT_TUNING: SnapshotTuning = { sliceMs: 2, chunkBytes: 256 * 1024, maxChunksInFlight: 4 };

export interface SnapshotResult {
  snapshotId: number;
  zxid: bigint;
  nodeCount: number;
  chunkCount: number;
  bytes: number;
  ms: number;
  /** Longest single slice of main-thread serialization (ms). */
  longestSliceMs: number;
}

export class SnapshotCancelled extends Error {
  constructor() {
    super('snapshot cancelled');
    this.name = 'SnapshotCancelled';
  }
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Takes a fuzzy snapshot: records the last applied zxid, then walks the live
 * tree in slices of at most `sliceMs`, yielding to the event loop between them
 * so requests keep flowing. Nodes changed during the walk show some state at or
 * after that zxid; replaying the log from it (txns are idempotent) gives the
 * right tree, as in ZooKeeper.
 */
export async function takeFuzzySnapshot(
  source: SnapshotSource,
  sessions: ReadonlyMap<bigint, number>,
  rpc: WorkerRpc<SnapshotRequest>,
  tuning: SnapshotTuning = DEFAULT_SNAPSHOT_TUNING,
  /** Checked between slices: true abandons the snapshot (the server is closing). */
  cancelled: () => boolean = () => false,
): Promise<SnapshotResult> {
  const t0 = performance.now();
  const zxid = source.lastProcessedZxid;
  const sw = new JuteWriter(16 + sessions.size * 12);
  encodeSessions(sw, sessions);
  const sessionBytes = detached(sw);
  const walk = source.nodeEntries();
  const snapshotId = await rpc.call<number>({ op: 'begin', zxid, startedAt: Date.now(), sessions: sessionBytes }, [sessionBytes]);

  const w = new JuteWriter(tuning.chunkBytes + 64 * 1024);
  const inFlight = new Set<Promise<void>>();
  let nodesInChunk = 0;
  let nodeCount = 0;
  let chunkCount = 0;
  let bytes = 0;
  let longestSliceMs = 0;
  let failure: unknown;

  const sendChunk = (): void => {
    const buf = detached(w);
    bytes += buf.byteLength;
    const p = rpc
      .call<void>({ op: 'chunk', snapshotId, seq: chunkCount++, nodeCount: nodesInChunk, bytes: buf }, [buf])
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    w.reset();
    nodesInChunk = 0;
  };

  try {
    let done = false;
    while (!done) {
      const sliceStart = performance.now();
      for (let n = 0; ; n++) {
        // Checking the clock every 64 nodes keeps its cost out of the walk.
        if ((n & 63) === 63 && performance.now() - sliceStart >= tuning.sliceMs) break;
        const next = walk.next();
        if (next.done) {
          done = true;
          break;
        }
        const [path, node] = next.value;
        encodeNodeRecord(w, path, node);
        nodesInChunk++;
        nodeCount++;
        if (w.offset >= tuning.chunkBytes) {
          sendChunk();
          if (inFlight.size >= tuning.maxChunksInFlight) break;
        }
      }
      if (done && nodesInChunk > 0) sendChunk();
      longestSliceMs = Math.max(longestSliceMs, performance.now() - sliceStart);
      if (failure !== undefined) throw failure;
      if (cancelled()) throw new SnapshotCancelled();
      if (inFlight.size >= tuning.maxChunksInFlight) await Promise.race(inFlight);
      else if (!done) await yieldTurn();
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    await rpc.call({ op: 'seal', snapshotId, nodeCount, chunkCount, digest: digestNow(source) });
  } catch (err) {
    await Promise.allSettled(inFlight);
    await rpc.call({ op: 'abort', snapshotId }).catch(() => undefined);
    throw err;
  }
  return { snapshotId, zxid, nodeCount, chunkCount, bytes, ms: performance.now() - t0, longestSliceMs };
}

/**
 * The digest sealed with a snapshot, as ZooKeeper's: the tree's once the walk is
 * over, at the last applied zxid. Replay that reaches this zxid has undone the
 * fuzziness, so the digests can be compared from there on.
 */
function digestNow(source: SnapshotSource): ZxidDigest | null {
  const digest = source.digest;
  return digest === null ? null : { zxid: source.lastProcessedZxid, digestVersion: TREE_DIGEST_VERSION, digest };
}

/** The writer's bytes in an ArrayBuffer of their own, fit to be transferred. */
function detached(w: JuteWriter): ArrayBuffer {
  const out = new ArrayBuffer(w.offset);
  new Uint8Array(out).set(w.view());
  return out;
}
