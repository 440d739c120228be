/**
 * The digest the pipeline logs with each txn: prep computes it before the txn is
 * applied (many txns may be in flight), and it must be exactly ZooKeeper's tree
 * digest after that txn — what a tree replaying the log reaches, and what the live
 * tree reaches when it applies the txn.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WriteRequest } from '../src/protocol/client-requests.js';
import { OpCode } from '../src/protocol/opcodes.js';
import { RequestPipeline } from '../src/server/request-pipeline.js';
import { MemoryTxnLog } from '../src/server/txn-log.js';
import { OPEN_ACL_UNSAFE } from '../src/tree/acl.js';
import { DataTree } from '../src/tree/data-tree.js';
import { TREE_DIGEST_VERSION } from '../src/tree/node-digest.js';
import { seededRandom } from './support/seeded-random.js';

/** Allows everyone everything, so setACL never locks the run out, but is another ACL. */
const TWO_ENTRY_ACL = [...OPEN_ACL_UNSAFE, { perms: 1, id: { scheme: 'ip', id: '10.0.0.1' } }];
const SESSIONS = [0x0100000000000001n, 0x0100000000000002n, 0x0100000000000003n];

function setup(digest = true) {
  const tree = new DataTree({ digest });
  const log = new MemoryTxnLog(1_000_000);
  const mismatches: bigint[] = [];
  const pipeline = new RequestPipeline(
    tree,
    log,
    { extendedTypesEnabled: true, reconfigEnabled: false, onDigestMismatch: (zxid) => mismatches.push(zxid) },
    (e) => {
      throw e;
    },
  );
  let cxid = 0;
  const submit = (op: WriteRequest, sessionId: bigint) =>
    new Promise<void>((resolve) => pipeline.submit({ sessionId, cxid: ++cxid, authIds: [] }, op, () => resolve()));
  return { tree, log, pipeline, mismatches, submit };
}

/** A random write, most of them valid against `paths` (some fail: they are error txns or failed multis). */
function randomWrite(rnd: () => number, paths: string[]): { op: WriteRequest; session: bigint } {
  const pick = () => paths[Math.floor(rnd() * paths.length)] as string;
  const under = (p: string) => (p === '/' ? '' : p);
  const session = SESSIONS[Math.floor(rnd() * SESSIONS.length)] as bigint;
  const data = rnd() < 0.2 ? null : Buffer.from(`v${Math.floor(rnd() * 1000)}`.repeat(1 + Math.floor(rnd() * 3)));
  const r = rnd();
  const child = `${under(pick())}/n${Math.floor(rnd() * 50)}`;
  if (r < 0.3) {
    // persistent, ephemeral, sequential, ephemeral sequential, container, TTL
    const kind = Math.floor(rnd() * 6);
    if (kind === 4) return { op: { type: OpCode.createContainer, req: { path: child, data, acl: OPEN_ACL_UNSAFE, flags: 4 } }, session };
    if (kind === 5) return { op: { type: OpCode.createTTL, req: { path: child, data, acl: OPEN_ACL_UNSAFE, flags: 5, ttl: 60_000n } }, session };
    return { op: { type: OpCode.create2, req: { path: child, data, acl: OPEN_ACL_UNSAFE, flags: kind } }, session };
  }
  if (r < 0.5) return { op: { type: OpCode.setData, req: { path: pick(), data, version: -1 } }, session };
  if (r < 0.62) return { op: { type: OpCode.delete, req: { path: pick(), version: -1 } }, session };
  if (r < 0.7) return { op: { type: OpCode.setACL, req: { path: pick(), acl: rnd() < 0.5 ? TWO_ENTRY_ACL : OPEN_ACL_UNSAFE, version: -1 } }, session };
  if (r < 0.74) return { op: { type: OpCode.check, req: { path: pick(), version: -1 } }, session };
  if (r < 0.78) return { op: { type: OpCode.closeSession }, session };
  if (r < 0.8) return { op: { type: OpCode.createSession, timeOut: 30_000 }, session };
  // A multi: create, set and delete the same node (it succeeds or fails as a whole).
  const p = `${under(pick())}/m${Math.floor(rnd() * 10)}`;
  return {
    op: {
      type: OpCode.multi,
      ops: [
        { type: OpCode.create, req: { path: p, data, acl: OPEN_ACL_UNSAFE, flags: 0 } },
        { type: OpCode.setData, req: { path: p, data: Buffer.from('m'), version: 0 } },
        ...(rnd() < 0.5 ? [{ type: OpCode.delete, req: { path: p, version: -1 } } as WriteRequest] : []),
        { type: OpCode.setData, req: { path: pick(), data: Buffer.from('x'), version: rnd() < 0.3 ? 7 : -1 } },
      ],
    },
    session,
  };
}

describe('txn digests', () => {
  it('each logged digest is the tree digest after its txn, with up to 200 writes in flight at once', async () => {
    const rnd = seededRandom(11);
    const { tree, log, pipeline, mismatches, submit } = setup();
    for (let round = 0; round < 60; round++) {
      // Paths are picked from the applied tree: many writes of a round name the same nodes.
      const paths = [...tree.nodeEntries()].map(([p]) => p).filter((p) => !p.startsWith('/zookeeper'));
      const done: Promise<void>[] = [];
      const n = 1 + Math.floor(rnd() * 200);
      for (let i = 0; i < n; i++) {
        const { op, session } = randomWrite(rnd, paths);
        done.push(submit(op, session));
      }
      assert.ok(pipeline.outstanding > 0);
      await Promise.all(done);
    }
    assert.deepEqual(mismatches, [], 'the live tree reached every digest prep logged');

    const replay = new DataTree({ digest: true });
    let withDigest = 0;
    const types = new Set<number>();
    for (const { txn, digest } of log.txns()) {
      replay.processTxn(txn);
      types.add(txn.hdr.type);
      if (txn.hdr.type === OpCode.error) {
        assert.equal(digest, null, 'an error txn carries no digest, as in ZooKeeper');
        continue;
      }
      assert.deepEqual(digest, { version: TREE_DIGEST_VERSION, treeDigest: replay.digest }, `digest of txn 0x${txn.hdr.zxid.toString(16)}`);
      withDigest++;
    }
    assert.equal(replay.digest, tree.digest);
    assert.ok(withDigest > 1000, `${withDigest} digests checked`);
    for (const t of [OpCode.create2, OpCode.createContainer, OpCode.createTTL, OpCode.setData, OpCode.delete, OpCode.setACL, OpCode.check,
      OpCode.closeSession, OpCode.createSession, OpCode.multi, OpCode.error]) {
      assert.ok(types.has(t), `the run logged a txn of type ${t}`);
    }
  });

  it('a tree that does not reach the logged digest is reported, not hidden', async () => {
    const { tree, mismatches, submit } = setup();
    await submit({ type: OpCode.create2, req: { path: '/a', data: Buffer.from('1'), acl: OPEN_ACL_UNSAFE, flags: 0 } }, SESSIONS[0] as bigint);
    // Prep reads /a's stat from the tree; change it behind prep's back, as a bug would.
    const pending = submit({ type: OpCode.setData, req: { path: '/a', data: Buffer.from('2'), version: -1 } }, SESSIONS[0] as bigint);
    (tree.getNode('/a') as NonNullable<ReturnType<DataTree['getNode']>>).aversion = 9;
    await pending;
    assert.equal(mismatches.length, 1);
  });

  it('with digests off, txns carry none', async () => {
    const { log, submit } = setup(false);
    await submit({ type: OpCode.create2, req: { path: '/a', data: null, acl: OPEN_ACL_UNSAFE, flags: 0 } }, SESSIONS[0] as bigint);
    assert.equal(log.txns()[0]?.digest, null);
  });
});
