/**
 * The tree digest a DataTree keeps as txns apply (digest: true) is always what
 * summing every node's digest from scratch gives (ZooKeeper's DigestCalculator,
 * through the zk-datadir image code) — after creates, deletes, setData, setACL,
 * multis, failed ops, sessions closing and replays over existing nodes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpCode } from '../src/protocol/opcodes.js';
import type { Txn, TxnBody } from '../src/protocol/txn.js';
import { imageNodesOfTree } from '../src/persistence/zk-datadir/tree-replay.js';
import { treeDigest } from '../src/persistence/zk-datadir/tree-digest.js';
import { DataTree } from '../src/tree/data-tree.js';
import { seededRandom } from './persistence-support.js';

const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function fromScratch(tree: DataTree): bigint {
  return treeDigest(imageNodesOfTree(tree));
}

describe('tree digest', () => {
  it('a fresh tree starts at the digest of its root and /zookeeper; a tree without digest: true has none', () => {
    const tree = new DataTree({ digest: true });
    assert.equal(tree.digest, fromScratch(tree));
    assert.notEqual(tree.digest, 0n);
    assert.equal(new DataTree().digest, null);
  });

  it('stays equal to the from-scratch sum through 3000 random txns', () => {
    const rnd = seededRandom(7);
    const tree = new DataTree({ digest: true });
    const paths: string[] = ['/'];
    let zxid = 0n;
    const pick = (): string => paths[Math.floor(rnd() * paths.length)] as string;
    // Deletes name leaves below the root only, and ephemerals get no children: prep
    // refuses the rest before a txn exists, so the tree never sees such txns.
    const pickBelowRoot = (): string => {
      const p = paths.length > 1 ? (paths[1 + Math.floor(rnd() * (paths.length - 1))] as string) : '/missing';
      return (tree.getNode(p)?.childCount ?? 0) === 0 ? p : '/missing';
    };
    const data = (): Buffer | null => (rnd() < 0.1 ? null : Buffer.from(`d${Math.floor(rnd() * 1e6)}\u00e9\u00ff`, 'latin1'));
    for (let i = 0; i < 3000; i++) {
      const r = rnd();
      const session = 0x100n + BigInt(Math.floor(rnd() * 3));
      let body: TxnBody;
      if (r < 0.4) {
        const parent = pick();
        const path = `${parent === '/' ? '' : parent}/n${i}`;
        const ephemeral = rnd() < 0.2;
        body = { type: OpCode.create, txn: { path, data: data(), acl: OPEN, ephemeral, parentCVersion: -1 } };
        if (!ephemeral) paths.push(path);
      } else if (r < 0.55) {
        body = { type: OpCode.delete, txn: { path: pickBelowRoot() } };
      } else if (r < 0.75) {
        body = { type: OpCode.setData, txn: { path: pick(), data: data(), version: Math.floor(rnd() * 5) } };
      } else if (r < 0.82) {
        body = { type: OpCode.setACL, txn: { path: pick(), acl: rnd() < 0.5 ? OPEN : [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }], version: 3 } };
      } else if (r < 0.9) {
        // A create replayed over a node that exists (fuzzy snapshot): the parent still moves.
        const path = pick();
        body = { type: OpCode.create, txn: { path: path === '/' ? '/again' : path, data: data(), acl: OPEN, ephemeral: false, parentCVersion: 1000 + i } };
      } else if (r < 0.97) {
        const a = `/m${i}`;
        body = {
          type: OpCode.multi,
          ops: [
            { type: OpCode.create, txn: { path: a, data: data(), acl: OPEN, ephemeral: false, parentCVersion: -1 } },
            { type: OpCode.setData, txn: { path: a, data: data(), version: 1 } },
            { type: OpCode.delete, txn: { path: pickBelowRoot() } },
          ],
        };
        paths.push(a);
      } else {
        body = { type: OpCode.closeSession, txn: { paths2Delete: null } };
      }
      const txn: Txn = { hdr: { clientId: session, cxid: i, zxid: ++zxid, time: 1795263935382n + BigInt(i), type: body.type }, body };
      tree.processTxn(txn);
      if (i % 97 === 0 || i === 2999 || process.env.DIGEST_EVERY) assert.equal(tree.digest, fromScratch(tree), `after txn ${i}: ${JSON.stringify(body, (k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    }
    assert.ok(tree.nodeCount > 100, `${tree.nodeCount} nodes`);
  });
});
