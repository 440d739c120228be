/**
 * The official ZooKeeper 3.8 Java client (Debian /usr/share/java/zookeeper.jar,
 * whose manifest Class-Path brings zookeeper-jute, slf4j-api, netty, ...) against
 * each target. conformance/java/Conformance.java is compiled with javac into a temp
 * dir at test time; each case runs one JVM that prints JSON lines.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { id, type Json } from './support/clients.js';
import { conformanceAsset, describeRun, jsonLines, run, startLong } from './support/proc.js';
import { serverForSuite, targets } from './support/servers.js';
import { javaBuild } from './support/java-build.js';

const ZK_JAR = '/usr/share/java/zookeeper.jar';
const JVM_FLAGS = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** javac once per test file (shared by both targets). */
const compiled = javaBuild('java', [ZK_JAR], () => [conformanceAsset('java', 'Conformance.java'), conformanceAsset('java', 'Json.java')]);

function javaArgs(classes: string, hostPort: string, base: string, mode: string): string[] {
  return [...JVM_FLAGS, '-cp', `${ZK_JAR}:${classes}`, 'Conformance', hostPort, base, mode];
}

async function java(hostPort: string, base: string, mode: string, timeoutMs = 120_000): Promise<Json> {
  const classes = await compiled();
  const r = await run('java', javaArgs(classes, hostPort, base, mode), { timeoutMs });
  assert.equal(r.code, 0, `java Conformance ${mode} failed:\n${describeRun(r)}`);
  const lines = jsonLines(r.stdout);
  assert.equal(lines.length, 1, `java Conformance ${mode}: expected one JSON line:\n${describeRun(r)}`);
  return lines[0];
}

// KeeperException.Code values
const OK = 0;
const RUNTIME_INCONSISTENCY = -2;
const NONODE = -101;
const BADVERSION = -103;
const NOCHILDRENFOREPHEMERALS = -108;
const NODEEXISTS = -110;
// OpResult.getType(): ZooDefs.OpCode
const OP = { create: 1, delete: 2, getData: 4, setData: 5, getChildren: 8, check: 13, error: -1 };

const errs = (...codes: number[]): Json => codes.map((err) => ({ opType: OP.error, kind: 'error', err }));

for (const target of targets) {
  describe(`Java client against ${target}`, () => {
    const hp = serverForSuite(target, compiled);

    test('multi: committed, failing (per-op results), async, transaction builder, read-only multi', async () => {
      const b = '/j-multi';
      const m = `${b}/m`;
      const r = await java(hp(), b, 'multi');

      assert.deepEqual(
        r.ok.map((x: Json) => [x.opType, x.kind, x.path]),
        [
          [OP.create, 'create', m],
          [OP.create, 'create', `${m}/c`],
          [OP.create, 'create', `${m}/s-0000000001`],
          [OP.setData, 'setData', undefined],
          [OP.check, 'check', undefined],
          [OP.delete, 'delete', undefined],
        ],
      );
      const setStat = r.ok[3].stat;
      assert.equal(setStat.version, 1);
      assert.equal(setStat.dataLength, 2);
      assert.equal(setStat.czxid, setStat.mzxid, 'every op of a multi has the same zxid');
      assert.equal(setStat.numChildren, 2, 'the setData stat is taken mid-transaction');
      assert.equal(r.okData, 'm2');
      assert.equal(r.okStat.czxid, setStat.czxid);
      assert.equal(r.okStat.numChildren, 1);
      assert.equal(r.okStat.cversion, 3);
      assert.equal(r.okStat.pzxid, setStat.czxid);
      assert.deepEqual(r.okChildren, ['s-0000000001']);

      // ops before the failure: OK (0), the failing op: its code, ops after: RuntimeInconsistency
      assert.deepEqual(r.fail, {
        code: 'NONODE',
        intCode: NONODE,
        path: null,
        results: errs(OK, OK, NONODE, RUNTIME_INCONSISTENCY),
      });
      assert.deepEqual(r.failAfter, { f1: false, f2: false, mData: 'm2', mVersion: 1 }, 'nothing of a failed multi is applied');

      assert.equal(r.asyncWaited, true);
      assert.deepEqual(r.async, { rc: BADVERSION, path: null, ctx: 'ctx-1', results: errs(BADVERSION, RUNTIME_INCONSISTENCY) });

      assert.equal(r.transaction.length, 2);
      assert.deepEqual([r.transaction[0].kind, r.transaction[0].path], ['create', `${b}/t1`]);
      assert.equal(r.transaction[1].kind, 'setData');
      assert.equal(r.transaction[1].stat.version, 1);
      assert.deepEqual(r.exists, { code: 'NODEEXISTS', results: errs(NODEEXISTS, RUNTIME_INCONSISTENCY) });
      assert.deepEqual(r.ephemeralChild, { code: 'NOCHILDRENFOREPHEMERALS', results: errs(OK, NOCHILDRENFOREPHEMERALS) });

      assert.equal(r.reads.length, 4);
      assert.deepEqual([r.reads[0].opType, r.reads[0].kind, r.reads[0].data], [OP.getData, 'getData', 'm2']);
      assert.deepEqual(r.reads[0].stat, r.okStat);
      assert.deepEqual(r.reads[1], { opType: OP.getChildren, kind: 'getChildren', children: ['s-0000000001'] });
      assert.deepEqual(r.reads[2], { opType: OP.error, kind: 'error', err: NONODE });
      assert.deepEqual(r.reads[3], { opType: OP.getChildren, kind: 'getChildren', children: [] });
      assert.deepEqual(r.empty, []);
    });

    test('pipelining: 2101 async requests in flight, callbacks in issue order (FIFO)', async () => {
      const r = await java(hp(), '/j-pipe', 'pipeline');
      assert.equal(r.finished, true, `all callbacks within 90 s: ${JSON.stringify(r)}`);
      assert.equal(r.issued, r.expected);
      assert.equal(r.completed, r.issued);
      assert.equal(r.firstOutOfOrder, -1, 'replies come back in the order the requests were sent');
      assert.equal(r.createOk, 1000);
      assert.equal(r.createNodeExists, 100);
      assert.equal(r.getDataOk, 1000);
      assert.equal(r.dataMatches, 1000);
      assert.equal(r.other, 0);
      assert.equal(r.czxidIncreasing, true, 'creates were applied in order');
      assert.equal(r.numChildren, 1000);
    });

    test('session expiry: a second handle takes over the session and closes it', async () => {
      const b = '/j-expiry';
      const r = await java(hp(), b, 'expiry');
      assert.ok(id(r.session) > 0n);
      assert.equal(r.negotiatedTimeout, 6000);
      assert.equal(r.ownerBefore, r.session);
      assert.equal(r.takeoverSession, r.session, 'the second handle got the same session');
      assert.equal(r.takeoverTimeout, 6000);
      assert.equal(r.ephemeralDeleted, true, 'the ephemeral went with the session');
      assert.deepEqual(r.observerEvents, [`NodeDeleted:${b}/eph`]);
      assert.equal(r.existsAfter, false);
      assert.equal(r.expiredSeen, true, `the first handle saw Expired: ${JSON.stringify(r.events)}`);
      const events = r.events as string[];
      assert.equal(events[0], 'SyncConnected');
      assert.ok(events.includes('Disconnected'), 'the takeover cut the first handle off');
      assert.equal(events[events.length - 1], 'Expired');
      assert.equal(r.aliveAfter, false);
      assert.equal(r.opAfterExpiry, 'SESSIONEXPIRED');
    });

    test('session expiry by timeout: a frozen client loses its session, its ephemeral goes', async () => {
      const b = '/j-timeout';
      const classes = await compiled();
      const holder = startLong('java', javaArgs(classes, hp(), b, 'hold'));
      try {
        const ready = await holder.waitForJson((o) => o['ready'] === true, 30_000);
        assert.equal(ready['negotiatedTimeout'], 4000);
        assert.equal(ready['owner'], ready['session']);
        process.kill(holder.pid, 'SIGSTOP'); // no more pings; the TCP connection stays open
        const t0 = Date.now();
        let obs: Json;
        try {
          obs = await java(hp(), b, 'observe', 60_000);
        } finally {
          process.kill(holder.pid, 'SIGCONT');
        }
        const elapsed = Date.now() - t0;
        assert.equal(obs.ownerBefore, ready['session']);
        assert.equal(obs.waited, true, 'the ephemeral of the expired session was deleted');
        assert.deepEqual(obs.events, [`NodeDeleted:${b}/held`]);
        assert.equal(obs.existsAfter, false);
        assert.ok(elapsed >= 2000 && elapsed <= 20_000, `expiry after the 4 s timeout, within a bound (took ${elapsed} ms)`);
        const end = await holder.waitForJson((o) => 'expired' in o, 40_000);
        assert.equal(end['expired'], true, `the frozen client gets Expired once resumed: ${JSON.stringify(end)}`);
        assert.equal(end['alive'], false);
        assert.equal(await holder.waitExit(15_000), true);
      } finally {
        await holder.stop();
      }
    });
  });
}
