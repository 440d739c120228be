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
import type { LoggedTxn } from '../../protocol/txn-entry.js';
import { DigestCheck, type DigestMismatch, type ZxidDigest } from '../digest-check.js';
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

export type { DigestMismatch };

function isLogged(t: LoggedTxn | Txn): t is LoggedTxn {
  return 'txn' in t;
}

export class ZkTreeReplay {
  readonly tree: DataTree;
  /** Open sessions and their timeouts, in the order they were opened. */
  readonly sessions: Map<bigint, number>;
  private readonly check: DigestCheck;

  constructor(image: ZkImage, snapshotDigest: ZxidDigest | null = null) {
    this.tree = treeFromImage(image);
    this.sessions = new Map(image.sessions.map((s) => [s.id, s.timeout]));
    this.check = new DigestCheck(() => this.digest, snapshotDigest, image.zxid);
  }

  get mismatches(): readonly DigestMismatch[] {
    return this.check.mismatches;
  }

  /** Txn digests compared with the tree (and found equal or listed in mismatches). */
  get digestsChecked(): number {
    return this.check.checked;
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
    this.check.afterTxn(txn.hdr.zxid, isLogged(t) ? t.digest : null);
    return result;
  }

  /** The TxnDigest ZooKeeper would log after this txn. */
  applyAndDigest(txn: Txn): LoggedTxn {
    this.apply(txn);
    return { txn, digest: txn.body.type === OpCode.error ? null : { version: TREE_DIGEST_VERSION, treeDigest: this.digest } };
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
