import type { ACL, Stat, WatcherEvent } from '../protocol/generated/records.js';
import { Err, KeeperError } from '../protocol/error-codes.js';
import { OpCode } from '../protocol/opcodes.js';
import type { Txn, TxnBody } from '../protocol/txn.js';
import { EventType, KeeperState } from '../protocol/watch-events.js';
import { OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from './acl.js';
import { AclCache } from './acl-cache.js';
import { CONTAINER_OWNER, ownerKind, ttlOwner } from './ephemeral-owner.js';
import { baseName, parentOf } from './path-validation.js';
import { QuotaTracker } from './quota.js';
import { WatchManager, WatchMode, type Watcher, type WatchModeFlag } from './watch-manager.js';
import { StatStore } from './stat-store.js';
import { byteStringOf, ZNode } from './znode.js';

/** What applying one txn did, from which the reply is built. */
export interface TxnResult {
  type: number;
  err: number;
  path?: string;
  stat?: Stat;
  multi?: TxnResult[];
}

/** A znode's stored fields, as a snapshot holds them. */
export type StoredZNode = Pick<
  ZNode,
  'bytes' | 'acl' | 'czxid' | 'mzxid' | 'ctime' | 'mtime' | 'version' | 'cversion' | 'aversion' | 'ephemeralOwner' | 'pzxid'
>;

/** The paths of setWatches/setWatches2, by kind of watch. */
export interface WatchLists {
  data: readonly string[];
  exist: readonly string[];
  child: readonly string[];
  persistent: readonly string[];
  persistentRecursive: readonly string[];
}

/** addWatch's mode field. */
export const AddWatchMode = { PERSISTENT: 0, PERSISTENT_RECURSIVE: 1 } as const;
export type AddWatchMode = (typeof AddWatchMode)[keyof typeof AddWatchMode];

/** The 'type' field of checkWatches/removeWatches (ZooKeeper 3.9's WatcherType). */
export const WatcherType = { Children: 1, Data: 2, Any: 3, Persistent: 4, PersistentRecursive: 5 } as const;
export type WatcherType = (typeof WatcherType)[keyof typeof WatcherType];

export const ZOOKEEPER_PATH = '/zookeeper';
export const QUOTA_PATH = '/zookeeper/quota';
export const CONFIG_PATH = '/zookeeper/config';

/** As ZooKeeper's DataTree: a digest is kept for zxids that are multiples of 128, the newest 1024 of them. */
const DIGEST_LOG_MASK = 127n;
const DIGEST_LOG_LIMIT = 1024;

/**
 * The replicated state: znodes, ephemeral ownership and watches. Changes come only
 * through processTxn, so replaying the same txns gives the same tree.
 */
export class DataTree {
  private readonly nodes = new Map<string, ZNode>();
  private readonly ephemerals = new Map<bigint, Set<string>>();
  readonly containers = new Set<string>();
  readonly ttls = new Set<string>();
  readonly dataWatches = new WatchManager();
  readonly childWatches = new WatchManager();
  /** Quota stats, kept up to date by the txns applied here. */
  readonly quotas = new QuotaTracker((p) => this.nodes.get(p));
  /** The shared ACL lists every znode points to. */
  readonly acls = new AclCache();
  /** Every znode's stat fields. */
  private readonly stats = new StatStore();
  lastProcessedZxid = 0n;

  /** Whether the tree keeps ZooKeeper's tree digest up to date (node-digest.ts). */
  private readonly digesting: boolean;
  private digestSum = 0n;
  /** Digest change of the txn being applied, added to digestSum once it is done. */
  private digestDelta = 0;
  /** The digest after each zxid that is a multiple of 128, the newest DIGEST_LOG_LIMIT of them (`hash`). */
  private readonly recentDigests: { zxid: bigint; digest: bigint }[] = [];

  constructor(options: { digest?: boolean } = {}) {
    this.digesting = options.digest ?? false;
    const zero = (acl: ACL[], aversion = 0) => {
      const node = new ZNode(this.stats, '', this.acls.intern(acl));
      node.aversion = aversion;
      return node;
    };
    this.nodes.set('/', zero(OPEN_ACL_UNSAFE));
    this.addSystemNode(ZOOKEEPER_PATH, zero(OPEN_ACL_UNSAFE));
    this.addSystemNode(QUOTA_PATH, zero(OPEN_ACL_UNSAFE));
    this.addSystemNode(CONFIG_PATH, zero(READ_ACL_UNSAFE, -1));
    this.recomputeDigest();
  }

  /**
   * ZooKeeper's tree digest after the last applied txn (a Java long), or null when
   * this tree was made without `digest: true`.
   */
  get digest(): bigint | null {
    return this.digesting ? this.digestSum : null;
  }

  private recomputeDigest(): void {
    if (!this.digesting) return;
    let sum = 0n;
    let part = 0;
    for (const [path, node] of this.nodes) {
      part += node.digest(path);
      // A double holds sums of CRCs exactly up to 2^53: fold into the BigInt well before.
      if (part > 2 ** 52) {
        sum += BigInt(part);
        part = 0;
      }
    }
    this.digestSum = BigInt.asIntN(64, sum + BigInt(part));
    this.digestDelta = 0;
  }

  /** Takes a node's digest out of the sum before it changes (or goes). */
  private unDigest(path: string, node: ZNode): void {
    if (this.digesting) this.digestDelta -= node.digest(path);
  }

  /** Puts a node's digest (back) into the sum after it changed (or came). */
  private reDigest(path: string, node: ZNode): void {
    if (this.digesting) this.digestDelta += node.digest(path);
  }

  private addSystemNode(path: string, node: ZNode): void {
    this.nodes.set(path, node);
    this.nodes.get(parentOf(path))?.addChild(baseName(path));
  }

  getNode(path: string): ZNode | undefined {
    return this.nodes.get(path);
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  isSystemPath(path: string): boolean {
    return path === '/' || path === ZOOKEEPER_PATH || path === QUOTA_PATH || path === CONFIG_PATH;
  }

  ephemeralsOf(sessionId: bigint): ReadonlySet<string> {
    return this.ephemerals.get(sessionId) ?? new Set();
  }

  get ephemeralCount(): number {
    let n = 0;
    for (const s of this.ephemerals.values()) n += s.size;
    return n;
  }

  /** Sum of path and data lengths, as ZooKeeper's approximate data size. */
  approximateDataSize(): number {
    let n = 0;
    for (const [p, node] of this.nodes) n += p.length + node.dataLength;
    return n;
  }

  sessionsWithEphemerals(): Map<bigint, ReadonlySet<string>> {
    return new Map(this.ephemerals);
  }

  // ---- reads (with optional watch registration) ----

  /**
   * exists: the node, or null; the data watch is set either way. The node is
   * live: a reply must take what it needs from it before the next txn applies.
   */
  statNode(path: string, watcher?: Watcher): ZNode | null {
    const node = this.nodes.get(path);
    if (watcher) this.dataWatches.add(path, watcher);
    return node ?? null;
  }

  /** getData: the (live) node, with a data watch if asked. */
  getData(path: string, watcher?: Watcher): ZNode {
    const node = this.nodes.get(path);
    if (!node) throw new KeeperError(Err.NONODE, path);
    if (watcher) this.dataWatches.add(path, watcher);
    return node;
  }

  /** getChildren: the (live) node, with a child watch if asked. */
  getChildren(path: string, watcher?: Watcher): ZNode {
    const node = this.nodes.get(path);
    if (!node) throw new KeeperError(Err.NONODE, path);
    if (watcher) this.childWatches.add(path, watcher);
    return node;
  }

  removeWatcher(watcher: Watcher): void {
    this.dataWatches.removeWatcher(watcher);
    this.childWatches.removeWatcher(watcher);
  }

  /**
   * addWatch: a persistent watch sits in both tables (data and child events of the
   * node); a recursive one only in the data table, so it never sees child events.
   */
  addWatch(path: string, watcher: Watcher, mode: AddWatchMode): void {
    const flag = mode === AddWatchMode.PERSISTENT_RECURSIVE ? WatchMode.PERSISTENT_RECURSIVE : WatchMode.PERSISTENT;
    this.dataWatches.add(path, watcher, flag);
    if (flag === WatchMode.PERSISTENT) this.childWatches.add(path, watcher, flag);
  }

  /**
   * Re-registers a reconnecting client's watches. One-shot watches whose node changed
   * after relativeZxid (the last zxid the client saw) fire at once instead, as in
   * ZooKeeper; persistent ones are simply set again.
   */
  setWatches(relativeZxid: bigint, lists: WatchLists, watcher: Watcher): void {
    const fire = (type: number, path: string) => watcher.process({ type, state: KeeperState.SyncConnected, path });
    for (const p of lists.data) {
      const node = this.nodes.get(p);
      if (!node) fire(EventType.NodeDeleted, p);
      else if (node.mzxid > relativeZxid) fire(EventType.NodeDataChanged, p);
      else this.dataWatches.add(p, watcher);
    }
    for (const p of lists.exist) {
      if (this.nodes.get(p)) fire(EventType.NodeCreated, p);
      else this.dataWatches.add(p, watcher);
    }
    for (const p of lists.child) {
      const node = this.nodes.get(p);
      if (!node) fire(EventType.NodeDeleted, p);
      else if (node.pzxid > relativeZxid) fire(EventType.NodeChildrenChanged, p);
      else this.childWatches.add(p, watcher);
    }
    for (const p of lists.persistent) this.addWatch(p, watcher, AddWatchMode.PERSISTENT);
    for (const p of lists.persistentRecursive) this.addWatch(p, watcher, AddWatchMode.PERSISTENT_RECURSIVE);
  }

  /** checkWatches: does the watcher hold a watch of this type on exactly this path? */
  containsWatch(path: string, type: WatcherType, watcher: Watcher): boolean {
    switch (type) {
      case WatcherType.Children:
        return this.childWatches.has(path, watcher, WatchMode.STANDARD);
      case WatcherType.Data:
        return this.dataWatches.has(path, watcher, WatchMode.STANDARD);
      case WatcherType.Persistent:
        return this.dataWatches.has(path, watcher, WatchMode.PERSISTENT);
      case WatcherType.PersistentRecursive:
        return this.dataWatches.has(path, watcher, WatchMode.PERSISTENT_RECURSIVE);
      case WatcherType.Any:
        return this.childWatches.has(path, watcher) || this.dataWatches.has(path, watcher);
    }
  }

  /** removeWatches: drops the watches of this type; returns whether there were any. */
  removeWatch(path: string, type: WatcherType, watcher: Watcher): boolean {
    const fromBoth = (mode?: WatchModeFlag) => {
      const child = this.childWatches.remove(path, watcher, mode);
      const data = this.dataWatches.remove(path, watcher, mode);
      return child || data;
    };
    switch (type) {
      case WatcherType.Children:
        return this.childWatches.remove(path, watcher, WatchMode.STANDARD);
      case WatcherType.Data:
        return this.dataWatches.remove(path, watcher, WatchMode.STANDARD);
      case WatcherType.Persistent:
        return fromBoth(WatchMode.PERSISTENT);
      case WatcherType.PersistentRecursive:
        return this.dataWatches.remove(path, watcher, WatchMode.PERSISTENT_RECURSIVE);
      case WatcherType.Any:
        return fromBoth();
    }
  }

  // ---- snapshots and recovery (src/persistence) ----

  /**
   * Every node, parents before children (insertion order; a node is only ever
   * added after its parent). Live: a fuzzy snapshot walks it across turns, and
   * a Map iterator visits nodes added meanwhile and skips deleted ones.
   */
  nodeEntries(): IterableIterator<[string, ZNode]> {
    return this.nodes.entries();
  }

  /**
   * Puts a node read from a snapshot in place; finishRestore() links the children.
   */
  restoreNode(path: string, n: StoredZNode): void {
    const node = new ZNode(this.stats, n.bytes, this.acls.intern(n.acl));
    node.czxid = n.czxid;
    node.mzxid = n.mzxid;
    node.ctime = n.ctime;
    node.mtime = n.mtime;
    node.version = n.version;
    node.cversion = n.cversion;
    node.aversion = n.aversion;
    node.ephemeralOwner = n.ephemeralOwner;
    node.pzxid = n.pzxid;
    this.place(path, node);
  }

  /** restoreNode for a snapshot record: the stat as a jute StatPersisted at stat[statOffset]. */
  restoreRecord(path: string, bytes: string | null, acl: readonly ACL[], stat: Uint8Array, statOffset: number): void {
    const node = new ZNode(this.stats, bytes, this.acls.intern(acl));
    node.loadStatPersisted(stat, statOffset);
    this.place(path, node);
  }

  /** Puts a restored node at `path`, in place of any node there (the empty tree's own). */
  private place(path: string, node: ZNode): void {
    this.nodes.get(path)?.release();
    this.nodes.set(path, node);
  }

  /**
   * Rebuilds children, ephemerals, containers and TTLs from the nodes; returns paths
   * whose parent is missing. The digest is `nodesDigest` if given (summed when the
   * snapshot was written), else computed from every node.
   */
  finishRestore(nodesDigest?: bigint): string[] {
    const orphans: string[] = [];
    this.ephemerals.clear();
    this.containers.clear();
    this.ttls.clear();
    for (const node of this.nodes.values()) node.clearChildren();
    if (!this.nodes.has('/')) orphans.push('/');
    for (const [path, node] of this.nodes) {
      if (path === '/') continue;
      const parent = this.nodes.get(parentOf(path));
      if (parent) parent.addChild(baseName(path));
      else orphans.push(path);
      this.trackOwner(path, node.ephemeralOwner);
    }
    // As ZooKeeper after loading a snapshot: the quota paths and their stats from the tree.
    this.quotas.rebuild();
    if (nodesDigest === undefined) this.recomputeDigest();
    else if (this.digesting) this.digestSum = BigInt.asIntN(64, nodesDigest);
    return orphans;
  }

  // ---- snapshot loading ----

  /**
   * Replaces the whole tree with the nodes of a snapshot taken at `zxid` (an Apache
   * ZooKeeper snapshot being imported). Fires no watches.
   */
  loadSnapshot(entries: Iterable<readonly [path: string, node: StoredZNode]>, zxid: bigint): void {
    for (const node of this.nodes.values()) node.release();
    this.nodes.clear();
    for (const [path, node] of entries) {
      if (this.nodes.has(path)) throw new Error(`snapshot holds ${path} twice`);
      this.restoreNode(path, node);
    }
    const orphans = this.finishRestore();
    if (orphans.includes('/')) throw new Error('snapshot has no root node');
    if (orphans.length > 0) throw new Error(`snapshot node ${orphans[0]} has no parent`);
    this.lastProcessedZxid = zxid;
  }

  // ---- txn application ----

  processTxn(txn: Txn): TxnResult {
    const result = this.applyBody(txn.body, txn.hdr.clientId, txn.hdr.zxid, txn.hdr.time);
    if (txn.hdr.zxid > this.lastProcessedZxid) this.lastProcessedZxid = txn.hdr.zxid;
    if (this.digestDelta !== 0) {
      this.digestSum = BigInt.asIntN(64, this.digestSum + BigInt(this.digestDelta));
      this.digestDelta = 0;
    }
    if (this.digesting && (txn.hdr.zxid & DIGEST_LOG_MASK) === 0n) {
      this.recentDigests.push({ zxid: txn.hdr.zxid, digest: this.digestSum });
      if (this.recentDigests.length > DIGEST_LOG_LIMIT) this.recentDigests.shift();
    }
    return result;
  }

  /** Recent tree digests, oldest first, as ZooKeeper keeps them for the `hash` command. */
  digestLog(): readonly { readonly zxid: bigint; readonly digest: bigint }[] {
    return this.recentDigests;
  }

  private applyBody(body: TxnBody, sessionId: bigint, zxid: bigint, time: bigint): TxnResult {
    const res: TxnResult = { type: body.type, err: Err.OK };
    try {
      switch (body.type) {
        case OpCode.create:
        case OpCode.create2: {
          const t = body.txn;
          const path = t.path ?? '';
          res.path = path;
          res.stat = this.createNode(path, t.data, t.acl ?? [], t.ephemeral ? sessionId : 0n, t.parentCVersion, zxid, time);
          break;
        }
        case OpCode.createContainer: {
          const t = body.txn;
          const path = t.path ?? '';
          res.path = path;
          res.stat = this.createNode(path, t.data, t.acl ?? [], CONTAINER_OWNER, t.parentCVersion, zxid, time);
          break;
        }
        case OpCode.createTTL: {
          const t = body.txn;
          const path = t.path ?? '';
          res.path = path;
          res.stat = this.createNode(path, t.data, t.acl ?? [], ttlOwner(t.ttl), t.parentCVersion, zxid, time);
          break;
        }
        case OpCode.delete:
        case OpCode.deleteContainer:
          res.path = body.txn.path ?? '';
          this.deleteNode(res.path, zxid);
          break;
        case OpCode.setData:
        case OpCode.reconfig: {
          // A reconfig is logged as a setData of /zookeeper/config and applied as one.
          const t = body.txn;
          res.path = t.path ?? '';
          res.stat = this.setData(res.path, t.data, t.version, zxid, time);
          break;
        }
        case OpCode.setACL: {
          const t = body.txn;
          res.path = t.path ?? '';
          res.stat = this.setACL(res.path, t.acl ?? [], t.version);
          break;
        }
        case OpCode.check:
          res.path = body.txn.path ?? '';
          break;
        case OpCode.createSession:
          break;
        case OpCode.closeSession:
          this.killSession(sessionId, zxid, body.txn.paths2Delete);
          break;
        case OpCode.error:
          res.err = body.txn.err;
          break;
        case OpCode.multi:
          res.multi = this.applyMulti(body.ops, sessionId, zxid, time);
          break;
      }
    } catch (e) {
      if (!(e instanceof KeeperError)) throw e;
      res.err = e.code;
    }
    return res;
  }

  /** A multi with any error op applies nothing: every op before it reports 0, after it -2. */
  private applyMulti(ops: TxnBody[], sessionId: bigint, zxid: bigint, time: bigint): TxnResult[] {
    const failed = ops.some((op) => op.type === OpCode.error);
    let seenError = false;
    return ops.map((op) => {
      if (failed && op.type !== OpCode.error) {
        return { type: OpCode.error, err: seenError ? Err.RUNTIMEINCONSISTENCY : Err.OK };
      }
      if (op.type === OpCode.error) seenError = true;
      return this.applyBody(op, sessionId, zxid, time);
    });
  }

  private createNode(
    path: string,
    data: Buffer | null,
    acl: ACL[],
    owner: bigint,
    parentCVersion: number,
    zxid: bigint,
    time: bigint,
  ): Stat {
    const parentPath = parentOf(path);
    const parent = this.nodes.get(parentPath);
    if (!parent) throw new KeeperError(Err.NONODE, path);
    const name = baseName(path);
    const cv = parentCVersion === -1 ? parent.cversion + 1 : parentCVersion;
    this.unDigest(parentPath, parent);
    // Only when replaying over a fuzzy snapshot can the node exist already (live,
    // prep rules it out): the parent may have been written before this create,
    // so its cversion and pzxid still move forward, as in ZooKeeper.
    if (cv > parent.cversion) {
      parent.cversion = cv;
      parent.pzxid = zxid;
    }
    if (parent.hasChild(name)) {
      this.reDigest(parentPath, parent);
      throw new KeeperError(Err.NODEEXISTS, path);
    }
    const node = new ZNode(this.stats, byteStringOf(data), this.acls.intern(acl));
    node.setCreated(zxid, time, owner);
    parent.addChild(name);
    this.nodes.set(path, node);
    this.reDigest(parentPath, parent);
    this.reDigest(path, node);
    this.trackOwner(path, owner);
    this.quotas.created(path, parentPath, name, data?.length ?? 0);
    this.fire(this.dataWatches.trigger(path), EventType.NodeCreated, path, acl);
    this.fire(this.childWatches.trigger(parentPath), EventType.NodeChildrenChanged, parentPath, parent.acl);
    return node.stat();
  }

  /** Files the node under its session, the containers or the TTL nodes, by its stored owner field. */
  private trackOwner(path: string, owner: bigint): void {
    switch (ownerKind(owner)) {
      case 'container':
        this.containers.add(path);
        break;
      case 'ttl':
        this.ttls.add(path);
        break;
      case 'ephemeral': {
        let set = this.ephemerals.get(owner);
        if (!set) this.ephemerals.set(owner, (set = new Set()));
        set.add(path);
        break;
      }
      case 'persistent':
        break;
    }
  }

  private deleteNode(path: string, zxid: bigint): void {
    const parentPath = parentOf(path);
    const parent = this.nodes.get(parentPath);
    if (!parent) throw new KeeperError(Err.NONODE, path);
    // As in ZooKeeper, the parent's pzxid moves even if the node is gone: replaying
    // over a fuzzy snapshot, the node may have been deleted before it was written.
    this.unDigest(parentPath, parent);
    if (zxid > parent.pzxid) parent.pzxid = zxid;
    this.reDigest(parentPath, parent);
    const node = this.nodes.get(path);
    if (!node) throw new KeeperError(Err.NONODE, path);
    this.unDigest(path, node);
    parent.removeChild(baseName(path));
    this.nodes.delete(path);
    const owner = node.ephemeralOwner;
    switch (ownerKind(owner)) {
      case 'container':
        this.containers.delete(path);
        break;
      case 'ttl':
        this.ttls.delete(path);
        break;
      case 'ephemeral':
        this.ephemerals.get(owner)?.delete(path);
        if (this.ephemerals.get(owner)?.size === 0) this.ephemerals.delete(owner);
        break;
      case 'persistent':
        break;
    }
    this.quotas.deleted(path, parentPath, baseName(path), node.dataLength);
    const fired = this.dataWatches.trigger(path);
    this.fire(fired, EventType.NodeDeleted, path, node.acl);
    this.fire(this.childWatches.trigger(path, fired), EventType.NodeDeleted, path, node.acl);
    this.fire(this.childWatches.trigger(parentPath), EventType.NodeChildrenChanged, parentPath, parent.acl);    node.release();
  }

  private setData(path: string, data: Buffer | null, version: number, zxid: bigint, time: bigint): Stat {
    const node = this.nodes.get(path);
    if (!node) throw new KeeperError(Err.NONODE, path);
    const before = node.dataLength;
    this.unDigest(path, node);
    node.bytes = byteStringOf(data);
    node.version = version;
    node.mzxid = zxid;
    node.mtime = time;
    this.reDigest(path, node);
    this.quotas.dataChanged(path, before, node.dataLength);
    this.fire(this.dataWatches.trigger(path), EventType.NodeDataChanged, path, node.acl);
    return node.stat();
  }

  private setACL(path: string, acl: ACL[], version: number): Stat {
    const node = this.nodes.get(path);
    if (!node) throw new KeeperError(Err.NONODE, path);
    this.unDigest(path, node);
    node.acl = this.acls.intern(acl);
    node.aversion = version;
    this.reDigest(path, node);
    return node.stat();
  }

  private killSession(sessionId: bigint, zxid: bigint, paths: string[] | null): void {
    const list = paths ?? [...this.ephemeralsOf(sessionId)];
    for (const p of list) {
      try {
        this.deleteNode(p, zxid);
      } catch (e) {
        if (!(e instanceof KeeperError)) throw e;
      }
    }
  }

  private fire(watchers: Set<Watcher>, type: number, path: string, acl: readonly ACL[]): void {
    if (watchers.size === 0) return;
    const event: WatcherEvent = { type, state: KeeperState.SyncConnected, path };
    for (const w of watchers) w.process(event, acl);
  }
}
