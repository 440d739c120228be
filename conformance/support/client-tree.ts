/**
 * Reading a whole tree through a client and comparing trees, and starting the
 * Debian ZooKeeper on a given data dir: shared by the data-dir conformance cases.
 */
import { strict as assert } from 'node:assert';
import { AuthPacket, GetACLRequest, GetACLResponse, type ACL, type Stat } from '../../src/protocol/generated/records.js';
import { OpCode } from '../../src/protocol/opcodes.js';
import { childrenOf, dataOf, decodeExact, type RawClient } from '../../test/support/raw-client.js';
import { startApacheZooKeeper, type TestServer } from './servers.js';

/** slf4j-simple on the server's class path, only so ZooKeeper writes its log (the Debian jar has no binding). */
const LOGGING_CLASSPATH = '-cp /etc/zookeeper/conf:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar';

export async function startZooKeeperOn(dataDir: string, extra: Record<string, string> = {}): Promise<TestServer> {
  const saved = process.env['JVMFLAGS'];
  process.env['JVMFLAGS'] = LOGGING_CLASSPATH;
  try {
    return await startApacheZooKeeper({ extraConfig: { dataDir, extendedTypesEnabled: 'true', preAllocSize: '64', ...extra } });
  } finally {
    if (saved === undefined) delete process.env['JVMFLAGS'];
    else process.env['JVMFLAGS'] = saved;
  }
}

export interface ClientNode {
  data: Buffer | null;
  stat: Stat;
  acl: ACL[];
}

export function ok(reply: { err: number }, what: string): void {
  assert.equal(reply.err, 0, `${what}: error ${reply.err}`);
}

export async function authenticate(c: RawClient, userPassword: string): Promise<void> {
  const r = await c.request(OpCode.auth, AuthPacket, { type: 0, scheme: 'digest', auth: Buffer.from(userPassword) }, { xid: -4 });
  ok(r, `auth ${userPassword}`);
}

/** Every node from the root: data, Stat, ACL (at most `limit` nodes). */
export async function readTree(c: RawClient, limit = 5000): Promise<Map<string, ClientNode>> {
  const out = new Map<string, ClientNode>();
  const queue = ['/'];
  while (queue.length > 0) {
    assert.ok(out.size < limit, `more than ${limit} nodes`);
    const path = queue.shift()!;
    const get = await c.getData(path);
    ok(get, `getData ${path}`);
    const { data, stat } = dataOf(get);
    const aclReply = await c.request(OpCode.getACL, GetACLRequest, { path });
    ok(aclReply, `getACL ${path}`);
    const acl = decodeExact(GetACLResponse, aclReply.body).acl ?? [];
    out.set(path, { data, stat, acl });
    const kids = await c.getChildren(path);
    ok(kids, `getChildren ${path}`);
    for (const k of childrenOf(kids).sort()) queue.push(path === '/' ? `/${k}` : `${path}/${k}`);
  }
  return out;
}

export function sameTree(actual: Map<string, ClientNode>, expected: Map<string, ClientNode>, where: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${where}: paths`);
  for (const [path, e] of expected) {
    const a = actual.get(path)!;
    assert.deepEqual(a.data, e.data, `${where} ${path}: data`);
    assert.deepEqual(a.stat, e.stat, `${where} ${path}: stat`);
    assert.deepEqual(a.acl, e.acl, `${where} ${path}: acl`);
  }
}

