import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WriteRequest } from '../src/protocol/client-requests.js';
import { Err } from '../src/protocol/error-codes.js';
import type { WatcherEvent } from '../src/protocol/generated/records.js';
import { OpCode } from '../src/protocol/opcodes.js';
import type { Txn } from '../src/protocol/txn.js';
import { EventType } from '../src/protocol/watch-events.js';
import { RequestPipeline } from '../src/server/request-pipeline.js';
import { MemoryTxnLog } from '../src/server/txn-log.js';
import { OPEN_ACL_UNSAFE } from '../src/tree/acl.js';
import { DataTree, type TxnResult } from '../src/tree/data-tree.js';

const S1 = 0x0100000000000001n;
const S2 = 0x0100000000000002n;

function setup(extendedTypesEnabled = false) {
  const tree = new DataTree();
  const log = new MemoryTxnLog();
  const pipeline = new RequestPipeline(tree, log, { extendedTypesEnabled, reconfigEnabled: false }, (e) => {
    throw e;
  });
  let cxid = 0;
  const write = (op: WriteRequest, sessionId = S1) =>
    new Promise<{ result: TxnResult; txn: Txn }>((resolve) =>
      pipeline.submit({ sessionId, cxid: ++cxid, authIds: [] }, op, (result, txn) => resolve({ result, txn })),
    );
  const create = (path: string, flags = 0, data = 'd', sessionId = S1) =>
    write({ type: OpCode.create2, req: { path, data: Buffer.from(data), acl: OPEN_ACL_UNSAFE, flags } }, sessionId);
  return { tree, log, pipeline, write, create };
}

test('create, setData and delete keep ZooKeeper stat bookkeeping', async () => {
  const { tree, write, create } = setup();
  const a = await create('/a');
  assert.equal(a.result.err, Err.OK);
  assert.equal(a.txn.hdr.zxid, 1n);
  await create('/a/b');
  await write({ type: OpCode.setData, req: { path: '/a', data: Buffer.from('xyz'), version: 0 } });
  await write({ type: OpCode.delete, req: { path: '/a/b', version: -1 } });
  const stat = tree.getNode('/a')?.stat();
  assert.ok(stat);
  assert.equal(stat.czxid, 1n);
  assert.equal(stat.mzxid, 3n);
  assert.equal(stat.pzxid, 4n, 'pzxid follows the last child change');
  assert.equal(stat.version, 1);
  assert.equal(stat.cversion, 2, 'one create and one delete');
  assert.equal(stat.numChildren, 0);
  assert.equal(stat.dataLength, 3);
  assert.equal(tree.lastProcessedZxid, 4n);
});

test('the root reports cversion -1 and the /zookeeper system nodes exist', () => {
  const { tree } = setup();
  assert.equal(tree.getNode('/')?.stat().cversion, -1);
  assert.deepEqual([...(tree.getNode('/zookeeper')?.children ?? [])].sort(), ['config', 'quota']);
  assert.equal(tree.getNode('/zookeeper/config')?.stat().aversion, -1);
});

test('a failed write is logged as an error txn and consumes its zxid', async () => {
  const { log, create } = setup();
  await create('/a');
  const dup = await create('/a');
  assert.equal(dup.result.err, Err.NODEEXISTS);
  assert.equal(dup.txn.hdr.type, OpCode.error);
  const next = await create('/b');
  assert.equal(next.txn.hdr.zxid, 3n);
  assert.equal(log.appended, 3);
});

test('the sequential suffix counts creates and is not rewound by deletes', async () => {
  const { create, write } = setup();
  await create('/q');
  const first = await create('/q/n-', 2);
  assert.equal(first.result.path, '/q/n-0000000000');
  await write({ type: OpCode.delete, req: { path: '/q/n-0000000000', version: -1 } });
  const second = await create('/q/n-', 2);
  assert.equal(second.result.path, '/q/n-0000000001');
});

test('pipelined writes are validated against each other before they are applied', async () => {
  const { create, write } = setup();
  // Submitted in one turn: the second must see the first's node and version.
  const results = await Promise.all([
    create('/p'),
    write({ type: OpCode.setData, req: { path: '/p', data: null, version: 0 } }),
    write({ type: OpCode.setData, req: { path: '/p', data: null, version: 0 } }),
    create('/p/c'),
  ]);
  assert.deepEqual(results.map((r) => r.result.err), [Err.OK, Err.OK, Err.BADVERSION, Err.OK]);
});

test('ephemerals: no children allowed, and closeSession removes them through its txn', async () => {
  const { tree, create, write } = setup();
  await create('/e', 1);
  assert.equal(tree.getNode('/e')?.stat().ephemeralOwner, S1);
  const child = await create('/e/c');
  assert.equal(child.result.err, Err.NOCHILDRENFOREPHEMERALS);
  const close = await write({ type: OpCode.closeSession });
  assert.equal(close.txn.body.type, OpCode.closeSession);
  assert.deepEqual(close.txn.body.type === OpCode.closeSession ? close.txn.body.txn.paths2Delete : null, ['/e']);
  assert.equal(tree.getNode('/e'), undefined);
  assert.equal(tree.ephemeralCount, 0);
});

test('closeSession also removes an ephemeral still in flight', async () => {
  const { tree, create, write } = setup();
  const [, close] = await Promise.all([create('/late', 1), write({ type: OpCode.closeSession })]);
  assert.deepEqual(close.txn.body.type === OpCode.closeSession ? close.txn.body.txn.paths2Delete : null, ['/late']);
  assert.equal(tree.getNode('/late'), undefined);
});

test('a failing multi applies nothing and reports 0 before, its error at, -2 after the failure', async () => {
  const { tree, create, write } = setup();
  await create('/m');
  const multi = await write({
    type: OpCode.multi,
    ops: [
      { type: OpCode.create, req: { path: '/m/x', data: null, acl: OPEN_ACL_UNSAFE, flags: 0 } },
      { type: OpCode.setData, req: { path: '/m', data: null, version: 7 } },
      { type: OpCode.delete, req: { path: '/m', version: -1 } },
    ],
  });
  assert.equal(multi.result.err, Err.OK);
  assert.deepEqual(
    multi.result.multi?.map((r) => [r.type, r.err]),
    [
      [OpCode.error, Err.OK],
      [OpCode.error, Err.BADVERSION],
      [OpCode.error, Err.RUNTIMEINCONSISTENCY],
    ],
  );
  assert.equal(tree.getNode('/m/x'), undefined);
  // The rolled-back create must not linger in prep's view either.
  const again = await create('/m/x');
  assert.equal(again.result.err, Err.OK);
});

test('a successful multi applies every op under one zxid', async () => {
  const { tree, write } = setup();
  const multi = await write({
    type: OpCode.multi,
    ops: [
      { type: OpCode.create, req: { path: '/x', data: null, acl: OPEN_ACL_UNSAFE, flags: 0 } },
      { type: OpCode.create2, req: { path: '/x/y', data: null, acl: OPEN_ACL_UNSAFE, flags: 0 } },
      { type: OpCode.check, req: { path: '/x', version: 0 } },
    ],
  });
  assert.deepEqual(multi.result.multi?.map((r) => r.type), [OpCode.create, OpCode.create2, OpCode.check]);
  assert.equal(tree.getNode('/x/y')?.czxid, multi.txn.hdr.zxid);
  assert.equal(tree.getNode('/x')?.czxid, multi.txn.hdr.zxid);
});

test('errors come in ZooKeeper check order', async () => {
  const { create, write } = setup();
  assert.equal((await create('/no/parent')).result.err, Err.NONODE);
  assert.equal((await create('/bad/')).result.err, Err.NONODE, 'the missing parent is found before the bad name');
  assert.equal((await create('relative')).result.err, Err.BADARGUMENTS);
  assert.equal((await create('/f', 99)).result.err, Err.BADARGUMENTS);
  assert.equal((await create('/ttl', 5)).result.err, Err.UNIMPLEMENTED, 'TTL modes need extendedTypesEnabled');
  assert.equal((await write({ type: OpCode.delete, req: { path: '/zookeeper', version: -1 } })).result.err, Err.BADARGUMENTS);
  assert.equal((await write({ type: OpCode.setData, req: { path: '/a//b', data: null, version: -1 } })).result.err, Err.BADARGUMENTS);
  const emptyAcl = await write({ type: OpCode.create, req: { path: '/n', data: null, acl: [], flags: 0 } });
  assert.equal(emptyAcl.result.err, Err.INVALIDACL);
  assert.equal((await write({ type: OpCode.reconfig, req: { joiningServers: null, leavingServers: null, newMembers: null, curConfigId: -1n } })).result.err, Err.RECONFIGDISABLED);
});

test('container and TTL nodes carry their type in the stored owner but show 0 to clients', async () => {
  const { tree, write } = setup(true);
  await write({ type: OpCode.createContainer, req: { path: '/c', data: null, acl: OPEN_ACL_UNSAFE, flags: 4 } });
  await write({ type: OpCode.createTTL, req: { path: '/t', data: null, acl: OPEN_ACL_UNSAFE, flags: 5, ttl: 1000n } });
  assert.ok(tree.containers.has('/c'));
  assert.ok(tree.ttls.has('/t'));
  assert.equal(tree.getNode('/c')?.stat().ephemeralOwner, 0n);
  assert.equal(tree.getNode('/t')?.ephemeralOwner, BigInt.asIntN(64, 0xff000000000003e8n));
  const badTtl = await write({ type: OpCode.createTTL, req: { path: '/t0', data: null, acl: OPEN_ACL_UNSAFE, flags: 5, ttl: 0n } });
  assert.equal(badTtl.result.err, Err.BADARGUMENTS);
});

test('watches fire once, with ZooKeeper event types, and a deleted node notifies each watcher once', async () => {
  const { tree, create, write } = setup();
  const events: WatcherEvent[] = [];
  const watcher = { sessionId: S2, process: (e: WatcherEvent) => events.push(e) };
  tree.statNode('/w', watcher);
  await create('/w');
  tree.getData('/w', watcher);
  tree.getChildren('/w', watcher);
  await create('/w/c');
  await write({ type: OpCode.setData, req: { path: '/w', data: null, version: -1 } });
  await write({ type: OpCode.setData, req: { path: '/w', data: null, version: -1 } });
  tree.getData('/w/c', watcher);
  tree.getChildren('/w/c', watcher);
  await write({ type: OpCode.delete, req: { path: '/w/c', version: -1 } });
  assert.deepEqual(
    events.map((e) => [e.type, e.path]),
    [
      [EventType.NodeCreated, '/w'],
      [EventType.NodeChildrenChanged, '/w'],
      [EventType.NodeDataChanged, '/w'],
      [EventType.NodeDeleted, '/w/c'],
    ],
  );
});

test('null data stays null (ZooKeeper answers it as a -1 length) while empty data stays empty', async () => {
  const { tree, write } = setup();
  await write({ type: OpCode.create, req: { path: '/null', data: null, acl: OPEN_ACL_UNSAFE, flags: 0 } });
  await write({ type: OpCode.create, req: { path: '/empty', data: Buffer.alloc(0), acl: OPEN_ACL_UNSAFE, flags: 0 } });
  assert.equal(tree.getData('/null').data, null);
  assert.equal(tree.getData('/null').stat().dataLength, 0);
  assert.deepEqual(tree.getData('/empty').data, Buffer.alloc(0));
});
