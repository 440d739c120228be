/**
 * A deployment moved from Apache ZooKeeper to zkts and back with the zkts CLI,
 * with the Debian ZooKeeper 3.8.0 as judge:
 * ZooKeeper serves a tree and stops → `zkts import` → zkts serves the identical
 * tree (data, ACL, every stat field) and takes more writes → `zkts export` →
 * ZooKeeper starts on the exported dir and serves exactly what zkts served.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SetACLRequest, type ACL } from '../src/protocol/generated/records.js';
import { OpCode } from '../src/protocol/opcodes.js';
import { digestId } from '../src/tree/acl.js';
import { RawClient } from '../test/support/raw-client.js';
import { authenticate, ok, readTree, sameTree, startZooKeeperOn, type ClientNode } from './support/client-tree.js';
import { describeRun, run } from './support/proc.js';
import { startZkts, zktsCliPath } from './support/servers.js';

const scratch = mkdtempSync(join(tmpdir(), 'zk-migration-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const OPEN: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const CAROL: ACL[] = [
  { perms: 1, id: { scheme: 'world', id: 'anyone' } },
  { perms: 31, id: { scheme: 'digest', id: digestId('carol:pw') } },
];

async function zkts(args: string[]): Promise<string> {
  const r = await run(process.execPath, [zktsCliPath(), ...args], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `zkts ${args.join(' ')}:\n${describeRun(r)}`);
  return r.stdout;
}

/** Creates a few of every kind under `base`. */
async function writeSome(c: RawClient, base: string): Promise<void> {
  ok(await c.create(base, { data: Buffer.from('base') }), `create ${base}`);
  for (let i = 0; i < 20; i++) ok(await c.create(`${base}/n${i}`, { data: Buffer.from([i, 0, 255]) }), 'create n');
  ok(await c.create(`${base}/seq-`, { flags: 2 }), 'sequential');
  ok(await c.create(`${base}/seq-`, { flags: 2 }), 'sequential');
  ok(await c.create(`${base}/null`, { data: null }), 'null data');
  ok(await c.create(`${base}/carol`, { data: Buffer.from('c'), acl: CAROL }), 'digest ACL');
  ok(await c.setData(`${base}/n3`, Buffer.from('changed')), 'setData');
  ok(await c.delete(`${base}/n7`), 'delete');
  ok(await c.request(OpCode.setACL, SetACLRequest, { path: `${base}/n4`, acl: OPEN, version: 0 }), 'setACL');
}

async function treeOf(port: number): Promise<Map<string, ClientNode>> {
  const c = await RawClient.connect(port, { timeout: 30_000 });
  try {
    await authenticate(c, 'carol:pw');
    return await readTree(c);
  } finally {
    c.close();
  }
}

test('ZooKeeper → zkts import → zkts serves the same tree → zkts export → ZooKeeper serves what zkts served', async () => {
  const zkDir = join(scratch, 'zookeeper-before');
  const zk = await startZooKeeperOn(zkDir);
  let before: Map<string, ClientNode>;
  try {
    const c = await RawClient.connect(zk.port, { timeout: 30_000 });
    try {
      await authenticate(c, 'carol:pw');
      await writeSome(c, '/from-zk');
    } finally {
      c.close();
    }
    before = await treeOf(zk.port);
  } finally {
    await zk.stop();
  }

  const zktsDir = join(scratch, 'zkts');
  const cfg = join(scratch, 'zkts.cfg');
  writeFileSync(cfg, `tickTime=2000\ndataDir=${zktsDir}\nclientPort=2181\nadmin.enableServer=false\n`);
  assert.match(await zkts(['import', '--from', zkDir, '--config', cfg]), /^imported \d+ znodes and \d+ sessions at zxid 0x[0-9a-f]+ into /);

  const served = await startZkts({ extraConfig: { dataDir: zktsDir } });
  let after: Map<string, ClientNode>;
  try {
    sameTree(await treeOf(served.port), before, 'zkts after import');
    const c = await RawClient.connect(served.port, { timeout: 30_000 });
    try {
      await authenticate(c, 'carol:pw');
      await writeSome(c, '/on-zkts');
    } finally {
      c.close();
    }
    after = await treeOf(served.port);
    assert.ok(after.has('/on-zkts/carol') && after.has('/from-zk/n0'));
  } finally {
    await served.stop();
  }

  const exported = join(scratch, 'zookeeper-after');
  assert.match(await zkts(['export', '--config', cfg, '--to', exported]), /^exported \d+ znodes .* to .*snapshot\.[0-9a-f]+\n$/);
  const zk2 = await startZooKeeperOn(exported);
  try {
    sameTree(await treeOf(zk2.port), after, 'ZooKeeper on the exported dir');
  } finally {
    await zk2.stop();
  }
});

test('import refuses to overwrite an existing zkts store; export refuses a missing store', async () => {
  const cfg = join(scratch, 'empty.cfg');
  const dir = join(scratch, 'nothing-here');
  writeFileSync(cfg, `tickTime=2000\ndataDir=${dir}\nclientPort=2181\n`);
  const r = await run(process.execPath, [zktsCliPath(), 'export', '--config', cfg, '--to', join(scratch, 'out')], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, describeRun(r));
  assert.match(r.stderr, /no zkts store under/);
  const fixture = join(scratch, 'zkts'); // imported by the case above
  const cfg2 = join(scratch, 'again.cfg');
  writeFileSync(cfg2, `tickTime=2000\ndataDir=${fixture}\nclientPort=2181\n`);
  const again = await run(process.execPath, [zktsCliPath(), 'import', '--from', join(scratch, 'zookeeper-before'), '--config', cfg2], { timeoutMs: 60_000 });
  assert.equal(again.code, 1, describeRun(again));
  assert.match(again.stderr, /exists: import only into a new zkts store/);
});
