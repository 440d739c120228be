/**
 * Apache ZooKeeper data dirs both ways, with the Debian ZooKeeper 3.8.0 as judge:
 *
 * - export: a data dir written by src/persistence/zk-datadir (a snapshot plus a log
 *   with digests) holding a few hundred znodes of every kind; ZooKeeper starts on
 *   it, and every node read back with a client has the data, ACL and stat we
 *   wrote; ZooKeeper reports no digest mismatch; the migrated sessions live on
 *   (reconnectable with their password) and expire as sessions do.
 * - import: ZooKeeper writes a data dir (small snapCount, so several fuzzy
 *   snapshots and logs; uncompressed, gz and snappy snapshots); our reader plus
 *   a DataTree replay gives exactly the tree a client reads from it.
 * - dump: `zkts dump-log` / `zkts dump-snapshot` print what ZooKeeper's
 *   TxnLogToolkit / SnapshotFormatter print, byte for byte, for every fixture file.
 *
 * Only Apache ZooKeeper is started here whatever CONFORMANCE_TARGETS says: the
 * subject is our file format code, not a server. zkts's own import/export
 * commands will be wired to these modules separately.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CreateTTLRequest,
  SetACLRequest,
  type ACL,
  type Stat,
} from '../src/protocol/generated/records.js';
import { OpCode } from '../src/protocol/opcodes.js';
import type { Txn, TxnBody } from '../src/protocol/txn.js';
import { loadSnapshotFile, logFilesFrom, readZkDataDir, type LoadedSnapshot } from '../src/persistence/zk-datadir/data-dir-reader.js';
import { readTxnLog } from '../src/persistence/zk-datadir/txn-log-reader.js';
import { writeZkDataDir } from '../src/persistence/zk-datadir/data-dir-writer.js';
import { filesByZxid } from '../src/persistence/zk-datadir/file-names.js';
import type { LoggedTxn } from '../src/protocol/txn-entry.js';
import { imageOfTree, replayDataDir, ZkTreeReplay } from '../src/persistence/zk-datadir/tree-replay.js';
import type { ZkImageNode } from '../src/persistence/zk-datadir/zk-image.js';
import { sessionPassword } from '../src/server/session-password.js';
import { digestId } from '../src/tree/acl.js';
import { DataTree } from '../src/tree/data-tree.js';
import { childrenOf, MultiRequestBody, RawClient } from '../test/support/raw-client.js';
import { fixturePath } from '../test/support/fixtures.js';
import { run, describeRun, type RunResult } from './support/proc.js';
import { fourLetterWord, zktsCliPath } from './support/servers.js';
import { authenticate, ok, readTree, sameTree, startZooKeeperOn, type ClientNode } from './support/client-tree.js';

const scratch = mkdtempSync(join(tmpdir(), 'zk-datadir-conf-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function serverZxid(port: number): Promise<bigint> {
  const m = /Zxid: (0x[0-9a-f]+)/.exec(await fourLetterWord(port, 'srvr'));
  assert.ok(m, 'srvr shows a Zxid');
  return BigInt(m[1]!);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What a client would read from our tree. */
function treeAsClientSees(tree: DataTree): Map<string, ClientNode> {
  const out = new Map<string, ClientNode>();
  for (const n of imageOfTree(tree, []).nodes) {
    const node = tree.getNode(n.path)!;
    out.set(n.path, { data: node.data, stat: node.stat(), acl: [...node.acl] });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Building a tree txn by txn (what an exporting store would hold), with ZooKeeper's rules.

const OPEN: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const READ_ONLY: ACL[] = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];
const ALICE: ACL[] = [
  { perms: 1, id: { scheme: 'world', id: 'anyone' } },
  { perms: 31, id: { scheme: 'digest', id: digestId('alice:secret') } },
];
const BOB_ONLY: ACL[] = [{ perms: 31, id: { scheme: 'digest', id: digestId('bob:pw') } }];
const LOCAL_IP: ACL[] = [{ perms: 31, id: { scheme: 'ip', id: '127.0.0.1' } }];
const ACLS = [OPEN, READ_ONLY, ALICE, BOB_ONLY, LOCAL_IP];

class TxnScript {
  readonly replay = new ZkTreeReplay(imageOfTree(new DataTree(), [], 0n));
  readonly logged: LoggedTxn[] = [];
  private zxid = 0n;
  private cxid = 0;
  private time = BigInt(Date.now() - 3_600_000);

  private txn(clientId: bigint, body: TxnBody): void {
    const hdr = { clientId, cxid: ++this.cxid, zxid: ++this.zxid, time: ++this.time, type: body.type };
    const txn: Txn = { hdr, body };
    this.logged.push(this.replay.applyAndDigest(txn));
  }

  private parentCVersion(path: string): number {
    const parent = this.replay.tree.getNode(path.substring(0, path.lastIndexOf('/')) || '/');
    assert.ok(parent, `no parent for ${path}`);
    return parent.cversion + 1;
  }

  createSession(id: bigint, timeOut: number): void {
    this.txn(id, { type: OpCode.createSession, txn: { timeOut } });
  }

  /** Returns the created path (sequential nodes get the parent's cversion as suffix, as ZooKeeper does). */
  create(path: string, data: Buffer | null, acl: ACL[], opts: { session?: bigint; ephemeral?: boolean; sequential?: boolean; container?: boolean; ttl?: bigint } = {}): string {
    let p = path;
    if (opts.sequential) {
      const parent = this.replay.tree.getNode(path.substring(0, path.lastIndexOf('/')) || '/')!;
      p = `${path}${String(parent.cversion).padStart(10, '0')}`;
    }
    const parentCVersion = this.parentCVersion(p);
    const session = opts.session ?? 0n;
    if (opts.container) this.txn(session, { type: OpCode.createContainer, txn: { path: p, data, acl, parentCVersion } });
    else if (opts.ttl !== undefined) this.txn(session, { type: OpCode.createTTL, txn: { path: p, data, acl, parentCVersion, ttl: opts.ttl } });
    else this.txn(session, { type: OpCode.create, txn: { path: p, data, acl, ephemeral: opts.ephemeral === true, parentCVersion } });
    return p;
  }

  setData(path: string, data: Buffer | null): void {
    const node = this.replay.tree.getNode(path)!;
    this.txn(0n, { type: OpCode.setData, txn: { path, data, version: node.version + 1 } });
  }

  setACL(path: string, acl: ACL[]): void {
    const node = this.replay.tree.getNode(path)!;
    this.txn(0n, { type: OpCode.setACL, txn: { path, acl, version: node.aversion + 1 } });
  }

  delete(path: string): void {
    this.txn(0n, { type: OpCode.delete, txn: { path } });
  }

  multi(ops: TxnBody[]): void {
    this.txn(0n, { type: OpCode.multi, ops });
  }

  error(err: number): void {
    this.txn(0n, { type: OpCode.error, txn: { err } });
  }
}

function binary(i: number): Buffer {
  const b = Buffer.alloc(16 + (i % 40));
  for (let k = 0; k < b.length; k++) b[k] = (i * 31 + k * 7) & 0xff;
  b[0] = 0;
  b[b.length - 1] = 0xff;
  return b;
}

const LIVE_SESSION = 0x1000009abc0000n;
const SHORT_SESSION = 0x1000009abc0001n;
/** Long enough for the whole tree to be read first, short enough to wait for. */
const SHORT_TIMEOUT = 12_000;

/** The tree to export: ~400 nodes; the first part goes into the snapshot, the rest into the log. */
function exportScript(): { script: TxnScript; snapshotAt: number } {
  const s = new TxnScript();
  s.createSession(LIVE_SESSION, 40_000);
  s.createSession(SHORT_SESSION, SHORT_TIMEOUT);
  s.create('/mig', Buffer.from('migrated'), OPEN);
  s.create('/mig/plain', null, OPEN);
  for (let i = 0; i < 200; i++) {
    const data = i % 5 === 0 ? null : i % 5 === 1 ? Buffer.alloc(0) : i % 5 === 2 ? binary(i) : Buffer.from(`value ${i} ✓`);
    s.create(`/mig/plain/n${String(i).padStart(3, '0')}`, data, ACLS[i % ACLS.length]!);
  }
  s.create('/mig/deep', null, OPEN);
  let deep = '/mig/deep';
  for (let i = 0; i < 30; i++) deep = s.create(`${deep}/d${i}`, Buffer.from([i]), OPEN);
  s.create('/mig/seq', null, OPEN);
  for (let i = 0; i < 40; i++) s.create('/mig/seq/item-', Buffer.from(`#${i}`), OPEN, { sequential: true });
  s.create('/mig/eph', null, OPEN);
  for (let i = 0; i < 5; i++) s.create(`/mig/eph/live-${i}`, Buffer.from('alive'), OPEN, { session: LIVE_SESSION, ephemeral: true });
  for (let i = 0; i < 3; i++) s.create(`/mig/eph/short-${i}`, null, OPEN, { session: SHORT_SESSION, ephemeral: true });
  s.create('/mig/eph/seq-', Buffer.from('es'), OPEN, { session: LIVE_SESSION, ephemeral: true, sequential: true });
  s.create('/mig/cont', null, OPEN, { container: true });
  for (let i = 0; i < 5; i++) s.create(`/mig/cont/c${i}`, Buffer.from('in a container'), OPEN);
  s.create('/mig/empty-cont', null, OPEN, { container: true });
  s.create('/mig/ttl', Buffer.from('lives an hour'), OPEN, { ttl: 3_600_000n });
  s.create('/mig/ünïcødé', Buffer.from('non-ASCII path'), OPEN);
  const snapshotAt = s.logged.length;
  // After the snapshot: changes ZooKeeper must replay from our log.
  for (let i = 0; i < 200; i += 7) s.setData(`/mig/plain/n${String(i).padStart(3, '0')}`, Buffer.from(`changed ${i}`));
  for (let i = 3; i < 200; i += 11) s.setACL(`/mig/plain/n${String(i).padStart(3, '0')}`, ALICE);
  // The items were numbered 0..39 by /mig/seq's cversion; deletes do not advance it.
  for (let i = 0; i < 40; i += 3) s.delete(`/mig/seq/item-${String(i).padStart(10, '0')}`);
  s.create('/mig/seq/item-', Buffer.from('after deletes'), OPEN, { sequential: true });
  s.delete('/mig/cont/c0');
  s.multi([
    { type: OpCode.create, txn: { path: '/mig/m', data: Buffer.from('multi'), acl: OPEN, ephemeral: false, parentCVersion: s.replay.tree.getNode('/mig')!.cversion + 1 } },
    { type: OpCode.setData, txn: { path: '/mig', data: Buffer.from('migrated v2'), version: 1 } },
    { type: OpCode.delete, txn: { path: '/mig/plain/n199' } },
  ]);
  s.error(-110);
  s.create('/mig/eph/late', Buffer.from('late'), OPEN, { session: LIVE_SESSION, ephemeral: true });
  s.create('/mig/ttl2', null, READ_ONLY, { ttl: 7_200_000n });
  return { script: s, snapshotAt };
}

describe('export: Apache ZooKeeper 3.8 starts from a data dir we wrote', () => {
  test('every node reads back with our data, ACL and stat; digests match; sessions live on', async () => {
    const { script, snapshotAt } = exportScript();
    const all = script.logged;
    // Rebuild the state at the snapshot point from the same txns.
    const atSnapshot = new ZkTreeReplay(imageOfTree(new DataTree(), [], 0n));
    for (const t of all.slice(0, snapshotAt)) atSnapshot.apply(t);
    const image = atSnapshot.image();
    const snapshotNodes: ZkImageNode[] = [...image.nodes];
    const snapshotDigest = atSnapshot.digest;
    const dataDir = join(scratch, 'export');
    const written = writeZkDataDir({ dataDir, image: { ...image, nodes: snapshotNodes }, txns: all.slice(snapshotAt), preAllocBytes: 64 * 1024 });
    const lastZxid = BigInt(all.length);
    assert.equal(written.lastZxid, lastZxid);
    assert.ok(snapshotNodes.length > 250, `${snapshotNodes.length} nodes in the snapshot`);
    const expected = treeAsClientSees(script.replay.tree);
    assert.ok(expected.get('/mig/eph/short-0'), 'the short session owns ephemerals');
    assert.equal(expected.get('/mig/cont')!.stat.ephemeralOwner, 0n, 'containers show owner 0');
    assert.ok(!expected.has('/mig/plain/n199'), 'the multi deleted n199');

    const zk = await startZooKeeperOn(dataDir);
    try {
      assert.equal(await serverZxid(zk.port), lastZxid, 'ZooKeeper is at our last zxid');
      const c = await RawClient.connect(zk.port, { timeout: 30_000 });
      try {
        await authenticate(c, 'alice:secret');
        await authenticate(c, 'bob:pw');
        sameTree(await readTree(c), expected, 'read back');
      } finally {
        c.close();
      }
      const mntr = await fourLetterWord(zk.port, 'mntr');
      assert.match(mntr, /zk_digest_mismatches_count\t0\n/, 'ZooKeeper found no digest mismatch');
      const log = zk.logTail(1 << 20);
      assert.ok(
        log.includes(`with zxid as 0x${snapshotAt.toString(16)}, and digest value as ${snapshotDigest}`),
        `ZooKeeper read our snapshot digest:\n${log.slice(-3000)}`,
      );
      assert.ok(!/Digests are not matching|digest mismatch/i.test(log), 'no mismatch in the log');
      assert.match(log, new RegExp(`${all.length - snapshotAt} txns loaded in`), 'our log was replayed');

      // The short session was not resumed: it expires and its ephemerals go.
      const probe = await RawClient.connect(zk.port);
      try {
        const deadline = Date.now() + SHORT_TIMEOUT + 15_000;
        while ((await probe.exists('/mig/eph/short-0')).err !== -101) {
          assert.ok(Date.now() < deadline, 'the short session never expired');
          await sleep(500);
        }
      } finally {
        probe.close();
      }

      // The live session resumes with the password ZooKeeper derives for its id; its ephemerals are still there.
      const live = await RawClient.connect(zk.port, { sessionId: LIVE_SESSION, passwd: sessionPassword(LIVE_SESSION), timeout: 40_000 });
      try {
        assert.equal(live.sessionId, LIVE_SESSION);
        ok(await live.exists('/mig/eph/live-0'), 'live ephemeral');
        ok(await live.closeSession(), 'closeSession');
      } finally {
        live.close();
      }
      const c3 = await RawClient.connect(zk.port);
      try {
        const eph = childrenOf(await c3.getChildren('/mig/eph'));
        assert.deepEqual(eph, [], 'the closed session took its ephemerals along');
      } finally {
        c3.close();
      }
    } finally {
      await zk.stop();
    }

    // What ZooKeeper left behind (its own startup snapshot, the two closeSession txns) reads back too.
    const replay = replayDataDir(readZkDataDir({ dataDir }));
    assert.deepEqual(replay.mismatches, []);
    assert.ok(!replay.tree.getNode('/mig/eph/live-0') && !replay.tree.getNode('/mig/eph/short-0'));
    assert.ok(!replay.sessions.has(LIVE_SESSION) && !replay.sessions.has(SHORT_SESSION), 'both migrated sessions are closed');
    assert.equal(replay.tree.getNode('/mig/plain/n000')?.data?.toString(), 'changed 0');
  });
});

// ---------------------------------------------------------------------------

/**
 * Every digest ZooKeeper recorded matches our replay, except where ZooKeeper would
 * disagree with itself. A snapshot can catch the next txn half applied: its change
 * is in the tree (a setData, a delete, a setACL that leaves no zxid behind), but
 * the digest sealed after the tree is still that of the zxid before. Loading such
 * a snapshot, ZooKeeper reports a mismatch at that zxid (for the snapshot digest,
 * and for that txn's own digest when it replays it), as we do. Any error in our
 * digests would stay in the sum, so every later logged digest must match.
 */
function assertDigestsMatch(snap: LoadedSnapshot, replay: ZkTreeReplay, where: string): void {
  const digestZxid = snap.contents.digest?.zxid ?? 0n;
  const fuzzy = replay.mismatches.some((m) => m.source === 'snapshot' && m.zxid === digestZxid);
  const unexplained = replay.mismatches.filter((m) => !(fuzzy && m.zxid === digestZxid));
  assert.deepEqual(unexplained, [], `${where}: digest mismatches`);
  assert.ok(replay.lastZxid === digestZxid || replay.digestsChecked > 0, `${where}: logged digests were compared`);
}

async function importWorkload(c: RawClient, keep: RawClient): Promise<void> {
  await authenticate(c, 'alice:secret');
  ok(await c.create('/imp', { data: Buffer.from('import') }), 'create /imp');
  for (let i = 0; i < 40; i++) {
    const data = i % 4 === 0 ? null : i % 4 === 1 ? Buffer.alloc(0) : i % 4 === 2 ? binary(i) : Buffer.from(`v${i}`);
    ok(await c.create(`/imp/n${i}`, { data, acl: i % 3 === 0 ? ALICE : OPEN }), `create n${i}`);
  }
  for (let i = 0; i < 10; i++) ok(await c.create('/imp/s-', { flags: 2 }), 'sequential');
  ok(await c.create('/imp/cont', { opcode: 19, flags: 4 }), 'container');
  ok(await c.create('/imp/cont/child', { data: Buffer.from('c') }), 'container child');
  ok(await c.request(OpCode.createTTL, CreateTTLRequest, { path: '/imp/ttl', data: Buffer.from('t'), acl: OPEN, flags: 5, ttl: 3_600_000n }), 'ttl');
  for (let i = 0; i < 40; i += 3) ok(await c.setData(`/imp/n${i}`, Buffer.from(`set ${i}`)), `setData n${i}`);
  ok(await c.request(OpCode.setACL, SetACLRequest, { path: '/imp/n1', acl: READ_ONLY, version: 0 }), 'setACL');
  for (let i = 5; i < 40; i += 9) ok(await c.delete(`/imp/n${i}`), `delete n${i}`);
  assert.equal((await c.create('/imp')).err, -110, 'a failed create (an error txn)');
  const multi = await c.request(OpCode.multi, MultiRequestBody, [
    { type: 1, req: { path: '/imp/m', data: Buffer.from('m'), acl: OPEN, flags: 0 } },
    { type: 5, req: { path: '/imp', data: Buffer.from('import v2'), version: 0 } },
    { type: 2, req: { path: '/imp/n2', version: -1 } },
  ]);
  ok(multi, 'multi');
  // A session that stays open: its ephemerals are in the data dir when ZooKeeper stops.
  for (let i = 0; i < 3; i++) ok(await keep.create(`/imp/eph${i}`, { flags: 1, data: Buffer.from('e') }), 'ephemeral');
  ok(await keep.create('/imp/eseq-', { flags: 3 }), 'ephemeral sequential');
  ok(await c.setData('/imp/n3', binary(99)), 'binary setData');
}

for (const compression of ['', 'gz', 'snappy'] as const) {
  describe(`import: a data dir ZooKeeper wrote (snapshots ${compression || 'uncompressed'})`, () => {
    test('the newest snapshot plus the logs replay to exactly the tree a client reads', async () => {
      const dataDir = join(scratch, `import-${compression || 'none'}`);
      const zk = await startZooKeeperOn(dataDir, { snapCount: '10', ...(compression ? { 'snapshot.compression.method': compression } : {}) });
      let expected: Map<string, ClientNode>;
      let zxid: bigint;
      let keptSession: bigint;
      let closedSession: bigint;
      try {
        const c = await RawClient.connect(zk.port, { timeout: 30_000 });
        const keep = await RawClient.connect(zk.port, { timeout: 30_000 });
        keptSession = keep.sessionId;
        closedSession = c.sessionId;
        try {
          await importWorkload(c, keep);
          await authenticate(keep, 'alice:secret');
          expected = await readTree(keep);
          ok(await c.closeSession(), 'closeSession');
          zxid = await serverZxid(zk.port);
        } finally {
          c.close();
          keep.close();
        }
      } finally {
        await zk.stop();
      }

      const names = readdirSync(join(dataDir, 'version-2'));
      const snapshots = filesByZxid(names, 'snapshot');
      assert.ok(snapshots.length >= 3, `ZooKeeper took several snapshots: ${names.join(' ')}`);
      assert.ok(filesByZxid(names, 'log').length >= 3, `and rolled its log: ${names.join(' ')}`);
      if (compression) assert.ok(snapshots.slice(1).every((s) => s.name.endsWith(`.${compression}`)), names.join(' '));

      const read = readZkDataDir({ dataDir });
      assert.equal(read.snapshot?.file, snapshots[snapshots.length - 1]!.name);
      assert.equal(read.lastZxid, zxid);
      const replay = replayDataDir(read);
      assertDigestsMatch(read.snapshot!, replay, read.snapshot!.file);
      // The kept session's ephemerals were read while it lived; the closed session's node list is the same.
      const ours = treeAsClientSees(replay.tree);
      sameTree(ours, expected, 'replayed');
      assert.deepEqual([...replay.sessions.keys()], [keptSession], 'the open session, not the closed one');
      assert.ok(!replay.sessions.has(closedSession));
      assert.equal(replay.tree.ephemeralsOf(keptSession).size, 4);

      // Recovery from any snapshot ZooKeeper wrote (fuzzy ones included) plus the logs after it gives the same tree.
      const v2 = join(dataDir, 'version-2');
      const logs = filesByZxid(names, 'log');
      for (const s of snapshots) {
        const snap = loadSnapshotFile(join(v2, s.name), s.name, s.zxid);
        const from = new ZkTreeReplay(snap.image, snap.contents.digest);
        for (const f of logFilesFrom(logs, s.zxid)) {
          for (const r of readTxnLog(readFileSync(join(v2, f.name)), f.name).records) {
            if (r.logged.txn.hdr.zxid > from.lastZxid) from.apply(r.logged);
          }
        }
        assert.equal(from.lastZxid, zxid, s.name);
        assertDigestsMatch(snap, from, s.name);
        sameTree(treeAsClientSees(from.tree), expected, `from ${s.name}`);
      }
    });
  });
}

// ---------------------------------------------------------------------------

const JAVA_TOOL_CLASSPATH = [
  'zookeeper.jar',
  'zookeeper-jute.jar',
  'slf4j-api.jar',
  'slf4j-nop.jar',
  'commons-cli.jar',
  'jackson-core.jar',
  'jackson-databind.jar',
  'jackson-annotations.jar',
  'snappy-java.jar',
  'metrics-core.jar',
]
  .map((j) => `/usr/share/java/${j}`)
  .join(':');

const TOOL_ENV = { ...process.env, TZ: 'UTC', LANG: 'C.UTF-8' };

function runJavaTool(cls: string, args: string[]): Promise<RunResult> {
  return run('java', ['-Dfile.encoding=UTF-8', '-cp', JAVA_TOOL_CLASSPATH, cls, ...args], { timeoutMs: 60_000, env: TOOL_ENV });
}

function runZkts(args: string[]): Promise<RunResult> {
  return run(process.execPath, [zktsCliPath(), ...args], { timeoutMs: 60_000, env: TOOL_ENV });
}

async function javaTool(cls: string, args: string[]): Promise<string> {
  const r = await runJavaTool(cls, args);
  assert.equal(r.code, 0, `${cls} ${args.join(' ')}:\n${describeRun(r)}`);
  return r.stdout;
}

async function zktsDump(args: string[]): Promise<string> {
  const r = await runZkts(args);
  assert.equal(r.code, 0, `zkts ${args.join(' ')}:\n${describeRun(r)}`);
  return r.stdout;
}

describe("dump: zkts prints what ZooKeeper's tools print", () => {
  const datadirs = ['standalone', 'standalone-client-capture', 'quorum-s1', 'quorum-s2', 'quorum-s3'];
  const files = datadirs.flatMap((d) => {
    const dir = fixturePath('datadir', d, 'version-2');
    const names = existsSync(dir) ? readdirSync(dir) : [];
    return [...filesByZxid(names, 'log'), ...filesByZxid(names, 'snapshot')].map((f) => join(dir, f.name));
  });

  test('dump-log = TxnLogToolkit, for every fixture log', async () => {
    const logs = files.filter((f) => /\/log\.[0-9a-f]+$/.test(f));
    assert.ok(logs.length >= 10);
    for (const f of logs) {
      assert.equal(await zktsDump(['dump-log', f]), await javaTool('org.apache.zookeeper.server.persistence.TxnLogToolkit', [f]), f);
    }
  });

  test('dump-snapshot = SnapshotFormatter (plain, -d, and -json but its timestamp), for every fixture snapshot', async () => {
    const snaps = files.filter((f) => /\/snapshot\.[0-9a-f]+$/.test(f));
    assert.ok(snaps.length >= 11);
    const cls = 'org.apache.zookeeper.server.SnapshotFormatter';
    for (const f of snaps) {
      assert.equal(await zktsDump(['dump-snapshot', f]), await javaTool(cls, [f]), f);
    }
    for (const f of snaps.slice(-3)) {
      assert.equal(await zktsDump(['dump-snapshot', '-d', f]), await javaTool(cls, ['-d', f]), `${f} -d`);
      const stamp = (s: string): string => s.replace(/"timestamp":\d+/, '"timestamp":0');
      assert.equal(stamp(await zktsDump(['dump-snapshot', '--json', f])), stamp(await javaTool(cls, ['-json', f])), `${f} -json`);
    }
  });

  test('damaged logs: a checksum error, a bad end-of-record byte and a cut-off record print as the toolkit prints them', async () => {
    const source = readFileSync(fixturePath('datadir', 'standalone', 'version-2', 'log.12'));
    const records = readTxnLog(source).records;
    const second = records[1]!;
    const last = records[records.length - 1]!;
    const lastEnd = last.offset + 13 + last.entry.length;
    const crc = Buffer.from(source);
    crc[second.offset + 3] = crc[second.offset + 3]! ^ 0x10; // the stored checksum, not the entry
    const eor = Buffer.from(source);
    eor[lastEnd - 1] = 0x41;
    const cut = source.subarray(0, last.offset + 20);
    const tool = 'org.apache.zookeeper.server.persistence.TxnLogToolkit';
    for (const [name, bytes] of [['crc', crc], ['eor', eor], ['cut', cut]] as const) {
      const file = join(scratch, `log.damaged-${name}`);
      writeFileSync(file, bytes);
      const ours = await runZkts(['dump-log', file]);
      const theirs = await runJavaTool(tool, [file]);
      assert.equal(ours.stdout, theirs.stdout, `${name}: stdout`);
      assert.equal(ours.code, theirs.code, `${name}: exit code\n${describeRun(theirs)}`);
      assert.equal(ours.stderr.trim(), theirs.stderr.trim(), `${name}: stderr`);
    }
  });

  test('a data dir dumps the snapshot ZooKeeper would load, and every log in zxid order', async () => {
    const dir = fixturePath('datadir', 'standalone');
    const snap = await zktsDump(['dump-snapshot', dir]);
    assert.equal(snap, await javaTool('org.apache.zookeeper.server.SnapshotFormatter', [join(dir, 'version-2', 'snapshot.15')]));
    const logs = await zktsDump(['dump-log', dir]);
    const headers = logs.split('\n').filter((l) => l.startsWith('==> '));
    assert.deepEqual(headers, [`==> ${join(dir, 'version-2', 'log.1')} <==`, `==> ${join(dir, 'version-2', 'log.12')} <==`]);
    assert.match(logs, /EOF reached after 17 txns\.\n==> .*log\.12 <==\nZooKeeper Transactional Log File with dbid 0 txnlog format version 2\n/);
  });
});
