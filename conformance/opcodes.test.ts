/**
 * Every client opcode of ZooKeeper 3.9 (src/protocol/opcodes.ts), scripted over the
 * raw client protocol and run against Apache ZooKeeper 3.8 (the oracle) and zkts.
 *
 * Each case is a script of requests on one or more sessions. Everything the server
 * sends back (reply header err and zxid, the decoded body, watch notifications, and
 * whether the connection is closed) goes into a transcript, normalised as described
 * in support/opcode-transcript.ts. zkts passes a case when its transcript equals
 * ZooKeeper's; ZooKeeper is started for the comparison even when only zkts is a
 * target. The key facts of each case are also asserted explicitly (soft checks, so a
 * run always completes), on both targets, so a case cannot pass by both servers doing
 * the same wrong thing (e.g. both closing every connection).
 *
 * Cases share one server per configuration and use their own base path; every
 * session is ended with closeSession so that no expiry adds a txn at a random moment.
 * OPCODES_PRINT=1 prints every transcript.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { ACL } from '../src/protocol/generated/records.js';
import { Err, errName } from '../src/protocol/error-codes.js';
import { ScenarioRun, type Step, type TClient, type Transcript, transcriptDiff } from './support/opcode-transcript.js';
import { oracleAndTargetsForSuite, targets, type TargetName, type TestServer } from './support/servers.js';

// ---- constants -------------------------------------------------------------------

const Perm = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;
/** CreateMode flags. */
const Mode = { PERSISTENT: 0, EPHEMERAL: 1, SEQUENTIAL: 2, EPHEMERAL_SEQUENTIAL: 3, CONTAINER: 4, TTL: 5, TTL_SEQUENTIAL: 6 } as const;
/** WatcherType of checkWatches/removeWatches. */
const WatcherType = { Children: 1, Data: 2, Any: 3, Persistent: 4, PersistentRecursive: 5 } as const;
/** AddWatchMode. */
const AddWatch = { PERSISTENT: 0, PERSISTENT_RECURSIVE: 1 } as const;
/** Largest frame ZooKeeper accepts by default (jute.maxbuffer = 0xfffff). */
const MAX_FRAME = 0xfffff;
const CONTAINER_CHECK_MS = 300;

const acl = (scheme: string, id: string, perms: number): ACL => ({ perms, id: { scheme, id } });
const WORLD = (perms: number): ACL => acl('world', 'anyone', perms);
/** The digest id ZooKeeper stores for user:password (base64 SHA-1 of "user:password"). */
const digestId = (user: string, password: string): string =>
  `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;
const ALICE = digestId('alice', 'secret');
const BOB = digestId('bob', 'hunter2');
const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

// ---- cases ---------------------------------------------------------------------------

interface Case {
  name: string;
  /**
   * ZooKeeper 3.8 and 3.9 answer differently; the case's facts accept either
   * version and replace the transcript comparison.
   */
  versioned?: boolean;
  run(s: ScenarioRun): Promise<void>;
}

/** Soft fact on a reply's error code. */
function err(s: ScenarioRun, step: Step, code: number, what: string): void {
  s.t.expect(step.err === null ? 'no reply' : errName(step.err), errName(code), what);
}

function ok(s: ScenarioRun, step: Step, what: string): void {
  err(s, step, Err.OK, what);
}

function field(step: Step, key: string): unknown {
  const b = step.body;
  return typeof b === 'object' && b !== null ? (b as Record<string, unknown>)[key] : undefined;
}

function statField(step: Step, key: string): unknown {
  const b = step.body as Record<string, unknown> | undefined;
  const st = (b && typeof b === 'object' && 'stat' in b ? b['stat'] : b) as Record<string, unknown> | undefined;
  return st?.[key];
}

/** Fresh session that expects to be closed after one request of `type` answered Unimplemented. */
async function unimplementedCloses(s: ScenarioRun, label: string, type: number, body: Buffer): Promise<void> {
  const c = await s.client(label);
  const r = await c.rawRequest(type, body, `opcode ${type}, ${body.length} body bytes`, { closes: true });
  err(s, r, Err.UNIMPLEMENTED, `opcode ${type} answers Unimplemented`);
  s.t.expect(r.closed, true, `opcode ${type}: the server closes the connection`);
  c.quit = true;
}

const SYSTEM_NODES: Case = {
  name: '/zookeeper, /zookeeper/config and /zookeeper/quota reads',
  async run(s) {
    const a = await s.client('A');
    const kids = await a.getChildren('/zookeeper');
    s.t.expect(kids.body, ['config', 'quota'], 'children of /zookeeper');
    const cfg = await a.getData('/zookeeper/config');
    ok(s, cfg, 'getData /zookeeper/config');
    s.t.expect(field(cfg, 'data'), '', 'a standalone server has an empty /zookeeper/config');
    const cacl = await a.getACL('/zookeeper/config');
    s.t.expect(field(cacl, 'acl'), ['world:anyone:1'], '/zookeeper/config is read-only for everyone');
    await a.getData('/zookeeper/quota');
    await a.getChildren2('/zookeeper/quota');
    await a.getData('/zookeeper');
    await a.getACL('/zookeeper');
    await a.exists('/zookeeper/quota');
    await a.getChildren('/zookeeper/config');
    err(s, await a.setData('/zookeeper/config', 'x'), Err.NOAUTH, 'setData /zookeeper/config');
    err(s, await a.delete('/zookeeper/config'), Err.BADARGUMENTS, 'delete /zookeeper/config (special path)');
    err(s, await a.delete('/zookeeper/quota'), Err.BADARGUMENTS, 'delete /zookeeper/quota (special path)');
    err(s, await a.delete('/zookeeper'), Err.BADARGUMENTS, 'delete /zookeeper (special path)');
    err(s, await a.delete('/'), Err.BADARGUMENTS, 'delete / (special path)');
    await a.create('/zookeeper/config/x');
    await a.getData('/');
    await a.getACL('/');
    await a.getAllChildrenNumber('/zookeeper');
  },
};

const CREATE: Case = {
  name: 'create (1): modes, sequential names, and its errors',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    ok(s, await a.create(b), 'create base');
    const p = await a.create(`${b}/p`, { data: buf('x') });
    s.t.expect(p.body, `${b}/p`, 'create returns the path');
    err(s, await a.create(`${b}/p`), Err.NODEEXISTS, 'create an existing node');
    err(s, await a.create(`${b}/missing/x`), Err.NONODE, 'create under a missing parent');
    ok(s, await a.create(`${b}/e`, { flags: Mode.EPHEMERAL }), 'create ephemeral');
    err(s, await a.create(`${b}/e/c`), Err.NOCHILDRENFOREPHEMERALS, 'create under an ephemeral');
    const s1 = await a.create(`${b}/s-`, { flags: Mode.SEQUENTIAL });
    s.t.expect(s1.body, `${b}/s-0000000002`, 'sequential suffix = parent cversion');
    const s2 = await a.create(`${b}/s-`, { flags: Mode.EPHEMERAL_SEQUENTIAL });
    s.t.expect(s2.body, `${b}/s-0000000003`, 'ephemeral sequential');
    ok(s, await a.delete(`${b}/s-0000000002`), 'delete a sequential node');
    const s3 = await a.create(`${b}/`, { flags: Mode.SEQUENTIAL });
    s.t.expect(s3.body, `${b}/0000000004`, 'sequential name from a trailing-slash path');
    await a.exists(`${b}/e`);
    await a.exists(`${b}/s-0000000003`);
    await a.exists(b);
    ok(s, await a.create(`${b}/nul`, { data: null }), 'create with null data');
    s.t.expect(field(await a.getData(`${b}/nul`), 'data'), null, 'null data stays null');
    err(s, await a.create('noslash'), Err.BADARGUMENTS, 'relative path');
    // The parent is looked up before the path is validated: a bad path under a
    // missing parent is NoNode, under an existing one BadArguments.
    err(s, await a.create(`${b}/t/`), Err.NONODE, 'trailing slash, missing parent');
    err(s, await a.create(`${b}/./x`), Err.NONODE, '"." element, missing parent');
    err(s, await a.create(`${b}//x`), Err.NONODE, 'empty element, missing parent');
    err(s, await a.create(`${b}/p/`), Err.BADARGUMENTS, 'trailing slash, existing parent');
    err(s, await a.create(`${b}/.`), Err.BADARGUMENTS, '"." element, existing parent');
    err(s, await a.create(`${b}/..`), Err.BADARGUMENTS, '".." element, existing parent');
    err(s, await a.create(`${b}/nul\u0000x`), Err.BADARGUMENTS, 'NUL in the path');
    err(s, await a.create('/'), Err.NODEEXISTS, 'create /');
    err(s, await a.create(`${b}/a0`, { acl: [] }), Err.INVALIDACL, 'empty ACL');
    err(s, await a.create(`${b}/a1`, { acl: null }), Err.INVALIDACL, 'null ACL');
    err(s, await a.create(`${b}/a2`, { acl: [acl('digest', 'nocolon', Perm.ALL)] }), Err.INVALIDACL, 'digest id without a colon');
    err(s, await a.create(`${b}/a3`, { acl: [acl('ip', 'not-an-ip', Perm.ALL)] }), Err.INVALIDACL, 'bad ip id');
    err(s, await a.create(`${b}/a4`, { acl: [acl('auth', '', Perm.ALL)] }), Err.INVALIDACL, 'auth scheme without any auth');
    err(s, await a.create(`${b}/a5`, { acl: [acl('nosuch', 'x', Perm.ALL)] }), Err.INVALIDACL, 'unknown scheme');
    err(s, await a.create(`${b}/a6`, { acl: [acl('world', 'someone', Perm.ALL)] }), Err.INVALIDACL, 'world with an id other than anyone');
    await a.create(`${b}/a7`, { acl: [WORLD(0)] });
    await a.create(`${b}/a8`, { acl: [WORLD(Perm.ALL), WORLD(Perm.ALL)] });
    await a.getACL(`${b}/a8`);
    await a.create(`${b}/a9`, { acl: [acl('ip', '127.0.0.1/33', Perm.ALL)] });
    ok(s, await a.create(`${b}/ro`, { acl: [WORLD(Perm.READ)] }), 'read-only parent');
    err(s, await a.create(`${b}/ro/x`), Err.NOAUTH, 'create without CREATE on the parent');
    err(s, await a.create(`${b}/f99`, { flags: 99 }), Err.BADARGUMENTS, 'unknown create flags');
    err(s, await a.create(`${b}/f7`, { flags: 7 }), Err.BADARGUMENTS, 'flags 7');
    err(s, await a.create(`${b}/ttl`, { flags: Mode.TTL }), Err.UNIMPLEMENTED, 'TTL flags without extendedTypesEnabled');
    await a.create(`${b}/ct`, { flags: Mode.CONTAINER });
    await a.exists(`${b}/ct`);
    await a.getChildren2(b);
  },
};

const CREATE2: Case = {
  name: 'create2 (15): path and stat, sequential, container flags, errors',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    const c = await a.create(`${b}/n`, { op: 15, data: buf('abc') });
    s.t.expect(field(c, 'path'), `${b}/n`, 'create2 path');
    s.t.expect(statField(c, 'dataLength'), 3, 'create2 stat dataLength');
    s.t.expect(statField(c, 'czxid'), 'z+2', 'create2 stat czxid = reply zxid');
    const e = await a.create(`${b}/e-`, { op: 15, flags: Mode.EPHEMERAL_SEQUENTIAL });
    s.t.expect(statField(e, 'ephemeralOwner'), 'A', 'ephemeral owner is the session');
    await a.create(`${b}/c`, { op: 15, flags: Mode.CONTAINER });
    err(s, await a.create(`${b}/n`, { op: 15 }), Err.NODEEXISTS, 'create2 existing');
    err(s, await a.create(`${b}/x/y`, { op: 15 }), Err.NONODE, 'create2 missing parent');
    err(s, await a.create(`${b}/t`, { op: 15, flags: Mode.TTL }), Err.UNIMPLEMENTED, 'create2 TTL without extendedTypesEnabled');
    await a.getChildren2(b);
  },
};

const DELETE: Case = {
  name: 'delete (2): versions, NotEmpty, NoAuth, special paths, watches',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const w = await s.client('W');
    await a.create(b);
    await a.create(`${b}/n`, { data: buf('1') });
    await a.setData(`${b}/n`, '2');
    ok(s, await w.exists(`${b}/n`, true), 'exists watch');
    ok(s, await w.getChildren(b, true), 'child watch');
    err(s, await a.delete(`${b}/n`, 0), Err.BADVERSION, 'delete with a stale version');
    ok(s, await a.delete(`${b}/n`, 1), 'delete with the right version');
    s.t.expect(await w.waitEvents(2), [`NodeDeleted ${b}/n`, `NodeChildrenChanged ${b}`], 'delete fires NodeDeleted and NodeChildrenChanged');
    err(s, await a.delete(`${b}/n`), Err.NONODE, 'delete a missing node');
    await a.create(`${b}/full`);
    await a.create(`${b}/full/kid`);
    err(s, await a.delete(`${b}/full`), Err.NOTEMPTY, 'delete a node with children');
    await a.create(`${b}/nodel`, { acl: [WORLD(Perm.READ | Perm.CREATE)] });
    await a.create(`${b}/nodel/kid`);
    err(s, await a.delete(`${b}/nodel/kid`), Err.NOAUTH, 'delete without DELETE on the parent');
    await a.create(`${b}/leafacl`, { acl: [WORLD(0)] });
    ok(s, await a.delete(`${b}/leafacl`), "the node's own ACL does not matter for delete");
    err(s, await a.delete('noslash'), Err.BADARGUMENTS, 'delete a relative path');
    err(s, await a.delete(`${b}/full/`), Err.NONODE, 'delete with a trailing slash (no such node)');
    await w.ping();
    await a.getChildren2(b);
  },
};

const READS: Case = {
  name: 'exists (3) and getData (4): stats, null data, NoAuth, watches',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const w = await s.client('W');
    await a.create(b);
    err(s, await w.exists(`${b}/later`, true), Err.NONODE, 'exists on a missing node (sets a watch)');
    err(s, await w.getData(`${b}/later`, true), Err.NONODE, 'getData on a missing node (no watch)');
    await a.create(`${b}/later`, { data: buf('v1') });
    s.t.expect(await w.waitEvents(1), [`NodeCreated ${b}/later`], 'exists watch fires NodeCreated');
    const g = await w.getData(`${b}/later`, true);
    s.t.expect(field(g, 'data'), 'v1', 'getData data');
    await a.setData(`${b}/later`, 'v2');
    s.t.expect(await w.waitEvents(1), [`NodeDataChanged ${b}/later`], 'data watch fires NodeDataChanged');
    await a.setData(`${b}/later`, 'v3');
    await w.ping(); // one-shot: nothing more
    s.t.expect(w.events.length, 2, 'one-shot watches fire once');
    ok(s, await w.exists(`${b}/later`, true), 'exists watch on an existing node');
    await a.delete(`${b}/later`);
    s.t.expect(await w.waitEvents(1), [`NodeDeleted ${b}/later`], 'exists watch on an existing node fires NodeDeleted');
    await a.create(`${b}/secret`, { data: buf('s'), acl: [WORLD(Perm.WRITE)] });
    err(s, await w.getData(`${b}/secret`), Err.NOAUTH, 'getData without READ');
    ok(s, await w.exists(`${b}/secret`), 'exists needs no permission');
    await a.create(`${b}/empty`);
    s.t.expect(field(await w.getData(`${b}/empty`), 'data'), '', 'empty data');
    err(s, await w.getData('noslash'), Err.NONODE, 'getData of a relative path');
    err(s, await w.exists(`${b}/x\u0000`), Err.BADARGUMENTS, 'exists with NUL in the path');
    await w.exists(`${b}/x/`);
  },
};

const SETDATA: Case = {
  name: 'setData (5): versions, NoAuth, NoNode, bad paths, null data',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b, { data: buf('0') });
    const s1 = await a.setData(b, 'one');
    s.t.expect(statField(s1, 'version'), 1, 'version increments');
    s.t.expect(statField(s1, 'dataLength'), 3, 'dataLength');
    err(s, await a.setData(b, 'two', 0), Err.BADVERSION, 'stale version');
    ok(s, await a.setData(b, 'two', 1), 'right version');
    ok(s, await a.setData(b, null), 'null data');
    s.t.expect(field(await a.getData(b), 'data'), null, 'null data reads back as null');
    err(s, await a.setData(`${b}/none`, 'x'), Err.NONODE, 'setData on a missing node');
    await a.create(`${b}/ro`, { acl: [WORLD(Perm.READ)] });
    err(s, await a.setData(`${b}/ro`, 'x'), Err.NOAUTH, 'setData without WRITE');
    err(s, await a.setData('noslash', 'x'), Err.BADARGUMENTS, 'setData of a relative path');
    err(s, await a.setData(`${b}/`, 'x'), Err.BADARGUMENTS, 'setData with a trailing slash');
    await a.setData(b, 'last', -2);
  },
};

const ACLS: Case = {
  name: 'getACL (6), setACL (7), auth (100): digest, ip and auth schemes, masking without ADMIN',
  async run(s) {
    const b = s.base;
    const al = await s.client('alice');
    const anon = await s.client('anon');
    const au = await al.auth('digest', 'alice:secret');
    ok(s, au, 'digest auth');
    s.t.expect(au.zxid, 0n, 'auth replies carry zxid 0');
    await al.create(b);
    // Only alice: nobody else can read it or its ACL.
    await al.create(`${b}/only`, { acl: [acl('digest', ALICE, Perm.ALL)] });
    const mine = await al.getACL(`${b}/only`);
    s.t.expect(field(mine, 'acl'), [`digest:${ALICE}:31`], 'the owner sees the full digest id');
    err(s, await anon.getACL(`${b}/only`), Err.NOAUTH, 'getACL without READ or ADMIN');
    err(s, await anon.getData(`${b}/only`), Err.NOAUTH, 'getData without READ');
    // Readable by all, administered by alice: others see the digest masked.
    await al.create(`${b}/masked`, { acl: [WORLD(Perm.READ), acl('digest', ALICE, Perm.ALL), acl('digest', BOB, Perm.WRITE)] });
    const masked = await anon.getACL(`${b}/masked`);
    s.t.expect(field(masked, 'acl'), ['world:anyone:1', 'digest:alice:x:31', 'digest:bob:x:2'], 'digest ids masked as user:x without ADMIN');
    s.t.expect(field(await al.getACL(`${b}/masked`), 'acl'), ['world:anyone:1', `digest:${ALICE}:31`, `digest:${BOB}:2`], 'unmasked with ADMIN');
    // ADMIN alone (no READ) is enough for getACL.
    await al.create(`${b}/adminonly`, { acl: [WORLD(Perm.ADMIN)] });
    ok(s, await anon.getACL(`${b}/adminonly`), 'getACL with ADMIN only');
    // setACL: ADMIN needed, aversion checked.
    err(s, await anon.setACL(`${b}/masked`, [WORLD(Perm.ALL)]), Err.NOAUTH, 'setACL without ADMIN');
    err(s, await al.setACL(`${b}/masked`, [WORLD(Perm.ALL)], 5), Err.BADVERSION, 'setACL with a stale aversion');
    const set = await al.setACL(`${b}/masked`, [WORLD(Perm.READ), acl('digest', ALICE, Perm.ALL)], 0);
    s.t.expect(statField(set, 'aversion'), 1, 'aversion increments');
    err(s, await al.setACL(`${b}/none`, [WORLD(Perm.ALL)]), Err.NONODE, 'setACL on a missing node');
    err(s, await al.setACL(`${b}/masked`, []), Err.INVALIDACL, 'setACL with an empty ACL');
    err(s, await al.setACL(`${b}/masked`, [acl('ip', '300.1.1.1', Perm.ALL)]), Err.INVALIDACL, 'setACL with a bad ip');
    err(s, await al.setACL('noslash', [WORLD(Perm.ALL)]), Err.BADARGUMENTS, 'setACL of a relative path');
    // auth scheme: replaced by the session's authenticated ids.
    await al.create(`${b}/byauth`, { acl: [acl('auth', '', Perm.ALL)] });
    s.t.expect(field(await al.getACL(`${b}/byauth`), 'acl'), [`digest:${ALICE}:31`], 'auth scheme expands to the digest id');
    await al.setACL(`${b}/masked`, [acl('auth', 'ignored', Perm.READ | Perm.ADMIN)]);
    await al.getACL(`${b}/masked`);
    err(s, await anon.setACL(`${b}/adminonly`, [acl('auth', '', Perm.ALL)]), Err.INVALIDACL, 'auth scheme without auth');
    // ip scheme
    await al.create(`${b}/ip`, { acl: [acl('ip', '127.0.0.1', Perm.ALL)] });
    ok(s, await anon.getData(`${b}/ip`), 'ip:127.0.0.1 matches');
    await al.create(`${b}/ipnet`, { acl: [acl('ip', '127.0.0.0/8', Perm.READ)] });
    ok(s, await anon.getData(`${b}/ipnet`), 'ip:127.0.0.0/8 matches');
    await al.create(`${b}/ipother`, { acl: [acl('ip', '10.1.2.3', Perm.ALL)] });
    err(s, await anon.getData(`${b}/ipother`), Err.NOAUTH, 'ip:10.1.2.3 does not match');
    // A wrong password is still an accepted digest auth, just another id.
    const bobc = await s.client('bob');
    ok(s, await bobc.auth('digest', 'alice:wrong'), 'digest auth with a wrong password is accepted');
    err(s, await bobc.getData(`${b}/only`), Err.NOAUTH, 'but it is not alice');
    ok(s, await bobc.auth('digest', 'bob:hunter2'), 'second digest auth');
    await bobc.whoAmI();
  },
};

const AUTH: Case = {
  name: 'auth (100): schemes, xids, failures close the connection',
  async run(s) {
    // One session per variant, so that one refused auth does not hide the others.
    const ip = await s.client('I');
    ok(s, await ip.auth('ip', ''), 'ip auth (adds the connection ip again)');
    await ip.whoAmI();
    const n = await s.client('N');
    ok(s, await n.auth('digest', 'nocolon'), 'digest auth without a colon');
    await n.whoAmI();
    const e = await s.client('E');
    ok(s, await e.auth('digest', ''), 'empty digest auth');
    await e.whoAmI();
    const x = await s.client('X');
    ok(s, await x.auth('digest', 'carol:pw', { xid: 7 }), 'auth with an ordinary xid');
    await x.auth('digest', 'carol:pw');
    await x.whoAmI();
    const bad = await s.client('B');
    const f = await bad.auth('nosuch', 'x', { closes: true });
    err(s, f, Err.AUTHFAILED, 'unknown scheme');
    s.t.expect(f.closed, true, 'AuthFailed closes the connection');
    bad.quit = true;
    const w = await s.client('C');
    await w.auth('world', 'anyone', { closes: true });
    w.quit = true;
  },
};

const CHILDREN: Case = {
  name: 'getChildren (8) and getChildren2 (12): lists, stats, NoAuth, watches',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const w = await s.client('W');
    await a.create(b);
    for (const n of ['c', 'a', 'b']) await a.create(`${b}/${n}`);
    s.t.expect((await w.getChildren(b, true)).body, ['a', 'b', 'c'], 'children');
    const g2 = await w.getChildren2(b, true);
    s.t.expect(statField(g2, 'numChildren'), 3, 'getChildren2 stat');
    s.t.expect(statField(g2, 'cversion'), 3, 'cversion');
    await a.create(`${b}/d`);
    s.t.expect(await w.waitEvents(1), [`NodeChildrenChanged ${b}`], 'one event for both child watches (same session)');
    await w.getChildren(`${b}/a`, true);
    await a.delete(`${b}/a`);
    s.t.expect(await w.waitEvents(1), [`NodeDeleted ${b}/a`], 'child watch on a deleted node fires NodeDeleted');
    err(s, await w.getChildren(`${b}/none`, true), Err.NONODE, 'getChildren of a missing node');
    err(s, await w.getChildren2(`${b}/none`), Err.NONODE, 'getChildren2 of a missing node');
    await a.create(`${b}/hidden`, { acl: [WORLD(Perm.WRITE)] });
    err(s, await w.getChildren(`${b}/hidden`), Err.NOAUTH, 'getChildren without READ');
    err(s, await w.getChildren2(`${b}/hidden`), Err.NOAUTH, 'getChildren2 without READ');
    await a.create(`${b}/none`); // the failed getChildren left no watch
    await w.ping();
    s.t.expect(w.events.length, 2, 'no watch from a failed getChildren');
    await w.getChildren2('/zookeeper');
  },
};

const SYNC_PING: Case = {
  name: 'sync (9) and ping (11)',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    s.t.expect((await a.sync(b)).body, b, 'sync echoes the path');
    s.t.expect((await a.sync(`${b}/missing`)).body, `${b}/missing`, 'sync does not check the path exists');
    await a.sync('/');
    await a.sync('noslash');
    await a.sync('');
    const p = await a.ping();
    ok(s, p, 'ping');
    s.t.expect(p.reply?.body.length, 0, 'ping reply has no body');
    // A ping sent with an ordinary xid is still answered with xid -2.
    const odd = await a.call(11, 'xid 40', undefined, undefined, { xid: 40, timeoutMs: 1500 });
    await a.ping();
    s.t.expect(odd.err, null, 'no reply carries xid 40');
    await a.create(`${b}/after`);
    const p2 = await a.ping();
    s.t.expect(p2.zxid - p.zxid, 1n, 'ping zxid is the last zxid');
  },
};

const CHECK_MULTI: Case = {
  name: 'check (13) top level and in multi (14); multi results and errors',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const w = await s.client('W');
    await a.create(b);
    await a.create(`${b}/v`, { data: buf('x') });
    await a.setData(`${b}/v`, 'y');
    // A successful top-level check gets no reply from ZooKeeper 3.8/3.9 (its reply
    // would carry a null Stat, which the server fails to serialise); the zxid is used.
    const lone = await a.check(`${b}/v`, 1, { timeoutMs: 1500 });
    s.t.expect(lone.err, null, 'no reply to a successful top-level check');
    err(s, await a.check(`${b}/v`, 0), Err.BADVERSION, 'check with a stale version');
    err(s, await a.check(`${b}/none`, 0), Err.NONODE, 'check of a missing node');
    await a.create(`${b}/noread`, { acl: [WORLD(Perm.WRITE)] });
    err(s, await a.check(`${b}/noread`, -1), Err.NOAUTH, 'check without READ');
    await w.getChildren(b, true);
    await w.getData(`${b}/v`, true);
    const m = await a.multi([
      { op: 13, path: `${b}/v`, version: 1 },
      { op: 1, path: `${b}/m1`, data: buf('1') },
      { op: 15, path: `${b}/m2-`, flags: Mode.SEQUENTIAL },
      { op: 19, path: `${b}/m3`, flags: Mode.CONTAINER },
      { op: 5, path: `${b}/v`, data: buf('z'), version: 1 },
      { op: 2, path: `${b}/m1` },
    ]);
    ok(s, m, 'multi');
    // Result headers: create2 ops answer as 'create' (path only), createContainer as 'create2' (path and stat).
    s.t.expect(Array.isArray(m.body) ? (m.body as Array<Record<string, unknown>>).map((x) => x['type']) : m.body, ['check', 'create', 'create', 'create2', 'setData', 'delete'], 'multi result types');
    s.t.expect(await w.waitEvents(2), [`NodeChildrenChanged ${b}`, `NodeDataChanged ${b}/v`], 'watches fire once for the whole multi');
    const f = await a.multi([
      { op: 1, path: `${b}/f1` },
      { op: 13, path: `${b}/v`, version: 0 },
      { op: 1, path: `${b}/f2` },
    ]);
    ok(s, f, 'a failing multi still has err 0 in the header');
    s.t.expect(f.body, [
      { type: 'error', err: 'OK' },
      { type: 'error', err: 'BADVERSION' },
      { type: 'error', err: 'RUNTIMEINCONSISTENCY' },
    ], 'failed multi results');
    err(s, await a.exists(`${b}/f1`), Err.NONODE, 'nothing of a failed multi is applied');
    await a.multi([{ op: 1, path: `${b}/e`, flags: Mode.EPHEMERAL }, { op: 1, path: `${b}/e/c` }]);
    await a.multi([{ op: 1, path: `${b}/q`, acl: [] }]);
    await a.multi([{ op: 2, path: `${b}/none` }, { op: 5, path: `${b}/none`, data: null }]);
    await a.multi([]);
    err(s, await a.multi([{ op: 1, path: `${b}/t`, flags: Mode.TTL }]), Err.MARSHALLINGERROR, 'a create op with TTL flags does not even decode');
    await a.multi([{ op: 21, path: `${b}/t2`, flags: Mode.TTL, ttl: 1000 }]);
    err(s, await a.multi([{ op: 4, path: `${b}/v` }]), Err.MARSHALLINGERROR, 'a read op in a write multi');
    await a.getChildren2(b);
  },
};

const MULTI_READ: Case = {
  name: 'multiRead (22): independent results, errors, watches',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const w = await s.client('W');
    await a.create(b, { data: buf('root') });
    await a.create(`${b}/k`, { data: buf('kid') });
    await a.create(`${b}/secret`, { acl: [WORLD(Perm.WRITE)] });
    const r = await w.multiRead([
      { op: 4, path: b },
      { op: 8, path: b, watch: true },
      { op: 4, path: `${b}/none` },
      { op: 4, path: `${b}/secret` },
      { op: 8, path: `${b}/k` },
      { op: 4, path: `${b}/k`, watch: true },
    ]);
    ok(s, r, 'multiRead');
    s.t.expect(Array.isArray(r.body) ? (r.body as Array<Record<string, unknown>>).map((x) => x['err'] ?? x['type']) : r.body, ['getData', 'getChildren', 'NONODE', 'NOAUTH', 'getChildren', 'getData'], 'each op of a multiRead answers on its own');
    await a.setData(`${b}/k`, 'k2');
    await a.create(`${b}/k2`);
    await w.ping();
    s.t.expect(w.events, [], 'the watch flags of multiRead ops set no watches');
    await w.multiRead([]);
    err(s, await w.multiRead([{ op: 1, path: `${b}/w` }]), Err.MARSHALLINGERROR, 'a write op in a multiRead');
    await w.exists(`${b}/w`);
  },
};

const RECONFIG_DISABLED: Case = {
  name: 'reconfig (16) without reconfigEnabled: ReconfigDisabled',
  async run(s) {
    const a = await s.client('A');
    const r = await a.reconfig({ joiningServers: 'server.2=127.0.0.1:2888:3888;2181', leavingServers: null, newMembers: null, curConfigId: -1n });
    err(s, r, Err.RECONFIGDISABLED, 'reconfig is disabled');
    await a.reconfig({ joiningServers: null, leavingServers: '1', newMembers: null, curConfigId: 5n });
    await a.ping();
  },
};

const RECONFIG_ENABLED: Case = {
  name: 'reconfig (16) with reconfigEnabled=true on a standalone server: Unimplemented',
  async run(s) {
    const a = await s.client('A');
    const r = await a.reconfig({ joiningServers: 'server.2=127.0.0.1:2888:3888;2181', leavingServers: null, newMembers: null, curConfigId: -1n });
    err(s, r, Err.UNIMPLEMENTED, 'standalone reconfig');
    await a.reconfig({ joiningServers: null, leavingServers: null, newMembers: 'server.1=127.0.0.1:2888:3888;2181', curConfigId: -1n });
    await a.getData('/zookeeper/config');
  },
};

const WATCH_MGMT: Case = {
  name: 'checkWatches (17) and removeWatches (18): Children, Data and Any on one-shot watches',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const o = await s.client('O');
    await a.create(b);
    await a.create(`${b}/n`, { data: buf('d') });
    err(s, await a.checkWatches(`${b}/n`, WatcherType.Any), Err.NOWATCHER, 'no watch yet');
    err(s, await a.removeWatches(`${b}/n`, WatcherType.Any), Err.NOWATCHER, 'nothing to remove yet');
    await a.getData(`${b}/n`, true);
    await a.getChildren(`${b}/n`, true);
    await a.exists(`${b}/missing`, true);
    ok(s, await a.checkWatches(`${b}/n`, WatcherType.Data), 'data watch present');
    ok(s, await a.checkWatches(`${b}/n`, WatcherType.Children), 'child watch present');
    ok(s, await a.checkWatches(`${b}/n`, WatcherType.Any), 'any watch present');
    ok(s, await a.checkWatches(`${b}/missing`, WatcherType.Data), 'an exists watch counts as a data watch');
    err(s, await a.checkWatches(`${b}/missing`, WatcherType.Children), Err.NOWATCHER, 'no child watch on the missing node');
    err(s, await a.checkWatches(`${b}/other`, WatcherType.Any), Err.NOWATCHER, 'no watch on another path');
    err(s, await o.removeWatches(`${b}/n`, WatcherType.Any), Err.NOWATCHER, "another session cannot remove A's watches");
    ok(s, await a.removeWatches(`${b}/n`, WatcherType.Children), 'remove the child watch');
    err(s, await a.checkWatches(`${b}/n`, WatcherType.Children), Err.NOWATCHER, 'child watch gone');
    ok(s, await a.checkWatches(`${b}/n`, WatcherType.Data), 'data watch still there');
    ok(s, await a.removeWatches(`${b}/n`, WatcherType.Data), 'remove the data watch');
    err(s, await a.removeWatches(`${b}/n`, WatcherType.Data), Err.NOWATCHER, 'nothing left to remove');
    await o.setData(`${b}/n`, 'e');
    await o.create(`${b}/n/kid`);
    await a.ping();
    s.t.expect(a.events, [], 'removed watches do not fire, and removal sends no event');
    ok(s, await a.removeWatches(`${b}/missing`, WatcherType.Any), 'remove the exists watch with Any');
    await o.create(`${b}/missing`);
    await a.getData(`${b}/n`, true);
    await a.getChildren(`${b}/n`, true);
    ok(s, await a.removeWatches(`${b}/n`, WatcherType.Any), 'Any removes data and child watches');
    err(s, await a.checkWatches(`${b}/n`, WatcherType.Any), Err.NOWATCHER, 'all gone');
    await o.setData(`${b}/n`, 'f');
    await a.ping();
    s.t.expect(a.events, [], 'nothing fires after removal');
    // Still working watches after all that.
    await a.getData(`${b}/n`, true);
    await o.setData(`${b}/n`, 'g');
    s.t.expect(await a.waitEvents(1), [`NodeDataChanged ${b}/n`], 'a new watch fires');
    err(s, await a.checkWatches(`${b}/n`, WatcherType.Data), Err.NOWATCHER, 'a fired watch is gone');
    // Unknown watcher types.
    err(s, await a.checkWatches(`${b}/n`, 9), Err.MARSHALLINGERROR, 'checkWatches type 9');
    err(s, await a.removeWatches(`${b}/n`, 0), Err.MARSHALLINGERROR, 'removeWatches type 0');
    err(s, await a.checkWatches('noslash', WatcherType.Any), Err.MARSHALLINGERROR, 'checkWatches of a relative path');
    await a.ping();
  },
};

/**
 * Watcher types Persistent (4) and PersistentRecursive (5) exist from 3.9 on, and
 * 3.9 also made checkWatches per session and per mode. ZooKeeper 3.8 answers type 4/5
 * with MarshallingError and (a 3.8 bug) checkWatches is OK whenever ANY session
 * watches the path. zkts may follow either version, but all the way: its answers must
 * equal one of the two lists. The 3.8 list is what the oracle must give; the 3.9 list
 * was worked out from the 3.9.2 source (DataTree.containsWatcher/removeWatch and
 * WatchManager.removeWatcher(path, watcher, mode)).
 */
const WATCH_MGMT_PERSISTENT: Case = {
  name: 'checkWatches (17) and removeWatches (18): Persistent and PersistentRecursive, other sessions (3.8 or 3.9 answers)',
  versioned: true,
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const o = await s.client('O');
    await a.create(b);
    for (const n of ['n', 'p', 'r']) await a.create(`${b}/${n}`);
    await a.getData(`${b}/n`, true);
    ok(s, await a.addWatch(`${b}/p`, AddWatch.PERSISTENT), 'addWatch persistent');
    ok(s, await a.addWatch(`${b}/r`, AddWatch.PERSISTENT_RECURSIVE), 'addWatch recursive');
    const got: string[] = [];
    const step = async (what: string, st: Promise<Step>): Promise<void> => {
      const r = await st;
      got.push(`${what} -> ${r.err === null ? 'no reply' : errName(r.err)}`);
    };
    await step('A check n Persistent', a.checkWatches(`${b}/n`, WatcherType.Persistent));
    await step('A check p Persistent', a.checkWatches(`${b}/p`, WatcherType.Persistent));
    await step('A check p Data', a.checkWatches(`${b}/p`, WatcherType.Data));
    await step('A check p Children', a.checkWatches(`${b}/p`, WatcherType.Children));
    await step('A check p Any', a.checkWatches(`${b}/p`, WatcherType.Any));
    await step('A check r PersistentRecursive', a.checkWatches(`${b}/r`, WatcherType.PersistentRecursive));
    await step('A check r Persistent', a.checkWatches(`${b}/r`, WatcherType.Persistent));
    await step('A check r Data', a.checkWatches(`${b}/r`, WatcherType.Data));
    await step('A check r Children', a.checkWatches(`${b}/r`, WatcherType.Children));
    await step('A check r/below PersistentRecursive', a.checkWatches(`${b}/r/below`, WatcherType.PersistentRecursive));
    await step('O check n Any', o.checkWatches(`${b}/n`, WatcherType.Any));
    await step('O check p Data', o.checkWatches(`${b}/p`, WatcherType.Data));
    await step('O remove n Any', o.removeWatches(`${b}/n`, WatcherType.Any));
    await step('A remove p Data', a.removeWatches(`${b}/p`, WatcherType.Data));
    await step('A remove r PersistentRecursive', a.removeWatches(`${b}/r`, WatcherType.PersistentRecursive));
    await step('A remove p Persistent', a.removeWatches(`${b}/p`, WatcherType.Persistent));
    await step('A check p Any', a.checkWatches(`${b}/p`, WatcherType.Any));
    await step('A check r Any', a.checkWatches(`${b}/r`, WatcherType.Any));
    await step('A check n Data', a.checkWatches(`${b}/n`, WatcherType.Data));
    await o.setData(`${b}/p`, 'x');
    await o.create(`${b}/p/kid`);
    await o.create(`${b}/r/c`);
    await o.setData(`${b}/n`, 'y');
    await a.ping();
    got.push(`events: ${a.events.join(', ')}`);
    const v38 = [
      'A check n Persistent -> MARSHALLINGERROR',
      'A check p Persistent -> MARSHALLINGERROR',
      'A check p Data -> OK',
      'A check p Children -> OK',
      'A check p Any -> OK',
      'A check r PersistentRecursive -> MARSHALLINGERROR',
      'A check r Persistent -> MARSHALLINGERROR',
      'A check r Data -> OK',
      'A check r Children -> OK',
      'A check r/below PersistentRecursive -> MARSHALLINGERROR',
      'O check n Any -> OK',
      'O check p Data -> OK',
      'O remove n Any -> NOWATCHER',
      'A remove p Data -> OK',
      'A remove r PersistentRecursive -> MARSHALLINGERROR',
      'A remove p Persistent -> MARSHALLINGERROR',
      'A check p Any -> OK',
      'A check r Any -> OK',
      'A check n Data -> OK',
      `events: NodeChildrenChanged ${b}/p, NodeCreated ${b}/r/c, NodeDataChanged ${b}/n`,
    ];
    const v39 = [
      'A check n Persistent -> NOWATCHER',
      'A check p Persistent -> OK',
      'A check p Data -> NOWATCHER',
      'A check p Children -> NOWATCHER',
      'A check p Any -> OK',
      'A check r PersistentRecursive -> OK',
      'A check r Persistent -> NOWATCHER',
      'A check r Data -> NOWATCHER',
      'A check r Children -> NOWATCHER',
      'A check r/below PersistentRecursive -> NOWATCHER',
      'O check n Any -> NOWATCHER',
      'O check p Data -> NOWATCHER',
      'O remove n Any -> NOWATCHER',
      'A remove p Data -> NOWATCHER',
      'A remove r PersistentRecursive -> OK',
      'A remove p Persistent -> OK',
      'A check p Any -> NOWATCHER',
      'A check r Any -> NOWATCHER',
      'A check n Data -> OK',
      `events: NodeDataChanged ${b}/n`,
    ];
    s.t.push({ versionedAnswers: got });
    if (s.t.target === 'zookeeper') s.t.expect(got, v38, 'ZooKeeper 3.8 answers');
    else s.t.check(isDeepStrictEqual(got, v38) || isDeepStrictEqual(got, v39), `answers are neither 3.8's nor 3.9's:\n    got  ${JSON.stringify(got)}\n    3.8  ${JSON.stringify(v38)}\n    3.9  ${JSON.stringify(v39)}`);
  },
};

const ADD_WATCH: Case = {
  name: 'addWatch (106): PERSISTENT and PERSISTENT_RECURSIVE events',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const w = await s.client('W');
    await a.create(b);
    const p = `${b}/p`;
    const r = await w.addWatch(p, AddWatch.PERSISTENT);
    ok(s, r, 'addWatch persistent on a missing node');
    s.t.expect(r.body, { err: 0 }, 'addWatch replies with an ErrorResponse of 0');
    await a.create(p, { data: buf('0') });
    await a.setData(p, '1');
    await a.create(`${p}/c`);
    await a.setData(`${p}/c`, 'x');
    await a.create(`${p}/c/d`);
    await a.delete(`${p}/c/d`);
    await a.delete(`${p}/c`);
    await a.setData(p, '2');
    await a.delete(p);
    await a.create(p);
    s.t.expect(await w.waitEvents(7), [
      `NodeCreated ${p}`,
      `NodeDataChanged ${p}`,
      `NodeChildrenChanged ${p}`,
      `NodeChildrenChanged ${p}`,
      `NodeDataChanged ${p}`,
      `NodeDeleted ${p}`,
      `NodeCreated ${p}`,
    ], 'persistent watch: the node itself and its children list, every time');
    // A one-shot watch on the same path from the same session: still one event per change.
    await w.getData(p, true);
    await a.setData(p, '3');
    s.t.expect(await w.waitEvents(1), [`NodeDataChanged ${p}`], 'one event for a one-shot and a persistent watch');
    await w.ping();

    const rp = `${b}/r`;
    ok(s, await w.addWatch(rp, AddWatch.PERSISTENT_RECURSIVE), 'addWatch recursive');
    await a.create(rp);
    await a.create(`${rp}/c`, { data: buf('1') });
    await a.create(`${rp}/c/d`);
    await a.setData(`${rp}/c/d`, 'x');
    await a.setData(rp, 'y');
    await a.delete(`${rp}/c/d`);
    await a.create(`${rp}c`); // a sibling whose name only starts with the watched path
    await a.delete(`${rp}/c`);
    s.t.expect(await w.waitEvents(7), [
      `NodeCreated ${rp}`,
      `NodeCreated ${rp}/c`,
      `NodeCreated ${rp}/c/d`,
      `NodeDataChanged ${rp}/c/d`,
      `NodeDataChanged ${rp}`,
      `NodeDeleted ${rp}/c/d`,
      `NodeDeleted ${rp}/c`,
    ], 'recursive watch: every node below, no NodeChildrenChanged');
    await w.ping();
    // A recursive watch on / sees everything, /zookeeper included? (only what changes)
    await w.addWatch(p, 2);
    await w.addWatch(`${b}/bad/`, AddWatch.PERSISTENT);
    await w.addWatch('noslash', AddWatch.PERSISTENT);
    await w.ping();
    // A child watch and a recursive watch on the parent of a created node.
    await w.getChildren(b, true);
    await a.create(`${b}/r2`);
    await w.waitEvents(1);
    await w.ping();
  },
};

const SET_WATCHES: Case = {
  name: 'setWatches (101): missed changes since relativeZxid fire at once, the rest are registered',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    await a.create(`${b}/d`, { data: buf('1') });
    await a.create(`${b}/same`, { data: buf('1') });
    await a.create(`${b}/gone`);
    await a.create(`${b}/kids`);
    await a.create(`${b}/calm`);
    const mark = (await a.ping()).zxid;
    await a.setData(`${b}/d`, '2');
    await a.delete(`${b}/gone`);
    await a.create(`${b}/new`);
    await a.create(`${b}/kids/x`);
    const w = await s.client('W');
    const r = await w.setWatches({
      relativeZxid: mark,
      dataWatches: [`${b}/d`, `${b}/gone`, `${b}/same`],
      existWatches: [`${b}/new`, `${b}/later`],
      childWatches: [`${b}/kids`, `${b}/calm`, `${b}/gone2`],
    });
    ok(s, r, 'setWatches');
    s.t.expect(w.events, [`NodeDataChanged ${b}/d`, `NodeDeleted ${b}/gone`, `NodeCreated ${b}/new`, `NodeChildrenChanged ${b}/kids`, `NodeDeleted ${b}/gone2`], 'missed changes fire before the reply');
    await a.setData(`${b}/same`, '2');
    await a.create(`${b}/later`);
    await a.create(`${b}/calm/c`);
    await a.setData(`${b}/d`, '3'); // the data watch on d already fired
    s.t.expect(await w.waitEvents(3), [`NodeDataChanged ${b}/same`, `NodeCreated ${b}/later`, `NodeChildrenChanged ${b}/calm`], 'the others were registered');
    await w.ping();
    // The Java client's reserved xid -8, and a relativeZxid of 0 (every existing node changed since).
    const w2 = await s.client('W2');
    await w2.setWatches({ relativeZxid: 0n, dataWatches: [`${b}/same`], existWatches: [], childWatches: [`${b}/calm`] }, { xid: -8 });
    await w2.setWatches({ relativeZxid: mark + 1000n, dataWatches: [`${b}/d`], existWatches: [`${b}/d`], childWatches: [`${b}/d`] });
    await a.setData(`${b}/d`, '4');
    await w2.waitEvents(1);
    await w2.ping();
  },
};

const SET_WATCHES2: Case = {
  name: 'setWatches2 (105): one-shot lists like setWatches, plus persistent and recursive watches',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    await a.create(`${b}/d`, { data: buf('1') });
    await a.create(`${b}/p`);
    await a.create(`${b}/r`);
    const mark = (await a.ping()).zxid;
    await a.setData(`${b}/d`, '2');
    await a.setData(`${b}/p`, 'missed');
    await a.create(`${b}/r/missed`);
    const w = await s.client('W');
    ok(s, await w.setWatches2({
      relativeZxid: mark,
      dataWatches: [`${b}/d`],
      existWatches: [],
      childWatches: [],
      persistentWatches: [`${b}/p`],
      persistentRecursiveWatches: [`${b}/r`],
    }), 'setWatches2');
    await w.ping();
    await a.setData(`${b}/p`, 'x');
    await a.setData(`${b}/p`, 'y');
    await a.create(`${b}/r/c`);
    await a.setData(`${b}/r/c`, 'z');
    s.t.expect(await w.waitEvents(4), [`NodeDataChanged ${b}/p`, `NodeDataChanged ${b}/p`, `NodeCreated ${b}/r/c`, `NodeDataChanged ${b}/r/c`], 'persistent watches from setWatches2 fire every time');
    await w.removeWatches(`${b}/p`, WatcherType.Any);
    await a.setData(`${b}/p`, 'z');
    await w.ping();
    s.t.expect(w.events.slice(-1), [`NodeDataChanged ${b}/r/c`], 'Any removed the persistent watch');
  },
};

const SASL: Case = {
  name: 'sasl (102) on a server without SASL',
  async run(s) {
    const a = await s.client('A');
    const r = await a.sasl(Buffer.alloc(0), { closes: true });
    s.t.check(r.err !== null, 'the server answers a sasl request');
    const b2 = await s.client('B');
    await b2.sasl(buf('garbage-token'), { closes: true });
    const c = await s.client('C');
    await c.sasl(null, { closes: true });
  },
};

const EPHEMERALS: Case = {
  name: 'getEphemerals (103): own ephemerals only, string prefix match',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const o = await s.client('O');
    await a.create(b);
    await a.create(`${b}/sub`);
    await a.create(`${b}/e1`, { flags: Mode.EPHEMERAL });
    await a.create(`${b}/sub/e2`, { flags: Mode.EPHEMERAL });
    await a.create(`${b}/sub-e3`, { flags: Mode.EPHEMERAL });
    await a.create(`${b}/q-`, { flags: Mode.EPHEMERAL_SEQUENTIAL });
    await a.create(`${b}/persist`);
    await o.create(`${b}/theirs`, { flags: Mode.EPHEMERAL });
    s.t.expect((await a.getEphemerals(b)).body, [`${b}/e1`, `${b}/q-0000000003`, `${b}/sub-e3`, `${b}/sub/e2`], 'all of A under the base');
    s.t.expect((await a.getEphemerals(`${b}/sub`)).body, [`${b}/sub-e3`, `${b}/sub/e2`], 'prefix is a string prefix');
    s.t.expect((await a.getEphemerals(`${b}/sub/`)).body, [`${b}/sub/e2`], 'prefix with a slash');
    await a.getEphemerals('/');
    await a.getEphemerals('');
    await a.getEphemerals(null);
    await a.getEphemerals('  ');
    s.t.expect((await a.getEphemerals(`${b}/nomatch`)).body, [], 'no match');
    s.t.expect((await o.getEphemerals('/')).body, [`${b}/theirs`], "the other session's own");
    await a.delete(`${b}/e1`);
    await a.getEphemerals(b);
    await a.getEphemerals('noslash');
  },
};

const ALL_CHILDREN: Case = {
  name: 'getAllChildrenNumber (104): every descendant, NoNode, NoAuth',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    for (const p of ['x', 'x/y', 'x/y/z', 'w', 'w/v']) await a.create(`${b}/${p}`);
    s.t.expect((await a.getAllChildrenNumber(b)).body, 5, 'all descendants');
    s.t.expect((await a.getAllChildrenNumber(`${b}/x`)).body, 2, 'a subtree');
    s.t.expect((await a.getAllChildrenNumber(`${b}/x/y/z`)).body, 0, 'a leaf');
    err(s, await a.getAllChildrenNumber(`${b}/none`), Err.NONODE, 'missing node');
    await a.create(`${b}/hidden`, { acl: [WORLD(Perm.WRITE)] });
    err(s, await a.getAllChildrenNumber(`${b}/hidden`), Err.NOAUTH, 'without READ');
    await a.getAllChildrenNumber('noslash');
    await a.getAllChildrenNumber(`${b}/x/`);
  },
};

const WHOAMI: Case = {
  name: 'whoAmI (107): the ip id, then every auth added',
  async run(s) {
    const a = await s.client('A');
    s.t.expect((await a.whoAmI()).body, ['ip:127.0.0.1'], 'the connection ip');
    await a.auth('digest', 'alice:secret');
    s.t.expect((await a.whoAmI()).body, ['digest:alice', 'ip:127.0.0.1'], 'after digest auth (sorted)');
    await a.auth('digest', 'bob:hunter2');
    await a.auth('digest', 'alice:secret');
    await a.whoAmI();
    await a.rawRequest(107, buf('extra'), 'whoAmI with a body');
  },
};

const SESSIONS: Case = {
  name: 'closeSession (-11), createSession (-10) on an open connection, reconnect after close',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const w = await s.client('W');
    await a.create(b);
    await a.create(`${b}/eph`, { flags: Mode.EPHEMERAL });
    await w.exists(`${b}/eph`, true);
    await w.getChildren(b, true);
    const sid = a.sessionId;
    const passwd = a.raw.session?.passwd ?? Buffer.alloc(16);
    const c = await a.closeSession();
    ok(s, c, 'closeSession');
    s.t.expect(c.closed, true, 'closeSession closes the connection');
    s.t.expect(await w.waitEvents(2), [`NodeDeleted ${b}/eph`, `NodeChildrenChanged ${b}`], 'the ephemeral goes with the session');
    await s.reconnect('A-again', sid, passwd);
    // createSession as a request on an established session
    const x = await s.client('X');
    await x.rawRequest(-10, Buffer.alloc(0), 'createSession, no body', { closes: true });
    const y = await s.client('Y');
    const cr = Buffer.alloc(28);
    cr.writeInt32BE(30_000, 12);
    await y.rawRequest(-10, cr, 'createSession with a ConnectRequest-like body', { closes: true });
    await w.ping();
  },
};

const UNKNOWN_OPCODES: Case = {
  name: 'notification (0), error (-1), deleteContainer (20) framing and unknown opcodes',
  async run(s) {
    await unimplementedCloses(s, 'op0', 0, Buffer.alloc(0));
    await unimplementedCloses(s, 'op-1', -1, Buffer.alloc(0));
    await unimplementedCloses(s, 'op10', 10, Buffer.alloc(0));
    await unimplementedCloses(s, 'op23', 23, Buffer.alloc(0));
    await unimplementedCloses(s, 'op108', 108, Buffer.alloc(0));
    await unimplementedCloses(s, 'op999', 999, buf('junk'));
    await unimplementedCloses(s, 'op-12', -12, Buffer.alloc(0));
  },
};

const DELETE_CONTAINER_OP: Case = {
  name: 'deleteContainer (20) sent by a client',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    await a.create(`${b}/c`, { op: 19, flags: Mode.CONTAINER });
    await a.create(`${b}/n`);
    // ZooKeeper's server reads the body of this internal opcode as raw path bytes.
    await a.rawRequest(20, buf(`${b}/c`), `raw path bytes ${b}/c`);
    await a.rawRequest(20, buf(`${b}/n`), `raw path bytes ${b}/n`);
    const w = Buffer.alloc(4 + Buffer.byteLength(`${b}/c`));
    w.writeInt32BE(Buffer.byteLength(`${b}/c`), 0);
    w.write(`${b}/c`, 4);
    await a.rawRequest(20, w, `jute string ${b}/c`);
    await a.rawRequest(20, buf(`${b}/none`), `raw path bytes ${b}/none`);
    await a.exists(`${b}/c`);
    await a.exists(`${b}/n`);
    await a.ping();
  },
};

const CREATE_CONTAINER: Case = {
  name: 'createContainer (19): stat, flags, errors',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    const c = await a.create(`${b}/c`, { op: 19, flags: Mode.CONTAINER, data: buf('cd') });
    ok(s, c, 'createContainer');
    s.t.expect(statField(c, 'ephemeralOwner'), '0', 'a container shows no owner');
    await a.create(`${b}/c/kid`, { flags: Mode.EPHEMERAL });
    await a.create(`${b}/c/sub`, { op: 19, flags: Mode.CONTAINER });
    await a.create(`${b}/c0`, { op: 19, flags: Mode.PERSISTENT });
    await a.create(`${b}/c1`, { op: 19, flags: Mode.EPHEMERAL });
    await a.create(`${b}/c2`, { op: 19, flags: Mode.SEQUENTIAL });
    err(s, await a.create(`${b}/c`, { op: 19, flags: Mode.CONTAINER }), Err.NODEEXISTS, 'existing');
    err(s, await a.create(`${b}/x/c`, { op: 19, flags: Mode.CONTAINER }), Err.NONODE, 'missing parent');
    await a.getChildren2(b);
    await a.delete(`${b}/c/kid`);
    await a.exists(`${b}/c`);
  },
};

const CREATE_TTL_DISABLED: Case = {
  name: 'createTTL (21) without extendedTypesEnabled: Unimplemented',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    const r = await a.create(`${b}/t`, { op: 21, flags: Mode.TTL, ttl: 1000 });
    err(s, r, Err.UNIMPLEMENTED, 'createTTL is unimplemented');
    await a.create(`${b}/t`, { op: 21, flags: Mode.TTL_SEQUENTIAL, ttl: 1000 });
    await a.create(`${b}/t`, { op: 21, flags: Mode.PERSISTENT, ttl: 1000 });
    await a.create(`${b}/t`, { op: 21, flags: Mode.TTL, ttl: 0 });
    const after = await a.ping();
    s.t.expect(after.err, 0, 'the connection stays open');
    await a.exists(`${b}/t`);
  },
};

const QUOTA_SOFT: Case = {
  name: 'quota nodes under /zookeeper/quota: stats kept up to date, limits not enforced by default',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b, { data: buf('12345') });
    await a.create(`${b}/k1`, { data: buf('abc') });
    const q = `/zookeeper/quota${b}`;
    ok(s, await a.create(q), 'quota dir for the base');
    ok(s, await a.create(`${q}/zookeeper_limits`, { data: buf('count=3,bytes=10') }), 'limits node');
    ok(s, await a.create(`${q}/zookeeper_stats`, { data: buf('count=0,bytes=0') }), 'stats node');
    s.t.expect(field(await a.getData(`${q}/zookeeper_stats`), 'data'), 'count=2,bytes=8', 'stats computed from the subtree when the stats node is created');
    ok(s, await a.create(`${b}/k2`, { data: buf('defgh') }), 'create past the byte limit (soft)');
    ok(s, await a.create(`${b}/k3`), 'create up to the count limit');
    ok(s, await a.create(`${b}/k4`), 'create past the count limit (soft)');
    s.t.expect(field(await a.getData(`${q}/zookeeper_stats`), 'data'), 'count=5,bytes=13', 'stats follow creates');
    await a.setData(`${b}/k1`, 'a');
    await a.delete(`${b}/k4`);
    await a.getData(`${q}/zookeeper_stats`);
    await a.getData(`${q}/zookeeper_limits`);
    await a.getChildren('/zookeeper/quota');
    await a.getChildren(q);
    await a.setData(`${q}/zookeeper_limits`, 'count=-1,bytes=100');
    await a.getData(`${q}/zookeeper_stats`);
    await a.delete(`${q}/zookeeper_limits`);
    await a.delete(`${q}/zookeeper_stats`);
    await a.delete(q);
    await a.create(`${b}/k5`);
    await a.getChildren('/zookeeper/quota');
  },
};

const MAXBUFFER: Case = {
  name: 'jute.maxbuffer: a frame of exactly 0xfffff bytes is served, one byte more closes the connection',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    // setData frame = 8 (header) + 4 + path + 4 + data + 4 (version)
    const dataLen = MAX_FRAME - (8 + 4 + Buffer.byteLength(b) + 4 + 4);
    const big = await a.setData(b, Buffer.alloc(dataLen, 0x61));
    ok(s, big, 'a setData whose frame is exactly jute.maxbuffer');
    s.t.expect(statField(big, 'dataLength'), dataLen, 'all the data was stored');
    const g = await a.getData(b);
    s.t.expect(statField(g, 'dataLength'), dataLen, 'and reads back');
    const c = await s.client('B');
    const over = await c.setData(b, Buffer.alloc(dataLen + 1, 0x62));
    s.t.expect([over.err, c.closed], [null, true], 'one byte more: closed without a reply');
    c.quit = true;
    const h = await s.client('C');
    const head = Buffer.alloc(4);
    head.writeInt32BE(MAX_FRAME + 1, 0);
    await h.raw.writeRaw(head);
    const closed = await h.raw.waitClosed(3000).then(() => true, () => false);
    s.t.expect(closed, true, 'a length prefix over jute.maxbuffer alone closes the connection');
    s.t.push({ c: 'C', lengthPrefixOnly: MAX_FRAME + 1, closed });
    h.quit = true;
    await a.getData(`${b}`).then((r) => s.t.expect(statField(r, 'version'), 1, 'the oversized write was not applied'));
  },
};

// ---- cases that need extendedTypesEnabled / reconfigEnabled / enforceQuota / a short container check ----

const CREATE_TTL: Case = {
  name: 'createTTL (21) with extendedTypesEnabled=true: stat, validation, expiry',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    const t = await a.create(`${b}/t`, { op: 21, flags: Mode.TTL, ttl: 400, data: buf('ttl') });
    ok(s, t, 'createTTL');
    s.t.expect(statField(t, 'ephemeralOwner'), '0', 'a TTL node shows no owner');
    const sq = await a.create(`${b}/s-`, { op: 21, flags: Mode.TTL_SEQUENTIAL, ttl: 60_000 });
    s.t.expect(field(sq, 'path'), `${b}/s-0000000001`, 'sequential TTL node');
    await a.create(`${b}/kept`, { op: 21, flags: Mode.TTL, ttl: 400 });
    await a.create(`${b}/kept/kid`);
    err(s, await a.create(`${b}/z`, { op: 21, flags: Mode.TTL, ttl: 0 }), Err.BADARGUMENTS, 'ttl 0');
    err(s, await a.create(`${b}/z`, { op: 21, flags: Mode.TTL, ttl: -1 }), Err.BADARGUMENTS, 'ttl -1');
    err(s, await a.create(`${b}/z`, { op: 21, flags: Mode.TTL, ttl: 2 ** 40 }), Err.BADARGUMENTS, 'ttl over the maximum');
    await a.create(`${b}/max`, { op: 21, flags: Mode.TTL, ttl: 2 ** 40 - 1 });
    err(s, await a.create(`${b}/z`, { op: 21, flags: Mode.PERSISTENT, ttl: 1000 }), Err.BADARGUMENTS, 'ttl with non-TTL flags');
    err(s, await a.create(`${b}/z`, { op: 21, flags: Mode.EPHEMERAL, ttl: 1000 }), Err.BADARGUMENTS, 'ttl with ephemeral flags');
    err(s, await a.create(`${b}/z`, { flags: Mode.TTL }), Err.BADARGUMENTS, 'TTL flags through create (no ttl)');
    await a.create(`${b}/z`, { op: 15, flags: Mode.TTL });
    await a.create(`${b}/z`, { op: 19, flags: Mode.TTL });
    const m = await a.multi([{ op: 21, path: `${b}/m`, flags: Mode.TTL, ttl: 60_000 }, { op: 21, path: `${b}/m2`, flags: Mode.TTL, ttl: 0 }]);
    ok(s, m, 'multi with createTTL');
    await a.multi([{ op: 21, path: `${b}/m`, flags: Mode.TTL, ttl: 60_000 }]);
    await a.exists(`${b}/m`);
    const w = await s.client('W');
    await w.exists(`${b}/t`, true);
    s.t.expect(await a.pollUntilGone(`${b}/t`, 8000), true, 'an expired TTL node without children is deleted');
    await w.waitEvents(1);
    await a.exists(`${b}/kept`);
    await a.delete(`${b}/kept/kid`);
    s.t.expect(await a.pollUntilGone(`${b}/kept`, 8000), true, 'deleted once its last child is gone');
    await a.delete(`${b}/s-0000000001`);
    await a.delete(`${b}/max`);
    await a.delete(`${b}/m`);
    await a.getChildren2(b);
  },
};

const CONTAINER_EXPIRY: Case = {
  name: 'createContainer (19): a container is deleted after its last child goes',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    const w = await s.client('W');
    await a.create(b);
    await a.create(`${b}/c`, { op: 19, flags: Mode.CONTAINER });
    await a.create(`${b}/never`, { op: 19, flags: Mode.CONTAINER });
    await a.create(`${b}/c/kid`);
    await w.exists(`${b}/c`, true);
    await w.getChildren(b, true);
    await a.delete(`${b}/c/kid`);
    s.t.expect(await a.pollUntilGone(`${b}/c`, 8000), true, 'the emptied container goes');
    s.t.expect(await w.waitEvents(2), [`NodeDeleted ${b}/c`, `NodeChildrenChanged ${b}`], 'its watchers see it go');
    await a.exists(`${b}/never`);
    await a.delete(`${b}/never`);
    await a.getChildren2(b);
  },
};

const QUOTA_ENFORCED: Case = {
  name: 'quota with zookeeper.enforceQuota=true: hard limits give QuotaExceeded, soft limits do not',
  async run(s) {
    const b = s.base;
    const a = await s.client('A');
    await a.create(b);
    const q = `/zookeeper/quota${b}`;
    await a.create(q);
    await a.create(`${q}/zookeeper_limits`, { data: buf('count=1,bytes=-1') });
    await a.create(`${q}/zookeeper_stats`, { data: buf('count=0,bytes=0') });
    ok(s, await a.create(`${b}/soft`), 'over a soft count limit: allowed');
    await a.setData(`${q}/zookeeper_limits`, 'count=-1,bytes=-1,countHardLimit=3,byteHardLimit=-1');
    ok(s, await a.create(`${b}/k1`), 'within the hard count');
    err(s, await a.create(`${b}/k2`), Err.QUOTAEXCEEDED, 'over the hard count');
    const m = await a.multi([{ op: 5, path: b, data: buf('x') }, { op: 1, path: `${b}/m` }]);
    s.t.expect(m.body, [{ type: 'error', err: 'OK' }, { type: 'error', err: 'QUOTAEXCEEDED' }], 'over the hard count inside a multi');
    s.t.expect(field(await a.getData(`${q}/zookeeper_stats`), 'data'), 'count=3,bytes=0', 'stats after the refused creates');
    await a.setData(`${q}/zookeeper_limits`, 'count=-1,bytes=-1,countHardLimit=-1,byteHardLimit=5');
    err(s, await a.setData(b, '123456'), Err.QUOTAEXCEEDED, 'over the hard byte limit');
    ok(s, await a.setData(b, '1234'), 'within the hard byte limit');
    err(s, await a.create(`${b}/k3`, { data: buf('12') }), Err.QUOTAEXCEEDED, 'a create over the byte limit');
    ok(s, await a.create(`${b}/k4`, { data: buf('1') }), 'a create within the byte limit');
    await a.getData(`${q}/zookeeper_stats`);
    await a.delete(`${q}/zookeeper_limits`);
    await a.delete(`${q}/zookeeper_stats`);
    await a.delete(q);
    ok(s, await a.create(`${b}/k5`, { data: buf('123456') }), 'no limit any more');
  },
};

interface Config {
  name: string;
  extraConfig: Record<string, string>;
  jvmFlags: string[];
  cases: Case[];
}

const CONFIGS: Config[] = [
  {
    name: 'default zoo.cfg',
    extraConfig: {},
    jvmFlags: [],
    cases: [
      SYSTEM_NODES, CREATE, CREATE2, DELETE, READS, SETDATA, ACLS, AUTH, CHILDREN, SYNC_PING, CHECK_MULTI, MULTI_READ,
      RECONFIG_DISABLED, WATCH_MGMT, WATCH_MGMT_PERSISTENT, ADD_WATCH, SET_WATCHES, SET_WATCHES2, SASL, EPHEMERALS, ALL_CHILDREN, WHOAMI,
      SESSIONS, UNKNOWN_OPCODES, DELETE_CONTAINER_OP, CREATE_CONTAINER, CREATE_TTL_DISABLED, QUOTA_SOFT, MAXBUFFER,
    ],
  },
  {
    name: 'extendedTypesEnabled, reconfigEnabled, enforceQuota, container check every 300 ms',
    extraConfig: {
      extendedTypesEnabled: 'true',
      reconfigEnabled: 'true',
      enforceQuota: 'true',
      'znode.container.checkIntervalMs': String(CONTAINER_CHECK_MS),
    },
    // ZooKeeper reads these as system properties; zoo.cfg keys it does not know become
    // "zookeeper.<key>" properties, too late for enforceQuota (read at class load).
    jvmFlags: [`-Dznode.container.checkIntervalMs=${CONTAINER_CHECK_MS}`, '-Dzookeeper.enforceQuota=true'],
    cases: [CREATE_TTL, CONTAINER_EXPIRY, RECONFIG_ENABLED, QUOTA_ENFORCED],
  },
];

// ---- harness --------------------------------------------------------------------------

const PRINT = process.env['OPCODES_PRINT'] === '1';

function slug(name: string): string {
  return name.replace(/\(.*?\)/g, '').replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 14).replace(/-$/, '');
}

async function runCase(server: TestServer, c: Case, index: number): Promise<Transcript> {
  const s = new ScenarioRun(server.name, server.port, `/op${index}-${slug(c.name)}`);
  try {
    await c.run(s);
  } catch (e) {
    s.t.push({ aborted: (e as Error).message });
    s.t.failures.push(`the script aborted: ${(e as Error).stack ?? String(e)}`);
  }
  try {
    await s.finish();
  } catch (e) {
    s.t.push({ aborted: `while closing sessions: ${(e as Error).message}` });
  } finally {
    s.closeAll();
  }
  if (PRINT) console.log(`\n=== ${server.name}: ${c.name}\n${s.t.entries.map((e) => JSON.stringify(e)).join('\n')}`);
  return s.t;
}

function report(t: Transcript): string {
  return t.entries.map((e, i) => `  #${i} ${JSON.stringify(e)}`).join('\n');
}

for (const cfg of CONFIGS) {
  describe(`every opcode over the raw protocol (${cfg.name})`, () => {
    const oracle = new Map<Case, Promise<Transcript>>();
    const server = oracleAndTargetsForSuite({ extraConfig: cfg.extraConfig, zookeeperJvmFlags: cfg.jvmFlags });
    const zookeeperRun = (c: Case, i: number): Promise<Transcript> => {
      let p = oracle.get(c);
      if (!p) {
        p = runCase(server('zookeeper'), c, i);
        oracle.set(c, p);
      }
      return p;
    };

    cfg.cases.forEach((c, i) => {
      for (const target of targets) {
        test(`${c.name} [${target}]`, async () => {
          const z = await zookeeperRun(c, i);
          if (target === 'zookeeper') {
            assert.deepEqual(z.failures, [], `facts failed on ZooKeeper:\n${z.failures.join('\n')}\ntranscript:\n${report(z)}`);
            return;
          }
          assert.deepEqual(z.failures, [], `the oracle run on ZooKeeper failed its own facts:\n${z.failures.join('\n')}`);
          const k = await runCase(server('zkts'), c, i);
          const diff = c.versioned ? [] : transcriptDiff(z.entries, k.entries);
          const problems = [
            ...(diff.length > 0 ? [`transcript differs from ZooKeeper's (${z.entries.length} vs ${k.entries.length} entries):\n  ${diff.join('\n  ')}`] : []),
            ...k.failures.map((f) => `fact: ${f}`),
          ];
          assert.ok(problems.length === 0, `${problems.join('\n')}\nzkts transcript:\n${report(k)}`);
        });
      }
    });
  });
}
