/**
 * Apache Curator 5.4 recipes (Debian libcurator-{client,framework,recipes}-java,
 * unmodified) against each target. conformance/curator/*.java is compiled with javac
 * into a temp dir at test time; per target ONE JVM runs every case in turn (JVM and
 * Curator start-up is the slow part) and prints one JSON line per case, which the
 * tests below pick up by name.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { id, type Json } from './support/clients.js';
import { conformanceAsset, describeRun, jsonLines, run, type RunResult } from './support/proc.js';
import { serverForSuite, targets } from './support/servers.js';
import { javaBuild } from './support/java-build.js';

const JARS = '/usr/share/java';
/** Curator's own jars and what their manifests need; slf4j-nop keeps the logs quiet. */
const CLASSPATH = [
  'curator-recipes.jar',
  'curator-framework.jar',
  'curator-client.jar',
  'zookeeper.jar',
  'zookeeper-jute.jar',
  'guava.jar',
  'slf4j-api.jar',
].map((j) => join(JARS, j));
const RUNTIME_ONLY = [join(JARS, 'slf4j-nop.jar')];
const JVM_FLAGS = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** Case names understood by CuratorRecipes.java, run in this order. */
const CASES = ['mutex', 'leaderLatch', 'doubleBarrier', 'atomicLong', 'curatorCache', 'persistentWatcher', 'persistentNode', 'aclProvider'] as const;
type CaseName = (typeof CASES)[number];

/** javac once per test file (shared by both targets). */
const compiled = javaBuild('curator', CLASSPATH, () => {
  const srcDir = conformanceAsset('curator');
  const sources = readdirSync(srcDir)
    .filter((f) => f.endsWith('.java'))
    .map((f) => join(srcDir, f));
  // The JSON writer is shared with the plain Java client programs.
  return [...sources, conformanceAsset('java', 'Json.java')];
});

interface CaseRun {
  byName: Map<string, Json>;
  run: RunResult;
}

/** One JVM for all cases; each case is bounded inside (45 s), the JVM as a whole here. */
async function runCases(hostPort: string, base: string): Promise<CaseRun> {
  const classes = await compiled();
  const cp = [...CLASSPATH, ...RUNTIME_ONLY, classes].join(':');
  const r = await run('java', [...JVM_FLAGS, '-cp', cp, 'CuratorRecipes', hostPort, base, ...CASES], { timeoutMs: 240_000 });
  assert.equal(r.code, 0, `java CuratorRecipes failed:\n${describeRun(r)}`);
  const byName = new Map<string, Json>();
  for (const line of jsonLines(r.stdout)) byName.set(String(line['case']), line);
  return { byName, run: r };
}

const LOCK_NODE = /^_c_[0-9a-f-]{36}-lock-\d{10}$/;
const LATCH_NODE = /^_c_[0-9a-f-]{36}-latch-(\d{10})$/;

for (const target of targets) {
  describe(`Curator 5.4 recipes against ${target}`, () => {
    const hp = serverForSuite(target, compiled);
    let all: Promise<CaseRun> | undefined;

    /** The JSON line of one case; fails with the case's error (and the JVM's output) if it threw. */
    async function curator(name: CaseName): Promise<Json> {
      all ??= runCases(hp(), '/curator');
      const { byName, run: r } = await all;
      const res = byName.get(name);
      assert.ok(res, `case ${name} printed no line:\n${describeRun(r)}`);
      assert.equal(res.error, undefined, `case ${name} failed: ${res.error}\n${res.trace ?? ''}\n${describeRun(r)}`);
      return res;
    }

    test('InterProcessMutex: reentrant, excludes others, and 4 clients x 15 locked increments lose nothing', async () => {
      const r = await curator('mutex');
      assert.equal(r.acquired, true);
      assert.equal(r.reentered, true, 'the holder can acquire again');
      assert.equal(r.lockNodes.length, 1, 'a reentrant acquire adds no node');
      assert.match(r.lockNodes[0], LOCK_NODE, 'protected ephemeral sequential lock node');
      assert.equal(r.lockOwner, r.holderSession, 'the lock node is owned by the holder session');
      assert.equal(r.otherAcquiredWhileHeld, false, 'a second client cannot take a held lock');
      assert.ok(r.otherWaitedMs >= 250, `the timed acquire waited its 300 ms (${r.otherWaitedMs})`);
      assert.equal(r.heldAfterOneRelease, true);
      assert.equal(r.heldAfterTwoReleases, false);
      assert.deepEqual(r.lockNodesAfterRelease, []);

      assert.equal(r.finished, true, 'all workers finished within 40 s');
      assert.deepEqual(r.workerErrors, []);
      assert.equal(r.acquireTimeouts, 0);
      assert.equal(r.maxHolders, 1, 'never two holders at once');
      assert.equal(r.versionJumps, 0, 'no write landed between a holder read and its write');
      assert.equal(r.increments, r.expected);
      assert.equal(r.counter, 60, 'no lost update');
      assert.equal(r.counterVersion, 60);
      assert.deepEqual(r.lockNodesAfter, [], 'every lock node was deleted on release');
    });

    test('LeaderLatch: leadership passes p0 -> p1 -> p2 as leaders close; one leader at a time', async () => {
      const r = await curator('leaderLatch');
      assert.equal(r.firstAwait, true);
      assert.equal(r.nodes.length, 3);
      r.nodes.forEach((n: string, i: number) => {
        const m = LATCH_NODE.exec(n);
        assert.ok(m, `latch node name ${n}`);
        assert.equal(Number(m[1]), i, 'sequence numbers in join order');
      });
      assert.deepEqual(r.rounds, [
        { stable: true, leaders: ['p0'], namedLeader: ['p0'], participants: ['p0*', 'p1', 'p2'] },
        { stable: true, leaders: ['p1'], namedLeader: ['p1'], participants: ['p1*', 'p2'] },
        { stable: true, leaders: ['p2'], namedLeader: ['p2'], participants: ['p2*'] },
      ]);
      assert.equal(r.gone, true, 'every latch node is gone after close');
      const events = r.events as string[];
      assert.deepEqual(events.filter((e) => e.startsWith('isLeader:')), ['isLeader:p0', 'isLeader:p1', 'isLeader:p2']);
      assert.deepEqual(events.filter((e) => e.startsWith('notLeader:')), ['notLeader:p0', 'notLeader:p1', 'notLeader:p2']);
      for (const p of ['p0', 'p1', 'p2']) {
        assert.ok(events.indexOf(`isLeader:${p}`) < events.indexOf(`notLeader:${p}`), `${p} led before it stepped down`);
      }
    });

    test('DistributedDoubleBarrier: 3 members enter together and leave together', async () => {
      const r = await curator('doubleBarrier');
      assert.equal(r.finished, true, 'all members finished within 40 s');
      assert.deepEqual(r.workerErrors, []);
      assert.deepEqual(r.enterResults, [true, true, true]);
      assert.deepEqual(r.leaveResults, [true, true, true]);
      const log = r.log as Array<{ t: number; what: string; who: number }>;
      const times = (what: string): number[] => log.filter((e) => e.what === what).map((e) => e.t);
      for (const what of ['enterCalled', 'entered', 'leaveCalled', 'left']) assert.equal(times(what).length, 3, what);
      assert.ok(Math.max(...times('enterCalled')) < Math.min(...times('entered')), `nobody entered before all arrived: ${JSON.stringify(log)}`);
      assert.ok(Math.max(...times('leaveCalled')) < Math.min(...times('left')), `nobody left before all were leaving: ${JSON.stringify(log)}`);
      assert.deepEqual(r.childrenAfter, [], 'member and ready nodes are gone');
    });

    test('DistributedAtomicLong: 4 clients x 20 concurrent increments add up, each value handed out once', async () => {
      const r = await curator('atomicLong');
      assert.equal(r.initialized, true);
      assert.equal(r.initializedAgain, false, 'initialize does not overwrite');
      assert.equal(r.finished, true);
      assert.deepEqual(r.workerErrors, []);
      assert.equal(r.mismatched, 0);
      assert.equal(r.increments, 80);
      assert.equal(r.postValuesAreOneToNM, true, 'the post values are exactly 1..80');
      assert.equal(r.finalSucceeded, true);
      assert.equal(r.final, 80);
      assert.equal(r.nodeDataLength, 8, 'a long is stored as 8 bytes');
    });

    test('CuratorCache (persistent recursive watch): sees deep creates, changes and deletes; ends equal to the tree', async () => {
      const root = '/curator/cache';
      const r = await curator('curatorCache');
      assert.equal(r.initialized, true, `the cache registered its persistent recursive watch and loaded the tree (a plain addWatch answers ${r.addWatchProbe})`);
      assert.deepEqual(r.initial, [`NODE_CREATED ${root}`, `NODE_CREATED ${root}/pre`, `NODE_CREATED ${root}/pre/x`]);
      assert.deepEqual(r.waited, [true, true, true, true, true, true, true], 'every step was seen within 10 s');
      const ev = (type: string, path: string, data: string): Json => ({ type, path: `${root}${path}`, data });
      assert.deepEqual(r.events, [
        ev('NODE_CREATED', '/a', 'a'),
        ev('NODE_CREATED', '/a/b', ''),
        ev('NODE_CREATED', '/a/b/c', 'c'),
        ev('NODE_CHANGED', '/a/b/c', 'c1'),
        ev('NODE_CREATED', '/a/b/c/d', ''),
        ev('NODE_CREATED', '/a/b/c/d/e', ''),
        ev('NODE_CREATED', '/a/b/c/d/e/f', 'f'),
        ev('NODE_CHANGED', '/pre/x', 'x1'),
        ev('NODE_DELETED', '/a/b/c/d/e/f', 'f'),
        ev('NODE_DELETED', '/a/b/c/d/e', ''),
        ev('NODE_DELETED', '/a/b/c/d', ''),
        ev('NODE_DELETED', '/a/b/c', 'c1'),
        ev('NODE_DELETED', '/pre/x', 'x1'),
      ]);
      const expectedTree = { [root]: '', [`${root}/a`]: 'a', [`${root}/a/b`]: '', [`${root}/pre`]: '' };
      assert.deepEqual(r.tree, expectedTree);
      assert.deepEqual(r.cached, r.tree, 'the cache holds exactly the tree');
    });

    test('PersistentWatcher: PERSISTENT and PERSISTENT_RECURSIVE watches fire every time, with the right types', async () => {
      const b = '/curator/pw';
      const r = await curator('persistentWatcher');
      assert.equal(r.registered, true, `addWatch succeeded for all three watchers (a plain addWatch answers ${r.addWatchProbe})`);
      assert.equal(r.sawEnd, true);
      assert.deepEqual(r.events, [
        // PERSISTENT on p: its data and its children list, not its grandchildren, again and again
        `NodeDataChanged ${b}/p`,
        `NodeChildrenChanged ${b}/p`,
        `NodeDataChanged ${b}/p`,
        `NodeChildrenChanged ${b}/p`,
        // PERSISTENT_RECURSIVE on r: creates, changes and deletes anywhere below (and of r
        // itself), children changes never
        `NodeCreated ${b}/r/a`,
        `NodeCreated ${b}/r/a/b`,
        `NodeDataChanged ${b}/r/a/b`,
        `NodeDataChanged ${b}/r`,
        `NodeDeleted ${b}/r/a/b`,
        `NodeDeleted ${b}/r/a`,
        // PERSISTENT on q, added before q existed
        `NodeCreated ${b}/q`,
        `NodeDataChanged ${b}/q`,
        // the watch on p outlives p's delete and fires for the re-create
        `NodeDeleted ${b}/p`,
        `NodeCreated ${b}/p`,
        `NodeCreated ${b}/r/end`,
      ]);
      assert.equal(r.rawSawCreate, true);
      assert.equal(r.removeWatches, 'OK', 'removeWatches(Any) (sent as checkWatches) finds the persistent recursive watch');
      assert.deepEqual(r.rawEvents, [`NodeCreated ${b}/qa/k`, `PersistentWatchRemoved ${b}/qa`]);
    });

    // A known version difference, asserted per target: ZooKeeper 3.8 keeps one watch mode
    // per session and path, so a second addWatch replaces the first (and, worse, a plain
    // getData/getChildren watch on a recursively watched path silently ends the recursive
    // watch). ZooKeeper 3.9 fixed this (ZOOKEEPER-4466: modes coexist); zkts follows 3.9.
    // A 3.8 client then hands the parent's NodeChildrenChanged to both of its watchers.
    const sameSession = target === 'zookeeper' ? 'replaces PERSISTENT (3.8)' : 'sits beside PERSISTENT (3.9, ZOOKEEPER-4466)';
    test(`addWatch on a path the session already watches: PERSISTENT_RECURSIVE ${sameSession}`, async () => {
      const b = '/curator/pw/qb';
      const r = await curator('persistentWatcher');
      assert.equal(r.registered, true, `addWatch succeeded (a plain addWatch answers ${r.addWatchProbe})`);
      assert.equal(r.modesSawEnd, true);
      const childEvents = [`persistent NodeChildrenChanged ${b}`, `recursive NodeChildrenChanged ${b}`];
      // The client hands one event to its watchers in HashSet order, so compare as multisets.
      assert.deepEqual(
        [...(r.modeEvents as string[])].sort(),
        (target === 'zookeeper'
          ? [`recursive NodeCreated ${b}/k`, `recursive NodeCreated ${b}/k2`]
          : [`recursive NodeCreated ${b}/k`, ...childEvents, `recursive NodeCreated ${b}/k2`, ...childEvents]
        ).sort(),
      );
    });

    test('ACLProvider + digest authorization: creator-only ACLs on the node and its parents; strangers get NoAuth and masked ids', async () => {
      const r = await curator('aclProvider');
      const id = String(r.expectedId);
      assert.match(id, /^alice:[A-Za-z0-9+/]{27}=$/);
      assert.deepEqual(r.leafAcl, [`31 digest:${id}`]);
      assert.deepEqual(r.parentAcl, [`31 digest:${id}`], 'creatingParentsIfNeeded applies the provider to parents');
      assert.equal(r.strangerGet, 'NOAUTH');
      assert.equal(r.strangerGetAcl, 'NOAUTH', 'getACL needs READ or ADMIN');
      assert.deepEqual(r.ownerOpenAcl, ['1 world:anyone', `31 digest:${id}`]);
      assert.deepEqual(r.strangerOpenAcl, ['1 world:anyone', '31 digest:alice:x'], 'READ without ADMIN: the digest is masked');
      assert.equal(r.strangerOpenGet, 'r');
      assert.equal(r.strangerCreateUnder, 'NOAUTH');
      assert.equal(r.friendGet, 'v');
      assert.deepEqual(r.whoAmI, ['ip:127.0.0.1', 'digest:alice'], "ZooKeeper's hash-set order");
    });

    test('PersistentNode (ephemeral): re-created after a delete and after its session is expired', async () => {
      const r = await curator('persistentNode');
      assert.equal(r.created, true);
      assert.equal(r.actualPath, '/curator/pnode/eph');
      assert.ok(id(r.session1) > 0n);
      assert.equal(r.owner1, r.session1);
      assert.equal(r.recreatedAfterDelete, true, 'deleted by another client, it came back');
      assert.equal(r.ownerAfterDelete, r.session1, 'same session');
      assert.equal(r.dataAfterDelete, 'v0');
      assert.equal(r.dataSetSeen, true, 'setData on the PersistentNode reached the node');
      assert.equal(r.takeoverConnected, true, 'a second handle attached to the session with its id and password');
      assert.equal(r.recreatedAfterExpiry, true, 'after the session ended, the node came back under a new session');
      assert.notEqual(r.session2, r.session1);
      assert.equal(r.owner2, r.session2);
      assert.equal(r.dataAfterExpiry, 'v1', 'with the latest data');
      const states = r.states as string[];
      assert.ok(states.includes('LOST'), `the client saw its session lost: ${states.join(',')}`);
      assert.equal(states[states.length - 1], 'RECONNECTED');
      assert.equal(r.goneAfterClose, true, 'closing the PersistentNode deletes the node');
    });
  });
}
