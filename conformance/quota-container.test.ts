/**
 * Quotas (zkCli setquota/listquota/delquota, hard limits with enforceQuota) and the
 * container/TTL manager (zkCli creates containers and TTL nodes, kazoo watches them
 * go) against each target, plus exact error codes over raw frames.
 *
 * The container check interval is a JVM property in ZooKeeper
 * (-Dznode.container.checkIntervalMs, passed through JVMFLAGS, which zkServer.sh adds
 * to the java command line) and a zoo.cfg key in zkts; both get 500 ms here.
 * enforceQuota and extendedTypesEnabled are zoo.cfg keys for both (ZooKeeper turns an
 * unknown key k into the property zookeeper.k).
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { CreateTTLRequest, DeleteRequest, type Stat } from '../src/protocol/generated/records.js';
import { childrenOf, decodeMultiResponse, MultiRequestBody, OPEN_ACL, RawClient, statOf } from '../test/support/raw-client.js';
import { kazooResult, type Json } from './support/clients.js';
import { startTarget, targets, type TargetName, type TestServer } from './support/servers.js';
import { cliScript, type CliResult } from './support/zkcli.js';

const CHECK_INTERVAL_MS = 500;

/** One server for the enclosing describe block, with extra zoo.cfg keys (and JVM flags for ZooKeeper). */
function suiteServer(target: TargetName, extraConfig: Record<string, string>, jvmFlags: string[] = []): () => TestServer {
  let server: TestServer | undefined;
  before(async () => {
    const saved = process.env['JVMFLAGS'];
    // zkServer.sh puts $JVMFLAGS on the java command line; the start helper passes our env on.
    if (target === 'zookeeper' && jvmFlags.length > 0) process.env['JVMFLAGS'] = [saved ?? '', ...jvmFlags].join(' ').trim();
    try {
      server = await startTarget(target, { extraConfig });
    } finally {
      if (saved === undefined) delete process.env['JVMFLAGS'];
      else process.env['JVMFLAGS'] = saved;
    }
  });
  after(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error(`${target} is not running (see the before hook failure)`);
    return server;
  };
}

function expectLines(r: CliResult, lines: string[]): void {
  assert.deepEqual(r.lines, lines, `zkCli output:\n${r.raw.stdout}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function withRaw<T>(server: TestServer, fn: (c: RawClient) => Promise<T>): Promise<T> {
  const c = await RawClient.connect(server.port, { timeout: 10_000 });
  c.startKeepAlive(1000);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

async function statPathOf(c: RawClient, path: string): Promise<Stat | null> {
  const r = await c.exists(path);
  return r.err === 0 ? statOf(r) : null;
}

const ERR = { OK: 0, MARSHALLINGERROR: -5, UNIMPLEMENTED: -6, BADARGUMENTS: -8, NONODE: -101, BADVERSION: -103, NODEEXISTS: -110, QUOTAEXCEEDED: -125 };
const LIMITS_N3 = 'count=3,bytes=-1=;byteHardLimit=-1;countHardLimit=-1';

for (const target of targets) {
  describe(`quotas and the container manager against ${target} (enforceQuota, extendedTypesEnabled)`, () => {
    const server = suiteServer(
      target,
      { enforceQuota: 'true', extendedTypesEnabled: 'true', 'znode.container.checkIntervalMs': String(CHECK_INTERVAL_MS) },
      [`-Dznode.container.checkIntervalMs=${CHECK_INTERVAL_MS}`],
    );
    const hp = (): string => server().connectString;

    test('setquota counts the existing subtree; listquota shows stats that follow creates, setData and deletes', async () => {
      const r = await cliScript(hp(), [
        'create /qa',
        'create /qa/a hello',
        'setquota -n 3 /qa',
        'listquota /qa',
        'create /qa/b xy',
        'create /qa/b/c 1234',
        'set /qa/a hi',
        'delete /qa/b/c',
        'listquota /qa',
        'get /zookeeper/quota/qa/zookeeper_stats',
        'get /zookeeper/quota/qa/zookeeper_limits',
      ]);
      expectLines(r, [
        'Created /qa',
        'Created /qa/a',
        'absolute path is /zookeeper/quota/qa/zookeeper_limits',
        `Output quota for /qa ${LIMITS_N3}`,
        'Output stat for /qa count=2,bytes=5',
        'Created /qa/b',
        'Created /qa/b/c',
        'absolute path is /zookeeper/quota/qa/zookeeper_limits',
        `Output quota for /qa ${LIMITS_N3}`,
        'Output stat for /qa count=3,bytes=4',
        'count=3,bytes=4',
        LIMITS_N3,
      ]);
    });

    test('hard limits refuse creates and setData ("Quota has exceeded"); soft ones do not; delquota lifts them', async () => {
      const r = await cliScript(hp(), [
        'create /qh',
        'create /qh/a 1',
        'setquota -N 3 /qh',
        'create /qh/b 1',
        'create /qh/c 1',
        'setquota -n 1 /qh',
        'setquota -B 4 /qh',
        'set /qh/a 12',
        'set /qh/a 1234',
        'listquota /qh',
        'delquota -N /qh',
        'create /qh/c 1',
        'listquota /qh',
        'delquota /qh',
        'listquota /qh',
        'ls /zookeeper/quota/qh',
      ]);
      expectLines(r, [
        'Created /qh',
        'Created /qh/a',
        'Created /qh/b',
        'Quota has exceeded : /qh/c',
        // zkCli's own check, once for each setquota on an existing quota
        '[Warning]: the count quota you create is less than the existing count:3',
        '[Warning]: the count quota you create is less than the existing count:3',
        'Quota has exceeded : /qh/a',
        'absolute path is /zookeeper/quota/qh/zookeeper_limits',
        'Output quota for /qh count=1,bytes=-1=;byteHardLimit=4;countHardLimit=3',
        'Output stat for /qh count=3,bytes=3',
        'Created /qh/c',
        'absolute path is /zookeeper/quota/qh/zookeeper_limits',
        'Output quota for /qh count=1,bytes=-1=;byteHardLimit=4;countHardLimit=-1',
        'Output stat for /qh count=4,bytes=4',
        'absolute path is /zookeeper/quota/qh/zookeeper_limits',
        'quota for /qh does not exist.',
        'Node does not exist: /zookeeper/quota/qh',
      ]);
    });

    test('zkCli refuses a quota inside a quota, reading the quota tree', async () => {
      const r = await cliScript(hp(), ['create /qn', 'create /qn/in', 'setquota -n 5 /qn', 'setquota -n 5 /qn/in', 'delquota /qn', 'setquota -n 5 /qn/in', 'setquota -n 5 /qn']);
      expectLines(r, ['Created /qn', 'Created /qn/in', '/qn/in has a parent /qn which has a quota', '/qn has a child /qn/in which has a quota']);
    });

    test('quota nodes written by hand are recounted and their text parsed as ZooKeeper parses it', async () => {
      const s = '/zookeeper/quota/qe/zookeeper_stats';
      const r = await cliScript(hp(), [
        'create /qe',
        'create /qe/a abc',
        'create /zookeeper/quota/qe',
        `create ${s} count=100,bytes=100`,
        `get ${s}`,
        'create /qe/b x',
        `get ${s}`,
        'create /zookeeper/quota/qe/zookeeper_limits count=1',
        'create /qe/c x',
        `get ${s}`,
        `set ${s} count=50`,
        'create /qe/d xyz',
        `get ${s}`,
        `set ${s} count=5;bytes=7;foo=9`,
        'create /qe/e xyz',
        `get ${s}`,
        `delete ${s}`,
        'create /qe/f xyz',
        `create ${s}`,
        `get ${s}`,
        'delete /zookeeper/quota/qe/zookeeper_limits',
        'create /qe/g xyz',
        `get ${s}`,
      ]);
      expectLines(r, [
        'Created /qe',
        'Created /qe/a',
        'Created /zookeeper/quota/qe',
        `Created ${s}`,
        'count=2,bytes=3',
        'Created /qe/b',
        'count=2,bytes=3',
        'Created /zookeeper/quota/qe/zookeeper_limits',
        'Created /qe/c',
        'count=3,bytes=4',
        'Created /qe/d',
        'count=51,bytes=2',
        'Created /qe/e',
        'count=6,bytes=10=;foo=9',
        'Created /qe/f',
        `Created ${s}`,
        'count=7,bytes=14',
        'Created /qe/g',
        'count=7,bytes=14',
      ]);
    });

    test('an unreadable stats node makes a write under the quota a MarshallingError, and a whole multi one', async () => {
      const r = await cliScript(hp(), [
        'create /qg',
        'create /zookeeper/quota/qg',
        'create /zookeeper/quota/qg/zookeeper_limits count=10',
        'create /zookeeper/quota/qg/zookeeper_stats',
        'set /zookeeper/quota/qg/zookeeper_stats garbage',
        'create /qg/a x',
        'create /qg2 x',
        'ls /qg',
      ]);
      expectLines(r, [
        'Created /qg',
        'Created /zookeeper/quota/qg',
        'Created /zookeeper/quota/qg/zookeeper_limits',
        'Created /zookeeper/quota/qg/zookeeper_stats',
        'KeeperErrorCode = MarshallingError for /qg/a',
        'Created /qg2',
        '[]',
      ]);
      await withRaw(server(), async (c) => {
        const multi = await c.request(14, MultiRequestBody, [
          { type: 1, req: { path: '/qg3', data: null, acl: OPEN_ACL, flags: 0 } },
          { type: 1, req: { path: '/qg/b', data: null, acl: OPEN_ACL, flags: 0 } },
        ]);
        assert.equal(multi.err, ERR.MARSHALLINGERROR, 'the reply header carries the error');
        assert.equal(multi.body.length, 0, 'no per-op results');
        assert.equal(await statPathOf(c, '/qg3'), null);
      });
    });

    test('error codes and check order: NodeExists first, QuotaExceeded (-125) before BadVersion, each failure a zxid', async () => {
      await cliScript(hp(), ['create /qr', 'create /qr/x 1', 'setquota -N 2 /qr', 'setquota -B 3 /qr']);
      await withRaw(server(), async (c) => {
        const exists = await c.create('/qr/x');
        assert.equal(exists.err, ERR.NODEEXISTS);
        const over = await c.create('/qr/y');
        assert.equal(over.err, ERR.QUOTAEXCEEDED);
        assert.equal(over.zxid, exists.zxid + 1n, 'the refused create took a zxid');
        assert.equal((await c.setData('/qr/x', Buffer.from('1234'), 9)).err, ERR.QUOTAEXCEEDED, 'quota before version');
        assert.equal((await c.setData('/qr/x', Buffer.from('123'), 9)).err, ERR.BADVERSION);
        const ok = await c.setData('/qr/x', Buffer.from('123'), 0);
        assert.equal(ok.err, ERR.OK);
        assert.equal(statOf(ok).dataLength, 3);
        const seq = await c.create('/qr/s-', { flags: 2 });
        assert.equal(seq.err, ERR.QUOTAEXCEEDED, 'a sequential create is checked on its final path');
      });
    });

    test('a kazoo transaction is checked against the tree before any of its creates applies', async () => {
      await cliScript(hp(), ['create /qm', 'setquota -N 2 /qm']);
      const r: Json = await kazooResult(hp(), 'quota_container', '/qm', 'multi', '3');
      assert.deepEqual(r.results.map((x: Json) => x.value), ['/qm/c0', '/qm/c1', '/qm/c2']);
      assert.equal(r.stats, 'count=4,bytes=0');
      await withRaw(server(), async (c) => {
        assert.equal((await c.create('/qm/c3')).err, ERR.QUOTAEXCEEDED);
        const multi = await c.request(14, MultiRequestBody, [{ type: 1, req: { path: '/qm/m', data: null, acl: OPEN_ACL, flags: 0 } }]);
        assert.deepEqual(decodeMultiResponse(multi.body), [{ type: -1, err: ERR.QUOTAEXCEEDED, headerErr: ERR.QUOTAEXCEEDED }]);
      });
    });

    test('empty containers that had children and expired TTL nodes disappear; kazoo sees them deleted', async () => {
      const created = await cliScript(hp(), [
        'create /box',
        'create -c /box/never',
        'create -c /box/used',
        'create /box/used/x',
        'create -c /box/emptied',
        'create /box/emptied/y',
        'create -t 5000 /box/ttl',
        'create -t 1000 /box/ttlparent',
        'create /box/ttlparent/k',
        'create -s -t 5000 /box/tseq',
      ]);
      expectLines(created, [
        'Created /box',
        'Created /box/never',
        'Created /box/used',
        'Created /box/used/x',
        'Created /box/emptied',
        'Created /box/emptied/y',
        'Created /box/ttl',
        'Created /box/ttlparent',
        'Created /box/ttlparent/k',
        'Created /box/tseq0000000005',
      ]);
      const gone = ['/box/emptied', '/box/ttl', '/box/tseq0000000005'];
      const r: Json = await kazooResult(hp(), 'quota_container', '/box', 'watch-gone', '20', ...gone, '--delete', '/box/emptied/y');
      for (const p of gone) {
        assert.equal(r.present[p], true, `${p} existed when kazoo set its watch`);
        assert.deepEqual(r.events[p].map((e: Json) => e.type), ['DELETED'], `${p}: one NodeDeleted`);
        assert.equal(r.existsAfter[p], false);
      }
      await withRaw(server(), async (c) => {
        // /box/never was created more than 5 s (ten checks) ago and is still there.
        const children = childrenOf(await c.getChildren('/box'));
        assert.deepEqual(children.sort(), ['never', 'ttlparent', 'used']);
        const box = await statPathOf(c, '/box');
        assert.ok(box);
        assert.equal(box.numChildren, 3);
        assert.equal(box.cversion, 9, 'six creates and three deletes');
        for (const child of children) {
          const st = await statPathOf(c, `/box/${child}`);
          assert.ok(st && box.pzxid > st.czxid, 'each deletion was a txn with a later zxid');
          assert.equal(st.ephemeralOwner, 0n, 'containers and TTL nodes show owner 0');
        }
      });
      const last: Json = await kazooResult(hp(), 'quota_container', '/box', 'watch-gone', '20', '/box/used', '--delete', '/box/used/x');
      assert.deepEqual(last.events['/box/used'].map((e: Json) => e.type), ['DELETED']);
      await withRaw(server(), async (c) => {
        assert.deepEqual(childrenOf(await c.getChildren('/box')).sort(), ['never', 'ttlparent']);
      });
    });

    test('setData restarts the TTL of a TTL node', async () => {
      await withRaw(server(), async (c) => {
        const ttl = 4000n;
        const made = await c.request(21, CreateTTLRequest, { path: '/ttl-touched', data: null, acl: OPEN_ACL, flags: 5, ttl });
        assert.equal(made.err, ERR.OK);
        await sleep(2000);
        assert.equal((await c.setData('/ttl-touched', Buffer.from('again'))).err, ERR.OK);
        const touched = Date.now();
        await sleep(2500);
        assert.ok(await statPathOf(c, '/ttl-touched'), 'still there 4.5 s after its create, 2.5 s after its setData');
        const deadline = Date.now() + 15_000;
        while ((await statPathOf(c, '/ttl-touched')) && Date.now() < deadline) await sleep(200);
        assert.equal(await statPathOf(c, '/ttl-touched'), null, 'gone within 15 s');
        assert.ok(Date.now() - touched >= Number(ttl), 'not before its TTL since the setData');
      });
    });

    test('a deleteContainer sent by a client is BadArguments and takes a zxid', async () => {
      await withRaw(server(), async (c) => {
        const made = await c.create('/dc', { opcode: 19, flags: 4 });
        assert.equal(made.err, ERR.OK);
        await c.create('/dc/x');
        const del = await c.delete('/dc/x');
        const r = await c.request(20, DeleteRequest, { path: '/dc', version: -1 });
        assert.equal(r.err, ERR.BADARGUMENTS);
        assert.equal(r.zxid, del.zxid + 1n);
        assert.equal((await c.request(20, DeleteRequest, { path: '/nothing', version: -1 })).err, ERR.BADARGUMENTS);
      });
    });
  });

  describe(`quotas and TTL nodes against ${target} (default settings)`, () => {
    const server = suiteServer(target, {});
    const hp = (): string => server().connectString;

    test('without enforceQuota hard limits are recorded but not enforced', async () => {
      const r = await cliScript(hp(), ['create /qd', 'setquota -N 1 -B 0 /qd', 'setquota -N 1 /qd', 'create /qd/a abc', 'listquota /qd']);
      expectLines(r, [
        'Created /qd',
        "org.apache.commons.cli.AlreadySelectedException: The option 'B' was specified but an option from this group has already been selected: 'N'",
        'Created /qd/a',
        'absolute path is /zookeeper/quota/qd/zookeeper_limits',
        'Output quota for /qd count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=1',
        'Output stat for /qd count=2,bytes=3',
      ]);
    });

    test('TTL nodes need extendedTypesEnabled: Unimplemented', async () => {
      const r = await cliScript(hp(), ['create -t 1000 /ttl-off', 'ls /']);
      assert.equal(r.lines[0], 'KeeperErrorCode = Unimplemented for /ttl-off', r.raw.stdout);
      await withRaw(server(), async (c) => {
        const made = await c.request(21, CreateTTLRequest, { path: '/ttl-raw', data: null, acl: OPEN_ACL, flags: 5, ttl: 1000n });
        assert.equal(made.err, ERR.UNIMPLEMENTED);
        assert.equal(await statPathOf(c, '/ttl-raw'), null);
      });
    });
  });
}
