/**
 * The issue-3 client API over raw frames: auth packets and ACL schemes, getACL
 * masking, whoAmI, a super digest, SASL on a server without SASL, persistent and
 * recursive watches (addWatch), checkWatches/removeWatches by watcher type, and
 * setWatches2 on reconnect.
 *
 * By default the cases run against an in-process zkts. With ZK_ORACLE_PORT=<port>
 * they run against an already running server instead (started with the zoo.cfg
 * lines in ORACLE_CFG below); that is how the expectations shared with ZooKeeper 3.8
 * were checked against Apache ZooKeeper 3.8.0. Cases marked `zk39` expect 3.9's
 * behaviour (watcher types 4 and 5), which 3.8.0 answers with MarshallingError.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type ACL,
  AddWatchRequest,
  AuthPacket,
  CheckWatchesRequest,
  ErrorResponse,
  GetACLRequest,
  GetACLResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  GetSASLRequest,
  SetACLRequest,
  SetSASLResponse,
  SetWatches2,
  WhoAmIResponse,
} from '../src/protocol/generated/records.js';
import { createLogger } from '../src/server/logger.js';
import { defaultServerConfig } from '../src/server/server-config.js';
import { type RunningServer, startStandaloneServer } from '../src/server/standalone-server.js';
import { digestId } from '../src/tree/acl.js';
import { decodeExact, MultiRequestBody, OPEN_ACL, RawClient, type Reply } from './support/raw-client.js';

const Op = { auth: 100, sasl: 102, getACL: 6, setACL: 7, addWatch: 106, checkWatches: 17, removeWatches: 18, whoAmI: 107, getEphemerals: 103, setWatches2: 105 } as const;
const Err = { OK: 0, MARSHALLING: -5, NO_AUTH: -102, INVALID_ACL: -114, AUTH_FAILED: -115, NO_WATCHER: -121 } as const;
const Ev = { NodeCreated: 1, NodeDeleted: 2, NodeDataChanged: 3, NodeChildrenChanged: 4 } as const;
const AUTH_XID = -4;
/** READ | CREATE: no DELETE. */
const Perms_READ_CREATE = 5;
const SUPER = 'super:secret';
/** The zoo.cfg lines the oracle must run with. */
export const ORACLE_CFG = `DigestAuthenticationProvider.superDigest=${digestId(SUPER)}`;

const oraclePort = Number(process.env['ZK_ORACLE_PORT'] ?? 0);
const zk39 = oraclePort === 0;
let server: RunningServer | undefined;
let port = 0;
const clients: RawClient[] = [];
let n = 0;

before(async () => {
  if (oraclePort > 0) {
    port = oraclePort;
    return;
  }
  const config = defaultServerConfig({ clientPort: 0, superDigest: digestId(SUPER) });
  server = await startStandaloneServer(config, createLogger({ level: 'silent' }));
  port = server.port;
});

after(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(port, { timeout: 30000 });
  clients.push(c);
  return c;
}

/** A fresh path per case so cases do not see each other's nodes (and reruns against one oracle work). */
function fresh(name: string): string {
  return `/api-${process.pid}-${Date.now().toString(36)}-${++n}-${name}`;
}

async function auth(c: RawClient, scheme: string, text: string): Promise<Reply> {
  return c.request(Op.auth, AuthPacket, { type: 0, scheme, auth: Buffer.from(text) }, { xid: AUTH_XID });
}

function ok(r: Reply, what: string): Reply {
  assert.equal(r.err, Err.OK, `${what}: err ${r.err}`);
  return r;
}

const digestAcl = (userPassword: string, perms = 31): ACL => ({ perms, id: { scheme: 'digest', id: digestId(userPassword) } });

describe('auth packets', () => {
  test('digest auth answers xid -4, zxid 0, OK; "user" without a password is accepted too', async () => {
    const c = await client();
    const r = await auth(c, 'digest', 'alice:pw');
    assert.deepEqual([r.xid, r.zxid, r.err], [AUTH_XID, 0n, Err.OK]);
    assert.equal((await auth(c, 'digest', 'nopassword')).err, Err.OK);
    assert.equal(await c.stillOpenAfter(100), true);
  });

  test('the ip scheme authenticates as the peer address whatever the data', async () => {
    const c = await client();
    ok(await auth(c, 'ip', 'anything'), 'auth ip');
    const who = decodeExact(WhoAmIResponse, ok(await c.request(Op.whoAmI), 'whoAmI').body).clientInfo ?? [];
    assert.deepEqual(who, [{ authScheme: 'ip', user: '127.0.0.1' }], 'the same id is held once');
  });

  test('an unknown scheme gets AuthFailed and the connection is closed', async () => {
    const c = await client();
    const r = await auth(c, 'kerberos-ish', 'x');
    assert.deepEqual([r.xid, r.err], [AUTH_XID, Err.AUTH_FAILED]);
    await c.waitClosed(3000);
  });

  test('whoAmI lists ids in ZooKeeper\'s hash-set order, digest ids by user name', async () => {
    const c = await client();
    ok(await auth(c, 'digest', 'bob:pw'), 'auth');
    const who = decodeExact(WhoAmIResponse, ok(await c.request(Op.whoAmI), 'whoAmI').body).clientInfo ?? [];
    assert.deepEqual(who, [
      { authScheme: 'digest', user: 'bob' },
      { authScheme: 'ip', user: '127.0.0.1' },
    ]);
  });

  test('the configured super digest may do anything; whoAmI shows it as super with no user', async () => {
    const owner = await client();
    const path = fresh('super');
    ok(await owner.create(path, { acl: [digestAcl('carol:pw')] }), 'create');
    const su = await client();
    assert.equal((await su.getData(path)).err, Err.NO_AUTH);
    ok(await auth(su, 'digest', SUPER), 'auth super');
    ok(await su.getData(path), 'super reads');
    const who = decodeExact(WhoAmIResponse, ok(await su.request(Op.whoAmI), 'whoAmI').body).clientInfo ?? [];
    assert.deepEqual(who, [
      { authScheme: 'super', user: '' },
      { authScheme: 'digest', user: 'super' },
      { authScheme: 'ip', user: '127.0.0.1' },
    ]);
  });
});

describe('ACLs', () => {
  test('an auth ACL needs an authenticated id: ip is not one (InvalidACL), digest is', async () => {
    const c = await client();
    const path = fresh('authacl');
    const authAcl: ACL[] = [{ perms: 31, id: { scheme: 'auth', id: '' } }];
    assert.equal((await c.create(path, { acl: authAcl })).err, Err.INVALID_ACL);
    ok(await auth(c, 'ip', ''), 'auth ip');
    assert.equal((await c.create(path, { acl: authAcl })).err, Err.INVALID_ACL);
    ok(await auth(c, 'digest', 'dave:pw'), 'auth digest');
    ok(await c.create(path, { acl: authAcl }), 'create with auth ACL');
    const got = decodeExact(GetACLResponse, ok(await c.request(Op.getACL, GetACLRequest, { path }), 'getACL').body);
    assert.deepEqual(got.acl, [digestAcl('dave:pw')]);
  });

  test('malformed ids are InvalidACL: digest needs exactly user:hash, ip is IPv4 with a 0..32 mask', async () => {
    const c = await client();
    const bad: [string, string][] = [
      ['digest', 'nouser'],
      ['digest', 'a:b:c'],
      ['digest', 'a:'],
      ['ip', '10.0.0.1/33'],
      ['ip', '10.0.0'],
      ['ip', '::1'],
      ['world', 'someone'],
      ['sasl', 'x'],
      ['x509', 'CN=x'],
    ];
    for (const [scheme, id] of bad) {
      const r = await c.create(fresh('bad'), { acl: [{ perms: 31, id: { scheme, id } }] });
      assert.equal(r.err, Err.INVALID_ACL, `${scheme}:${id}`);
    }
    for (const [scheme, id] of [
      ['digest', 'a:b:'],
      ['digest', ':b'],
      ['ip', '010.0.0.1/8'],
      ['ip', '127.0.0.1/+32'],
    ] as const) {
      ok(await c.create(fresh('good'), { acl: [{ perms: 31, id: { scheme, id } }] }), `${scheme}:${id}`);
    }
  });

  test('ip ACLs match by CIDR prefix', async () => {
    const c = await client();
    const inside = fresh('ipin');
    const outside = fresh('ipout');
    ok(await c.create(inside, { acl: [{ perms: 1, id: { scheme: 'ip', id: '127.0.0.0/8' } }] }), 'create inside');
    ok(await c.create(outside, { acl: [{ perms: 1, id: { scheme: 'ip', id: '10.0.0.0/8' } }] }), 'create outside');
    ok(await c.getData(inside), 'read inside');
    assert.equal((await c.getData(outside)).err, Err.NO_AUTH);
  });

  test('delete checks the parent\'s DELETE permission before looking for the node', async () => {
    const owner = await client();
    const path = fresh('nodelete');
    ok(await owner.create(path, { acl: [{ perms: Perms_READ_CREATE, id: { scheme: 'world', id: 'anyone' } }] }), 'create');
    assert.equal((await owner.delete(`${path}/missing`)).err, Err.NO_AUTH);
  });

  test('getACL without ADMIN shows digest ids as user:x; with ADMIN in full', async () => {
    const owner = await client();
    ok(await auth(owner, 'digest', 'erin:pw'), 'auth');
    const path = fresh('mask');
    const acl: ACL[] = [
      { perms: 1, id: { scheme: 'world', id: 'anyone' } },
      { perms: 31, id: { scheme: 'digest', id: digestId('erin:pw') } },
    ];
    ok(await owner.create(path, { acl }), 'create');
    const full = decodeExact(GetACLResponse, ok(await owner.request(Op.getACL, GetACLRequest, { path }), 'getACL').body);
    assert.deepEqual(full.acl, acl);
    const stranger = await client();
    const masked = decodeExact(GetACLResponse, ok(await stranger.request(Op.getACL, GetACLRequest, { path }), 'getACL').body);
    assert.deepEqual(masked.acl, [acl[0], { perms: 31, id: { scheme: 'digest', id: 'erin:x' } }]);
  });

  test('setACL needs ADMIN and checks aclVersion', async () => {
    const c = await client();
    const path = fresh('setacl');
    ok(await c.create(path, { acl: [{ perms: 15, id: { scheme: 'world', id: 'anyone' } }] }), 'create');
    assert.equal((await c.request(Op.setACL, SetACLRequest, { path, acl: OPEN_ACL, version: -1 })).err, Err.NO_AUTH);
    const p2 = fresh('setacl2');
    ok(await c.create(p2), 'create');
    assert.equal((await c.request(Op.setACL, SetACLRequest, { path: p2, acl: OPEN_ACL, version: 3 })).err, -103);
    ok(await c.request(Op.setACL, SetACLRequest, { path: p2, acl: OPEN_ACL, version: 0 }), 'setACL v0');
  });
});

describe('multi', () => {
  test('a create or delete op with a null path fails the whole multi as MarshallingError; nothing applies', async () => {
    const c = await client();
    const path = fresh('nullmulti');
    for (const bad of [
      { type: 1 as const, req: { path: null, data: Buffer.alloc(0), acl: OPEN_ACL, flags: 0 } },
      { type: 2 as const, req: { path: null, version: -1 } },
    ]) {
      const r = await c.request(14, MultiRequestBody, [{ type: 1, req: { path, data: Buffer.alloc(0), acl: OPEN_ACL, flags: 0 } }, bad]);
      assert.equal(r.err, Err.MARSHALLING, `op type ${bad.type}`);
      assert.equal((await c.exists(path)).err, -101, 'the first op did not apply');
    }
  });
});

describe('SASL on a server without SASL', () => {
  test('a token is answered OK with a null token, zxid 0, and the connection stays', async () => {
    const c = await client();
    const r = await c.request(Op.sasl, GetSASLRequest, { token: Buffer.from('hello') });
    assert.deepEqual([r.err, r.zxid], [Err.OK, 0n]);
    assert.deepEqual(decodeExact(SetSASLResponse, r.body), { token: null });
    ok(await c.ping(), 'ping after sasl');
  });
});

describe('persistent watches', () => {
  const event = async (c: RawClient) => {
    const e = await c.nextNotification(3000);
    return `${e.event.type}:${e.event.path}`;
  };

  test('addWatch answers an ErrorResponse of 0; a persistent watch sees its node and children change, repeatedly', async () => {
    const w = await client();
    const c = await client();
    const path = fresh('pw');
    const r = ok(await w.request(Op.addWatch, AddWatchRequest, { path, mode: 0 }), 'addWatch');
    assert.deepEqual(decodeExact(ErrorResponse, r.body), { err: 0 });
    ok(await c.create(path), 'create');
    assert.equal(await event(w), `${Ev.NodeCreated}:${path}`);
    ok(await c.create(`${path}/kid`), 'create kid');
    assert.equal(await event(w), `${Ev.NodeChildrenChanged}:${path}`);
    ok(await c.setData(path, Buffer.from('1')), 'set');
    assert.equal(await event(w), `${Ev.NodeDataChanged}:${path}`);
    ok(await c.setData(path, Buffer.from('2')), 'set again');
    assert.equal(await event(w), `${Ev.NodeDataChanged}:${path}`);
    ok(await c.setData(`${path}/kid`, Buffer.from('x')), 'set kid');
    ok(await w.ping(), 'ping');
    assert.deepEqual(w.unreadNotifications, [], 'a plain persistent watch ignores grandchildren data');
  });

  test('a recursive watch reports the changed node path and no child events', async () => {
    const w = await client();
    const c = await client();
    const path = fresh('rw');
    ok(await w.request(Op.addWatch, AddWatchRequest, { path, mode: 1 }), 'addWatch');
    ok(await c.create(path), 'create');
    ok(await c.create(`${path}/a`), 'create a');
    ok(await c.create(`${path}/a/b`), 'create b');
    ok(await c.setData(`${path}/a/b`, Buffer.from('x')), 'set b');
    ok(await c.delete(`${path}/a/b`), 'delete b');
    const got = [await event(w), await event(w), await event(w), await event(w), await event(w)];
    assert.deepEqual(got, [
      `${Ev.NodeCreated}:${path}`,
      `${Ev.NodeCreated}:${path}/a`,
      `${Ev.NodeCreated}:${path}/a/b`,
      `${Ev.NodeDataChanged}:${path}/a/b`,
      `${Ev.NodeDeleted}:${path}/a/b`,
    ]);
    ok(await w.ping(), 'ping');
    assert.deepEqual(w.unreadNotifications, []);
  });

  test('checkWatches and removeWatches: Any finds a persistent watch, NoWatcher when none, unknown type fails', async () => {
    const w = await client();
    const path = fresh('rm');
    assert.equal((await w.request(Op.checkWatches, CheckWatchesRequest, { path, type: 3 })).err, Err.NO_WATCHER);
    ok(await w.request(Op.addWatch, AddWatchRequest, { path, mode: 0 }), 'addWatch');
    ok(await w.request(Op.checkWatches, CheckWatchesRequest, { path, type: 3 }), 'check any');
    ok(await w.request(Op.removeWatches, CheckWatchesRequest, { path, type: 3 }), 'remove any');
    assert.equal((await w.request(Op.removeWatches, CheckWatchesRequest, { path, type: 3 })).err, Err.NO_WATCHER);
    assert.equal((await w.request(Op.checkWatches, CheckWatchesRequest, { path, type: 9 })).err, Err.MARSHALLING);
  });

  test('watcher types 4 and 5 (ZooKeeper 3.9) address persistent and recursive watches', { skip: !zk39 && 'ZooKeeper 3.8 has no watcher types 4/5' }, async () => {
    const w = await client();
    const path = fresh('types');
    ok(await w.request(Op.addWatch, AddWatchRequest, { path, mode: 1 }), 'addWatch recursive');
    assert.equal((await w.request(Op.checkWatches, CheckWatchesRequest, { path, type: 4 })).err, Err.NO_WATCHER);
    ok(await w.request(Op.checkWatches, CheckWatchesRequest, { path, type: 5 }), 'check recursive');
    assert.equal((await w.request(Op.checkWatches, CheckWatchesRequest, { path, type: 2 })).err, Err.NO_WATCHER);
    ok(await w.request(Op.removeWatches, CheckWatchesRequest, { path, type: 5 }), 'remove recursive');
    assert.equal((await w.request(Op.checkWatches, CheckWatchesRequest, { path, type: 3 })).err, Err.NO_WATCHER);
  });

  test('setWatches2 re-arms persistent and recursive watches on a new connection', async () => {
    const w = await client();
    const c = await client();
    const p = fresh('sw2p');
    const r = fresh('sw2r');
    const seen = (await w.ping()).zxid;
    ok(
      await w.request(Op.setWatches2, SetWatches2, {
        relativeZxid: seen,
        dataWatches: [],
        existWatches: [],
        childWatches: [],
        persistentWatches: [p],
        persistentRecursiveWatches: [r],
      }),
      'setWatches2',
    );
    ok(await c.create(p), 'create p');
    ok(await c.create(r), 'create r');
    ok(await c.create(`${r}/deep`), 'create r/deep');
    assert.deepEqual([await event(w), await event(w), await event(w)], [
      `${Ev.NodeCreated}:${p}`,
      `${Ev.NodeCreated}:${r}`,
      `${Ev.NodeCreated}:${r}/deep`,
    ]);
  });

  test('a recursive watch does not reveal nodes the watcher cannot read', async () => {
    const w = await client();
    const c = await client();
    ok(await auth(c, 'digest', 'frank:pw'), 'auth');
    const path = fresh('hidden');
    ok(await w.request(Op.addWatch, AddWatchRequest, { path, mode: 1 }), 'addWatch');
    ok(await c.create(path), 'create');
    ok(await c.create(`${path}/secret`, { acl: [digestAcl('frank:pw')] }), 'create secret');
    ok(await c.create(`${path}/open`), 'create open');
    assert.deepEqual([await event(w), await event(w)], [`${Ev.NodeCreated}:${path}`, `${Ev.NodeCreated}:${path}/open`]);
  });
});

describe('getEphemerals', () => {
  test('a blank or "/" prefix lists all of the session\'s ephemerals; a prefix filters by string start', async () => {
    const c = await client();
    const base = fresh('eph');
    ok(await c.create(base), 'create base');
    ok(await c.create(`${base}/e1`, { flags: 1 }), 'e1');
    ok(await c.create(`${base}/x2`, { flags: 1 }), 'x2');
    const list = async (prefixPath: string | null) =>
      (decodeExact(GetEphemeralsResponse, ok(await c.request(Op.getEphemerals, GetEphemeralsRequest, { prefixPath }), 'getEphemerals').body).ephemerals ?? []).sort();
    assert.deepEqual(await list('/'), [`${base}/e1`, `${base}/x2`]);
    assert.deepEqual(await list(' / '), [`${base}/e1`, `${base}/x2`]);
    assert.deepEqual(await list(''), [`${base}/e1`, `${base}/x2`]);
    assert.deepEqual(await list(`${base}/e`), [`${base}/e1`]);
    assert.deepEqual(await list('/nothing'), []);
  });
});
