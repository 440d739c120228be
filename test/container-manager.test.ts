/**
 * The container/TTL manager: which nodes are candidates at a given time, how their
 * deletion goes through the pipeline as deleteContainer txns, pacing, and stopping.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import type { WriteRequest } from '../src/protocol/client-requests.js';
import { Err } from '../src/protocol/error-codes.js';
import { OpCode } from '../src/protocol/opcodes.js';
import type { Txn } from '../src/protocol/txn.js';
import { containerCandidates, ContainerManager } from '../src/server/container-manager.js';
import { RequestPipeline } from '../src/server/request-pipeline.js';
import { MemoryTxnLog } from '../src/server/txn-log.js';
import { OPEN_ACL_UNSAFE } from '../src/tree/acl.js';
import { DataTree, type TxnResult } from '../src/tree/data-tree.js';

const S1 = 0x0100000000000001n;
const SERVER = 0n;

function setup() {
  const tree = new DataTree();
  const log = new MemoryTxnLog();
  const pipeline = new RequestPipeline(tree, log, { extendedTypesEnabled: true, reconfigEnabled: false }, (e) => {
    throw e;
  });
  let cxid = 0;
  const write = (op: WriteRequest, sessionId = S1) =>
    new Promise<{ result: TxnResult; txn: Txn }>((resolve) =>
      pipeline.submit({ sessionId, cxid: sessionId === SERVER ? 0 : ++cxid, authIds: [] }, op, (result, txn) => resolve({ result, txn })),
    );
  const create = async (path: string, flags = 0) =>
    (await write({ type: OpCode.create, req: { path, data: null, acl: OPEN_ACL_UNSAFE, flags } })).result.err;
  const container = async (path: string) =>
    (await write({ type: OpCode.createContainer, req: { path, data: null, acl: OPEN_ACL_UNSAFE, flags: 4 } })).result.err;
  const ttl = async (path: string, ms: bigint) =>
    (await write({ type: OpCode.createTTL, req: { path, data: null, acl: OPEN_ACL_UNSAFE, flags: 5, ttl: ms } })).result.err;
  const del = async (path: string) => (await write({ type: OpCode.delete, req: { path, version: -1 } })).result.err;
  const deleteContainer = (path: string, sessionId = SERVER) => write({ type: OpCode.deleteContainer, req: { path, version: -1 } }, sessionId);
  /** What the server hands the manager: a deleteContainer from session 0. */
  const submitted: Promise<{ result: TxnResult; txn: Txn }>[] = [];
  const submitDelete = (path: string): void => {
    submitted.push(deleteContainer(path));
  };
  return { tree, log, pipeline, write, create, container, ttl, del, deleteContainer, submitDelete, submitted };
}

/**
 * The manager's timers are unref'd so they never keep a process alive; a test waiting
 * on them holds the event loop open itself.
 */
async function holdingLoop<T>(p: Promise<T>): Promise<T> {
  const hold = setInterval(() => {}, 1000);
  try {
    return await p;
  } finally {
    clearInterval(hold);
  }
}

const mtimeOf = (tree: DataTree, path: string): number => Number(tree.getNode(path)?.mtime ?? -1n);

describe('candidates at time T', () => {
  test('a container is a candidate once it had a child and has none now', async () => {
    const { tree, container, create, del } = setup();
    await container('/never');
    await container('/used');
    await create('/used/x');
    await container('/busy');
    await create('/busy/x');
    const now = Date.now() + 1000;
    assert.deepEqual(containerCandidates(tree, now), [], 'an unused container and containers with children stay');
    await del('/used/x');
    assert.deepEqual(containerCandidates(tree, now), ['/used']);
  });

  test('a never-used container goes after maxNeverUsedIntervalMs, if that is set', async () => {
    const { tree, container } = setup();
    await container('/fresh');
    const created = mtimeOf(tree, '/fresh');
    assert.deepEqual(containerCandidates(tree, created + 10_000, 0), []);
    assert.deepEqual(containerCandidates(tree, created + 500, 1000), []);
    assert.deepEqual(containerCandidates(tree, created + 1001, 1000), ['/fresh']);
  });

  test('a TTL node goes once more than its TTL has passed since its last change, and only without children', async () => {
    const { tree, ttl, create, write } = setup();
    await ttl('/t', 1000n);
    await ttl('/parent', 1000n);
    await create('/parent/child');
    const t0 = mtimeOf(tree, '/t');
    assert.deepEqual(containerCandidates(tree, t0 + 1000), [], 'exactly the TTL is not yet expired');
    assert.deepEqual(containerCandidates(tree, t0 + 1001), ['/t']);
    await write({ type: OpCode.setData, req: { path: '/t', data: Buffer.from('touch'), version: -1 } });
    const t1 = mtimeOf(tree, '/t');
    assert.ok(t1 >= t0);
    assert.deepEqual(containerCandidates(tree, t1 + 999), [], 'setData restarts the TTL');
    assert.ok(containerCandidates(tree, mtimeOf(tree, '/parent') + 100_000).every((p) => p !== '/parent'));
  });
});

describe('deleting through the pipeline', () => {
  test('a candidate goes as a deleteContainer txn from session 0, with watches and parent stat updated', async () => {
    const { tree, log, container, create, del, deleteContainer } = setup();
    await create('/p');
    await container('/p/c');
    await create('/p/c/x');
    await del('/p/c/x');
    const events: string[] = [];
    const watcher = { sessionId: S1, process: (e: { type: number; path: string | null }) => events.push(`${e.type} ${e.path}`) };
    tree.getData('/p/c', watcher);
    tree.getChildren('/p', watcher);
    const d = await deleteContainer('/p/c');
    assert.equal(d.result.err, Err.OK);
    assert.equal(d.txn.hdr.type, OpCode.deleteContainer);
    assert.equal(d.txn.hdr.clientId, 0n);
    assert.equal(tree.getNode('/p/c'), undefined);
    assert.equal(tree.containers.has('/p/c'), false);
    assert.equal(tree.getNode('/p')?.pzxid, d.txn.hdr.zxid);
    assert.equal(log.txns().at(-1)?.txn, d.txn);
    assert.deepEqual(events, ['2 /p/c', '4 /p'], 'NodeDeleted, then NodeChildrenChanged on the parent');
  });

  test('a container that gained a child meanwhile gets NotEmpty and stays', async () => {
    const { tree, pipeline, container, create, del, submitDelete, submitted } = setup();
    await container('/c');
    await create('/c/a');
    await del('/c/a');
    const candidates = containerCandidates(tree, Date.now());
    assert.deepEqual(candidates, ['/c']);
    // A client's create is prepped (not yet applied) before the manager's delete.
    pipeline.submit({ sessionId: S1, cxid: 99, authIds: [] }, { type: OpCode.create, req: { path: '/c/b', data: null, acl: OPEN_ACL_UNSAFE, flags: 0 } }, () => {});
    for (const p of candidates) submitDelete(p);
    const [r] = await Promise.all(submitted);
    assert.ok(r);
    assert.equal(r.result.err, Err.NOTEMPTY);
    assert.equal(r.txn.hdr.type, OpCode.error, 'the refusal is logged as an error txn');
    assert.ok(tree.getNode('/c/b'));
    assert.ok(tree.getNode('/c'));
  });

  test('TTL nodes and persistent nodes can go this way; ephemerals cannot', async () => {
    const { tree, ttl, create, deleteContainer } = setup();
    await ttl('/t', 1n);
    await create('/plain');
    await create('/eph', 1);
    assert.equal((await deleteContainer('/t')).result.err, Err.OK);
    assert.equal((await deleteContainer('/plain')).result.err, Err.OK, 'ZooKeeper only refuses session-owned nodes');
    assert.equal((await deleteContainer('/eph')).result.err, Err.BADVERSION);
    assert.equal((await deleteContainer('/missing')).result.err, Err.NONODE);
    assert.equal((await deleteContainer('/zookeeper')).result.err, Err.BADARGUMENTS);
    assert.equal(tree.ttls.size, 0);
  });

  test('a deleteContainer sent by a client is BadArguments, as ZooKeeper reads its path from the raw packet', async () => {
    const { tree, container, create, del, deleteContainer } = setup();
    await container('/c');
    await create('/c/a');
    await del('/c/a');
    const r = await deleteContainer('/c', S1);
    assert.equal(r.result.err, Err.BADARGUMENTS);
    assert.ok(tree.getNode('/c'));
  });
});

describe('the manager', () => {
  test('checkContainers submits every candidate, paced by maxPerMinute', async () => {
    const { tree, container, create, del } = setup();
    for (const name of ['a', 'b', 'c']) {
      await container(`/${name}`);
      await create(`/${name}/x`);
      await del(`/${name}/x`);
    }
    const at: number[] = [];
    const paths: string[] = [];
    const manager = new ContainerManager({
      tree,
      submitDelete: (p) => {
        paths.push(p);
        at.push(performance.now());
      },
      checkIntervalMs: 60_000,
      maxPerMinute: 1200, // 50 ms apart
    });
    assert.equal(manager.minIntervalMs, 50);
    await holdingLoop(manager.checkContainers());
    assert.deepEqual(paths.sort(), ['/a', '/b', '/c']);
    for (let i = 1; i < at.length; i++) assert.ok((at[i] as number) - (at[i - 1] as number) >= 45, `deletes ${i - 1} and ${i} too close: ${at.join(', ')}`);
    await manager.close();
  });

  test('runs every checkIntervalMs once started, and stops on close', async () => {
    const { tree, container, create, del, submitDelete, submitted } = setup();
    await container('/c');
    await create('/c/x');
    await del('/c/x');
    const manager = new ContainerManager({ tree, submitDelete, checkIntervalMs: 20, maxPerMinute: 10_000 });
    manager.start();
    const deadline = Date.now() + 5000;
    while (tree.getNode('/c') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(tree.getNode('/c'), undefined, 'the empty container went within 5 s');
    const first = await submitted[0];
    assert.equal(first?.result.err, Err.OK);
    await manager.close();
    await container('/d');
    await create('/d/x');
    await del('/d/x');
    const count = submitted.length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(submitted.length, count, 'nothing is submitted after close');
    assert.ok(tree.getNode('/d'));
  });

  test('a started manager does not keep the process alive', () => {
    const module = fileURLToPath(new URL('../src/server/container-manager.js', import.meta.url));
    const script = `
      const { ContainerManager } = await import(${JSON.stringify(module)});
      const tree = { containers: new Set(), ttls: new Set(), getNode: () => undefined };
      new ContainerManager({ tree, submitDelete: () => {}, checkIntervalMs: 3_600_000, maxPerMinute: 1 }).start();
      console.log('started');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000, encoding: 'utf8' });
    assert.equal(r.error, undefined, 'the process exited by itself');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'started');
  });

  test('close interrupts a pass that is pacing its deletes', async () => {
    const { tree, container, create, del } = setup();
    for (const name of ['a', 'b', 'c']) {
      await container(`/${name}`);
      await create(`/${name}/x`);
      await del(`/${name}/x`);
    }
    const paths: string[] = [];
    const manager = new ContainerManager({ tree, submitDelete: (p) => paths.push(p), checkIntervalMs: 60_000, maxPerMinute: 1 });
    const pass = manager.checkContainers();
    const started = performance.now();
    await holdingLoop(manager.close());
    await pass;
    assert.equal(paths.length, 1, 'one delete, then a minute-long pause that close cut short');
    assert.ok(performance.now() - started < 5000);
  });
});
