/**
 * The official zkCli.sh (ZooKeeper 3.8) scripted against each target. Assertions
 * are on what zkCli prints (banner/log noise stripped) and on its exit code;
 * session ids and timestamps are compared by meaning, not by value.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { serverForSuite, targets } from './support/servers.js';
import { cliCommand, cliScript, hexBig, parseStat, type CliResult, type CliStat } from './support/zkcli.js';

function expectLines(r: CliResult, lines: string[], code: number): void {
  assert.deepEqual(r.lines, lines, `zkCli output:\n${r.raw.stdout}`);
  assert.equal(r.code, code, `zkCli exit code (output:\n${r.raw.stdout})`);
}

/** ctime/mtime are printed with Date.toString() in the JVM's zone: a real date close to now. */
function assertRecentDate(s: string): void {
  assert.match(s, /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \S+ \d{4}$/);
  const t = Date.parse(s);
  assert.ok(Number.isFinite(t), `unparseable date ${s}`);
  assert.ok(Math.abs(t - Date.now()) < 10 * 60_000, `date ${s} is not close to now`);
}

function assertFreshStat(stat: CliStat, dataLength: number): void {
  const czxid = hexBig(stat.cZxid);
  assert.ok(czxid > 0n, 'cZxid > 0');
  assert.equal(stat.mZxid, stat.cZxid, 'mZxid = cZxid on a new node');
  assert.equal(stat.pZxid, stat.cZxid, 'pZxid = cZxid on a new node');
  assertRecentDate(stat.ctime);
  assert.equal(stat.mtime, stat.ctime, 'mtime = ctime on a new node');
  assert.equal(stat.cversion, '0');
  assert.equal(stat.dataVersion, '0');
  assert.equal(stat.aclVersion, '0');
  assert.equal(stat.ephemeralOwner, '0x0');
  assert.equal(stat.dataLength, String(dataLength));
  assert.equal(stat.numChildren, '0');
}

function listLine(line: string | undefined): string[] {
  assert.ok(line !== undefined && /^\[.*\]$/.test(line), `not a child list: ${line}`);
  const inner = line.slice(1, -1);
  return inner === '' ? [] : inner.split(', ');
}

for (const target of targets) {
  describe(`zkCli.sh against ${target}`, () => {
    const hp = serverForSuite(target);

    test('create, then get and get -s print the data and a fresh stat', async () => {
      expectLines(await cliCommand(hp(), 'create', '/cli-create', 'hello'), ['Created /cli-create'], 0);
      expectLines(await cliCommand(hp(), 'get', '/cli-create'), ['hello'], 0);
      const r = await cliCommand(hp(), 'get', '-s', '/cli-create');
      assert.equal(r.code, 0);
      assert.equal(r.lines[0], 'hello');
      const { stat, end } = parseStat(r.lines, 1);
      assert.equal(end, 12);
      assert.equal(r.lines.length, 12, r.raw.stdout);
      assertFreshStat(stat, 5);
      // a node without data
      expectLines(await cliCommand(hp(), 'create', '/cli-empty'), ['Created /cli-empty'], 0);
      const e = await cliCommand(hp(), 'get', '-s', '/cli-empty');
      // zkCli sends null data (buffer length -1) when no data is given, and prints
      // "null" only if getData gives null back: the server must keep null apart from
      // empty data (an empty buffer would print an empty line).
      assert.equal(e.lines[0], 'null', 'zkCli prints "null" for a node created without data');
      assertFreshStat(parseStat(e.lines, 1).stat, 0);
      assert.ok(hexBig(parseStat(e.lines, 1).stat.cZxid) > hexBig(stat.cZxid), 'zxids grow');
    });

    test('create of an existing node, and under a missing parent', async () => {
      await cliCommand(hp(), 'create', '/cli-dup', 'a');
      expectLines(await cliCommand(hp(), 'create', '/cli-dup', 'b'), ['Node already exists: /cli-dup'], 1);
      expectLines(await cliCommand(hp(), 'get', '/cli-dup'), ['a'], 0);
      expectLines(await cliCommand(hp(), 'create', '/cli-missing/x', 'b'), ['Node does not exist: /cli-missing/x'], 1);
    });

    test('create -e: owned by the session, gone once zkCli has quit', async () => {
      const r = await cliScript(hp(), ['create -e /cli-eph e', 'get -s /cli-eph', 'create /cli-eph/child x']);
      assert.equal(r.lines[0], 'Created /cli-eph', r.raw.stdout);
      assert.equal(r.lines[1], 'e');
      const { stat, end } = parseStat(r.lines, 2);
      assert.notEqual(stat.ephemeralOwner, '0x0', 'ephemeralOwner is the session id');
      assert.ok(hexBig(stat.ephemeralOwner) > 0n);
      assert.equal(stat.dataLength, '1');
      assert.equal(r.lines[end], 'Ephemerals cannot have children: /cli-eph/child');
      assert.equal(r.lines.length, end + 1, r.raw.stdout);
      expectLines(await cliCommand(hp(), 'stat', '/cli-eph'), ['Node does not exist: /cli-eph'], 1);
    });

    // ZooKeeper quirk: the suffix is the parent's internal cversion, which counts only
    // creates; the cversion clients see is 2 * creates - numChildren (creates + deletes).
    // So after a delete the next suffix is lower than the visible cversion.
    test('create -s: 10-digit suffix counts the creates under the parent', async () => {
      const r = await cliScript(hp(), [
        'create /cli-seq',
        'create /cli-seq/plain',
        'create -s /cli-seq/q- a',
        'create -s /cli-seq/q- b',
        'delete /cli-seq/plain',
        'create -s /cli-seq/q- c',
        'create -s -e /cli-seq/e- d',
        'ls /cli-seq',
      ]);
      assert.deepEqual(
        r.lines,
        [
          'Created /cli-seq',
          'Created /cli-seq/plain',
          'Created /cli-seq/q-0000000001',
          'Created /cli-seq/q-0000000002',
          'Created /cli-seq/q-0000000003',
          'Created /cli-seq/e-0000000004',
          '[e-0000000004, q-0000000001, q-0000000002, q-0000000003]',
        ],
        r.raw.stdout,
      );
      expectLines(await cliCommand(hp(), 'get', '/cli-seq/q-0000000003'), ['c'], 0);
      // the ephemeral went with the script's session
      const ls = await cliCommand(hp(), 'ls', '-s', '/cli-seq');
      assert.equal(ls.lines[0], '[q-0000000001, q-0000000002, q-0000000003]', ls.raw.stdout);
      const { stat } = parseStat(ls.lines, 1);
      assert.equal(stat.numChildren, '3');
      assert.equal(stat.cversion, '7', '5 creates + 2 deletes (plain and the ephemeral)');
      expectLines(await cliCommand(hp(), 'create', '-s', '/cli-seq/q-'), ['Created /cli-seq/q-0000000005'], 0);
    });

    test('set, set -v with the right version, set -v with a stale version', async () => {
      await cliCommand(hp(), 'create', '/cli-set', 'v0');
      expectLines(await cliCommand(hp(), 'set', '/cli-set', 'v1'), [], 0);
      const g = await cliCommand(hp(), 'get', '-s', '/cli-set');
      assert.equal(g.lines[0], 'v1');
      const s1 = parseStat(g.lines, 1).stat;
      assert.equal(s1.dataVersion, '1');
      assert.ok(hexBig(s1.mZxid) > hexBig(s1.cZxid), 'mZxid moves on set');
      assert.equal(s1.pZxid, s1.cZxid, 'pZxid does not move on set');
      assert.ok(Date.parse(s1.mtime) >= Date.parse(s1.ctime));
      assert.equal(s1.cversion, '0');
      expectLines(await cliCommand(hp(), 'set', '-v', '1', '/cli-set', 'v2'), [], 0);
      expectLines(await cliCommand(hp(), 'set', '-v', '1', '/cli-set', 'v3'), ['version No is not valid : /cli-set'], 1);
      expectLines(await cliCommand(hp(), 'get', '/cli-set'), ['v2'], 0);
      // set -s prints the new stat
      const ss = await cliCommand(hp(), 'set', '-s', '-v', '2', '/cli-set', 'longer-value');
      assert.equal(ss.code, 0);
      const s3 = parseStat(ss.lines, 0);
      assert.equal(s3.end, ss.lines.length, ss.raw.stdout);
      assert.equal(s3.stat.dataVersion, '3');
      assert.equal(s3.stat.dataLength, '12');
      assert.equal(s3.stat.cZxid, s1.cZxid);
      assert.ok(hexBig(s3.stat.mZxid) > hexBig(s1.mZxid));
      expectLines(await cliCommand(hp(), 'set', '/cli-nope', 'x'), ['Node does not exist: /cli-nope'], 1);
    });

    test('ls, ls -s and stat', async () => {
      const setup = await cliScript(hp(), ['create /cli-ls', 'create /cli-ls/b', 'create /cli-ls/a', 'create /cli-ls/c 123']);
      assert.equal(setup.lines.length, 4, setup.raw.stdout);
      expectLines(await cliCommand(hp(), 'ls', '/cli-ls'), ['[a, b, c]'], 0);
      expectLines(await cliCommand(hp(), 'ls', '/cli-ls/a'), ['[]'], 0);
      const root = await cliCommand(hp(), 'ls', '/');
      const rootChildren = listLine(root.lines[0]);
      assert.ok(rootChildren.includes('zookeeper'), `/ lists zookeeper: ${root.lines[0]}`);
      assert.ok(rootChildren.includes('cli-ls'));
      const ls = await cliCommand(hp(), 'ls', '-s', '/cli-ls');
      assert.equal(ls.code, 0);
      assert.equal(ls.lines[0], '[a, b, c]');
      const { stat, end } = parseStat(ls.lines, 1);
      assert.equal(end, ls.lines.length, ls.raw.stdout);
      assert.equal(stat.numChildren, '3');
      assert.equal(stat.cversion, '3');
      assert.equal(stat.dataVersion, '0');
      assert.equal(stat.dataLength, '0');
      assert.equal(stat.mZxid, stat.cZxid, 'children do not move mZxid');
      const c = parseStat((await cliCommand(hp(), 'stat', '/cli-ls/c')).lines).stat;
      assert.equal(stat.pZxid, c.cZxid, 'pZxid = zxid of the last child change');
      assert.equal(c.dataLength, '3');
      const st = await cliCommand(hp(), 'stat', '/cli-ls');
      assert.equal(st.code, 0);
      assert.equal(st.lines.length, 11, st.raw.stdout);
      assert.deepEqual(parseStat(st.lines).stat, stat);
      expectLines(await cliCommand(hp(), 'ls', '/cli-nope'), ['Node does not exist: /cli-nope'], 1);
      expectLines(await cliCommand(hp(), 'stat', '/cli-nope'), ['Node does not exist: /cli-nope'], 1);
    });

    test('delete, delete -v, and delete of a node with children', async () => {
      await cliScript(hp(), ['create /cli-del', 'create /cli-del/a', 'create /cli-del/b', 'create /cli-del/c']);
      expectLines(await cliCommand(hp(), 'delete', '/cli-del'), ['Node not empty: /cli-del'], 1);
      expectLines(await cliCommand(hp(), 'delete', '-v', '5', '/cli-del/a'), ['version No is not valid : /cli-del/a'], 1);
      expectLines(await cliCommand(hp(), 'delete', '-v', '0', '/cli-del/a'), [], 0);
      expectLines(await cliCommand(hp(), 'delete', '/cli-del/b'), [], 0);
      expectLines(await cliCommand(hp(), 'stat', '/cli-del/b'), ['Node does not exist: /cli-del/b'], 1);
      expectLines(await cliCommand(hp(), 'delete', '/cli-del/b'), ['Node does not exist: /cli-del/b'], 1);
      const ls = await cliCommand(hp(), 'ls', '-s', '/cli-del');
      assert.equal(ls.lines[0], '[c]');
      const { stat } = parseStat(ls.lines, 1);
      assert.equal(stat.numChildren, '1');
      assert.equal(stat.cversion, '5', 'cversion counts creates and deletes');
      const c = parseStat((await cliCommand(hp(), 'stat', '/cli-del/c')).lines).stat;
      assert.ok(hexBig(stat.pZxid) > hexBig(c.cZxid), 'pZxid moves on child delete');
    });

    test('deleteall removes a whole subtree', async () => {
      await cliScript(hp(), [
        'create /cli-tree',
        'create /cli-tree/a',
        'create /cli-tree/a/b',
        'create /cli-tree/a/b/c',
        'create /cli-tree/d',
      ]);
      expectLines(await cliCommand(hp(), 'ls', '/cli-tree'), ['[a, d]'], 0);
      expectLines(await cliCommand(hp(), 'deleteall', '/cli-tree'), [], 0);
      expectLines(await cliCommand(hp(), 'stat', '/cli-tree'), ['Node does not exist: /cli-tree'], 1);
      expectLines(await cliCommand(hp(), 'deleteall', '/cli-tree'), ['Node does not exist: /cli-tree'], 1);
    });

    test('get of a missing node: NoNode', async () => {
      expectLines(await cliCommand(hp(), 'get', '/cli-nope'), ['Node does not exist: /cli-nope'], 1);
      expectLines(await cliCommand(hp(), 'get', '-s', '/cli-nope/deeper'), ['Node does not exist: /cli-nope/deeper'], 1);
    });

    test('a script session: errors do not end it, output keeps command order', async () => {
      const r = await cliScript(hp(), [
        'create /cli-script one',
        'create /cli-script two',
        'get /cli-script',
        'set -v 9 /cli-script x',
        'get /cli-nope',
        'delete /cli-script',
        'get /cli-script',
      ]);
      assert.deepEqual(
        r.lines,
        [
          'Created /cli-script',
          'Node already exists: /cli-script',
          'one',
          'version No is not valid : /cli-script',
          'Node does not exist: /cli-nope',
          'Node does not exist: /cli-script',
        ],
        r.raw.stdout,
      );
      assert.equal(r.code, 1, 'after quit, zkCli exits with the code of the last command (it failed)');
    });
  });
}
