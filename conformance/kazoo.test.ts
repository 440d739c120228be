/**
 * kazoo 2.8.0 (the pure-Python client) against each target: the scripts in
 * conformance/kazoo/ print JSON, the assertions are here. kazoo's event types map
 * to ZooKeeper's as CREATED=NodeCreated, DELETED=NodeDeleted, CHANGED=NodeDataChanged,
 * CHILD=NodeChildrenChanged.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { id, kazooLong, kazooResult, type Json } from './support/clients.js';
import { serverForSuite, targets } from './support/servers.js';

const SEQ = /^\d{10}$/;

function assertFreshStat(st: Json, dataLength: number): void {
  assert.equal(st.version, 0);
  assert.equal(st.cversion, 0);
  assert.equal(st.aversion, 0);
  assert.equal(st.ephemeralOwner, '0x0');
  assert.equal(st.dataLength, dataLength);
  assert.equal(st.numChildren, 0);
  assert.ok(id(st.czxid) > 0n);
  assert.equal(st.mzxid, st.czxid);
  assert.equal(st.pzxid, st.czxid);
  assert.equal(st.mtime, st.ctime);
}

for (const target of targets) {
  describe(`kazoo against ${target}`, () => {
    const hp = serverForSuite(target);

    test('CRUD with versions, ensure_path, get_children, exists, errors', async () => {
      const b = '/kz-crud';
      const r = await kazooResult(hp(), 'crud', b);
      assert.equal(r.createPath, `${b}/n`);
      assert.equal(r.get0.data, 'v0');
      assertFreshStat(r.get0.stat, 2);
      assert.ok(r.get0.stat.ctime >= r.t0 - 5000 && r.get0.stat.ctime <= r.t1 + 5000, 'ctime is the server clock (ms), near now');

      assert.equal(r.set1.version, 1);
      assert.equal(r.set1.czxid, r.get0.stat.czxid);
      assert.ok(id(r.set1.mzxid) > id(r.get0.stat.mzxid), 'set moves mzxid');
      assert.equal(r.set1.pzxid, r.get0.stat.pzxid, 'set does not move pzxid');
      assert.ok(r.set1.mtime >= r.set1.ctime);
      assert.equal(r.set1.ctime, r.get0.stat.ctime);
      assert.equal(r.setStale, 'BadVersionError');
      assert.equal(r.deleteStale, 'BadVersionError');
      assert.equal(r.afterStale, 'v1', 'a failed set changes nothing');
      assert.equal(r.set2.version, 2);
      assert.deepEqual(r.exists, r.set2, 'exists returns the same stat as the last set');
      assert.equal(r.deleteRight, null);
      assert.equal(r.existsAfterDelete, null);

      assert.equal(r.create2.path, `${b}/i`);
      assertFreshStat(r.create2.stat, 3);
      assert.equal(r.emptyData.data, '');
      assert.deepEqual(r.ensure, [true, true, true]);
      assert.equal(r.makepath, 'deep');

      assert.deepEqual(r.children, ['b', 'c1', 'c2', 'c3']);
      assert.deepEqual(r.children2.children, ['b', 'c1', 'c2', 'c3']);
      assert.equal(r.children2.stat.numChildren, 4);
      assert.equal(r.children2.stat.cversion, 4);
      assert.ok(id(r.children2.stat.pzxid) > id(r.children2.stat.czxid));
      assert.equal(r.children2.stat.mzxid, r.children2.stat.czxid);
      assert.deepEqual(r.childrenLeaf, []);
      assert.equal(r.bigEqual, true, '100 KiB value round-trips');
      assert.equal(r.bigLength, 102400);

      assert.deepEqual(r.errors, {
        createExisting: 'NodeExistsError',
        createNoParent: 'NoNodeError',
        getMissing: 'NoNodeError',
        setMissing: 'NoNodeError',
        deleteMissing: 'NoNodeError',
        childrenMissing: 'NoNodeError',
        deleteNotEmpty: 'NotEmptyError',
        setBadVersion: 'BadVersionError',
      });
      assert.equal(r.existsMissing, null);
      assert.equal(r.afterRecursiveDelete, null);
      assert.deepEqual(r.baseChildren, ['big', 'empty', 'i', 'mk']);
    });

    test('sequential nodes: 10-digit suffix, per-parent counter of creates', async () => {
      const b = '/kz-seq';
      const r = await kazooResult(hp(), 'sequential', b);
      assert.deepEqual(r.jobs, [`${b}/seq/job-0000000000`, `${b}/seq/job-0000000001`, `${b}/seq/job-0000000002`]);
      assert.equal(r.eph, `${b}/seq/eph-0000000003`);
      // deletes do not advance the counter (it counts creates), see zkcli.test.ts
      assert.equal(r.afterDelete, `${b}/seq/job-0000000004`);
      assert.equal(r.bare, `${b}/seq/0000000005`, 'a path ending in / gets just the 10 digits');
      for (const p of [...r.jobs, r.eph, r.afterDelete]) assert.match(String(p).split('-').pop() ?? '', SEQ);
      assert.deepEqual(r.children, ['0000000005', 'eph-0000000003', 'job-0000000000', 'job-0000000001', 'job-0000000004']);
      assert.equal(r.parent.numChildren, 5);
      assert.equal(r.parent.cversion, 7, '6 creates + 1 delete');
      assert.equal(r.otherParent, `${b}/seq2/x0000000000`);
    });

    test('data, exists and children watches fire once with the right event type', async () => {
      const b = '/kz-watch';
      const w = `${b}/w`;
      const r = await kazooResult(hp(), 'watches', b);
      const ev = (type: string, path: string): Json => [{ type, path, state: 'CONNECTED' }];
      for (const [tag, ok] of Object.entries(r.waited)) assert.equal(ok, true, `watch ${tag} fired within 10 s`);
      assert.deepEqual(r.events, {
        'get-set': ev('CHANGED', w), // exactly one: the second set finds no watch
        'exists-create': ev('CREATED', `${w}2`),
        'exists-set': ev('CHANGED', `${w}2`),
        'exists-delete': ev('DELETED', `${w}2`),
        'children-create': ev('CHILD', w),
        'children-delete': ev('CHILD', w),
        'get-other-session': ev('CHANGED', w),
        'children-other-session': ev('CHILD', w),
        'get-before-set': ev('CHANGED', w),
        'children-parent-delete': ev('DELETED', w),
        'get-delete': ev('DELETED', w),
        never: [],
      });
      assert.equal(r.childrenAfterSet, 0, 'a set does not fire a children watch');
    });

    test('transaction(): committed, and failing ones with per-op results', async () => {
      const b = '/kz-txn';
      const t = `${b}/t`;
      const r = await kazooResult(hp(), 'txn', b);
      const errs = (...names: string[]): Json => names.map((name) => ({ kind: 'error', name }));
      assert.equal(r.ok.length, 5);
      assert.deepEqual(r.ok[0], { kind: 'path', value: `${t}/c1` });
      assert.deepEqual(r.ok[1], { kind: 'bool', value: true });
      assert.equal(r.ok[2].kind, 'stat');
      assert.equal(r.ok[2].stat.version, 1);
      assert.equal(r.ok[2].stat.dataLength, 1);
      assert.deepEqual(r.ok[3], { kind: 'bool', value: true });
      assert.deepEqual(r.ok[4], { kind: 'path', value: `${t}/s-0000000003` });
      assert.equal(r.okAfter.node, 'b');
      assert.deepEqual(r.okAfter.nodeStat, r.ok[2].stat);
      assert.equal(r.okAfter.c1.czxid, r.okAfter.nodeStat.mzxid, 'all ops of a multi share one zxid');
      assert.equal(r.okAfter.gone, null);
      assert.deepEqual(r.okAfter.children, ['c1', 'node', 's-0000000003']);

      assert.deepEqual(r.badVersion, errs('RolledBackError', 'RolledBackError', 'BadVersionError', 'RuntimeInconsistency'));
      assert.deepEqual(r.badVersionAfter, { node: 'b', version: 1, c2: null, c1: true }, 'nothing of a failed multi is applied');
      assert.deepEqual(r.nodeExists, errs('NodeExistsError', 'RuntimeInconsistency'));
      assert.equal(r.nodeExistsAfter, true);
      assert.deepEqual(r.noNode, errs('RolledBackError', 'NoNodeError'));
      assert.deepEqual(r.notEmpty, errs('NotEmptyError'));
      assert.deepEqual(r.checkMissing, errs('NoNodeError', 'RuntimeInconsistency'));

      assert.deepEqual(r.chain.slice(0, 2), [
        { kind: 'path', value: `${t}/p` },
        { kind: 'path', value: `${t}/p/q` },
      ]);
      assert.equal(r.chain[2].kind, 'stat');
      assert.equal(r.chain[2].stat.version, 1);
      assert.equal(r.chain[2].stat.dataLength, 2);
      assert.equal(r.chain[2].stat.czxid, r.chain[2].stat.mzxid, 'created and set in the same txn');
      assert.deepEqual(r.chain.slice(3), [
        { kind: 'bool', value: true },
        { kind: 'bool', value: true },
      ]);
      assert.equal(r.chainAfter, false);
      assert.deepEqual(r.children, ['c1', 'node', 's-0000000003']);
      assert.deepEqual(r.emptyTxn, []);
      assert.equal(r.errors.deleteAfter, 'NoNodeError');
    });

    test('an ephemeral disappears when its session closes (seen from a second client)', async () => {
      const b = '/kz-eph';
      const r = await kazooResult(hp(), 'ephemeral', b);
      assert.notEqual(r.sessionA, r.sessionB);
      assert.ok(id(r.sessionA) > 0n);
      assert.equal(r.ownerSeenByB, r.sessionA, 'ephemeralOwner is the creating session');
      assert.equal(r.ownerOfB, r.sessionB);
      assert.equal(r.plainOwner, '0x0');
      assert.equal(r.childOfEphemeral, 'NoChildrenForEphemeralsError');
      assert.deepEqual(r.before, ['b-eph', 'eph', 'eph-0000000001']);
      assert.deepEqual(r.waited, { deleted: true, children: true });
      assert.deepEqual(r.events, {
        deleted: [{ type: 'DELETED', path: `${b}/eph`, state: 'CONNECTED' }],
        children: [{ type: 'CHILD', path: b, state: 'CONNECTED' }],
      });
      assert.deepEqual(r.after, ['b-eph']);
      assert.equal(r.existsAfter, null);
      assert.equal(r.seqAfter, null);
    });

    test('session expiry: a client that stops heartbeating loses its session and ephemeral', async () => {
      const b = '/kz-expire';
      const holder = kazooLong(hp(), 'expire', b, 'hold');
      try {
        const ready = await holder.waitForJson((o) => o['ready'] === true, 30_000);
        assert.equal(ready['negotiatedTimeoutMs'], 4000, 'requested 4000 ms = 2 * tickTime is granted');
        assert.equal(ready['owner'], ready['session']);
        // freeze the client: its TCP connection stays open but no pings are sent
        process.kill(holder.pid, 'SIGSTOP');
        const t0 = Date.now();
        let obs: Json;
        try {
          obs = await kazooResult(hp(), 'expire', b, 'observe');
        } finally {
          process.kill(holder.pid, 'SIGCONT');
        }
        const elapsed = Date.now() - t0;
        assert.equal(obs.ownerBefore, ready['session'], 'the ephemeral was still there when the observer looked');
        assert.equal(obs.waited, true, 'the ephemeral of the expired session was deleted');
        assert.deepEqual(obs.events, [{ type: 'DELETED', path: `${b}/expiring`, state: 'CONNECTED' }]);
        assert.equal(obs.existsAfter, false);
        assert.ok(elapsed >= 2000, `expired only after the timeout (took ${elapsed} ms)`);
        assert.ok(elapsed <= 20_000, `expired within a bound (took ${elapsed} ms)`);
        const lost = await holder.waitForJson((o) => 'lost' in o, 30_000);
        assert.equal(lost['lost'], true, `the frozen client learns its session is gone: ${JSON.stringify(lost)}`);
        assert.ok((lost['states'] as string[]).includes('LOST'));
        assert.equal(await holder.waitExit(15_000), true, 'holder exits');
      } finally {
        await holder.stop();
      }
    });
  });
}
