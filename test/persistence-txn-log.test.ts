/**
 * The SQLite txn log: what a row holds, group commit, and failures that must
 * stop acknowledgements.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { JuteWriter } from '../src/protocol/jute-writer.js';
import { OpCode } from '../src/protocol/opcodes.js';
import { TxnDigest } from '../src/protocol/generated/records.js';
import { encodeTxn, type TxnBody } from '../src/protocol/txn.js';
import { decodeExactTxnEntry, type LoggedTxn } from '../src/protocol/txn-entry.js';
import { TREE_DIGEST_VERSION } from '../src/tree/node-digest.js';
import { SqliteTxnLog } from '../src/persistence/sqlite-txn-log.js';
import { APPLICATION_ID } from '../src/persistence/sqlite-schema.js';
import { ensureStoreDirs, storeLayout } from '../src/persistence/store-layout.js';
import { OPEN_ACL, removeDir, tempDir } from './persistence-support.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

function logFile(): string {
  const dir = tempDir();
  dirs.push(dir);
  const layout = storeLayout(dir);
  ensureStoreDirs(layout);
  return layout.logFile;
}

function txn(zxid: bigint, body: TxnBody, treeDigest: bigint | null = null): LoggedTxn {
  return {
    txn: { hdr: { clientId: 0x77n, cxid: Number(zxid), zxid, time: 1_700_000_000_000n, type: body.type }, body },
    digest: treeDigest === null ? null : { version: TREE_DIGEST_VERSION, treeDigest },
  };
}

const create = (path: string, parentCVersion: number): TxnBody => ({
  type: OpCode.create,
  txn: { path, data: Buffer.from(`data of ${path}`), acl: OPEN_ACL, ephemeral: false, parentCVersion },
});

function rows(file: string): { zxid: bigint; txn: Buffer; crc: bigint }[] {
  const db = new Database(file, { readonly: true });
  db.defaultSafeIntegers(true);
  try {
    return db.prepare('SELECT zxid, txn, crc FROM txns ORDER BY zxid').all() as { zxid: bigint; txn: Buffer; crc: bigint }[];
  } finally {
    db.close();
  }
}

describe('SQLite txn log', () => {
  it('stores each txn as its zxid, TxnHeader + record (+ TxnDigest) bytes as jute encodes them, and their CRC-32', async () => {
    const file = logFile();
    const log = await SqliteTxnLog.open(file, true);
    const txns = [
      txn(1n, { type: OpCode.createSession, txn: { timeOut: 30000 } }, 0x1234n),
      txn(2n, create('/a', 1), -5n),
      txn(3n, { type: OpCode.setData, txn: { path: '/a', data: null, version: 1 } }),
      txn(4n, { type: OpCode.multi, ops: [create('/b', 2), { type: OpCode.delete, txn: { path: '/a' } }] }, 1n << 62n),
      txn(5n, { type: OpCode.error, txn: { err: -101 } }),
      txn(6n, { type: OpCode.closeSession, txn: { paths2Delete: [] } }, 0n),
    ];
    await log.append(txns);
    await log.close();
    const got = rows(file);
    assert.deepEqual(got.map((r) => r.zxid), [1n, 2n, 3n, 4n, 5n, 6n]);
    for (const [i, r] of got.entries()) {
      const t = txns[i] as LoggedTxn;
      const w = new JuteWriter();
      encodeTxn(w, t.txn);
      if (t.digest !== null) TxnDigest.encode(w, t.digest);
      assert.ok(r.txn.equals(w.view()), `row ${r.zxid} holds the jute bytes`);
      assert.equal(Number(r.crc), crc32(r.txn));
      assert.deepEqual(decodeExactTxnEntry(r.txn), txns[i]);
    }
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('group commit: appends made while a commit is in flight share the next commit', async () => {
    const file = logFile();
    const log = await SqliteTxnLog.open(file, true);
    const done: Promise<void>[] = [];
    // 50 appends in one turn: the first goes at once, the other 49 wait for it.
    for (let i = 1; i <= 50; i++) done.push(log.append([txn(BigInt(i), create(`/n${i}`, i))]));
    await Promise.all(done);
    assert.deepEqual([log.stats.commits, log.stats.txns, log.stats.maxBatch], [2, 50, 49]);
    await log.close();
    assert.equal(rows(file).length, 50);
  });

  it('append resolves only once the txns are committed: a reader sees them as soon as it resolves', async () => {
    const file = logFile();
    const log = await SqliteTxnLog.open(file, true);
    for (let i = 1; i <= 20; i++) {
      await log.append([txn(BigInt(i), create(`/r${i}`, i))]);
      assert.equal(rows(file).length, i);
    }
    await log.close();
  });

  it('a failed commit rejects its appends and every later one (the pipeline then stops the server)', async () => {
    const file = logFile();
    const log = await SqliteTxnLog.open(file, true);
    await log.append([txn(1n, create('/x', 1))]);
    await assert.rejects(log.append([txn(1n, create('/x', 1))]), /UNIQUE|PRIMARYKEY|constraint/i);
    await log.close();
    await assert.rejects(log.append([txn(2n, create('/y', 2))]), /closed/);
    assert.deepEqual(rows(file).map((r) => r.zxid), [1n]);
  });

  it('refuses a file that is not a zkts store', async () => {
    const file = logFile();
    const db = new Database(file);
    db.exec('CREATE TABLE other (x)');
    db.close();
    await assert.rejects(SqliteTxnLog.open(file, true), /not a zkts store/);
  });

  it('purgeThrough deletes the txns up to a zxid and keeps the rest', async () => {
    const file = logFile();
    const log = await SqliteTxnLog.open(file, false);
    const txns: LoggedTxn[] = [];
    for (let i = 1; i <= 12_000; i++) txns.push(txn(BigInt(i), create(`/p${i}`, i)));
    await log.append(txns);
    assert.equal(await log.purgeThrough(11_000n), 11_000);
    await log.close();
    const left = rows(file);
    assert.deepEqual([left.length, left[0]?.zxid, left.at(-1)?.zxid], [1000, 11_001n, 12_000n]);
  });

  it('commits a batch larger than one stage (4 MiB) as several commits, resolving once all are durable', async () => {
    const file = logFile();
    const log = await SqliteTxnLog.open(file, false);
    const big = Buffer.alloc(4096, 0x5a);
    const txns: LoggedTxn[] = [];
    for (let i = 1; i <= 1200; i++) txns.push(txn(BigInt(i), { type: OpCode.setData, txn: { path: `/big${i}`, data: big, version: i } }));
    await log.append(txns);
    assert.deepEqual([log.stats.commits, log.stats.txns], [2, 1200]);
    await log.close();
    const got = rows(file);
    assert.equal(got.length, 1200);
    assert.deepEqual(decodeExactTxnEntry(got[1199]?.txn as Buffer), txns[1199]);
  });

  it('checkpoints between commits, so the WAL stays bounded and is rewritten from its start', async () => {
    const file = logFile();
    const log = await SqliteTxnLog.open(file, false);
    for (let i = 1; i <= 4000; i++) await log.append([txn(BigInt(i), create(`/w${i}`, i))]);
    // ~1000 WAL frames of 4 KiB between checkpoints: without them 4000 commits leave a WAL of > 16 MB.
    const wal = statSync(`${file}-wal`).size;
    assert.ok(wal < 8 * 1024 * 1024, `WAL is ${wal} bytes`);
    assert.ok(statSync(file).size > 100 * 1024, 'the txns were copied into the database file');
    await log.close();
    assert.equal(rows(file).length, 4000);
  });

  it('serves an append between the slices of a long purge', async () => {
    const file = logFile();
    const log = await SqliteTxnLog.open(file, false);
    const txns: LoggedTxn[] = [];
    for (let i = 1; i <= 30_000; i++) txns.push(txn(BigInt(i), create(`/q${i}`, i)));
    await log.append(txns);
    const order: string[] = [];
    const purge = log.purgeThrough(29_000n).then((n) => {
      order.push('purge');
      return n;
    });
    await new Promise((resolve) => setImmediate(resolve)); // the purge is posted and running
    await log.append([txn(30_001n, create('/q30001', 30_001))]).then(() => order.push('append'));
    assert.equal(await purge, 29_000);
    assert.deepEqual(order, ['append', 'purge']);
    await log.close();
    assert.equal(rows(file).length, 1001);
  });

  it('rejects the append in flight, and later ones, when the writer thread dies', async () => {
    const file = logFile();
    const log = await SqliteTxnLog.open(file, true);
    await log.append([txn(1n, create('/d', 1))]);
    const worker = (log as unknown as { worker: Worker }).worker;
    const pending = log.append([txn(2n, create('/e', 2))]);
    await worker.terminate();
    // Either committed just before the thread stopped, or failed: never left hanging.
    await pending.catch((err: unknown) => assert.match(String(err), /exited|closed/));
    await assert.rejects(log.append([txn(3n, create('/f', 3))]), /exited|closed/);
    await log.close();
  });
});
