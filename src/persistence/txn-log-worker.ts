/**
 * The txn log's writer thread: owns the only write connection to txnlog.db, so
 * the commit's fsync happens here and the main thread keeps serving reads.
 */
import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { checksum } from './checksum.js';
import { claimStoreFile, configureConnection, LOG_SCHEMA } from './sqlite-schema.js';
import type { AppendResult, PurgeResult, TxnLogRequest, TxnLogWorkerData } from './txn-log-protocol.js';
import { serveRequests, yieldToMessages } from './worker-serve.js';

const PURGE_SLICE = 5000;
const settings = workerData as TxnLogWorkerData;
let db: Database.Database | undefined;
let appendBatch: ((zxids: BigInt64Array, ends: Uint32Array, bytes: Buffer) => void) | undefined;
let purgeSlice: Database.Statement<[bigint, number]> | undefined;

function open(): void {
  const conn = new Database(settings.file);
  configureConnection(conn, settings.forceSync);
  claimStoreFile(conn, settings.file, LOG_SCHEMA);
  const insert = conn.prepare<[bigint, Buffer, number]>('INSERT INTO txns (zxid, txn, crc) VALUES (?, ?, ?)');
  appendBatch = conn.transaction((zxids: BigInt64Array, ends: Uint32Array, bytes: Buffer) => {
    let start = 0;
    for (let i = 0; i < zxids.length; i++) {
      const end = ends[i] as number;
      const txn = bytes.subarray(start, end);
      insert.run(zxids[i] as bigint, txn, checksum(txn));
      start = end;
    }
  });
  purgeSlice = conn.prepare('DELETE FROM txns WHERE zxid IN (SELECT zxid FROM txns WHERE zxid <= ? ORDER BY zxid LIMIT ?)');
  db = conn;
}

function append(zxids: BigInt64Array, ends: Uint32Array, bytes: ArrayBuffer): AppendResult {
  if (!appendBatch) throw new Error('txn log is not open');
  const t0 = performance.now();
  appendBatch(zxids, ends, Buffer.from(bytes));
  return { commitMs: performance.now() - t0 };
}

async function purge(throughZxid: bigint): Promise<PurgeResult> {
  let deleted = 0;
  for (;;) {
    if (!purgeSlice) throw new Error('txn log is not open');
    const n = purgeSlice.run(throughZxid, PURGE_SLICE).changes;
    deleted += n;
    if (n < PURGE_SLICE) return { deleted };
    await yieldToMessages();
  }
}

serveRequests<TxnLogRequest & { id: number }>((req) => {
  switch (req.op) {
    case 'open':
      return open();
    case 'append':
      return append(req.zxids, req.ends, req.bytes);
    case 'purge':
      return purge(req.throughZxid);
    case 'close':
      db?.close();
      db = undefined;
      appendBatch = undefined;
      purgeSlice = undefined;
      return undefined;
  }
});
