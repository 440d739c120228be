/**
 * Where zkts's memory per znode goes: fills a DataTree the way the server does
 * (create txns whose data are views into 64-KB socket chunks and whose ACL list is
 * decoded afresh from each request), and weighs the parts a znode is made of.
 * Run in its own process with --expose-gc (profile.ts does); prints JSON.
 */
import { DataTree } from '../src/tree/data-tree.js';
import { StatStore } from '../src/tree/stat-store.js';
import { ZNode } from '../src/tree/znode.js';
import type { ACL } from '../src/protocol/generated/records.js';
import { OpCode } from '../src/protocol/opcodes.js';
import type { Txn } from '../src/protocol/txn.js';

export interface MemoryProbe {
  znodes: number;
  /** Bytes per znode after a full GC. */
  heapPerZnode: number;
  externalPerZnode: number;
  rssPerZnode: number;
  /** The same tree with one ACL list shared by every znode (an ACL cache). */
  heapPerZnodeSharedAcl: number;
  /** Heap bytes of one of each part (measured over many). */
  parts: Record<string, number>;
}

const gcFn = (globalThis as { gc?: () => void }).gc;
function gc(): void {
  if (!gcFn) throw new Error('memory-probe needs node --expose-gc');
  gcFn();
  gcFn();
}

let zxid = 0n;
const openAcl = (): ACL[] => [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
function createTxn(path: string, data: Buffer, acl: ACL[]): Txn {
  zxid++;
  return {
    hdr: { clientId: 1n, cxid: 1, zxid, time: BigInt(Date.now()), type: OpCode.create },
    body: { type: OpCode.create, txn: { path, data, acl, ephemeral: false, parentCVersion: -1 } },
  };
}

function fill(n: number, sharedAcl: boolean): { tree: DataTree; heap: number; external: number; rss: number } {
  gc();
  const m0 = process.memoryUsage();
  const tree = new DataTree();
  tree.processTxn(createTxn('/s0', Buffer.alloc(0), openAcl()));
  const shared = openAcl();
  let chunk = Buffer.alloc(65536);
  let off = 0;
  for (let i = 0; i < n; i++) {
    // A create request of a 100-byte znode is ~140 bytes; ~450 of them arrive per 64-KB chunk.
    if (off + 140 > chunk.length) {
      chunk = Buffer.alloc(65536);
      off = 0;
    }
    const data = chunk.subarray(off + 40, off + 140);
    off += 140;
    tree.processTxn(createTxn(`/s0/n${String(i).padStart(10, '0')}`, data, sharedAcl ? shared : openAcl()));
  }
  gc();
  const m1 = process.memoryUsage();
  return { tree, heap: (m1.heapUsed - m0.heapUsed) / n, external: (m1.arrayBuffers - m0.arrayBuffers) / n, rss: (m1.rss - m0.rss) / n };
}

function weigh(make: (i: number) => unknown, n = 100_000): number {
  gc();
  const a = process.memoryUsage().heapUsed;
  const keep = new Array<unknown>(n);
  for (let i = 0; i < n; i++) keep[i] = make(i);
  gc();
  const b = process.memoryUsage().heapUsed;
  if (keep.length !== n) throw new Error('unreachable');
  return (b - a) / n - 8; // minus the array slot
}

export function probe(n: number): MemoryProbe {
  const a = fill(n, false);
  const perZnode = { heap: a.heap, external: a.external, rss: a.rss };
  if (a.tree.lastProcessedZxid === 0n) throw new Error('empty tree');
  const b = fill(n, true);
  if (b.tree.lastProcessedZxid === 0n) throw new Error('empty tree');
  const chunk = Buffer.alloc(65536);
  const stats = new StatStore();
  const parts: Record<string, number> = {
    'ZNode object (data, ACL, children, stat slot; the stat itself is 64 B outside the heap)': weigh(() => new ZNode(stats, '', [])),
    'children Set (only while a znode has children)': weigh(() => new Set<string>()),
    'ACL list decoded per request ([{perms, id: {scheme, id}}]; the tree keeps one shared copy)': weigh((i) => [{ perms: 31, id: { scheme: 'world'.slice(0), id: `anyone${i}`.slice(0, 6) } }]),
    'Buffer view of 100 bytes (object only; a request holds one)': weigh((i) => chunk.subarray(i % 400, (i % 400) + 100)),
    '100 bytes of data as the znode keeps it (byte string)': weigh((i) => chunk.toString('latin1', i % 400, (i % 400) + 100)),
    'one BigInt (a txn zxid or time; znodes keep their stat in the StatStore instead)': weigh((i) => BigInt(i) + 1234567890123n),
    'path key "/s0/n0000000000"': weigh((i) => `/s0/n${String(i).padStart(10, '0')}`),
    'Stat object (11 fields; write replies build one, read replies write the stat from the slot)': weigh((i) => ({ czxid: 1n, mzxid: 1n, ctime: 1n, mtime: 1n, version: i, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 100, numChildren: 0, pzxid: 1n })),
  };
  return { znodes: n, heapPerZnode: perZnode.heap, externalPerZnode: perZnode.external, rssPerZnode: perZnode.rss, heapPerZnodeSharedAcl: b.heap, parts };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  process.stdout.write(JSON.stringify(probe(Number(process.argv[2] ?? 200_000))) + '\n');
}
