/**
 * The tree at the last zxid of a data dir: a ZkImage loaded into zkts's DataTree,
 * then the logged txns applied with DataTree.processTxn, sessions tracked as
 * ZooKeeper's FileTxnSnapLog tracks them, and the tree digest kept up to date so
 * each logged TxnDigest (and the snapshot's own) can be checked as ZooKeeper
 * checks them on startup. This is the one module of the folder that needs src/tree.
 */
import type { StatPersisted, TxnDigest } from '../../protocol/generated/records.js';
import { OpCode } from '../../protocol/opcodes.js';
import type { Txn } from '../../protocol/txn.js';
import { DataTree, type StoredZNode, type TxnResult } from '../../tree/data-tree.js';
import { byteStringOf, ZNode } from '../../tree/znode.js';
import type { ZxidDigest } from './snapshot-file.js';
import type { LoggedTxn } from './txn-entry.js';
import { TREE_DIGEST_VERSION } from './tree-digest.js';
import type { ZkDataDirContents } from './data-dir-reader.js';
import type { ZkImage, ZkImageNode, ZkImageSession } from './zk-image.js';

export function storedStat(node: ZNode): StatPersisted {
  return {
    czxid: node.czxid,
    mzxid: node.mzxid,
    ctime: node.ctime,
    mtime: node.mtime,
    version: node.version,
    cversion: node.cversion,
    aversion: node.aversion,
    ephemeralOwner: node.ephemeralOwner,
    pzxid: node.pzxid,
  };
}

function znodeOf(n: ZkImageNode): StoredZNode {
  return { bytes: byteStringOf(n.data), acl: n.acl, ...n.stat };
}

export function treeFromImage(image: ZkImage): DataTree {
  const tree = new DataTree({ digest: true });
  tree.loadSnapshot(
    (function* () {
      for (const n of image.nodes) yield [n.path, znodeOf(n)] as const;
    })(),
    image.zxid,
  );
  return tree;
}

function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** The tree's nodes depth first from the root, children in the tree's own order. */
export function* imageNodesOfTree(tree: DataTree): Generator<ZkImageNode> {
  const stack = ['/'];
  while (stack.length > 0) {
    const path = stack.pop()!;
    const node = tree.getNode(path);
    if (!node) continue;
    yield { path, data: node.data, acl: node.acl, stat: storedStat(node) };
    const children = [...node.children];
    for (let i = children.length - 1; i >= 0; i--) stack.push(childPath(path, children[i]!));
  }
}

export function imageOfTree(tree: DataTree, sessions: Iterable<ZkImageSession>, zxid = tree.lastProcessedZxid): ZkImage {
  return { zxid, sessions: [...sessions], nodes: imageNodesOfTree(tree) };
}

export interface DigestMismatch {
  zxid: bigint;
  /** 'snapshot': the snapshot's ZxidDigest; 'txn': a logged TxnDigest. */
  source: 'snapshot' | 'txn';
  expected: bigint;
  computed: bigint;
}

function isLogged(t: LoggedTxn | Txn): t is LoggedTxn {
  return 'txn' in t;
}

export class ZkTreeReplay {
  readonly tree: DataTree;
  /** Open sessions and their timeouts, in the order they were opened. */
  readonly sessions: Map<bigint, number>;
  readonly mismatches: DigestMismatch[] = [];
  /** Txn digests compared with the tree (and found equal or listed in mismatches). */
  digestsChecked = 0;
  /** A snapshot digest for a later zxid (fuzzy snapshot): txn digests are not compared before it. */
  private pendingSnapshotDigest: ZxidDigest | null = null;

  constructor(image: ZkImage, snapshotDigest: ZxidDigest | null = null) {
    this.tree = treeFromImage(image);
    this.sessions = new Map(image.sessions.map((s) => [s.id, s.timeout]));
    // As ZooKeeper: an empty digest (zxid 0) or one older than the snapshot is ignored.
    if (snapshotDigest !== null && snapshotDigest.zxid > 0n && snapshotDigest.zxid >= image.zxid) {
      this.pendingSnapshotDigest = snapshotDigest;
      this.checkSnapshotDigest(image.zxid);
    }
  }

  /** The tree digest now. */
  get digest(): bigint {
    return this.tree.digest ?? 0n;
  }

  get lastZxid(): bigint {
    return this.tree.lastProcessedZxid;
  }

  sessionList(): ZkImageSession[] {
    return [...this.sessions].map(([id, timeout]) => ({ id, timeout }));
  }

  image(): ZkImage {
    return imageOfTree(this.tree, this.sessionList());
  }

  /** Applies one txn; compares its logged digest, if any, as ZooKeeper does while loading. */
  apply(t: LoggedTxn | Txn): TxnResult {
    const txn = isLogged(t) ? t.txn : t;
    const result = this.tree.processTxn(txn);
    if (txn.body.type === OpCode.createSession) this.sessions.set(txn.hdr.clientId, txn.body.txn.timeOut);
    else if (txn.body.type === OpCode.closeSession) this.sessions.delete(txn.hdr.clientId);
    if (this.pendingSnapshotDigest !== null) this.checkSnapshotDigest(txn.hdr.zxid);
    if (isLogged(t) && t.digest !== null) this.checkTxnDigest(txn.hdr.zxid, t.digest);
    return result;
  }

  /** The TxnDigest ZooKeeper would log after this txn. */
  applyAndDigest(txn: Txn): LoggedTxn {
    this.apply(txn);
    return { txn, digest: txn.body.type === OpCode.error ? null : { version: TREE_DIGEST_VERSION, treeDigest: this.digest } };
  }

  private checkSnapshotDigest(zxid: bigint): void {
    const d = this.pendingSnapshotDigest;
    if (d === null || zxid !== d.zxid) return;
    this.pendingSnapshotDigest = null;
    if (d.digestVersion !== TREE_DIGEST_VERSION) return;
    if (d.digest !== this.digest) this.mismatches.push({ zxid, source: 'snapshot', expected: d.digest, computed: this.digest });
  }

  private checkTxnDigest(zxid: bigint, d: TxnDigest): void {
    if (this.pendingSnapshotDigest !== null || d.version !== TREE_DIGEST_VERSION) return;
    this.digestsChecked++;
    if (d.treeDigest !== this.digest) this.mismatches.push({ zxid, source: 'txn', expected: d.treeDigest, computed: this.digest });
  }
}

/**
 * The tree and sessions at the last zxid of a data dir, as ZooKeeper restores
 * them: its snapshot (or the fresh tree when the dir is empty) plus every txn
 * after it. Digest mismatches are in the result's `mismatches`, as ZooKeeper
 * only logs them.
 */
export function replayDataDir(contents: ZkDataDirContents): ZkTreeReplay {
  const s = contents.snapshot;
  const replay = s === null ? new ZkTreeReplay(imageOfTree(new DataTree(), [], 0n)) : new ZkTreeReplay(s.image, s.contents.digest);
  for (const t of contents.txns) replay.apply(t);
  return replay;
}
