/**
 * Quotas as ZooKeeper 3.8 keeps them. A quota on /p is two znodes the client writes:
 * /zookeeper/quota/p/zookeeper_limits ("count=..,bytes=..[=;byteHardLimit=..;countHardLimit=..]")
 * and /zookeeper/quota/p/zookeeper_stats, whose data the server rewrites as the subtree
 * under /p changes. Every update is driven by an applied txn, so replay gives the same
 * stats. Hard limits are checked in prep, against the applied tree, only when
 * `enforceQuota` is on.
 */
import { Err, KeeperError, WholeRequestError } from '../protocol/error-codes.js';
import type { ZNode } from './znode.js';

export const QUOTA_ROOT = '/zookeeper/quota';
const PROC_ROOT = '/zookeeper';
export const LIMIT_NODE = 'zookeeper_limits';
export const STAT_NODE = 'zookeeper_stats';

export function limitPath(path: string): string {
  return `${QUOTA_ROOT}${path}/${LIMIT_NODE}`;
}

export function statPath(path: string): string {
  return `${QUOTA_ROOT}${path}/${STAT_NODE}`;
}

// ---------------------------------------------------------------------------
// The "key=value,key=value" text (ZooKeeper's StatsTrack)

const COUNT = 'count';
const BYTES = 'bytes';
const COUNT_HARD = 'countHardLimit';
const BYTES_HARD = 'byteHardLimit';
const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

/** Java's String.split: a leading empty piece stays, trailing empty pieces go. */
function javaSplit(s: string, re: RegExp): string[] {
  if (s === '') return [''];
  const parts = s.split(re);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '') return [];
  return parts;
}

/** Java's Long.parseLong (ASCII digits), or null where it would throw. */
function parseJavaLong(s: string): bigint | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const n = BigInt(s);
  return n < LONG_MIN || n > LONG_MAX ? null : n;
}

/** Limits or usage of one quota. Absent keys read as -1, as in ZooKeeper. */
export class StatsTrack {
  private readonly values = new Map<string, bigint>();

  /**
   * Parses the znode text; null where ZooKeeper's parser throws (null data, a pair
   * without "=value", a value that is not a long). A pair "key=" reads as -1.
   */
  static parse(data: Buffer | null): StatsTrack | null {
    if (data === null) return null;
    const track = new StatsTrack();
    const text = data.toString('utf8');
    if (text.length === 0) return track;
    for (const pair of javaSplit(text, /[,;]+/)) {
      const kv = javaSplit(pair, /=/);
      const key = kv[0];
      const raw = kv[1];
      if (key === undefined || raw === undefined) return null;
      const value = raw === '' ? -1n : parseJavaLong(raw);
      if (value === null) return null;
      track.values.set(key, value);
    }
    return track;
  }

  static of(count: bigint, bytes: bigint): StatsTrack {
    const t = new StatsTrack();
    t.count = count;
    t.bytes = bytes;
    return t;
  }

  private get(key: string): bigint {
    return this.values.get(key) ?? -1n;
  }

  get count(): bigint {
    return this.get(COUNT);
  }
  set count(v: bigint) {
    this.values.set(COUNT, BigInt.asIntN(64, v));
  }
  get bytes(): bigint {
    return this.get(BYTES);
  }
  set bytes(v: bigint) {
    this.values.set(BYTES, BigInt.asIntN(64, v));
  }
  get countHardLimit(): bigint {
    return this.get(COUNT_HARD);
  }
  get byteHardLimit(): bigint {
    return this.get(BYTES_HARD);
  }

  /**
   * count and bytes first, then any other keys sorted after "=;": the stray "="
   * keeps 3.4-era parsers reading only count and bytes.
   */
  toString(): string {
    const extra = [...this.values.keys()].filter((k) => k !== COUNT && k !== BYTES).sort();
    let s = `${COUNT}=${this.count},${BYTES}=${this.bytes}`;
    if (extra.length > 0) s += '=' + extra.map((k) => `;${k}=${this.values.get(k) as bigint}`).join('');
    return s;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.toString(), 'utf8');
  }
}

// ---------------------------------------------------------------------------
// Which paths carry a quota (ZooKeeper's PathTrie)

/** Path components as ZooKeeper splits them: empty and blank (Java trim) components are skipped. */
function components(path: string): string[] {
  // eslint-disable-next-line no-control-regex
  return path.split('/').filter((c) => !/^[\u0000-\u0020]*$/.test(c));
}

interface TrieNode {
  readonly name: string;
  readonly parent: TrieNode | null;
  readonly children: Map<string, TrieNode>;
  quota: boolean;
}

export class QuotaTrie {
  private readonly root: TrieNode = { name: '/', parent: null, children: new Map(), quota: false };

  add(path: string): void {
    let node = this.root;
    for (const c of components(path)) {
      let child = node.children.get(c);
      if (!child) {
        child = { name: c, parent: node, children: new Map(), quota: false };
        node.children.set(c, child);
      }
      node = child;
    }
    node.quota = true;
  }

  /** Clears the mark; the trie node goes only if it has no children (as ZooKeeper does). */
  delete(path: string): void {
    let node = this.root;
    for (const c of components(path)) {
      const child = node.children.get(c);
      if (!child) return;
      node = child;
    }
    const parent = node.parent;
    if (!parent) return;
    node.quota = false;
    if (node.children.size === 0) parent.children.delete(node.name);
  }

  /** The deepest marked prefix of `path`, or "/" when none. */
  maxPrefix(path: string): string {
    // Every create, delete and setData asks; with no quota set there is nothing to split the path for.
    if (this.root.children.size === 0) return '/';
    let node: TrieNode | undefined = this.root;
    let deepest: TrieNode | null = null;
    for (const c of components(path)) {
      node = node.children.get(c);
      if (!node) break;
      if (node.quota) deepest = node;
    }
    if (!deepest) return '/';
    const names: string[] = [];
    for (let n: TrieNode | null = deepest; n && n !== this.root; n = n.parent) names.unshift(n.name);
    return '/' + names.join('/');
  }

  clear(): void {
    this.root.children.clear();
  }
}

// ---------------------------------------------------------------------------
// Keeping the stats nodes up to date

export type QuotaLogLevel = 'warn' | 'error';
/** Where quota warnings go (the server hands in its logger); the tree itself never logs. */
export type QuotaLog = (level: QuotaLogLevel, msg: string, details: Record<string, unknown>) => void;

export type QuotaNodeLookup = (path: string) => ZNode | undefined;


/**
 * An unreadable limits or stats node met by the quota check. ZooKeeper hits a runtime
 * exception there, outside its per-op error handling: the whole request, even a multi,
 * becomes one MarshallingError.
 */
export class QuotaDataError extends WholeRequestError {
  constructor(path: string) {
    super(Err.MARSHALLINGERROR, path);
  }
}

/**
 * The quota bookkeeping of one DataTree. The tree calls created/deleted/dataChanged
 * from its txn apply; prep calls check (when enforceQuota is on).
 */
export class QuotaTracker {
  private readonly trie = new QuotaTrie();
  log: QuotaLog | undefined;

  constructor(private readonly node: QuotaNodeLookup) {}

  /** The quota root governing `path`, or null (a quota on "/" is never kept). */
  quotaPrefixOf(path: string): string | null {
    const prefix = this.trie.maxPrefix(path);
    return prefix === '/' || prefix === '' ? null : prefix;
  }

  /** After `path` was created with `dataLength` bytes of data. */
  created(path: string, parentPath: string, name: string, dataLength: number): void {
    if (parentPath.startsWith(QUOTA_ROOT)) {
      const quotaOf = parentPath.substring(QUOTA_ROOT.length);
      if (name === LIMIT_NODE) {
        // ZooKeeper 3.8.0 throws here for an empty path (a limit node directly under /zookeeper/quota)
        // and stops serving; zkts ignores that node instead.
        if (quotaOf === '') this.report('error', 'limit node without a quota path ignored', { path });
        else this.trie.add(quotaOf);
      }
      if (name === STAT_NODE) this.recount(quotaOf);
    }
    const prefix = this.quotaPrefixOf(path);
    if (prefix !== null) this.addToStats(prefix, BigInt(dataLength), 1n);
  }

  /** After `path` (which held `dataLength` bytes) was deleted. */
  deleted(path: string, parentPath: string, name: string, dataLength: number): void {
    if (name === LIMIT_NODE && parentPath.startsWith(PROC_ROOT)) {
      // ZooKeeper strips the /zookeeper/quota prefix by length from any parent under /zookeeper;
      // where that throws (a shorter parent, or nothing left) ZooKeeper 3.8.0 stops serving.
      const quotaOf = parentPath.length > QUOTA_ROOT.length ? parentPath.substring(QUOTA_ROOT.length) : '';
      if (quotaOf === '') this.report('error', 'limit node outside a quota path deleted; no quota changed', { path });
      else this.trie.delete(quotaOf);
    }
    const prefix = this.quotaPrefixOf(path);
    if (prefix !== null) this.addToStats(prefix, -BigInt(dataLength), -1n);
  }

  /** After setData on `path` replaced `before` bytes of data by `after` bytes. */
  dataChanged(path: string, before: number, after: number): void {
    const prefix = this.quotaPrefixOf(path);
    if (prefix !== null) this.addToStats(prefix, BigInt(after - before), 0n);
  }

  /** Rebuilds the trie and every stats node from the tree (after loading a snapshot). */
  rebuild(): void {
    this.trie.clear();
    const root = this.node(QUOTA_ROOT);
    if (root) this.rebuildUnder(QUOTA_ROOT, root);
  }

  private rebuildUnder(path: string, node: ZNode): void {
    if (node.children.size === 0) {
      const suffix = `/${LIMIT_NODE}`;
      if (path.endsWith(suffix)) {
        const quotaOf = path.substring(QUOTA_ROOT.length, path.indexOf(suffix));
        this.recount(quotaOf);
        if (quotaOf !== '') this.trie.add(quotaOf);
      }
      return;
    }
    for (const child of node.children) {
      const childPath = `${path}/${child}`;
      const c = this.node(childPath);
      if (c) this.rebuildUnder(childPath, c);
    }
  }

  /**
   * Sets the stats node of `quotaOf` to the node count and data bytes of its subtree.
   * ZooKeeper keys the root as "", so an empty quota path counts the whole tree.
   */
  private recount(quotaOf: string): void {
    let count = 0n;
    let bytes = 0n;
    const stack = [quotaOf];
    for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
      const n = this.node(p === '' ? '/' : p);
      if (!n) continue;
      count++;
      bytes += BigInt(n.dataLength);
      for (const c of n.children) stack.push(`${p}/${c}`);
    }
    const stats = this.node(statPath(quotaOf));
    if (!stats) {
      this.report('warn', 'missing quota stat node', { path: statPath(quotaOf) });
      return;
    }
    stats.data = StatsTrack.of(count, bytes).toBuffer();
  }

  private addToStats(quotaOf: string, bytesDiff: bigint, countDiff: bigint): void {
    const path = statPath(quotaOf);
    const stats = this.node(path);
    if (!stats) {
      this.report('error', 'missing node for quota stat', { path });
      return;
    }
    const track = StatsTrack.parse(stats.data);
    if (!track) {
      // ZooKeeper 3.8.0 throws while applying the txn and stops serving; zkts keeps the
      // stats node as it is (the same outcome on every replay).
      this.report('error', 'quota stat node unreadable; not updated', { path, data: stats.data?.toString('utf8') ?? null });
      return;
    }
    track.count = track.count + countDiff;
    track.bytes = track.bytes + bytesDiff;
    stats.data = track.toBuffer();
  }

  /**
   * Prep's check for a create (countDiff 1) or setData (countDiff 0) under `path`:
   * QuotaExceeded past a hard limit, a warning past a soft one. Reads the applied tree,
   * as ZooKeeper does. An unreadable limit or stats node is a MarshallingError there.
   */
  check(path: string, bytesDiff: number, countDiff: number): void {
    const prefix = this.quotaPrefixOf(path);
    if (prefix === null) return;
    const limitNode = this.node(limitPath(prefix));
    if (!limitNode) {
      this.report('error', 'missing limit node for quota', { path: limitPath(prefix) });
      return;
    }
    const limits = StatsTrack.parse(limitNode.data);
    if (!limits) throw new QuotaDataError(path);
    const checkCount = countDiff !== 0 && (limits.count > -1n || limits.countHardLimit > -1n);
    const checkBytes = bytesDiff !== 0 && (limits.bytes > -1n || limits.byteHardLimit > -1n);
    if (!checkCount && !checkBytes) return;
    const statsNode = this.node(statPath(prefix));
    if (!statsNode) {
      this.report('error', 'missing node for quota stat', { path: statPath(prefix) });
      return;
    }
    const usage = StatsTrack.parse(statsNode.data);
    if (!usage) throw new QuotaDataError(path);
    // Java long arithmetic: sums wrap at 64 bits.
    if (checkCount) {
      this.limit(prefix, 'count', BigInt.asIntN(64, usage.count + BigInt(countDiff)), limits.countHardLimit, limits.count);
    }
    if (checkBytes) {
      this.limit(prefix, 'bytes', BigInt.asIntN(64, usage.bytes + BigInt(bytesDiff)), limits.byteHardLimit, limits.bytes);
    }
  }

  private limit(prefix: string, what: 'count' | 'bytes', next: bigint, hard: bigint, soft: bigint): void {
    const isHard = hard > -1n;
    const limit = isHard ? hard : soft;
    if (next <= limit) return;
    this.report('warn', 'Quota exceeded', { quota: prefix, [what]: next.toString(), limit: limit.toString(), hard: isHard });
    if (isHard) throw new KeeperError(Err.QUOTAEXCEEDED, prefix);
  }

  private report(level: QuotaLogLevel, msg: string, details: Record<string, unknown>): void {
    this.log?.(level, msg, details);
  }
}
