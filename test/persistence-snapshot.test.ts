/**
 * Fuzzy snapshots: taken while writes go on, they plus the log after them
 * recover the live tree exactly; snapCount schedules them; autopurge trims them.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { OpCode } from '../src/protocol/opcodes.js';
import { SnapshotSchedule } from '../src/persistence/snapshot-schedule.js';
import { storeLayout } from '../src/persistence/store-layout.js';
import {
  dumpEphemerals,
  dumpTree,
  OPEN_ACL,
  openStore,
  removeDir,
  seededRandom,
  tempDir,
  Writer,
  type Applied,
} from './persistence-support.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));
function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}


/** One random write against the current tree (some fail on purpose: error txns are logged too). */
let pathCache: { tree: Writer['tree']; paths: string[]; uses: number } | undefined;

/** Paths of the tree, refreshed every 20 uses (walking it per write would make the test quadratic). */
function withSnapshotDb<T>(dir: string, f: (db: Database.Database) => T): T {
  const db = new Database(storeLayout(dir).snapFile, { readonly: true });
  db.defaultSafeIntegers(true);
  try {
    return f(db);
  } finally {
    db.close();
  }
}

function somePaths(tree: Writer['tree']): string[] {
  if (!pathCache || pathCache.tree !== tree || pathCache.uses++ > 20) {
    pathCache = { tree, paths: [...tree.nodeEntries()].map(([p]) => p).filter((p) => !p.startsWith('/zookeeper')), uses: 0 };
  }
  return pathCache.paths;
}

function randomWrite(w: Writer, rnd: () => number, sessions: bigint[]): Promise<Applied> {
  const paths = somePaths(w.tree);
  const pick = (): string => paths[Math.floor(rnd() * paths.length)] ?? '/';
  const session = sessions[Math.floor(rnd() * sessions.length)] ?? 0n;
  const r = rnd();
  const child = (p: string): string => `${p === '/' ? '' : p}/c${Math.floor(rnd() * 1e6)}`;
  if (r < 0.3) return w.create(child(pick()), `v${r}`);
  if (r < 0.4) {
    const p = pick();
    return w.create(`${p === '/' ? '' : p}/seq-`, 's', { flags: 2 });
  }
  if (r < 0.5) return w.create(child(pick()), 'eph', { flags: 1, session });
  if (r < 0.65) return w.delete(pick());
  if (r < 0.8) return w.setData(pick(), `d${r}`);
  if (r < 0.85) return w.setACL(pick(), [{ perms: 1 + Math.floor(rnd() * 31), id: { scheme: 'world', id: 'anyone' } }]);
  if (r < 0.95) {
    const a = pick();
    return w.multi([
      { type: OpCode.create, req: { path: child(a), data: Buffer.from('m'), acl: OPEN_ACL, flags: 0 } },
      { type: OpCode.setData, req: { path: a, data: Buffer.from('multi'), version: -1 } },
      { type: OpCode.delete, req: { path: pick(), version: -1 } },
    ]);
  }
  if (r < 0.975 && sessions.length > 1) {
    const closed = sessions.splice(Math.floor(rnd() * sessions.length), 1)[0] as bigint;
    return w.closeSession(closed);
  }
  const id = 0x1000n + BigInt(Math.floor(rnd() * 1e9));
  sessions.push(id);
  return w.createSession(id, 6000 + Math.floor(rnd() * 1000));
}

describe('fuzzy snapshots', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`a snapshot taken while writes go on, plus the log after it, recovers the live tree exactly (seed ${seed})`, async () => {
      const dir = newDir();
      const rnd = seededRandom(seed);
      // Tiny slices and chunks: the walk yields every 64 nodes and waits on the writer
      // often. No fsync: commits are quick, so many writes land while the walk goes on.
      const opened = await openStore(dir, { forceSync: false, snapshotTuning: { sliceMs: 0, chunkBytes: 1024, maxChunksInFlight: 1 } });
      const w = new Writer(opened.tree, opened.store);
      const sessions: bigint[] = [];
      for (let i = 0; i < 4; i++) {
        sessions.push(0x500n + BigInt(i));
        await w.createSession(0x500n + BigInt(i), 5000);
      }
      // A tree big enough that the walk spans many commits of the writes below.
      const base: Promise<Applied>[] = [];
      for (let i = 0; i < 40; i++) {
        base.push(w.create(`/b${i}`, 'base'));
        for (let k = 0; k < 40; k++) base.push(w.create(`/b${i}/n${k}`, `base ${i}/${k}`));
      }
      await Promise.all(base);
      for (let i = 0; i < 300; i++) await randomWrite(w, rnd, sessions);
      let snapshotDone = false;
      const snap = opened.store.snapshotNow().finally(() => {
        snapshotDone = true;
      });
      const inFlight: Promise<Applied>[] = [];
      let during = 0;
      // Two writes a millisecond: the walk gets turns between them, and outruns them.
      for (let i = 0; i < 2000 && !snapshotDone; i++) {
        for (let k = 0; k < 2; k++, during++) inFlight.push(randomWrite(w, rnd, sessions));
        await new Promise((r) => setTimeout(r, 1));
      }
      const taken = await snap;
      const appliedDuring = opened.tree.lastProcessedZxid - taken.zxid;
      for (let i = 0; i < 100; i++) inFlight.push(randomWrite(w, rnd, sessions));
      await Promise.all(inFlight);
      assert.equal(w.fatal, undefined);
      assert.ok(during > 0, 'writes went on during the snapshot');
      assert.ok(appliedDuring >= 5n, `${appliedDuring} writes applied while the snapshot was taken`);

      const live = dumpTree(opened.tree);
      const liveEphemerals = dumpEphemerals(opened.tree);
      const liveZxid = opened.tree.lastProcessedZxid;
      const liveDigest = opened.tree.digest;
      await opened.store.close();
      // The digest is sealed as the walk ends, at a zxid past the one the snapshot starts at.
      const sealed = withSnapshotDb(dir, (db) => db.prepare('SELECT digest_zxid, digest FROM snapshots WHERE id = ?').get(taken.snapshotId)) as {
        digest_zxid: bigint;
        digest: bigint;
      };
      assert.ok(sealed.digest_zxid > taken.zxid, `digest sealed at 0x${sealed.digest_zxid.toString(16)}, snapshot at 0x${taken.zxid.toString(16)}`);

      const again = await openStore(dir);
      try {
        assert.equal(again.report.snapshot?.id, taken.snapshotId);
        assert.equal(again.report.snapshot?.zxid, taken.zxid);
        assert.equal(BigInt(again.report.replayed), liveZxid - taken.zxid);
        assert.equal(again.tree.lastProcessedZxid, liveZxid);
        assert.deepEqual(dumpTree(again.tree), live);
        assert.deepEqual(dumpEphemerals(again.tree), liveEphemerals);
        assert.deepEqual([...again.sessions.keys()].sort(), [...sessions].sort());
        // Replay compared the snapshot's digest at its zxid, then every txn digest after it.
        assert.equal(again.tree.digest, liveDigest);
        assert.deepEqual(again.report.digests?.mismatches, []);
        assert.equal(again.report.digests?.skipped, undefined);
        const checked = BigInt(again.report.digests?.checked ?? 0);
        // From the sealed zxid on (its own txn included); error txns carry no digest.
        assert.ok(checked > 0n && checked <= liveZxid - sealed.digest_zxid + 1n, `${checked} txn digests compared`);
      } finally {
        await again.store.close();
      }
    });
  }

  it('snapCount: a snapshot follows every snapCount/2 + random(snapCount/2) txns, on its own', async () => {
    const dir = newDir();
    const opened = await openStore(dir, { snapCount: 100 });
    const w = new Writer(opened.tree, opened.store);
    for (let i = 0; i < 400; i++) await w.create(`/s${i}`, 'x');
    await opened.store.close();
    const db = new Database(storeLayout(dir).snapFile, { readonly: true });
    const zxids = (db.prepare('SELECT zxid FROM snapshots WHERE sealed = 1 ORDER BY zxid').pluck().all() as number[]).map(Number);
    db.close();
    // Thresholds lie in [50, 100): at least 4 snapshots over 400 txns, at most 8.
    assert.ok(zxids.length >= 4 && zxids.length <= 8, `snapshots at ${zxids.join(',')}`);
    for (let i = 1; i < zxids.length; i++) {
      const gap = (zxids[i] as number) - (zxids[i - 1] as number);
      assert.ok(gap >= 45 && gap <= 110, `gap ${gap} between snapshots`);
    }
  });

  it('SnapshotSchedule draws its threshold in [snapCount/2, snapCount) afresh each time', () => {
    const draws = [0, 0.999, 0.5];
    const s = new SnapshotSchedule(1000, () => draws.shift() ?? 0);
    assert.equal(s.currentThreshold, 500);
    assert.equal(s.countLogged(500), false);
    assert.equal(s.countLogged(1), true);
    assert.equal(s.currentThreshold, 999);
    assert.equal(s.countLogged(999), false);
    assert.equal(s.countLogged(1), true);
    assert.equal(s.currentThreshold, 750);
    assert.equal(new SnapshotSchedule(0, () => 0).currentThreshold, 1);
  });

  it('autopurge keeps snapRetainCount snapshots and drops the txns only older ones needed', async () => {
    const dir = newDir();
    const opened = await openStore(dir, { autopurgeSnapRetainCount: 3 });
    const w = new Writer(opened.tree, opened.store);
    const taken: bigint[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20; i++) await w.create(`/r${round}-${i}`, 'x');
      taken.push((await opened.store.snapshotNow()).zxid);
    }
    for (let i = 0; i < 5; i++) await w.create(`/tail${i}`, 'x');
    const purged = await opened.store.purge();
    const live = dumpTree(opened.tree);
    await opened.store.close();
    assert.deepEqual(purged, { snapshotsDeleted: 2, txnsDeleted: Number(taken[2]) });
    const layout = storeLayout(dir);
    const sdb = new Database(layout.snapFile, { readonly: true });
    const kept = sdb.prepare('SELECT zxid FROM snapshots ORDER BY zxid').pluck().all() as number[];
    const orphanChunks = sdb.prepare('SELECT count(*) FROM snapshot_chunks WHERE snapshot_id NOT IN (SELECT id FROM snapshots)').pluck().get();
    sdb.close();
    assert.deepEqual(kept.map(BigInt), taken.slice(2));
    assert.equal(Number(orphanChunks), 0);
    const ldb = new Database(layout.logFile, { readonly: true });
    assert.equal(BigInt(ldb.prepare('SELECT min(zxid) FROM txns').pluck().get() as number), (taken[2] as bigint) + 1n);
    ldb.close();
    const again = await openStore(dir);
    assert.deepEqual(dumpTree(again.tree), live);
    await again.store.close();
  });

  it('autopurge.purgeInterval runs the purge on a timer', async () => {
    const dir = newDir();
    const opened = await openStore(dir, { autopurgeSnapRetainCount: 3, autopurgePurgeIntervalMs: 50 });
    const w = new Writer(opened.tree, opened.store);
    for (let round = 0; round < 5; round++) {
      await w.create(`/t${round}`, 'x');
      await opened.store.snapshotNow();
    }
    const snapFile = storeLayout(dir).snapFile;
    const count = (): number => {
      const db = new Database(snapFile, { readonly: true });
      try {
        return Number(db.prepare('SELECT count(*) FROM snapshots').pluck().get());
      } finally {
        db.close();
      }
    };
    const deadline = Date.now() + 5000;
    while (count() > 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(count(), 3);
    await opened.store.close();
  });
});
