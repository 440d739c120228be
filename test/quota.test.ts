/**
 * Quotas: the StatsTrack text, the quota path trie, stats kept by applied txns, and
 * hard limits in prep. Expected texts marked "ZooKeeper 3.8.0" were read back from a
 * real server after the same sequence of zkCli commands.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WriteRequest } from '../src/protocol/client-requests.js';
import { Err } from '../src/protocol/error-codes.js';
import { OpCode } from '../src/protocol/opcodes.js';
import type { LoggedTxn } from '../src/protocol/txn-entry.js';
import type { Txn } from '../src/protocol/txn.js';
import { RequestPipeline } from '../src/server/request-pipeline.js';
import { parseZooCfg } from '../src/server/zoo-cfg.js';
import { MemoryTxnLog } from '../src/server/txn-log.js';
import { OPEN_ACL_UNSAFE } from '../src/tree/acl.js';
import { DataTree, type TxnResult } from '../src/tree/data-tree.js';
import { limitPath, QuotaTrie, statPath, StatsTrack, type QuotaLogLevel } from '../src/tree/quota.js';

const S1 = 0x0100000000000001n;

interface Logged {
  level: QuotaLogLevel;
  msg: string;
  details: Record<string, unknown>;
}

function setup(enforceQuota = false) {
  const tree = new DataTree();
  const logged: Logged[] = [];
  tree.quotas.log = (level, msg, details) => logged.push({ level, msg, details });
  const log = new MemoryTxnLog();
  const pipeline = new RequestPipeline(tree, log, { extendedTypesEnabled: true, reconfigEnabled: false, enforceQuota }, (e) => {
    throw e;
  });
  let cxid = 0;
  const write = (op: WriteRequest, sessionId = S1) =>
    new Promise<{ result: TxnResult; txn: Txn }>((resolve) =>
      pipeline.submit({ sessionId, cxid: ++cxid, authIds: [] }, op, (result, txn) => resolve({ result, txn })),
    );
  const create = async (path: string, data: string | null = null): Promise<number> =>
    (await write({ type: OpCode.create, req: { path, data: data === null ? null : Buffer.from(data), acl: OPEN_ACL_UNSAFE, flags: 0 } })).result.err;
  const set = async (path: string, data: string | null, version = -1): Promise<number> =>
    (await write({ type: OpCode.setData, req: { path, data: data === null ? null : Buffer.from(data), version } })).result.err;
  const del = async (path: string): Promise<number> => (await write({ type: OpCode.delete, req: { path, version: -1 } })).result.err;
  const text = (path: string): string | null => tree.getNode(path)?.data?.toString('utf8') ?? null;
  /** What zkCli's setquota writes: the parents, the limits node, then the stats node. */
  const setquota = async (path: string, limits: string): Promise<void> => {
    let q = '/zookeeper/quota';
    for (const part of path.split('/').slice(1)) {
      q += `/${part}`;
      if (!tree.getNode(q)) assert.equal(await create(q), Err.OK);
    }
    assert.equal(await create(limitPath(path), limits), Err.OK);
    assert.equal(await create(statPath(path), 'count=0,bytes=0'), Err.OK);
  };
  return { tree, log, logged, write, create, set, del, text, setquota };
}

describe('StatsTrack text', () => {
  const parse = (s: string | null) => StatsTrack.parse(s === null ? null : Buffer.from(s));

  test('reads count, bytes and the hard limits; absent keys are -1', () => {
    const t = parse('count=3,bytes=-1=;byteHardLimit=10;countHardLimit=4');
    assert.ok(t);
    assert.equal(t.count, 3n);
    assert.equal(t.bytes, -1n);
    assert.equal(t.byteHardLimit, 10n);
    assert.equal(t.countHardLimit, 4n);
    const empty = parse('');
    assert.ok(empty);
    assert.deepEqual([empty.count, empty.bytes, empty.countHardLimit, empty.byteHardLimit], [-1n, -1n, -1n, -1n]);
    assert.equal(parse('count=50')?.bytes, -1n);
    assert.equal(parse('count==5')?.count, -1n, 'an empty value reads as -1');
    assert.equal(parse('count=7,')?.count, 7n, 'a trailing separator is fine');
  });

  test('writes count and bytes first, then other keys sorted after "=;"', () => {
    assert.equal(parse('countHardLimit=-1,count=3;byteHardLimit=-1,bytes=-1')?.toString(), 'count=3,bytes=-1=;byteHardLimit=-1;countHardLimit=-1');
    assert.equal(StatsTrack.of(2n, 5n).toString(), 'count=2,bytes=5');
    assert.equal(parse('count=5;bytes=7;foo=9')?.toString(), 'count=5,bytes=7=;foo=9');
  });

  test('is unreadable where ZooKeeper throws: null data, a pair without a value, a non-number', () => {
    for (const bad of [null, 'garbage', 'count=', 'count=abc', ',count=1', 'count=1.5', 'count=99999999999999999999']) {
      assert.equal(parse(bad), null, `${String(bad)} should not parse`);
    }
  });
});

describe('quota path trie', () => {
  test('finds the deepest quota prefix, by whole components', () => {
    const trie = new QuotaTrie();
    assert.equal(trie.maxPrefix('/a/b'), '/');
    trie.add('/a');
    trie.add('/a/b/c');
    assert.equal(trie.maxPrefix('/a'), '/a');
    assert.equal(trie.maxPrefix('/a/b'), '/a');
    assert.equal(trie.maxPrefix('/a/b/c/d'), '/a/b/c');
    assert.equal(trie.maxPrefix('/ab'), '/');
    assert.equal(trie.maxPrefix('/a/ /b/c'), '/a/b/c', 'blank components are skipped, as ZooKeeper splits paths');
  });

  test('a deleted quota keeps the quotas below it', () => {
    const trie = new QuotaTrie();
    trie.add('/a');
    trie.add('/a/b');
    trie.delete('/a');
    assert.equal(trie.maxPrefix('/a/x'), '/');
    assert.equal(trie.maxPrefix('/a/b/x'), '/a/b');
    trie.delete('/a/b');
    assert.equal(trie.maxPrefix('/a/b/x'), '/');
    trie.delete('/never/added');
  });
});

describe('quota stats kept by the tree', () => {
  test('setquota counts the existing subtree; creates, setData and deletes below update it', async () => {
    const { create, set, del, text, setquota } = setup();
    await create('/q');
    await create('/q/a', 'hello');
    await setquota('/q', 'count=3,bytes=-1=;byteHardLimit=-1;countHardLimit=-1');
    // ZooKeeper 3.8.0: "Output stat for /q count=2,bytes=5"
    assert.equal(text(statPath('/q')), 'count=2,bytes=5');
    await create('/q/b', 'xy');
    assert.equal(text(statPath('/q')), 'count=3,bytes=7');
    await create('/q/b/deep', '1234');
    await set('/q/a', 'hi');
    assert.equal(text(statPath('/q')), 'count=4,bytes=8');
    await set('/q/a', null);
    await del('/q/b/deep');
    assert.equal(text(statPath('/q')), 'count=3,bytes=2');
    await create('/other', 'zzz');
    assert.equal(text(statPath('/q')), 'count=3,bytes=2', 'nodes outside the quota do not count');
  });

  test('the stats node keeps its own zxid and version while the server rewrites its data', async () => {
    const { tree, create, setquota } = setup();
    await create('/v');
    await setquota('/v', 'count=-1,bytes=-1');
    const before = tree.getNode(statPath('/v'))?.stat();
    await create('/v/x', 'abc');
    const after = tree.getNode(statPath('/v'))?.stat();
    assert.ok(before && after);
    assert.equal(after.mzxid, before.mzxid);
    assert.equal(after.version, 0);
    assert.equal(after.dataLength, 'count=2,bytes=3'.length);
  });

  test('quota nodes written by hand follow ZooKeeper 3.8.0 step by step', async () => {
    const { create, set, del, text } = setup();
    const stats = statPath('/e1');
    await create('/e1');
    await create('/e1/a', 'abc');
    await create('/zookeeper/quota/e1');
    await create(stats, 'count=100,bytes=100');
    assert.equal(text(stats), 'count=2,bytes=3', 'creating the stats node recounts the subtree');
    await create('/e1/b', 'x');
    assert.equal(text(stats), 'count=2,bytes=3', 'no limits node yet: no quota');
    await create(limitPath('/e1'), 'count=1');
    assert.equal(text(stats), 'count=2,bytes=3');
    await create('/e1/c', 'x');
    assert.equal(text(stats), 'count=3,bytes=4');
    await set(stats, 'count=50');
    await create('/e1/d', 'xyz');
    assert.equal(text(stats), 'count=51,bytes=2', 'missing bytes read as -1');
    await set(stats, 'count=5;bytes=7;foo=9');
    await create('/e1/e', 'xyz');
    assert.equal(text(stats), 'count=6,bytes=10=;foo=9');
    await del(stats);
    await create('/e1/f', 'xyz');
    await create(stats);
    assert.equal(text(stats), 'count=7,bytes=14');
    await del(limitPath('/e1'));
    await create('/e1/g', 'xyz');
    assert.equal(text(stats), 'count=7,bytes=14', 'without the limits node the quota is gone');
  });

  test('the deepest quota takes the change, as in ZooKeeper', async () => {
    const { create, text, setquota } = setup();
    await create('/n');
    await create('/n/inner');
    await setquota('/n', 'count=100,bytes=-1');
    await setquota('/n/inner', 'count=100,bytes=-1');
    await create('/n/inner/x', 'abcd');
    await create('/n/y', 'ab');
    assert.equal(text(statPath('/n')), 'count=3,bytes=2');
    assert.equal(text(statPath('/n/inner')), 'count=2,bytes=4');
  });

  test('replaying the txn log, or rebuilding from the tree, gives the same stats', async () => {
    const { tree, log, create, set, del, setquota } = setup();
    await create('/r');
    await create('/r/a', 'aaaa');
    await setquota('/r', 'count=10,bytes=100');
    await create('/r/b', 'bb');
    await set('/r/a', 'a');
    await del('/r/b');
    await create('/r/c', 'cccccc');
    const replayed = new DataTree();
    for (const { txn } of log.txns()) replayed.processTxn(txn);
    const expected = tree.getNode(statPath('/r'))?.data?.toString('utf8');
    assert.equal(expected, 'count=3,bytes=7');
    assert.equal(replayed.getNode(statPath('/r'))?.data?.toString('utf8'), expected);
    const node = replayed.getNode(statPath('/r'));
    assert.ok(node);
    node.data = Buffer.from('count=0,bytes=0');
    replayed.quotas.rebuild();
    assert.equal(node.data.toString('utf8'), expected);
    await create('/r/d', 'd');
    replayed.processTxn((log.txns().at(-1) as LoggedTxn).txn);
    assert.equal(replayed.getNode(statPath('/r'))?.data?.toString('utf8'), 'count=4,bytes=8', 'the rebuilt trie keeps tracking');
  });

  test('an unreadable stats node is left as it is and logged, and the write still applies', async () => {
    const { tree, logged, create, set, text, setquota } = setup();
    await create('/g1');
    await setquota('/g1', 'count=10');
    await set(statPath('/g1'), 'garbage');
    assert.equal(await create('/g1/a', 'x'), Err.OK);
    assert.ok(tree.getNode('/g1/a'));
    assert.equal(text(statPath('/g1')), 'garbage');
    assert.ok(logged.some((l) => l.level === 'error' && l.details['path'] === statPath('/g1')), JSON.stringify(logged));
  });

  test('limit nodes where ZooKeeper 3.8.0 stops serving are applied without a quota change', async () => {
    const { tree, logged, create, del } = setup();
    assert.equal(await create('/zookeeper/quota/zookeeper_limits', 'count=1'), Err.OK);
    assert.equal(await create('/zookeeper/zookeeper_limits', 'x'), Err.OK);
    assert.equal(await del('/zookeeper/zookeeper_limits'), Err.OK);
    assert.equal(tree.getNode('/zookeeper/zookeeper_limits'), undefined);
    assert.equal(await create('/after', 'y'), Err.OK);
    assert.equal(logged.filter((l) => l.level === 'error').length, 2, JSON.stringify(logged));
  });
});

describe('hard limits (enforceQuota)', () => {
  test('a create past the count hard limit fails with QuotaExceeded (-125) and still takes a zxid', async () => {
    const { tree, write, create, text, setquota } = setup(true);
    await create('/h');
    await setquota('/h', 'count=-1,bytes=-1=;countHardLimit=2');
    assert.equal(await create('/h/a', 'x'), Err.OK);
    const refused = await write({ type: OpCode.create, req: { path: '/h/b', data: null, acl: OPEN_ACL_UNSAFE, flags: 0 } });
    assert.equal(Err.QUOTAEXCEEDED, -125);
    assert.equal(refused.result.err, Err.QUOTAEXCEEDED);
    assert.equal(refused.txn.hdr.type, OpCode.error);
    assert.equal(tree.getNode('/h/b'), undefined);
    assert.equal(text(statPath('/h')), 'count=2,bytes=1');
  });

  test('a setData past the byte hard limit fails; shrinking data passes', async () => {
    const { set, create, text, setquota } = setup(true);
    await create('/b', '12345');
    await setquota('/b', 'count=-1,bytes=-1=;byteHardLimit=8');
    assert.equal(await set('/b', '123456789'), Err.QUOTAEXCEEDED);
    assert.equal(await set('/b', '12345678'), Err.OK);
    assert.equal(await set('/b', '1'), Err.OK);
    assert.equal(text(statPath('/b')), 'count=1,bytes=1');
    assert.equal(await create('/b/c', '1234567'), Err.OK);
    assert.equal(await create('/b/d', '1'), Err.QUOTAEXCEEDED);
    assert.equal(await create('/b/e'), Err.OK, 'no bytes added: the byte limit is not checked');
  });

  test('soft limits only log a warning', async () => {
    const { logged, create, text, setquota } = setup(true);
    await create('/s');
    await setquota('/s', 'count=1,bytes=2');
    assert.equal(await create('/s/a', 'xyz'), Err.OK);
    assert.equal(text(statPath('/s')), 'count=2,bytes=3');
    const warnings = logged.filter((l) => l.level === 'warn' && l.msg === 'Quota exceeded');
    assert.deepEqual(
      warnings.map((w) => w.details),
      [
        { quota: '/s', count: '2', limit: '1', hard: false },
        { quota: '/s', bytes: '3', limit: '2', hard: false },
      ],
    );
  });

  test('without enforceQuota hard limits are not checked', async () => {
    const { create, text, setquota } = setup(false);
    await create('/f');
    await setquota('/f', 'count=-1,bytes=-1=;countHardLimit=1');
    assert.equal(await create('/f/a'), Err.OK);
    assert.equal(text(statPath('/f')), 'count=2,bytes=0');
  });

  test('check order: NodeExists before the quota; NoAuth before it, BadVersion after it', async () => {
    const { write, create, set, setquota } = setup(true);
    await create('/o');
    await create('/o/x', 'x');
    await setquota('/o', 'count=-1,bytes=-1=;byteHardLimit=1;countHardLimit=2');
    assert.equal(await create('/o/x', 'x'), Err.NODEEXISTS);
    assert.equal(await create('/o/y'), Err.QUOTAEXCEEDED);
    assert.equal(await set('/o/x', 'longer', 7), Err.QUOTAEXCEEDED, 'the quota is checked before the version');
    const readOnly = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];
    await write({ type: OpCode.setACL, req: { path: '/o/x', acl: readOnly, version: -1 } });
    assert.equal(await set('/o/x', 'longer'), Err.NOAUTH);
  });

  test('the ops of one multi are checked against the tree before any of them applies', async () => {
    const { tree, write, create, text, setquota } = setup(true);
    await create('/m');
    await setquota('/m', 'count=-1,bytes=-1=;countHardLimit=2');
    const op = (path: string): WriteRequest => ({ type: OpCode.create, req: { path, data: null, acl: OPEN_ACL_UNSAFE, flags: 0 } });
    const multi = await write({ type: OpCode.multi, ops: [op('/m/a'), op('/m/b'), op('/m/c')] });
    assert.deepEqual(multi.result.multi?.map((r) => r.err), [Err.OK, Err.OK, Err.OK]);
    assert.equal(text(statPath('/m')), 'count=4,bytes=0');
    assert.ok(tree.getNode('/m/c'));
    assert.equal(await create('/m/d'), Err.QUOTAEXCEEDED);
  });

  test('an unreadable limits or stats node makes the write a MarshallingError', async () => {
    const { tree, write, create, set, setquota } = setup(true);
    await create('/u');
    await setquota('/u', 'count=10');
    await set(statPath('/u'), 'garbage');
    assert.equal(await create('/u/a', 'x'), Err.MARSHALLINGERROR);
    const op = (path: string): WriteRequest => ({ type: OpCode.create, req: { path, data: null, acl: OPEN_ACL_UNSAFE, flags: 0 } });
    const multi = await write({ type: OpCode.multi, ops: [op('/elsewhere'), op('/u/m')] });
    assert.equal(multi.txn.hdr.type, OpCode.error, 'the whole multi becomes one error txn, as in ZooKeeper');
    assert.equal(multi.result.err, Err.MARSHALLINGERROR);
    assert.equal(tree.getNode('/elsewhere'), undefined);
    assert.equal(await create('/elsewhere'), Err.OK, 'nothing of the failed multi is left pending');
    await set(statPath('/u'), 'count=1,bytes=0');
    await set(limitPath('/u'), null);
    assert.equal(await create('/u/b', 'x'), Err.MARSHALLINGERROR);
  });
});

describe('zoo.cfg', () => {
  const base = 'dataDir=/tmp/x\nclientPort=2181\n';

  test('enforceQuota and the container keys are read', () => {
    const { config, warnings } = parseZooCfg(
      base +
        'enforceQuota=true\nznode.container.checkIntervalMs=250\nznode.container.maxPerMinute=60\nznode.container.maxNeverUsedIntervalMs=5000000000\n',
      'zoo.cfg',
    );
    assert.deepEqual(warnings, []);
    assert.equal(config.enforceQuota, true);
    assert.equal(config.containerCheckIntervalMs, 250);
    assert.equal(config.containerMaxPerMinute, 60);
    assert.equal(config.containerMaxNeverUsedIntervalMs, 5_000_000_000);
  });

  test('digest.enabled is read (ZooKeeper\'s zookeeper.digest.enabled); a bad value is an error', () => {
    assert.equal(parseZooCfg(base + 'digest.enabled=false\n', 'zoo.cfg').config.digestEnabled, false);
    assert.deepEqual(parseZooCfg(base + 'digest.enabled=true\n', 'zoo.cfg').warnings, []);
    assert.throws(() => parseZooCfg(base + 'digest.enabled=maybe\n', 'zoo.cfg'), /digest\.enabled/);
  });

  test('defaults are ZooKeeper\'s', () => {
    const { config } = parseZooCfg(base, 'zoo.cfg');
    assert.equal(config.digestEnabled, true);
    assert.equal(config.enforceQuota, false);
    assert.equal(config.containerCheckIntervalMs, 60_000);
    assert.equal(config.containerMaxPerMinute, 10_000);
    assert.equal(config.containerMaxNeverUsedIntervalMs, 0);
  });

  test('values ZooKeeper could not use are errors naming the line', () => {
    assert.throws(() => parseZooCfg(base + 'enforceQuota=yes\n', 'zoo.cfg'), /zoo\.cfg:3: enforceQuota/);
    assert.throws(() => parseZooCfg(base + 'znode.container.checkIntervalMs=0\n', 'zoo.cfg'), /checkIntervalMs: "0" must be at least 1/);
    assert.throws(() => parseZooCfg(base + 'znode.container.maxPerMinute=-5\n', 'zoo.cfg'), /maxPerMinute/);
    assert.throws(() => parseZooCfg(base + 'znode.container.maxNeverUsedIntervalMs=-1\n', 'zoo.cfg'), /must not be negative/);
  });
});
