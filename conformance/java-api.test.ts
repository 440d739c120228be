/**
 * The Java client's APIs for the newer opcodes (conformance/java/ApiConformance.java,
 * official ZooKeeper 3.8 client): ZooKeeperAdmin.reconfigure, addWatch,
 * removeWatches/removeAllWatches, getEphemerals, getAllChildrenNumber, whoAmI,
 * addAuthInfo with getACL/setACL, TTL and container nodes through CreateMode, sync,
 * and check in multi. Each mode prints one JSON object, normalised by the Java
 * program (relative zxids, no times or session ids). zkts must print exactly what
 * Apache ZooKeeper printed (ZooKeeper is started as the oracle even when only zkts
 * is a target), and the key facts of each mode are asserted on both.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type { Json } from './support/clients.js';
import { conformanceAsset, describeRun, jsonLines, run } from './support/proc.js';
import { oracleAndTargetsForSuite, targets, type TargetName } from './support/servers.js';
import { javaBuild } from './support/java-build.js';

const ZK_JAR = '/usr/share/java/zookeeper.jar';
const JVM_FLAGS = ['-Xmx192m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
const CONTAINER_CHECK_MS = 300;

const compiled = javaBuild('java-api', [ZK_JAR], () => [conformanceAsset('java', 'ApiConformance.java'), conformanceAsset('java', 'Json.java')]);

async function java(hostPort: string, base: string, mode: string, extra: string[] = []): Promise<Json> {
  const classes = await compiled();
  const r = await run('java', [...JVM_FLAGS, '-cp', `${ZK_JAR}:${classes}`, 'ApiConformance', hostPort, base, mode, ...extra], {
    timeoutMs: 90_000,
  });
  assert.equal(r.code, 0, `java ApiConformance ${mode} failed:\n${describeRun(r)}`);
  const lines = jsonLines(r.stdout);
  assert.equal(lines.length, 1, `java ApiConformance ${mode}: expected one JSON line:\n${describeRun(r)}`);
  return lines[0];
}

const KE = (code: string): string => `KeeperException.${code}`;

interface Mode {
  name: string;
  mode: string;
  extra?: string[];
  /** Key facts, asserted on every target's output. */
  facts(r: Json, base: string): void;
}

const RECONFIG_DISABLED: Mode = {
  name: 'ZooKeeperAdmin.reconfigure without reconfigEnabled: ReconfigDisabled; getConfig',
  mode: 'reconfig',
  facts(r) {
    assert.equal(r.incremental, KE('RECONFIGDISABLED'));
    assert.equal(r.leaving, KE('RECONFIGDISABLED'));
    assert.equal(r.newMembers, KE('RECONFIGDISABLED'));
    assert.equal(r.asyncWaited, true);
    assert.equal(r.async.rc, -123);
    assert.equal(r.async.ctx, 'ctx-r');
    assert.equal(r.config, '');
  },
};

const RECONFIG_ENABLED: Mode = {
  name: 'ZooKeeperAdmin.reconfigure with reconfigEnabled on a standalone server: Unimplemented',
  mode: 'reconfig',
  facts(r) {
    assert.equal(r.incremental, KE('UNIMPLEMENTED'));
    assert.equal(r.newMembers, KE('UNIMPLEMENTED'));
    assert.equal(r.async.rc, -6);
  },
};

const WATCHES: Mode = {
  name: 'addWatch PERSISTENT / PERSISTENT_RECURSIVE, removeWatches, removeAllWatches',
  mode: 'watches',
  facts(r, b) {
    assert.equal(r.addPersistent, 'ok');
    assert.equal(r.addRecursive, 'ok');
    assert.equal(r.addDefault, 'ok');
    assert.deepEqual(r.persistentEvents, [
      `NodeCreated:${b}/p`,
      `NodeDataChanged:${b}/p`,
      `NodeChildrenChanged:${b}/p`,
      `NodeChildrenChanged:${b}/p`,
    ]);
    assert.deepEqual(r.recursiveEvents, [
      `NodeCreated:${b}/r`,
      `NodeCreated:${b}/r/c`,
      `NodeCreated:${b}/r/c/d`,
      `NodeDataChanged:${b}/r/c/d`,
      `NodeDeleted:${b}/r/c/d`,
    ]);
    assert.deepEqual(r.defaultEvents.filter((e: string) => e.includes(':')), [`NodeCreated:${b}/d`, `NodeDataChanged:${b}/d`]);
    assert.equal(r.removePersistent, 'ok');
    assert.equal(r.removePersistentAgain, KE('NOWATCHER'));
    assert.equal(r.removeAllRecursive, 'ok');
    assert.equal(r.persistentAfter[r.persistentAfter.length - 1], `PersistentWatchRemoved:${b}/p`, 'no event after the removal');
    assert.equal(r.recursiveAfter[r.recursiveAfter.length - 1], `PersistentWatchRemoved:${b}/r`, 'no event after the removal');
    assert.equal(r.removeChildWrongWatcher, KE('NOWATCHER'));
    assert.equal(r.removeData, 'ok');
    assert.equal(r.removeAllChildren, 'ok');
    assert.equal(r.removeAllNone, KE('NOWATCHER'));
    assert.deepEqual(r.dataWatcherEvents, [`DataWatchRemoved:${b}/d/k`], 'the removed data watch does not fire');
    assert.deepEqual(r.childWatcherEvents, [`ChildWatchRemoved:${b}/d/k`], 'the removed child watch does not fire');
  },
};

const EPHEMERALS: Mode = {
  name: 'getEphemerals (all, by prefix, async) and getAllChildrenNumber',
  mode: 'ephemerals',
  facts(r, b) {
    assert.deepEqual(r.all, [`${b}/e1`, `${b}/sub-e30000000002`, `${b}/sub/e2`]);
    assert.deepEqual(r.prefixSub, [`${b}/sub-e30000000002`, `${b}/sub/e2`]);
    assert.equal(r.prefixSubSlash, 'IllegalArgumentException', 'the client itself refuses a prefix ending in /');
    assert.deepEqual(r.prefixNone, []);
    assert.deepEqual(r.other, [`${b}/theirs`]);
    assert.equal(r.async.rc, 0);
    assert.equal(r.countBase, 5);
    assert.equal(r.countSub, 1);
    assert.equal(r.countLeaf, 0);
    assert.equal(r.countMissing, KE('NONODE'));
    assert.equal(r.countNoRead, KE('NOAUTH'));
    assert.deepEqual(r.asyncCount, { rc: 0, path: b, number: 6 });
  },
};

const ACLS: Mode = {
  name: 'addAuthInfo, getACL/setACL with digest, auth and ip ids, masking, whoAmI, AuthFailed',
  mode: 'acl',
  facts(r) {
    assert.deepEqual(r.whoBefore, ['ip:127.0.0.1']);
    assert.deepEqual(r.whoAfter, ['digest:alice', 'ip:127.0.0.1']);
    assert.deepEqual(r.mineAcl, ['digest:alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=:31']);
    assert.equal(r.anonGetData, KE('NOAUTH'));
    assert.equal(r.anonGetAcl, KE('NOAUTH'));
    assert.deepEqual(r.sharedAclAnon, ['world:anyone:1', 'digest:alice:x:31'], 'digest ids masked without ADMIN');
    assert.deepEqual(r.sharedAclOwner, ['world:anyone:1', 'digest:alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=:31']);
    assert.equal(r.anonSetAcl, KE('NOAUTH'));
    assert.equal(r.setAclBadVersion, KE('BADVERSION'));
    assert.equal(r.setAclOk.aversion, 1);
    assert.equal(r.anonCreatorAll, KE('INVALIDACL'));
    assert.equal(r.anonReadsIp, 'i');
    assert.equal(r.anonWritesIp, KE('NOAUTH'));
    assert.equal(r.anonReadsFar, KE('NOAUTH'));
    assert.equal(r.badIpAcl, KE('INVALIDACL'));
    assert.equal(r.wrongPassword, KE('NOAUTH'));
    assert.equal(r.rightPassword, 'm');
    assert.ok(r.badEvents.includes('AuthFailed'), `AuthFailed event: ${JSON.stringify(r.badEvents)}`);
    assert.equal(r.badAlive, false);
    assert.equal(r.badOp, KE('AUTHFAILED'));
  },
};

const TTL_DISABLED: Mode = {
  name: 'CreateMode TTL without extendedTypesEnabled: Unimplemented; CONTAINER works',
  mode: 'ttl',
  facts(r, b) {
    assert.equal(r.ttl, KE('UNIMPLEMENTED'));
    assert.equal(r.ttlSequential, KE('UNIMPLEMENTED'));
    assert.equal(r.ttlZero, 'IllegalArgumentException', 'the client refuses ttl 0 itself');
    assert.equal(r.container, `${b}/c`);
    assert.equal(r.containerStat.ephemeralOwner, '0');
    assert.equal(r.containerInMulti, KE('UNIMPLEMENTED'), 'a TTL op makes the whole multi fail');
  },
};

const TTL_ENABLED: Mode = {
  name: 'CreateMode TTL and CONTAINER with extendedTypesEnabled: created, and expired by the server',
  mode: 'ttl',
  extra: ['wait'],
  facts(r, b) {
    assert.equal(r.ttl, `${b}/t`);
    assert.equal(r.ttlStat.ephemeralOwner, '0');
    assert.equal(r.ttlSequential, `${b}/s-0000000001`);
    assert.equal(r.container, `${b}/c`);
    assert.deepEqual(r.expiryEvents, [`NodeDeleted:${b}/c`, `NodeDeleted:${b}/t`]);
    assert.equal(r.containerAfter, false);
    assert.equal(r.ttlAfter, false);
    assert.deepEqual(r.containerInMulti.map((x: Json) => [x.type, x.path]), [[15, `${b}/mc`], [15, `${b}/mt`]]);
  },
};

const SYNC: Mode = {
  name: 'sync: callbacks with rc 0 and the path',
  mode: 'sync',
  facts(r, b) {
    assert.equal(r.waited, true);
    assert.deepEqual(r.callbacks, [
      { rc: 0, path: b, ctx: `ctx:${b}` },
      { rc: 0, path: `${b}/missing`, ctx: `ctx:${b}/missing` },
      { rc: 0, path: '/', ctx: 'ctx:/' },
    ]);
  },
};

const CHECK: Mode = {
  name: 'Op.check in multi and in transactions',
  mode: 'check',
  facts(r) {
    assert.deepEqual(r.ok.map((x: Json) => x.kind), ['CheckResult', 'SetDataResult']);
    assert.equal(r.stale.code, 'BADVERSION');
    assert.deepEqual(r.stale.results.map((x: Json) => x.err), [-103, -2]);
    assert.equal(r.missing.code, 'NONODE');
    assert.deepEqual(r.missing.results.map((x: Json) => x.err), [0, -101]);
    assert.equal(r.data, 'v2');
  },
};

interface Config {
  name: string;
  extraConfig: Record<string, string>;
  jvmFlags: string[];
  modes: Mode[];
}

const CONFIGS: Config[] = [
  { name: 'default zoo.cfg', extraConfig: {}, jvmFlags: [], modes: [RECONFIG_DISABLED, WATCHES, EPHEMERALS, ACLS, TTL_DISABLED, SYNC, CHECK] },
  {
    name: 'extendedTypesEnabled, reconfigEnabled, container check every 300 ms',
    extraConfig: { extendedTypesEnabled: 'true', reconfigEnabled: 'true', 'znode.container.checkIntervalMs': String(CONTAINER_CHECK_MS) },
    jvmFlags: [`-Dznode.container.checkIntervalMs=${CONTAINER_CHECK_MS}`],
    modes: [RECONFIG_ENABLED, TTL_ENABLED],
  },
];

function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const out: string[] = [];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) out.push(d);
    }
    return out.join('\n');
  }
  return `${path || '(root)'}:\n    zookeeper: ${JSON.stringify(a)}\n    zkts:      ${JSON.stringify(b)}`;
}

for (const cfg of CONFIGS) {
  describe(`Java client APIs for the newer opcodes (${cfg.name})`, () => {
    const oracle = new Map<Mode, Promise<Json>>();
    // javac runs while the servers start.
    const server = oracleAndTargetsForSuite({ extraConfig: cfg.extraConfig, zookeeperJvmFlags: cfg.jvmFlags }, compiled);
    const hp = (name: TargetName): string => server(name).connectString;

    cfg.modes.forEach((m, i) => {
      const base = `/japi${i}-${m.mode}`;
      const zookeeperRun = (): Promise<Json> => {
        let p = oracle.get(m);
        if (!p) {
          p = java(hp('zookeeper'), base, m.mode, m.extra);
          oracle.set(m, p);
        }
        return p;
      };
      for (const target of targets) {
        test(`${m.name} [${target}]`, async () => {
          const z = await zookeeperRun();
          if (process.env['OPCODES_PRINT'] === '1') console.log(`${m.mode} zookeeper: ${JSON.stringify(z)}`);
          if (target === 'zookeeper') {
            m.facts(z, base);
            return;
          }
          const k = await java(hp('zkts'), base, m.mode, m.extra);
          const diff = firstDifference(z, k);
          assert.ok(diff === undefined, `zkts's Java client output differs from ZooKeeper's:\n${diff}`);
          m.facts(k, base);
        });
      }
    });
  });
}
