/**
 * Replaying txns over a fuzzy snapshot (one that already shows some of them)
 * gives the tree the txns give from scratch: DataTree's apply is idempotent
 * where ZooKeeper's is, including its special cases for parent cversion/pzxid.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Err } from '../src/protocol/error-codes.js';
import { OpCode } from '../src/protocol/opcodes.js';
import type { Txn, TxnBody } from '../src/protocol/txn.js';
import { DataTree } from '../src/tree/data-tree.js';
import { dumpEphemerals, dumpTree, OPEN_ACL } from './persistence-support.js';

function txn(zxid: bigint, body: TxnBody, clientId = 0n): Txn {
  return { hdr: { clientId, cxid: 0, zxid, time: 1_700_000_000_000n + zxid, type: body.type }, body };
}

const create = (path: string, parentCVersion: number, ephemeral = false): TxnBody => ({
  type: OpCode.create,
  txn: { path, data: Buffer.from(path), acl: OPEN_ACL, ephemeral, parentCVersion },
});
const del = (path: string): TxnBody => ({ type: OpCode.delete, txn: { path } });
const setData = (path: string, data: string, version: number): TxnBody => ({ type: OpCode.setData, txn: { path, data: Buffer.from(data), version } });

/** The live tree after each txn, and the txns. */
function history(txns: Txn[]): DataTree[] {
  const states: DataTree[] = [];
  for (let i = 0; i <= txns.length; i++) {
    const t = new DataTree();
    for (const x of txns.slice(0, i)) t.processTxn(x);
    states.push(t);
  }
  return states;
}

/**
 * A fuzzy snapshot: each path's node as the tree held it after `after[path]`
 * txns (absent paths: not written). Recorded as of `zxid`.
 */
function fuzzySnapshot(states: DataTree[], picks: Record<string, number>, zxid: bigint): DataTree {
  const snap = new DataTree();
  for (const [path, after] of Object.entries(picks)) {
    const node = states[after]?.getNode(path);
    assert.ok(node, `${path} exists after ${after} txns`);
    snap.restoreNode(path, node);
  }
  assert.deepEqual(snap.finishRestore(), []);
  snap.lastProcessedZxid = zxid;
  return snap;
}

function replay(snap: DataTree, txns: Txn[]): number[] {
  return txns.filter((t) => t.hdr.zxid > snap.lastProcessedZxid).map((t) => snap.processTxn(t).err);
}

const SYSTEM = { '/zookeeper': 0, '/zookeeper/quota': 0, '/zookeeper/config': 0 };

describe('replay over a fuzzy snapshot', () => {
  it('a create the snapshot already shows reports NODEEXISTS and still moves the parent cversion and pzxid forward', () => {
    const txns = [txn(1n, create('/a', 1)), txn(2n, create('/a/b', 1))];
    const states = history(txns);
    // Snapshot at zxid 1: /a written before /a/b was created, /a/b written after.
    const snap = fuzzySnapshot(states, { ...SYSTEM, '/': 1, '/a': 1, '/a/b': 2 }, 1n);
    assert.deepEqual(replay(snap, txns), [Err.NODEEXISTS]);
    assert.deepEqual(dumpTree(snap), dumpTree(states[2] as DataTree));
    assert.equal(snap.getNode('/a')?.stat().pzxid, 2n);
  });

  it('a delete of a node the snapshot no longer shows still moves the parent pzxid', () => {
    const txns = [txn(1n, create('/a', 1)), txn(2n, create('/a/b', 1)), txn(3n, del('/a/b'))];
    const states = history(txns);
    // Snapshot at zxid 2: /a written before the delete, /a/b deleted before it was reached.
    const snap = fuzzySnapshot(states, { ...SYSTEM, '/': 2, '/a': 2 }, 2n);
    assert.deepEqual(replay(snap, txns), [Err.NONODE]);
    assert.deepEqual(dumpTree(snap), dumpTree(states[3] as DataTree));
    assert.equal(snap.getNode('/a')?.pzxid, 3n);
  });

  it('a create and delete the snapshot both missed do not move cversion or pzxid backwards', () => {
    const txns = [txn(1n, create('/a', 1)), txn(2n, create('/a/b', 1)), txn(3n, del('/a/b')), txn(4n, create('/a/c', 2))];
    const states = history(txns);
    // Snapshot at zxid 1, /a written after all four txns.
    const snap = fuzzySnapshot(states, { ...SYSTEM, '/': 1, '/a': 4, '/a/c': 4 }, 1n);
    assert.deepEqual(replay(snap, txns), [Err.OK, Err.OK, Err.NODEEXISTS]);
    assert.deepEqual(dumpTree(snap), dumpTree(states[4] as DataTree));
  });

  it('setData replays to the logged version, whatever the snapshot shows', () => {
    const txns = [txn(1n, create('/a', 1)), txn(2n, setData('/a', 'x', 1)), txn(3n, setData('/a', 'y', 2))];
    const states = history(txns);
    const snap = fuzzySnapshot(states, { ...SYSTEM, '/': 1, '/a': 3 }, 1n);
    assert.deepEqual(replay(snap, txns), [Err.OK, Err.OK]);
    assert.deepEqual(dumpTree(snap), dumpTree(states[3] as DataTree));
  });

  it('an ephemeral closed with its session and re-created by another session (ZooKeeper\'s tricky case)', () => {
    const s1 = 0x101n;
    const s2 = 0x202n;
    const txns = [
      txn(1n, { type: OpCode.createSession, txn: { timeOut: 4000 } }, s1),
      txn(2n, create('/e', 1, true), s1),
      txn(3n, { type: OpCode.closeSession, txn: { paths2Delete: ['/e'] } }, s1),
      txn(4n, { type: OpCode.createSession, txn: { timeOut: 4000 } }, s2),
      txn(5n, create('/e', 2, true), s2),
    ];
    const states = history(txns);
    // Snapshot at zxid 2: / written then, /e written after s2 re-created it.
    const snap = fuzzySnapshot(states, { ...SYSTEM, '/': 2, '/e': 5 }, 2n);
    replay(snap, txns);
    const live = states[5] as DataTree;
    assert.deepEqual(dumpTree(snap), dumpTree(live));
    assert.deepEqual(dumpEphemerals(snap), dumpEphemerals(live));
    assert.deepEqual([...snap.ephemeralsOf(s2)], ['/e']);
    assert.equal(snap.ephemeralsOf(s1).size, 0);
  });

  it('a multi the snapshot partly shows replays whole: existing creates fail alone, the other ops apply', () => {
    const multi: TxnBody = { type: OpCode.multi, ops: [create('/m1', 3), create('/m2', 4), setData('/x', 'after', 1)] };
    const txns = [txn(1n, create('/x', 1)), txn(2n, create('/y', 2)), txn(3n, multi)];
    const states = history(txns);
    // The walk passed /x before the multi and reached /m1 and /m2 after it.
    const snap = fuzzySnapshot(states, { ...SYSTEM, '/': 2, '/x': 2, '/y': 2, '/m1': 3, '/m2': 3 }, 2n);
    const res = snap.processTxn(txns[2] as Txn);
    assert.deepEqual(res.multi?.map((r) => r.err), [Err.NODEEXISTS, Err.NODEEXISTS, Err.OK]);
    assert.deepEqual(dumpTree(snap), dumpTree(states[3] as DataTree));
  });

  it('restoring a snapshot rebuilds children, ephemerals, containers and TTLs, and reports orphans', () => {
    const live = new DataTree();
    live.processTxn(txn(1n, create('/p', 1)));
    live.processTxn(txn(2n, create('/p/e', 1, true), 0x55n));
    live.processTxn(txn(3n, { type: OpCode.createContainer, txn: { path: '/c', data: null, acl: OPEN_ACL, parentCVersion: 2 } }));
    live.processTxn(txn(4n, { type: OpCode.createTTL, txn: { path: '/t', data: null, acl: OPEN_ACL, parentCVersion: 3, ttl: 5000n } }));
    const copy = new DataTree();
    for (const [path, node] of live.nodeEntries()) copy.restoreNode(path, node);
    assert.deepEqual(copy.finishRestore(), []);
    assert.deepEqual(dumpTree(copy), dumpTree(live));
    assert.deepEqual(dumpEphemerals(copy), ['85:/p/e']);
    assert.deepEqual([...copy.containers], ['/c']);
    assert.deepEqual([...copy.ttls], ['/t']);
    const broken = new DataTree();
    broken.restoreNode('/q/r', live.getNode('/p/e') as NonNullable<ReturnType<DataTree['getNode']>>);
    assert.deepEqual(broken.finishRestore(), ['/q/r']);
  });
});
