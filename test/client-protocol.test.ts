/**
 * The client protocol end to end over raw frames: per-session FIFO with many
 * requests in flight, one-shot watches and their ordering, stat bookkeeping,
 * sequential names, multi/multiRead, sessions (expiry, closeSession, reconnect,
 * timeout negotiation), the system nodes, zxids of failed writes and pings.
 *
 * Every expected answer was checked by hand against a real ZooKeeper 3.8.0 (Debian
 * 3.8.0-11+deb12u2, `zkServer.sh start-foreground`, on 127.0.0.1, once with
 * tickTime=2000 and once with tickTime=100 / minSessionTimeout=200 /
 * maxSessionTimeout=2000) by running these same requests through this raw client.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type ACL,
  Create2Response,
  CreateRequest,
  ExistsRequest,
  GetACLRequest,
  GetACLResponse,
  GetChildren2Response,
  GetDataRequest,
  SetACLRequest,
  SetDataRequest,
  type Stat,
} from '../src/protocol/generated/records.js';
import { createLogger } from '../src/server/logger.js';
import { defaultServerConfig, type ServerConfig } from '../src/server/server-config.js';
import { type RunningServer, startStandaloneServer } from '../src/server/standalone-server.js';
import {
  childrenOf,
  connectRequestFrame,
  createdPath,
  dataOf,
  decodeExact,
  decodeMultiResponse,
  type MultiOp,
  MultiRequestBody,
  OPEN_ACL,
  RawClient,
  type Reply,
  requestFrame,
  statOf,
} from './support/raw-client.js';

const Err = {
  OK: 0,
  RUNTIME_INCONSISTENCY: -2,
  NO_NODE: -101,
  BAD_VERSION: -103,
  NO_CHILDREN_FOR_EPHEMERALS: -108,
  NODE_EXISTS: -110,
  NOT_EMPTY: -111,
} as const;
const Ev = { NodeCreated: 1, NodeDeleted: 2, NodeDataChanged: 3, NodeChildrenChanged: 4 } as const;
const SYNC_CONNECTED = 3;
const LONG = 600_000;

const silent = () => createLogger({ level: 'silent' });

async function startServer(overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
  return startStandaloneServer(defaultServerConfig({ clientPort: 0, ...overrides }), silent());
}

/** The server's last zxid, from a ping reply (xid -2). */
async function lastZxid(c: RawClient): Promise<bigint> {
  const r = await c.ping();
  assert.equal(r.err, Err.OK);
  return r.zxid;
}

/** Events precede any later reply on the same socket: after a ping round trip, nothing may be pending. */
async function assertNoEvent(c: RawClient, why: string): Promise<void> {
  await c.ping();
  assert.deepEqual(
    c.unreadNotifications.map((n) => [n.event.type, n.event.path]),
    [],
    `unexpected watch event: ${why}`,
  );
}

async function event(c: RawClient): Promise<[number, string | null]> {
  const n = await c.nextNotification(3000);
  assert.equal(n.zxid, -1n);
  assert.equal(n.err, 0);
  assert.equal(n.event.state, SYNC_CONNECTED);
  return [n.event.type, n.event.path];
}

/** A Stat with zxids relative to `z` and times reduced to "set or not", for readable comparisons. */
function rel(s: Stat, z: bigint, owners: Record<string, bigint> = {}): Record<string, unknown> {
  const owner = Object.entries(owners).find(([, id]) => id === s.ephemeralOwner)?.[0];
  return {
    czxid: s.czxid - z,
    mzxid: s.mzxid - z,
    pzxid: s.pzxid - z,
    times: s.ctime > 0n && s.mtime > 0n ? 'set' : `${s.ctime}/${s.mtime}`,
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: owner ?? s.ephemeralOwner,
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}

function ok(r: Reply, what: string): Reply {
  assert.equal(r.err, Err.OK, `${what}: err ${r.err}`);
  return r;
}

describe('client protocol (tickTime 2000)', () => {
  let server: RunningServer;
  let port = 0;
  const clients: RawClient[] = [];

  before(async () => {
    server = await startServer({ maxSessionTimeout: LONG });
    port = server.port;
  });

  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  async function session(timeout = LONG): Promise<RawClient> {
    const c = await RawClient.connect(port, { timeout });
    clients.push(c);
    return c;
  }

  test('200 pipelined requests in one write: replies in xid order, reads see the earlier writes', async () => {
    const c = await session();
    ok(await c.create('/fifo'), 'create /fifo');
    const z = await lastZxid(c);
    const frames: Buffer[] = [];
    const N = 50;
    for (let i = 0; i < N; i++) {
      const p = `/fifo/n${i}`;
      frames.push(requestFrame(4 * i + 1, 1, CreateRequest, { path: p, data: Buffer.from('v0'), acl: OPEN_ACL, flags: 0 }));
      frames.push(requestFrame(4 * i + 2, 4, GetDataRequest, { path: p, watch: false }));
      frames.push(requestFrame(4 * i + 3, 5, SetDataRequest, { path: p, data: Buffer.from('v1'), version: 0 }));
      frames.push(requestFrame(4 * i + 4, 3, ExistsRequest, { path: p, watch: false }));
    }
    await c.writeRaw(Buffer.concat(frames));
    for (let i = 0; i < N; i++) {
      const created = z + BigInt(2 * i + 1);
      const changed = created + 1n;
      const cr = await c.nextReply();
      assert.deepEqual([cr.xid, cr.err, cr.zxid, createdPath(cr)], [4 * i + 1, 0, created, `/fifo/n${i}`]);
      const gd = await c.nextReply();
      const d = dataOf(gd);
      assert.deepEqual([gd.xid, gd.err, gd.zxid, d.data?.toString(), d.stat.version, d.stat.czxid], [4 * i + 2, 0, created, 'v0', 0, created]);
      const sd = await c.nextReply();
      assert.deepEqual([sd.xid, sd.err, sd.zxid, statOf(sd).version, statOf(sd).mzxid], [4 * i + 3, 0, changed, 1, changed]);
      const ex = await c.nextReply();
      assert.deepEqual([ex.xid, ex.err, ex.zxid, statOf(ex).version, statOf(ex).mzxid], [4 * i + 4, 0, changed, 1, changed]);
    }
    assert.equal(c.notifications.length, 0);
  });

  test('ping: xid -2, zxid = the last zxid, err 0, no body', async () => {
    const c = await session();
    const created = ok(await c.create('/ping-marker'), 'create');
    const r = await c.ping();
    assert.equal(r.frame.toString('hex'), `00000010fffffffe${created.zxid.toString(16).padStart(16, '0')}00000000`);
  });

  test('failed writes consume a zxid: the next write skips one', async () => {
    const c = await session();
    const a = ok(await c.create('/fz'), 'create');
    const dup = await c.create('/fz');
    assert.deepEqual([dup.err, dup.zxid], [Err.NODE_EXISTS, a.zxid + 1n]);
    const bad = await c.setData('/fz', Buffer.from('x'), 42);
    assert.deepEqual([bad.err, bad.zxid], [Err.BAD_VERSION, a.zxid + 2n]);
    const missing = await c.delete('/fz/none');
    assert.deepEqual([missing.err, missing.zxid], [Err.NO_NODE, a.zxid + 3n]);
    const b = ok(await c.create('/fz/next'), 'create');
    assert.equal(b.zxid, a.zxid + 4n);
    // Reads never do.
    const read = await c.getData('/fz/none');
    assert.deepEqual([read.err, read.zxid], [Err.NO_NODE, b.zxid]);
  });

  // ---- watches ----------------------------------------------------------------

  test('data watch (getData): NodeDataChanged once, then one-shot', async () => {
    const a = await session();
    const b = await session();
    ok(await a.create('/wd', { data: Buffer.from('1') }), 'create');
    ok(await b.getData('/wd', true), 'getData watch');
    ok(await a.setData('/wd', Buffer.from('2')), 'setData');
    assert.deepEqual(await event(b), [Ev.NodeDataChanged, '/wd']);
    ok(await a.setData('/wd', Buffer.from('3')), 'setData again');
    await assertNoEvent(b, 'the data watch already fired');
  });

  test('notification frame layout: xid -1, zxid -1, err 0, WatcherEvent', async () => {
    const a = await session();
    const b = await session();
    assert.equal((await b.exists('/wlayout', true)).err, Err.NO_NODE);
    ok(await a.create('/wlayout'), 'create');
    const n = await b.nextNotification();
    const path = Buffer.from('/wlayout');
    const hex = `${(16 + 12 + path.length).toString(16).padStart(8, '0')}ffffffffffffffffffffffff00000000000000010000000300000008${path.toString('hex')}`;
    assert.equal(n.frame.toString('hex'), hex);
  });

  test('exist watch: NodeCreated for a missing node, NodeDataChanged and NodeDeleted for an existing one', async () => {
    const a = await session();
    const b = await session();
    assert.equal((await b.exists('/we', true)).err, Err.NO_NODE);
    ok(await a.create('/we'), 'create');
    assert.deepEqual(await event(b), [Ev.NodeCreated, '/we']);
    ok(await b.exists('/we', true), 'exists watch');
    ok(await a.setData('/we', Buffer.from('x')), 'setData');
    assert.deepEqual(await event(b), [Ev.NodeDataChanged, '/we']);
    ok(await b.exists('/we', true), 'exists watch');
    ok(await a.delete('/we'), 'delete');
    assert.deepEqual(await event(b), [Ev.NodeDeleted, '/we']);
    await assertNoEvent(b, 'all three watches fired once');
  });

  test('getData on a missing node sets no watch', async () => {
    const a = await session();
    const b = await session();
    assert.equal((await b.getData('/wmissing', true)).err, Err.NO_NODE);
    ok(await a.create('/wmissing'), 'create');
    await assertNoEvent(b, 'getData with NoNode must not leave a watch');
  });

  test('child watch: NodeChildrenChanged on child create/delete only; NodeDeleted when the node goes', async () => {
    const a = await session();
    const b = await session();
    ok(await a.create('/wc'), 'create');
    ok(await b.getChildren('/wc', true), 'getChildren watch');
    ok(await a.create('/wc/c1'), 'create child');
    assert.deepEqual(await event(b), [Ev.NodeChildrenChanged, '/wc']);
    ok(await b.getChildren('/wc', true), 'getChildren watch');
    ok(await a.setData('/wc', Buffer.from('z')), 'setData of the parent');
    ok(await a.create('/wc/c1/x'), 'grandchild');
    ok(await a.delete('/wc/c1/x'), 'grandchild delete');
    await assertNoEvent(b, 'data changes and grandchildren do not fire a child watch');
    ok(await a.delete('/wc/c1'), 'child delete');
    assert.deepEqual(await event(b), [Ev.NodeChildrenChanged, '/wc']);
    ok(await b.getChildren2('/wc', true), 'getChildren2 watch');
    ok(await a.delete('/wc'), 'delete the watched node');
    assert.deepEqual(await event(b), [Ev.NodeDeleted, '/wc']);
    await assertNoEvent(b, 'one event per watch');
  });

  test('data + child + exist watches on a deleted node give one NodeDeleted; the parent watch NodeChildrenChanged', async () => {
    const a = await session();
    const b = await session();
    ok(await a.create('/wk'), 'create');
    ok(await a.create('/wk/k'), 'create');
    ok(await b.getData('/wk/k', true), 'getData watch');
    ok(await b.getChildren('/wk/k', true), 'getChildren watch');
    ok(await b.exists('/wk/k', true), 'exists watch');
    ok(await b.getChildren('/wk', true), 'parent child watch');
    ok(await a.delete('/wk/k'), 'delete');
    assert.deepEqual([await event(b), await event(b)], [
      [Ev.NodeDeleted, '/wk/k'],
      [Ev.NodeChildrenChanged, '/wk'],
    ]);
    await assertNoEvent(b, 'a watcher gets one NodeDeleted however many watches it had');
  });

  test('the same watch registered several times fires once', async () => {
    const a = await session();
    const b = await session();
    ok(await a.create('/wdup'), 'create');
    ok(await b.getData('/wdup', true), 'getData watch');
    ok(await b.getData('/wdup', true), 'getData watch again');
    ok(await b.exists('/wdup', true), 'exists watch');
    ok(await a.setData('/wdup', Buffer.from('q')), 'setData');
    assert.deepEqual(await event(b), [Ev.NodeDataChanged, '/wdup']);
    await assertNoEvent(b, 'duplicate registrations');
  });

  test("a watcher that is also the writer gets the event BEFORE the write's reply", async () => {
    const a = await session();
    ok(await a.create('/wself'), 'create');
    ok(await a.getData('/wself', true), 'getData watch');
    const set = ok(await a.setData('/wself', Buffer.from('s')), 'setData');
    const n1 = a.notifications.at(-1);
    assert.ok(n1, 'no event');
    assert.deepEqual([n1.event.type, n1.event.path], [Ev.NodeDataChanged, '/wself']);
    assert.ok(n1.seq < set.seq, `event frame #${n1.seq} must precede the reply frame #${set.seq}`);
    assert.equal((await a.exists('/wself2', true)).err, Err.NO_NODE);
    const created = ok(await a.create('/wself2'), 'create');
    const n2 = a.notifications.at(-1);
    assert.ok(n2);
    assert.deepEqual([n2.event.type, n2.event.path], [Ev.NodeCreated, '/wself2']);
    assert.ok(n2.seq < created.seq);
  });

  test('a multi fires the watches of each of its ops', async () => {
    const a = await session();
    const b = await session();
    ok(await a.create('/wm'), 'create');
    ok(await a.create('/wm/d'), 'create');
    ok(await b.getData('/wm/d', true), 'getData watch');
    ok(await b.getChildren('/wm', true), 'child watch');
    const r = ok(
      await a.request(14, MultiRequestBody, [
        { type: 5, req: { path: '/wm/d', data: null, version: -1 } },
        { type: 1, req: { path: '/wm/new', data: null, acl: OPEN_ACL, flags: 0 } },
      ]),
      'multi',
    );
    assert.deepEqual(
      decodeMultiResponse(r.body).map((m) => m.type),
      [5, 1],
    );
    assert.deepEqual([await event(b), await event(b)], [
      [Ev.NodeDataChanged, '/wm/d'],
      [Ev.NodeChildrenChanged, '/wm'],
    ]);
  });

  // ---- stats and names ----------------------------------------------------------

  test('stat bookkeeping through create, child create/delete, setData, setACL, ephemeral child', async () => {
    const a = await session();
    const z = ok(await a.create('/st'), 'create /st').zxid;
    const S = '/st/s';
    const stat = async () => rel(statOf(ok(await a.exists(S), 'exists')), z, { A: a.sessionId });
    const base = { times: 'set', aversion: 0, ephemeralOwner: 0n };

    ok(await a.create(S, { data: Buffer.from('abc') }), 'create');
    assert.deepEqual(await stat(), { ...base, czxid: 1n, mzxid: 1n, pzxid: 1n, version: 0, cversion: 0, dataLength: 3, numChildren: 0 });
    ok(await a.create(`${S}/a`), 'child');
    assert.deepEqual(await stat(), { ...base, czxid: 1n, mzxid: 1n, pzxid: 2n, version: 0, cversion: 1, dataLength: 3, numChildren: 1 });
    const set = ok(await a.setData(S, Buffer.from('hello')), 'setData');
    assert.equal(set.zxid, z + 3n);
    const afterSet = { ...base, czxid: 1n, mzxid: 3n, pzxid: 2n, version: 1, cversion: 1, dataLength: 5, numChildren: 1 };
    assert.deepEqual(rel(statOf(set), z), afterSet);
    assert.deepEqual(await stat(), afterSet);
    ok(await a.create(`${S}/b`, { flags: 1 }), 'ephemeral child');
    assert.deepEqual(await stat(), { ...afterSet, pzxid: 4n, cversion: 2, numChildren: 2 });
    const del = ok(await a.delete(`${S}/a`), 'delete child');
    assert.deepEqual([del.zxid, del.body.length], [z + 5n, 0]);
    // cversion counts deletes too; pzxid moves; mzxid does not.
    assert.deepEqual(await stat(), { ...afterSet, pzxid: 5n, cversion: 3, numChildren: 1 });
    const acl = ok(await a.request(7, SetACLRequest, { path: S, acl: OPEN_ACL, version: -1 }), 'setACL');
    assert.deepEqual(rel(statOf(acl), z), { ...afterSet, pzxid: 5n, cversion: 3, numChildren: 1, aversion: 1 });
    assert.deepEqual(await stat(), { ...afterSet, pzxid: 5n, cversion: 3, numChildren: 1, aversion: 1 });
    assert.deepEqual(rel(statOf(ok(await a.exists(`${S}/b`), 'exists')), z, { A: a.sessionId }), {
      ...base,
      czxid: 4n,
      mzxid: 4n,
      pzxid: 4n,
      version: 0,
      cversion: 0,
      ephemeralOwner: 'A',
      dataLength: 0,
      numChildren: 0,
    });
    // create2 answers path + Stat.
    const c2 = ok(await a.create(`${S}/c2`, { opcode: 15, data: Buffer.from('xy') }), 'create2');
    const v = decodeExact(Create2Response, c2.body);
    assert.equal(v.path, `${S}/c2`);
    assert.deepEqual(rel(v.stat, z), { ...base, czxid: 7n, mzxid: 7n, pzxid: 7n, version: 0, cversion: 0, dataLength: 2, numChildren: 0 });
    // getChildren2 answers children + the parent's Stat.
    const gc2 = decodeExact(GetChildren2Response, ok(await a.getChildren2(S), 'getChildren2').body);
    assert.deepEqual([...(gc2.children ?? [])].sort(), ['b', 'c2']);
    assert.deepEqual(rel(gc2.stat, z), { ...afterSet, pzxid: 7n, cversion: 4, numChildren: 2, aversion: 1 });
    // Versioned writes.
    assert.equal((await a.setData(S, Buffer.from('v'), 5)).err, Err.BAD_VERSION);
    assert.equal(statOf(ok(await a.setData(S, Buffer.from('v'), 1), 'setData v1')).version, 2);
    assert.equal((await a.delete(S, 7)).err, Err.BAD_VERSION);
    assert.equal((await a.delete(S)).err, Err.NOT_EMPTY);
  });

  test('NoChildrenForEphemerals, also for sequential children; the failure consumes a zxid', async () => {
    const a = await session();
    const e = ok(await a.create('/eph-parent', { flags: 1 }), 'ephemeral');
    const r1 = await a.create('/eph-parent/x');
    assert.deepEqual([r1.err, r1.zxid], [Err.NO_CHILDREN_FOR_EPHEMERALS, e.zxid + 1n]);
    const r2 = await a.create('/eph-parent/x', { flags: 2 });
    assert.deepEqual([r2.err, r2.zxid], [Err.NO_CHILDREN_FOR_EPHEMERALS, e.zxid + 2n]);
    assert.equal(statOf(ok(await a.exists('/eph-parent'), 'exists')).numChildren, 0);
  });

  test('sequential suffix: the parent cversion of creates, still counting after deletes', async () => {
    const a = await session();
    ok(await a.create('/q'), 'create');
    const names: string[] = [];
    for (const [name, flags] of [
      ['x-', 2],
      ['plain', 0],
      ['x-', 2],
      ['x-', 3],
    ] as const) {
      names.push(createdPath(ok(await a.create(`/q/${name}`, { flags }), name)) ?? '');
    }
    ok(await a.delete('/q/x-0000000002'), 'delete');
    ok(await a.delete('/q/plain'), 'delete');
    names.push(createdPath(ok(await a.create('/q/x-', { flags: 2 }), 'seq')) ?? '');
    names.push(createdPath(ok(await a.create('/q/', { flags: 2 }), 'seq with a trailing slash')) ?? '');
    assert.deepEqual(names, ['/q/x-0000000000', '/q/plain', '/q/x-0000000002', '/q/x-0000000003', '/q/x-0000000004', '/q/0000000005']);
    const st = statOf(ok(await a.exists('/q'), 'exists'));
    // 6 creates and 2 deletes: cversion 8, 4 children left.
    assert.deepEqual([st.cversion, st.numChildren], [8, 4]);
  });

  // ---- multi ----------------------------------------------------------------------

  test('multi: result types of a successful multi, one zxid for all', async () => {
    const a = await session();
    ok(await a.create('/m', { data: Buffer.from('m') }), 'create');
    const ops: MultiOp[] = [
      { type: 1, req: { path: '/m/1', data: Buffer.from('1'), acl: OPEN_ACL, flags: 0 } },
      { type: 1, req: { path: '/m/2', data: Buffer.from('2'), acl: OPEN_ACL, flags: 0 } },
      { type: 5, req: { path: '/m', data: Buffer.from('m2'), version: 0 } },
      { type: 13, req: { path: '/m', version: 1 } },
      { type: 2, req: { path: '/m/1', version: 0 } },
      { type: 1, req: { path: '/m/s-', data: null, acl: OPEN_ACL, flags: 2 } },
    ];
    const z = await lastZxid(a);
    const r = ok(await a.request(14, MultiRequestBody, ops), 'multi');
    assert.equal(r.zxid, z + 1n);
    const res = decodeMultiResponse(r.body);
    assert.deepEqual(
      res.map((m) => [m.type, 'path' in m ? m.path : null]),
      [
        [1, '/m/1'],
        [1, '/m/2'],
        [5, null],
        [13, null],
        [2, null],
        [1, '/m/s-0000000002'],
      ],
    );
    const setResult = res[2];
    assert.ok(setResult && setResult.type === 5);
    assert.deepEqual(rel(setResult.stat, z), {
      czxid: 0n,
      mzxid: 1n,
      pzxid: 1n,
      times: 'set',
      version: 1,
      cversion: 2,
      aversion: 0,
      ephemeralOwner: 0n,
      dataLength: 2,
      numChildren: 2,
    });
    assert.deepEqual(childrenOf(ok(await a.getChildren('/m'), 'ls')).sort(), ['2', 's-0000000002']);
  });

  // zkts at the time of writing: a create2 op answers type 15 with a Stat.
  test('multi: a create2 op answers like create (type 1, path only), as ZooKeeper rebuilds ops from their flags', async () => {
    const a = await session();
    ok(await a.create('/m15'), 'create');
    const r = ok(await a.request(14, MultiRequestBody, [{ type: 15, req: { path: '/m15/a', data: null, acl: OPEN_ACL, flags: 0 } }]), 'multi');
    assert.deepEqual(decodeMultiResponse(r.body), [{ type: 1, path: '/m15/a' }]);
  });

  // zkts at the time of writing: answers type 1 (the op's own type) with no Stat.
  test('multi: a create op with CONTAINER flags answers like createContainer (type 15, path + Stat)', async () => {
    const a = await session();
    ok(await a.create('/m4'), 'create');
    const r = ok(await a.request(14, MultiRequestBody, [{ type: 1, req: { path: '/m4/c', data: null, acl: OPEN_ACL, flags: 4 } }]), 'multi');
    const res = decodeMultiResponse(r.body);
    assert.deepEqual(
      res.map((m) => [m.type, 'path' in m ? m.path : null, 'stat' in m]),
      [[15, '/m4/c', true]],
    );
  });

  test('failing multi: header err 0; ops before → type -1 err 0, the failing op its error, later ops -2; nothing applied', async () => {
    const a = await session();
    ok(await a.create('/mf', { data: Buffer.from('m') }), 'create');
    ok(await a.create('/mf/2'), 'create');
    ok(await a.setData('/mf', Buffer.from('m1')), 'setData');
    const z = await lastZxid(a);
    const r = await a.request(14, MultiRequestBody, [
      { type: 1, req: { path: '/mf/3', data: null, acl: OPEN_ACL, flags: 0 } },
      { type: 5, req: { path: '/mf', data: null, version: 0 } },
      { type: 5, req: { path: '/mf/nope', data: null, version: -1 } },
      { type: 2, req: { path: '/mf/2', version: -1 } },
    ]);
    assert.deepEqual([r.err, r.zxid], [Err.OK, z + 1n]);
    assert.deepEqual(decodeMultiResponse(r.body), [
      { type: -1, err: 0, headerErr: 0 },
      { type: -1, err: Err.BAD_VERSION, headerErr: Err.BAD_VERSION },
      { type: -1, err: Err.RUNTIME_INCONSISTENCY, headerErr: Err.RUNTIME_INCONSISTENCY },
      { type: -1, err: Err.RUNTIME_INCONSISTENCY, headerErr: Err.RUNTIME_INCONSISTENCY },
    ]);
    assert.equal((await a.exists('/mf/3')).err, Err.NO_NODE);
    assert.equal((await a.exists('/mf/2')).err, Err.OK);
    assert.deepEqual([dataOf(await a.getData('/mf')).data?.toString(), dataOf(await a.getData('/mf')).stat.version], ['m1', 1]);
    // A failure that only shows against the multi's own earlier op.
    const dup = await a.request(14, MultiRequestBody, [
      { type: 1, req: { path: '/mf/4', data: null, acl: OPEN_ACL, flags: 0 } },
      { type: 1, req: { path: '/mf/4', data: null, acl: OPEN_ACL, flags: 0 } },
    ]);
    assert.deepEqual([dup.err, dup.zxid], [Err.OK, z + 2n]);
    assert.deepEqual(decodeMultiResponse(dup.body), [
      { type: -1, err: 0, headerErr: 0 },
      { type: -1, err: Err.NODE_EXISTS, headerErr: Err.NODE_EXISTS },
    ]);
    assert.equal((await a.exists('/mf/4')).err, Err.NO_NODE);
    // An empty multi succeeds with only the end marker, and is a txn too.
    const empty = await a.request(14, MultiRequestBody, []);
    assert.deepEqual([empty.err, empty.zxid, empty.body.toString('hex')], [Err.OK, z + 3n, 'ffffffff01ffffffff']);
  });

  test('multiRead: getData/getChildren results and per-op errors, no zxid consumed', async () => {
    const a = await session();
    ok(await a.create('/mr', { data: Buffer.from('mr') }), 'create');
    ok(await a.create('/mr/k'), 'create');
    const z = await lastZxid(a);
    const r = ok(
      await a.request(22, MultiRequestBody, [
        { type: 4, req: { path: '/mr', watch: false } },
        { type: 8, req: { path: '/mr', watch: false } },
        { type: 4, req: { path: '/mr/nope', watch: false } },
        { type: 8, req: { path: '/mr/nope', watch: false } },
      ]),
      'multiRead',
    );
    assert.equal(r.zxid, z);
    const res = decodeMultiResponse(r.body);
    assert.equal(res.length, 4);
    const [gd, gc, e1, e2] = res;
    assert.ok(gd && gd.type === 4);
    assert.deepEqual([gd.data?.toString(), gd.stat.numChildren, gd.stat.czxid], ['mr', 1, z - 1n]);
    assert.deepEqual(gc, { type: 8, children: ['k'] });
    assert.deepEqual([e1, e2], [
      { type: -1, err: Err.NO_NODE, headerErr: Err.NO_NODE },
      { type: -1, err: Err.NO_NODE, headerErr: Err.NO_NODE },
    ]);
  });

  // ---- sessions -------------------------------------------------------------------

  test('session timeout is clamped to [minSessionTimeout, maxSessionTimeout] = [4000, 40000] by default', async () => {
    const s = await startServer();
    try {
      const got: number[] = [];
      for (const t of [1000, 6000, 100000]) {
        const c = await RawClient.open(s.port);
        try {
          got.push((await c.handshake({ timeout: t })).timeOut);
        } finally {
          c.close();
        }
      }
      assert.deepEqual(got, [4000, 6000, 40000]);
    } finally {
      await s.close();
    }
  });

  test('closeSession: reply, ephemerals deleted (watchers told), then the server closes; the session cannot be resumed', async () => {
    const b = await session();
    const c = await session();
    ok(await c.create('/cs'), 'create');
    ok(await c.create('/cs/eph', { flags: 1 }), 'ephemeral');
    ok(await b.exists('/cs/eph', true), 'exists watch');
    ok(await b.getChildren('/cs', true), 'child watch');
    const z = await lastZxid(c);
    const r = await c.closeSession();
    assert.deepEqual([r.err, r.zxid, r.body.length], [Err.OK, z + 1n, 0]);
    await c.waitClosed(3000);
    assert.deepEqual([await event(b), await event(b)], [
      [Ev.NodeDeleted, '/cs/eph'],
      [Ev.NodeChildrenChanged, '/cs'],
    ]);
    assert.equal((await b.exists('/cs/eph')).err, Err.NO_NODE);
    const again = await RawClient.open(port);
    clients.push(again);
    const res = await again.handshake({ sessionId: c.sessionId, passwd: c.session?.passwd ?? null });
    assert.deepEqual([res.timeOut, res.sessionId, res.passwd.equals(Buffer.alloc(16))], [0, 0n, true]);
    await again.waitClosed(3000);
  });

  test('requests pipelined after closeSession get no reply', async () => {
    const c = await session();
    await c.writeRaw(Buffer.concat([requestFrame(1, -11), requestFrame(2, 3, ExistsRequest, { path: '/', watch: false })]));
    await c.waitClosed(3000);
    assert.deepEqual(
      c.replies.map((r) => [r.xid, r.err]),
      [[1, 0]],
    );
  });

  test('reconnect with the right password keeps the session and its ephemerals; the old connection is closed', async () => {
    const a = await session();
    ok(await a.create('/rc', { flags: 1 }), 'ephemeral');
    const z = await lastZxid(a);
    const a2 = await RawClient.open(port);
    clients.push(a2);
    const res = await a2.handshake({ timeout: 8000, sessionId: a.sessionId, passwd: a.session?.passwd ?? null, lastZxidSeen: z });
    assert.equal(res.sessionId, a.sessionId);
    assert.ok(a.session && res.passwd.equals(a.session.passwd));
    assert.deepEqual([res.timeOut, res.readOnly, res.bodyLength], [8000, false, 37]);
    await a.waitClosed(3000);
    const st = statOf(ok(await a2.exists('/rc'), 'exists'));
    assert.equal(st.ephemeralOwner, a.sessionId);
    // Reconnecting is not a txn.
    assert.equal(await lastZxid(a2), z);
  });

  test('/, /zookeeper, /zookeeper/quota and /zookeeper/config as on a fresh ZooKeeper', async () => {
    const s = await startServer();
    const c = await RawClient.connect(s.port);
    try {
      const zero = { czxid: 0n, mzxid: 0n, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 0, numChildren: 0, pzxid: 0n };
      const world = (perms: number): ACL[] => [{ perms, id: { scheme: 'world', id: 'anyone' } }];
      const expected: [string, Stat, string[], ACL[]][] = [
        ['/', { ...zero, cversion: -1, numChildren: 1 }, ['zookeeper'], world(31)],
        ['/zookeeper', { ...zero, cversion: -2, numChildren: 2 }, ['config', 'quota'], world(31)],
        ['/zookeeper/quota', zero, [], world(31)],
        ['/zookeeper/config', { ...zero, aversion: -1 }, [], world(1)],
      ];
      for (const [path, stat, children, acl] of expected) {
        const gd = ok(await c.getData(path), path);
        // The first reply of a fresh server: its only txn so far is our createSession.
        assert.equal(gd.zxid, 1n);
        assert.deepEqual(dataOf(gd), { data: Buffer.alloc(0), stat }, path);
        assert.deepEqual(childrenOf(ok(await c.getChildren(path), path)).sort(), children, path);
        const ga = decodeExact(GetACLResponse, ok(await c.request(6, GetACLRequest, { path }), path).body);
        assert.deepEqual(ga, { acl, stat }, path);
      }
    } finally {
      c.close();
      await s.close();
    }
  });

  test('create with CreateRequest flags 0 via opcode 15 and 19 answers path + Stat', async () => {
    // Outside a multi the opcode decides the reply shape (create2/createContainer: path + Stat).
    const a = await session();
    for (const opcode of [15, 19] as const) {
      const r = ok(await a.create(`/shape-${opcode}`, { opcode }), `opcode ${opcode}`);
      const v = decodeExact(Create2Response, r.body);
      assert.equal(v.path, `/shape-${opcode}`);
      assert.equal(v.stat.czxid, r.zxid);
    }
  });
});

describe('sessions with a short tickTime (100 ms; min 200, max 2000)', () => {
  let server: RunningServer;
  const clients: RawClient[] = [];
  const config = { tickTime: 100, minSessionTimeout: 200, maxSessionTimeout: 2000 };

  before(async () => {
    server = await startServer(config);
  });

  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  async function connect(opts: Parameters<typeof RawClient.connect>[1]): Promise<RawClient> {
    const c = await RawClient.connect(server.port, opts);
    clients.push(c);
    return c;
  }

  test('timeout negotiation clamps to [200, 2000]', async () => {
    const got: [number, number][] = [];
    for (const t of [-5, 0, 1, 50, 200, 300, 1000, 5000, 100000]) {
      const c = await RawClient.open(server.port);
      try {
        got.push([t, (await c.handshake({ timeout: t })).timeOut]);
      } finally {
        c.close();
      }
    }
    assert.deepEqual(got, [
      [-5, 200],
      [0, 200],
      [1, 200],
      [50, 200],
      [200, 200],
      [300, 300],
      [1000, 1000],
      [5000, 2000],
      [100000, 2000],
    ]);
  });

  test('expiry: the ephemeral goes, a watcher gets NodeDeleted, the connection is closed, a reconnect is refused', async () => {
    const b = await connect({ timeout: 2000 });
    b.startKeepAlive(300);
    const a = await connect({ timeout: 200 });
    assert.equal(a.session?.timeOut, 200);
    ok(await b.create('/x'), 'create');
    ok(await a.create('/x/e', { flags: 1 }), 'ephemeral');
    ok(await b.exists('/x/e', true), 'exists watch');
    const idleSince = Date.now();
    assert.deepEqual(await event(b), [Ev.NodeDeleted, '/x/e']);
    const waited = Date.now() - idleSince;
    // Expiry comes between the timeout and the timeout plus a couple of ticks.
    assert.ok(waited >= 150, `expired after only ${waited} ms`);
    await a.waitClosed(3000);
    // The expired session's connection got nothing but the replies to its own requests.
    assert.deepEqual(
      a.frames.slice(1).map((f) => f.kind),
      ['reply'],
    );
    assert.equal((await b.exists('/x/e')).err, Err.NO_NODE);
    const again = await RawClient.open(server.port);
    clients.push(again);
    await again.writeRaw(connectRequestFrame({ sessionId: a.sessionId, passwd: a.session?.passwd ?? null }));
    const res = await again.readConnectResponse();
    assert.deepEqual([res.timeOut, res.sessionId, res.passwd.equals(Buffer.alloc(16)), res.readOnly], [0, 0n, true, false]);
    await again.waitClosed(3000);
    b.stopKeepAlive();
  });

  test('a session kept alive by pings does not expire', async () => {
    const a = await connect({ timeout: 200 });
    ok(await a.create('/alive', { flags: 1 }), 'ephemeral');
    a.startKeepAlive(50);
    await new Promise((r) => setTimeout(r, 1000));
    a.stopKeepAlive();
    assert.equal(a.closed, false);
    assert.equal((await a.exists('/alive')).err, Err.OK);
  });
});
