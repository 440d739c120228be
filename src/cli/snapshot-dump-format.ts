/**
 * A snapshot as ZooKeeper's SnapshotFormatter prints it: every znode depth first
 * with its stat (and its data length, or its data in base64 with -d), the
 * sessions with their ephemeral counts, then the last zxid; or the ncdu-style
 * JSON of `-json`. Children and sessions come in the order Java's hash sets
 * and maps give them, as in the real tool's output.
 */
import type { StatPersisted } from '../protocol/generated/records.js';
import { ownerKind } from '../tree/ephemeral-owner.js';
import { baseName, parentOf } from '../tree/path-validation.js';
import { javaDateString, javaHashOrder, javaHex, javaHex016, javaLongHash, javaStringHash } from './java-text.js';

export interface SnapshotDumpNode {
  path: string;
  data: Buffer | null;
  stat: StatPersisted;
}

export interface SnapshotDump {
  /** The zxid in the snapshot's name. */
  zxid: bigint;
  /** Parents before children, the root ("/") first. */
  nodes: readonly SnapshotDumpNode[];
  sessions: readonly { id: bigint; timeout: number }[];
}

/** DataNode keeps its children in a HashSet created with capacity 8. */
const CHILD_SET_CAPACITY = 8;

interface Walk {
  byPath: Map<string, SnapshotDumpNode>;
  children: Map<string, string[]>;
}

function walkOf(dump: SnapshotDump): Walk {
  const byPath = new Map<string, SnapshotDumpNode>();
  const names = new Map<string, string[]>();
  for (const n of dump.nodes) {
    byPath.set(n.path, n);
    if (n.path === '/') continue;
    const parent = parentOf(n.path);
    let list = names.get(parent);
    if (!list) names.set(parent, (list = []));
    list.push(baseName(n.path));
  }
  const children = new Map<string, string[]>();
  for (const [parent, list] of names) children.set(parent, javaHashOrder(list, javaStringHash, CHILD_SET_CAPACITY));
  return { byPath, children };
}

function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** Depth-first paths as the formatter visits them. */
function* visit(walk: Walk): Generator<string> {
  const stack = ['/'];
  while (stack.length > 0) {
    const path = stack.pop()!;
    if (!walk.byPath.has(path)) continue;
    yield path;
    const kids = walk.children.get(path) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(childPath(path, kids[i]!));
  }
}

export function formatSnapshotDetails(dump: SnapshotDump, dumpData: boolean): string {
  const walk = walkOf(dump);
  // ZooKeeper's tree holds the root twice ("" and "/"), and counts both.
  const lines = [`ZNode Details (count=${dump.nodes.length + 1}):`];
  let maxZxid = 0n;
  for (const path of visit(walk)) {
    const n = walk.byPath.get(path)!;
    const s = n.stat;
    lines.push(
      '----',
      path,
      `  cZxid = ${javaHex016(s.czxid)}`,
      `  ctime = ${javaDateString(s.ctime)}`,
      `  mZxid = ${javaHex016(s.mzxid)}`,
      `  mtime = ${javaDateString(s.mtime)}`,
      `  pZxid = ${javaHex016(s.pzxid)}`,
      `  cversion = ${s.cversion}`,
      `  dataVersion = ${s.version}`,
      `  aclVersion = ${s.aversion}`,
      `  ephemeralOwner = ${javaHex016(s.ephemeralOwner)}`,
      dumpData ? `  data = ${n.data === null ? '' : n.data.toString('base64')}` : `  dataLength = ${n.data?.length ?? 0}`,
    );
    for (const z of [s.mzxid, s.pzxid]) if (z > maxZxid) maxZxid = z;
  }
  lines.push('----', 'Session Details (sid, timeout, ephemeralCount):');
  const ephemerals = new Map<bigint, number>();
  for (const n of dump.nodes) {
    const owner = n.stat.ephemeralOwner;
    if (ownerKind(owner) === 'ephemeral') ephemerals.set(owner, (ephemerals.get(owner) ?? 0) + 1);
  }
  for (const sess of javaHashOrder([...dump.sessions], (x) => javaLongHash(x.id))) {
    lines.push(`${javaHex016(sess.id)}, ${sess.timeout}, ${ephemerals.get(sess.id) ?? 0}`);
  }
  lines.push('----', `Last zxid: 0x${javaHex(dump.zxid > maxZxid ? dump.zxid : maxZxid)}`);
  return `${lines.join('\n')}\n`;
}

/** Jackson's quoteAsString: JSON escapes, \u00XX in upper case. */
function jacksonQuote(s: string): string {
  return JSON.stringify(s)
    .slice(1, -1)
    .replace(/\\u([0-9a-f]{4})/g, (_m, hex: string) => `\\u${hex.toUpperCase()}`);
}

/** The -json form (ncdu's export format); `timestamp` is the tool's run time. */
export function formatSnapshotJson(dump: SnapshotDump, timestamp: number): string {
  const walk = walkOf(dump);
  let inode = 1000;
  let out = `[1,0,{"progname":"SnapshotFormatter.java","progver":"0.01","timestamp":${timestamp}}`;
  const node = (path: string): void => {
    const n = walk.byPath.get(path);
    if (!n) return;
    const name = path === '/' ? '/' : baseName(path);
    const len = n.data?.length ?? 0;
    const entry = `{"name":"${jacksonQuote(name)}","asize":${len},"dsize":${len},"dev":0,"ino":${++inode}}`;
    const kids = walk.children.get(path) ?? [];
    out += ',';
    if (kids.length === 0) {
      out += entry;
      return;
    }
    out += `[${entry}`;
    for (const k of kids) node(childPath(path, k));
    out += ']';
  };
  node('/');
  return `${out}]`;
}
