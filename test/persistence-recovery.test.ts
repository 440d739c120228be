/**
 * Recovery at start: newest valid snapshot + the txns after it. Damage at the
 * tail is dropped and reported; damage that would lose acknowledged writes, a
 * gap, or an unreadable log stop the start.
 */
import assert from 'node:assert/strict';
import { existsSync, openSync, readdirSync, statSync, truncateSync, writeSync, closeSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { checksum } from '../src/persistence/checksum.js';
import { RecoveryError } from '../src/persistence/recovery-error.js';
import { decodeExactTxnEntry } from '../src/protocol/txn-entry.js';
import { treeDigest } from '../src/persistence/zk-datadir/tree-digest.js';
import { imageNodesOfTree } from '../src/persistence/zk-datadir/tree-replay.js';
import { TREE_DIGEST_VERSION } from '../src/tree/node-digest.js';
import { storeLayout } from '../src/persistence/store-layout.js';
import { StoreFormatError } from '../src/persistence/sqlite-schema.js';
import { captureLogger, dumpTree, ERROR, openStore, removeDir, tempDir, WARN, Writer, type NodeDump } from './persistence-support.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));
function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

interface Written {
  dir: string;
  /** The tree after each zxid, for the zxids asked for. */
  trees: Map<bigint, NodeDump[]>;
  lastZxid: bigint;
  snapshots: bigint[];
}

/**
 * Writes `count` creates (a setData every 5th), snapshotting after the zxids in
 * `snapshotAfter`; remembers the tree at every zxid in `remember`.
 */
async function write(count: number, opts: { snapshotAfter?: number[]; remember?: bigint[]; dataBytes?: number } = {}): Promise<Written> {
  const dir = newDir();
  const opened = await openStore(dir);
  const w = new Writer(opened.tree, opened.store);
  const trees = new Map<bigint, NodeDump[]>();
  const snapshots: bigint[] = [];
  const pad = 'x'.repeat(opts.dataBytes ?? 0);
  for (let i = 1; i <= count; i++) {
    const { txn } = i % 5 === 0 ? await w.setData(`/n${i - 1}`, `changed ${i}${pad}`) : await w.create(`/n${i}`, `v${i}${pad}`);
    if (opts.remember?.includes(txn.hdr.zxid)) trees.set(txn.hdr.zxid, dumpTree(opened.tree));
    if (opts.snapshotAfter?.includes(i)) snapshots.push((await opened.store.snapshotNow()).zxid);
  }
  const lastZxid = opened.tree.lastProcessedZxid;
  trees.set(lastZxid, dumpTree(opened.tree));
  await opened.store.close();
  return { dir, trees, lastZxid, snapshots };
}

function withDb<T>(file: string, f: (db: Database.Database) => T): T {
  const db = new Database(file);
  db.defaultSafeIntegers(true);
  try {
    return f(db);
  } finally {
    db.close();
  }
}

describe('recovery', () => {
  it('a restart gives back the tree, the sessions and the last zxid, and numbering goes on from it', async () => {
    const dir = newDir();
    const first = await openStore(dir);
    const w = new Writer(first.tree, first.store);
    await w.createSession(0x11n, 5000);
    await w.createSession(0x22n, 7000);
    await w.create('/app', 'cfg');
    await w.create('/app/lock', 'me', { flags: 1, session: 0x22n });
    await w.closeSession(0x11n);
    const live = dumpTree(first.tree);
    await first.store.close();

    const again = await openStore(dir);
    assert.deepEqual(dumpTree(again.tree), live);
    assert.equal(again.tree.lastProcessedZxid, 5n);
    assert.deepEqual([...again.sessions], [[0x22n, 7000]]);
    assert.deepEqual([...again.tree.ephemeralsOf(0x22n)], ['/app/lock']);
    const w2 = new Writer(again.tree, again.store);
    assert.equal((await w2.create('/next')).txn.hdr.zxid, 6n);
    await again.store.close();
  });

  it('each txn is logged with ZooKeeper\'s tree digest after it, and replay checks every one', async () => {
    const written = await write(30, { snapshotAfter: [10] });
    const rows = withDb(storeLayout(written.dir).logFile, (db) => db.prepare('SELECT zxid, txn FROM txns ORDER BY zxid').all() as { zxid: bigint; txn: Buffer }[]);
    assert.equal(rows.length, 30);
    for (const r of rows) {
      const { digest } = decodeExactTxnEntry(r.txn);
      assert.equal(digest?.version, TREE_DIGEST_VERSION, `txn ${r.zxid} has a digest`);
    }
    const chunkDigests = withDb(storeLayout(written.dir).snapFile, (db) => db.prepare('SELECT nodes_digest FROM snapshot_chunks').pluck().all());
    assert.ok(chunkDigests.length > 0 && chunkDigests.every((d) => typeof d === 'bigint'), 'the snapshot writer summed each chunk\'s node digests');
    const again = await openStore(written.dir);
    try {
      // The snapshot after txn 10 had nothing in flight: its digest is at its own zxid,
      // where the tree digest (summed from the chunks') is compared with it first.
      assert.deepEqual(again.report.digests, { checked: 20, mismatches: [] });
      assert.equal(decodeExactTxnEntry((rows.at(-1) as { txn: Buffer }).txn).digest?.treeDigest, again.tree.digest);
    } finally {
      await again.store.close();
    }
  });

  it('a logged digest the replayed tree does not reach is reported and logged; the start goes on, as in ZooKeeper', async () => {
    const written = await write(30);
    const { logFile } = storeLayout(written.dir);
    withDb(logFile, (db) => {
      const row = db.prepare('SELECT txn FROM txns WHERE zxid = 20').get() as { txn: Buffer };
      const txn = Buffer.from(row.txn);
      txn.writeBigInt64BE(txn.readBigInt64BE(txn.length - 8) + 1n, txn.length - 8);
      db.prepare('UPDATE txns SET txn = ?, crc = ? WHERE zxid = 20').run(txn, checksum(txn));
    });
    const captured = captureLogger();
    const again = await openStore(written.dir, {}, captured.log);
    try {
      assert.equal(again.tree.lastProcessedZxid, 30n);
      assert.deepEqual(dumpTree(again.tree), written.trees.get(30n));
      assert.equal(again.report.digests?.checked, 30);
      assert.deepEqual(
        again.report.digests?.mismatches.map((m) => [m.zxid, m.source, m.expected - m.computed]),
        [[20n, 'txn', 1n]],
      );
      assert.ok(captured.messages(ERROR).some((m) => m.includes('digests are not matching')), captured.messages().join('\n'));
    } finally {
      await again.store.close();
    }
  });

  it('a store written without digests recovers without checking any; a tree without digests reports none', async () => {
    const dir = newDir();
    const first = await openStore(dir, {}, undefined, false);
    const w = new Writer(first.tree, first.store);
    await w.create('/a', 'x');
    await first.store.snapshotNow();
    await w.create('/b', 'y');
    await first.store.close();
    const again = await openStore(dir);
    try {
      // The snapshot sealed no digest, so where its fuzziness ends is unknown: no txn is compared.
      assert.deepEqual(again.report.digests, { checked: 0, mismatches: [], skipped: `snapshot ${again.report.snapshot?.id} sealed no digest` });
      assert.ok(again.tree.getNode('/b'));
    } finally {
      await again.store.close();
    }
    const plain = await openStore(dir, {}, undefined, false);
    assert.equal(plain.report.digests, null);
    await plain.store.close();
  });

  it('a snapshot file of the first schema (no digest columns) is read and gets the columns', async () => {
    const written = await write(20, { snapshotAfter: [10] });
    const { snapFile } = storeLayout(written.dir);
    const columns = () => withDb(snapFile, (db) => db.prepare("SELECT name FROM pragma_table_info('snapshots')").pluck().all() as string[]);
    withDb(snapFile, (db) => {
      for (const c of ['digest_zxid', 'digest_version', 'digest']) db.exec(`ALTER TABLE snapshots DROP COLUMN ${c}`);
      db.exec('ALTER TABLE snapshot_chunks DROP COLUMN nodes_digest');
    });
    assert.ok(!columns().includes('digest'));
    const again = await openStore(written.dir);
    try {
      assert.equal(again.report.snapshot?.zxid, written.snapshots[0]);
      assert.deepEqual(dumpTree(again.tree), written.trees.get(20n));
      assert.equal(again.report.digests?.checked, 0);
      // Without the chunks' digests, the tree computed its own.
      assert.equal(again.tree.digest, treeDigest(imageNodesOfTree(again.tree)));
      const w = new Writer(again.tree, again.store);
      await w.create('/later');
      await again.store.snapshotNow();
    } finally {
      await again.store.close();
    }
    assert.ok(columns().includes('digest_zxid') && columns().includes('digest'));
    const third = await openStore(written.dir);
    try {
      assert.deepEqual(third.report.digests, { checked: 0, mismatches: [] });
    } finally {
      await third.store.close();
    }
  });

  it('a torn last txn (bad checksum) is dropped: recovery stops at the last complete txn and says so', async () => {
    const written = await write(30, { snapshotAfter: [10], remember: [28n] });
    const { logFile } = storeLayout(written.dir);
    // The last two rows lose their ends, as a write cut short would leave them.
    withDb(logFile, (db) => db.prepare('UPDATE txns SET txn = substr(txn, 1, length(txn) - 3) WHERE zxid > 28').run());
    const captured = captureLogger();
    const again = await openStore(written.dir, {}, captured.log);
    try {
      assert.equal(again.tree.lastProcessedZxid, 28n);
      assert.deepEqual(dumpTree(again.tree), written.trees.get(28n));
      assert.deepEqual(again.report.droppedTail, { fromZxid: 29n, rows: 2, reason: 'checksum mismatch' });
      const warning = captured.lines.find((l) => l['level'] === WARN && String(l['msg']).includes('torn or damaged tail'));
      assert.ok(warning, captured.messages().join('\n'));
      assert.deepEqual([warning['recoveredTo'], warning['dropped'], warning['from']], ['0x1c', 2, '0x1d']);
      // The dropped zxids are handed out again.
      assert.equal((await new Writer(again.tree, again.store).create('/after')).txn.hdr.zxid, 29n);
    } finally {
      await again.store.close();
    }
  });

  it('damage followed by intact txns is not a tail: the start is refused, nothing is dropped', async () => {
    const written = await write(30);
    const { logFile } = storeLayout(written.dir);
    withDb(logFile, (db) => db.prepare("UPDATE txns SET txn = CAST(substr(txn, 1, 10) || x'a5a5' || substr(txn, 13) AS BLOB) WHERE zxid = 20").run());
    await assert.rejects(openStore(written.dir), (err: unknown) => {
      assert.ok(err instanceof RecoveryError);
      assert.match(err.message, /txn 0x14 .* is damaged \(checksum mismatch\), but 10 later txns \(from 0x15\) are intact/);
      return true;
    });
    assert.equal(withDb(logFile, (db) => Number(db.prepare('SELECT count(*) FROM txns').pluck().get())), 30);
  });

  it('a truncated log file: recovery keeps the txns it can read, sets the damaged file aside and says so', async () => {
    const written = await write(400, { dataBytes: 200 });
    const layout = storeLayout(written.dir);
    assert.ok(!existsSync(`${layout.logFile}-wal`), 'closing folded the WAL into the file');
    const size = statSync(layout.logFile).size;
    truncateSync(layout.logFile, Math.floor(size * 0.6));
    const captured = captureLogger();
    const again = await openStore(written.dir, {}, captured.log);
    try {
      const last = again.tree.lastProcessedZxid;
      assert.ok(last > 0n && last < written.lastZxid, `recovered to ${last} of ${written.lastZxid}`);
      // What was recovered is exactly the first `last` txns.
      const replayed = dumpTree(again.tree).filter((n) => n.path.startsWith('/n'));
      assert.equal(replayed.length, Number(last) - Math.floor(Number(last) / 5));
      assert.ok(again.report.droppedTail);
      assert.ok(captured.lines.some((l) => l['level'] === ERROR && String(l['msg']).includes('txn log file is damaged')), captured.messages().join('\n'));
      assert.equal(readdirSync(layout.logDir).filter((f) => f.startsWith('txnlog.db.damaged-') && !f.endsWith('-wal') && !f.endsWith('-shm')).length, 1);
      const w = new Writer(again.tree, again.store);
      assert.equal((await w.create('/fresh')).txn.hdr.zxid, last + 1n);
    } finally {
      await again.store.close();
    }
    const third = await openStore(written.dir);
    assert.ok(third.tree.getNode('/fresh'));
    await third.store.close();
  });

  it('a damaged snapshot falls back to an older one plus the log', async () => {
    const written = await write(60, { snapshotAfter: [20, 40] });
    const { snapFile } = storeLayout(written.dir);
    withDb(snapFile, (db) =>
      db.prepare("UPDATE snapshot_chunks SET bytes = CAST(x'ff' || substr(bytes, 2) AS BLOB) WHERE snapshot_id = (SELECT max(id) FROM snapshots) AND seq = 0").run(),
    );
    const captured = captureLogger();
    const again = await openStore(written.dir, {}, captured.log);
    try {
      assert.equal(again.report.snapshot?.zxid, written.snapshots[0]);
      assert.equal(again.report.skippedSnapshots.length, 1);
      assert.match(again.report.skippedSnapshots[0]?.reason ?? '', /chunk 0 fails its checksum/);
      assert.ok(captured.messages(WARN).some((m) => m.includes('falling back to an older one')));
      assert.deepEqual(dumpTree(again.tree), written.trees.get(written.lastZxid));
    } finally {
      await again.store.close();
    }
  });

  it('a snapshot left unsealed (the server died while writing it) is not used, and is cleared', async () => {
    const written = await write(30, { snapshotAfter: [10, 20] });
    const { snapFile } = storeLayout(written.dir);
    withDb(snapFile, (db) => db.prepare('UPDATE snapshots SET sealed = 0 WHERE zxid = ?').run(written.snapshots[1]));
    const again = await openStore(written.dir);
    try {
      assert.equal(again.report.snapshot?.zxid, written.snapshots[0]);
      assert.deepEqual(dumpTree(again.tree), written.trees.get(written.lastZxid));
    } finally {
      await again.store.close();
    }
    assert.deepEqual(
      withDb(snapFile, (db) => (db.prepare('SELECT zxid FROM snapshots').pluck().all() as bigint[])),
      [written.snapshots[0]],
    );
  });

  it('a gap in the log after the snapshot refuses the start', async () => {
    const written = await write(30, { snapshotAfter: [10] });
    const { logFile } = storeLayout(written.dir);
    withDb(logFile, (db) => db.prepare('DELETE FROM txns WHERE zxid = ?').run((written.snapshots[0] as bigint) + 1n));
    await assert.rejects(openStore(written.dir), /the txn log has a gap: after zxid 0xa comes 0xc \(the snapshot ends at 0xa;/);
  });

  it('no usable snapshot and a log that does not begin at zxid 1 refuses the start', async () => {
    const written = await write(30, { snapshotAfter: [10] });
    const layout = storeLayout(written.dir);
    withDb(layout.logFile, (db) => db.prepare('DELETE FROM txns WHERE zxid <= 5').run());
    withDb(layout.snapFile, (db) => db.prepare("UPDATE snapshots SET sessions = x'00'").run());
    await assert.rejects(openStore(written.dir), /the txn log has a gap: after zxid 0x0 comes 0x6/);
  });

  it('an unreadable txn log refuses the start and says what to do', async () => {
    const written = await write(10);
    const { logFile } = storeLayout(written.dir);
    const fd = openSync(logFile, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0);
    closeSync(fd);
    await assert.rejects(openStore(written.dir), /the txn log .* cannot be read .*refusing to start/);
  });

  it('an unreadable snapshot database is set aside and the whole log is replayed', async () => {
    const written = await write(25, { snapshotAfter: [10] });
    const layout = storeLayout(written.dir);
    const fd = openSync(layout.snapFile, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0);
    closeSync(fd);
    const captured = captureLogger();
    const again = await openStore(written.dir, {}, captured.log);
    try {
      assert.equal(again.report.snapshot, null);
      assert.equal(again.report.replayed, 25);
      assert.deepEqual(dumpTree(again.tree), written.trees.get(written.lastZxid));
      assert.ok(captured.messages(ERROR).some((m) => m.includes('snapshot database is unreadable')));
      assert.ok(readdirSync(layout.snapDir).some((f) => f.startsWith('snapshots.db.damaged-')));
    } finally {
      await again.store.close();
    }
  });

  it('a file that is not a zkts store is left alone and the start refused', async () => {
    const dir = newDir();
    const layout = storeLayout(dir);
    await openStore(dir).then((o) => o.store.close());
    withDb(layout.snapFile, (db) => db.pragma('application_id = 42'));
    await assert.rejects(openStore(dir), (err: unknown) => err instanceof StoreFormatError && /not a zkts store/.test(err.message));
  });
});
