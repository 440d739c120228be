/**
 * The stat slots: what a znode's stat fields read back as, and that the bytes
 * written straight from a slot are exactly what jute writes for Stat and
 * StatPersisted records.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Stat, StatPersisted } from '../src/protocol/generated/records.js';
import { JuteReader } from '../src/protocol/jute-reader.js';
import { JuteWriter } from '../src/protocol/jute-writer.js';
import { CONTAINER_OWNER, ttlOwner } from '../src/tree/ephemeral-owner.js';
import { StatStore } from '../src/tree/stat-store.js';
import { ZNode } from '../src/tree/znode.js';

const LONGS = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x100000002n, 1795263935382n];

function written(write: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter(8);
  write(w);
  return w.toBuffer();
}

function statOf(n: ZNode): StatPersisted {
  return StatPersisted.decode(new JuteReader(written((w) => n.writeStatPersisted(w))));
}

function nodeWith(store: StatStore, owner: bigint, children: number): ZNode {
  const n = new ZNode(store, 'data!', []);
  n.czxid = 0x100000001n;
  n.mzxid = 0x100000007n;
  n.ctime = 1795263935382n;
  n.mtime = 1795263939999n;
  n.version = 3;
  n.cversion = 5;
  n.aversion = -1;
  n.ephemeralOwner = owner;
  n.pzxid = 0x200000001n;
  for (let i = 0; i < children; i++) n.addChild(`c${i}`);
  return n;
}

describe('stat slots', () => {
  it('every field reads back what was set, for extreme longs and ints too', () => {
    const store = new StatStore();
    const n = new ZNode(store, null, []);
    for (const v of LONGS) {
      n.czxid = v;
      n.mzxid = v;
      n.ctime = v;
      n.mtime = v;
      n.ephemeralOwner = v;
      n.pzxid = v;
      assert.deepEqual([n.czxid, n.mzxid, n.ctime, n.mtime, n.ephemeralOwner, n.pzxid], [v, v, v, v, v, v]);
    }
    for (const v of [0, -1, 2147483647, -2147483648]) {
      n.version = v;
      n.cversion = v;
      n.aversion = v;
      assert.deepEqual([n.version, n.cversion, n.aversion], [v, v, v]);
    }
  });

  it('a create sets every zxid and both times at once', () => {
    const n = new ZNode(new StatStore(), '', []);
    n.setCreated(0x300000004n, 1795263935382n, 0x1234n);
    assert.deepEqual([n.czxid, n.mzxid, n.pzxid, n.ctime, n.mtime, n.ephemeralOwner], [0x300000004n, 0x300000004n, 0x300000004n, 1795263935382n, 1795263935382n, 0x1234n]);
  });

  it('writeStat writes the bytes of Stat.encode(stat()), hiding container and TTL owners as ZooKeeper does', () => {
    const store = new StatStore();
    for (const owner of [0n, 0x1000008f3a20001n, CONTAINER_OWNER, ttlOwner(60_000n), -0x7fffffffffffffffn, -1n]) {
      for (const children of [0, 3]) {
        const n = nodeWith(store, owner, children);
        const expected = written((w) => Stat.encode(w, n.stat()));
        assert.deepEqual(written((w) => n.writeStat(w)), expected, `owner ${owner}, ${children} children`);
        if (owner === CONTAINER_OWNER || owner === ttlOwner(60_000n)) assert.equal(n.stat().ephemeralOwner, 0n);
      }
    }
  });

  it('writeStatPersisted writes a StatPersisted record, and loading it gives the same fields', () => {
    const store = new StatStore();
    const n = nodeWith(store, 0x1000008f3a20001n, 0);
    const bytes = written((w) => n.writeStatPersisted(w));
    const fields = { czxid: n.czxid, mzxid: n.mzxid, ctime: n.ctime, mtime: n.mtime, version: n.version, cversion: n.cversion, aversion: n.aversion, ephemeralOwner: n.ephemeralOwner, pzxid: n.pzxid };
    assert.deepEqual(bytes, written((w) => StatPersisted.encode(w, fields)));
    const copy = new ZNode(store, 'data!', []);
    copy.loadStatPersisted(Buffer.concat([Buffer.from('xyz'), bytes]), 3);
    assert.deepEqual(copy.stat(), n.stat());
  });

  it('slots survive the store growing page by page, and a released slot comes back zeroed', () => {
    const store = new StatStore();
    const nodes = Array.from({ length: 140_000 }, (_, i) => {
      const n = new ZNode(store, null, []);
      n.mzxid = BigInt(i) * 0x100000001n;
      n.version = i;
      return n;
    });
    nodes.forEach((n, i) => assert.deepEqual([n.mzxid, n.version], [BigInt(i) * 0x100000001n, i]));
    assert.equal(store.size, 140_000);
    nodes[10]!.release();
    assert.equal(store.size, 139_999);
    const again = new ZNode(store, null, []);
    assert.deepEqual([again.mzxid, again.version, again.ephemeralOwner], [0n, 0, 0n]);
    assert.equal(nodes[11]!.version, 11);
  });

  it('a node\'s cached digest follows every change of its stat fields and data', () => {
    const store = new StatStore();
    const node = new ZNode(store, 'abc', []);
    node.setCreated(5n, 1000n, 0n);
    const fresh = (): number => {
      // A second store holding the same fields computes the digest from scratch.
      const other = new StatStore();
      const copy = new ZNode(other, node.bytes, []);
      copy.loadStatPersisted(written((w) => node.writeStatPersisted(w)), 0);
      return copy.digest('/n');
    };
    assert.equal(node.digest('/n'), fresh());
    const changes: [string, () => void][] = [
      ['version', () => (node.version = 3)],
      ['cversion', () => (node.cversion = 2)],
      ['aversion', () => (node.aversion = 1)],
      ['mzxid', () => (node.mzxid = 9n)],
      ['mtime', () => (node.mtime = 2000n)],
      ['pzxid', () => (node.pzxid = 11n)],
      ['ephemeralOwner', () => (node.ephemeralOwner = 0x77n)],
      ['data', () => (node.bytes = 'xyz')],
      ['data to null', () => (node.bytes = null)],
      ['a loaded stat', () => node.loadStatPersisted(written((w) => StatPersisted.encode(w, { ...statOf(node), czxid: 42n })), 0)],
    ];
    for (const [what, change] of changes) {
      const before = node.digest('/n');
      change();
      const after = node.digest('/n');
      assert.notEqual(after, before, `${what} changes the digest`);
      assert.equal(after, fresh(), `${what}: the cached digest is the one computed afresh`);
    }
  });

  it('a deleted znode refuses stat access instead of reading a slot now used by another', () => {
    const store = new StatStore();
    const gone = new ZNode(store, null, []);
    gone.release();
    const other = new ZNode(store, null, []);
    other.mzxid = 42n;
    assert.throws(() => gone.mzxid, /deleted znode/);
    assert.throws(() => gone.writeStat(new JuteWriter()), /deleted znode/);
    assert.equal(other.mzxid, 42n);
  });
});
