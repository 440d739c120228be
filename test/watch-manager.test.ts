/**
 * Watch tables as ZooKeeper 3.9 keeps them: one-shot, persistent and recursive modes
 * side by side on one path, triggers that use up only the one-shot mode, and recursive
 * watches that fire for every node below their path. Then the same through DataTree
 * txns, where a recursive watch never sees child events and ACLs filter deliveries.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ACL, WatcherEvent } from '../src/protocol/generated/records.js';
import { OpCode } from '../src/protocol/opcodes.js';
import type { Txn, TxnBody } from '../src/protocol/txn.js';
import { EventType } from '../src/protocol/watch-events.js';
import { aclAllows, OPEN_ACL_UNSAFE, Perms } from '../src/tree/acl.js';
import { AddWatchMode, DataTree, WatcherType } from '../src/tree/data-tree.js';
import { WatchManager, WatchMode, type Watcher } from '../src/tree/watch-manager.js';

class Recorder implements Watcher {
  readonly events: string[] = [];
  constructor(
    readonly sessionId: bigint,
    private readonly ids: { scheme: string; id: string }[] = [],
  ) {}
  process(event: WatcherEvent, acl?: readonly ACL[]): void {
    if (acl !== undefined && !aclAllows(acl, Perms.READ, this.ids)) return;
    this.events.push(`${event.type}:${event.path}`);
  }
  take(): string[] {
    return this.events.splice(0);
  }
}

describe('WatchManager', () => {
  test('a one-shot watch fires once', () => {
    const m = new WatchManager();
    const w = new Recorder(1n);
    m.add('/a', w);
    assert.deepEqual([...m.trigger('/a')], [w]);
    assert.deepEqual([...m.trigger('/a')], []);
    assert.equal(m.size, 0);
  });

  test('a persistent watch keeps firing, and only for its own path', () => {
    const m = new WatchManager();
    const w = new Recorder(1n);
    m.add('/a', w, WatchMode.PERSISTENT);
    assert.equal(m.trigger('/a').size, 1);
    assert.equal(m.trigger('/a').size, 1);
    assert.equal(m.trigger('/a/b').size, 0);
    assert.equal(m.size, 1);
  });

  test('a recursive watch fires for its path and every descendant, not for siblings', () => {
    const m = new WatchManager();
    const w = new Recorder(1n);
    m.add('/a', w, WatchMode.PERSISTENT_RECURSIVE);
    assert.equal(m.trigger('/a').size, 1);
    assert.equal(m.trigger('/a/b/c').size, 1);
    assert.equal(m.trigger('/ab').size, 0);
    assert.equal(m.trigger('/').size, 0);
  });

  test('a recursive watch on the root sees everything', () => {
    const m = new WatchManager();
    const w = new Recorder(1n);
    m.add('/', w, WatchMode.PERSISTENT_RECURSIVE);
    assert.equal(m.trigger('/x/y').size, 1);
    assert.equal(m.trigger('/').size, 1);
  });

  test('a one-shot watch beside a persistent one is used up; the persistent one stays', () => {
    const m = new WatchManager();
    const w = new Recorder(1n);
    m.add('/a', w, WatchMode.PERSISTENT);
    assert.equal(m.add('/a', w), true);
    assert.equal(m.add('/a', w), false, 'the same mode twice is no new watch');
    m.trigger('/a');
    assert.equal(m.has('/a', w, WatchMode.STANDARD), false);
    assert.equal(m.has('/a', w, WatchMode.PERSISTENT), true);
  });

  test('removing one mode leaves the others; removing all drops the pair', () => {
    const m = new WatchManager();
    const w = new Recorder(1n);
    m.add('/a', w);
    m.add('/a', w, WatchMode.PERSISTENT_RECURSIVE);
    assert.equal(m.remove('/a', w, WatchMode.PERSISTENT), false);
    assert.equal(m.remove('/a', w, WatchMode.PERSISTENT_RECURSIVE), true);
    assert.equal(m.trigger('/a/b').size, 0, 'no recursive watch left');
    assert.equal(m.has('/a', w), true);
    assert.equal(m.remove('/a', w), true);
    assert.equal(m.has('/a', w), false);
    assert.equal(m.size, 0);
  });

  test('suppressed watchers are not returned but still lose their one-shot mode', () => {
    const m = new WatchManager();
    const w = new Recorder(1n);
    m.add('/a', w);
    assert.equal(m.trigger('/a', new Set([w])).size, 0);
    assert.equal(m.has('/a', w), false);
  });

  test('removeWatcher forgets every path and recursive mode of a connection', () => {
    const m = new WatchManager();
    const w = new Recorder(1n);
    const other = new Recorder(2n);
    m.add('/a', w, WatchMode.PERSISTENT_RECURSIVE);
    m.add('/b', w);
    m.add('/b', other);
    m.removeWatcher(w);
    assert.equal(m.size, 1);
    assert.deepEqual([...m.trigger('/a/x')], []);
    assert.deepEqual([...m.trigger('/b')], [other]);
  });
});

let zxid = 0n;
function apply(tree: DataTree, body: TxnBody, sessionId = 1n): void {
  zxid++;
  const txn: Txn = { hdr: { clientId: sessionId, cxid: 0, zxid, time: 1000n, type: body.type }, body };
  const res = tree.processTxn(txn);
  assert.equal(res.err, 0, `txn ${body.type} failed with ${res.err}`);
}
const create = (path: string, acl: ACL[] = OPEN_ACL_UNSAFE): TxnBody => ({
  type: OpCode.create,
  txn: { path, data: Buffer.alloc(0), acl, ephemeral: false, parentCVersion: -1 },
});
const setData = (path: string): TxnBody => ({ type: OpCode.setData, txn: { path, data: Buffer.from('x'), version: 1 } });
const del = (path: string): TxnBody => ({ type: OpCode.delete, txn: { path } });

describe('DataTree watches', () => {
  const { NodeCreated: C, NodeDeleted: D, NodeDataChanged: M, NodeChildrenChanged: K } = EventType;

  test('a persistent watch reports creation, changes, children and deletion of its node, and stays', () => {
    const tree = new DataTree();
    const w = new Recorder(1n);
    tree.addWatch('/p', w, AddWatchMode.PERSISTENT);
    apply(tree, create('/p'));
    apply(tree, setData('/p'));
    apply(tree, create('/p/c'));
    apply(tree, setData('/p/c'));
    apply(tree, del('/p/c'));
    apply(tree, del('/p'));
    apply(tree, create('/p'));
    assert.deepEqual(w.take(), [`${C}:/p`, `${M}:/p`, `${K}:/p`, `${K}:/p`, `${D}:/p`, `${C}:/p`]);
  });

  test('a recursive watch reports the changed node, never child events', () => {
    const tree = new DataTree();
    const w = new Recorder(1n);
    tree.addWatch('/r', w, AddWatchMode.PERSISTENT_RECURSIVE);
    apply(tree, create('/r'));
    apply(tree, create('/r/a'));
    apply(tree, create('/r/a/b'));
    apply(tree, setData('/r/a/b'));
    apply(tree, del('/r/a/b'));
    apply(tree, create('/rx'));
    assert.deepEqual(w.take(), [`${C}:/r`, `${C}:/r/a`, `${C}:/r/a/b`, `${M}:/r/a/b`, `${D}:/r/a/b`]);
  });

  test('a deletion is reported once to a watcher holding both data and child watches', () => {
    const tree = new DataTree();
    const w = new Recorder(1n);
    apply(tree, create('/d'));
    tree.getData('/d', w);
    tree.getChildren('/d', w);
    tree.addWatch('/d', w, AddWatchMode.PERSISTENT);
    apply(tree, del('/d'));
    assert.deepEqual(w.take(), [`${D}:/d`]);
  });

  test('events about nodes the watcher may not read are not delivered', () => {
    const tree = new DataTree();
    const w = new Recorder(1n, [{ scheme: 'ip', id: '127.0.0.1' }]);
    const secret: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'digest', id: 'u:hash' } }];
    tree.addWatch('/s', w, AddWatchMode.PERSISTENT_RECURSIVE);
    apply(tree, create('/s'));
    apply(tree, create('/s/hidden', secret));
    apply(tree, create('/s/open'));
    assert.deepEqual(w.take(), [`${C}:/s`, `${C}:/s/open`]);
  });

  test('checkWatches and removeWatches by watcher type', () => {
    const tree = new DataTree();
    const w = new Recorder(1n);
    apply(tree, create('/t'));
    tree.getData('/t', w);
    tree.addWatch('/t', w, AddWatchMode.PERSISTENT_RECURSIVE);
    assert.equal(tree.containsWatch('/t', WatcherType.Data, w), true);
    assert.equal(tree.containsWatch('/t', WatcherType.Children, w), false);
    assert.equal(tree.containsWatch('/t', WatcherType.Persistent, w), false);
    assert.equal(tree.containsWatch('/t', WatcherType.PersistentRecursive, w), true);
    assert.equal(tree.removeWatch('/t', WatcherType.Persistent, w), false);
    assert.equal(tree.removeWatch('/t', WatcherType.Data, w), true);
    assert.equal(tree.containsWatch('/t', WatcherType.Any, w), true, 'the recursive watch is left');
    assert.equal(tree.removeWatch('/t', WatcherType.Any, w), true);
    assert.equal(tree.containsWatch('/t', WatcherType.Any, w), false);
    assert.equal(tree.removeWatch('/t', WatcherType.Any, w), false);
  });

  test('setWatches fires for what changed after relativeZxid and re-arms the rest, persistent ones included', () => {
    const tree = new DataTree();
    const w = new Recorder(1n);
    apply(tree, create('/old'));
    apply(tree, create('/kids'));
    const seen = zxid;
    apply(tree, create('/new'));
    apply(tree, create('/kids/k'));
    tree.setWatches(
      seen,
      { data: ['/old', '/gone'], exist: ['/new', '/absent'], child: ['/kids'], persistent: ['/p'], persistentRecursive: ['/r'] },
      w,
    );
    assert.deepEqual(w.take(), [`${D}:/gone`, `${C}:/new`, `${K}:/kids`]);
    apply(tree, setData('/old'));
    apply(tree, create('/absent'));
    apply(tree, create('/p'));
    apply(tree, create('/r'));
    apply(tree, create('/r/x'));
    assert.deepEqual(w.take(), [`${M}:/old`, `${C}:/absent`, `${C}:/p`, `${C}:/r`, `${C}:/r/x`]);
  });
});
