/**
 * Between snapshot files and ZkImage: resolving and building the ACL cache,
 * the root's stored path, and the digest ZooKeeper 3.8 seals into a snapshot.
 */
import { AclCacheBuilder, AclCacheReader } from './acl-cache.js';
import { FORMAT_VERSION, SNAPSHOT_MAGIC, ZkFileFormatError } from './file-header.js';
import type { SnapshotContents, SnapshotNode, ZxidDigest } from './snapshot-file.js';
import { nodeDigest, TREE_DIGEST_VERSION } from './tree-digest.js';
import { fromSnapshotPath, toSnapshotPath, type ZkImage, type ZkImageNode } from './zk-image.js';

/** The dbid ZooKeeper writes into snapshot headers. */
export const SNAPSHOT_DBID = -1n;

/** The image a snapshot holds; `zxid` is the one in the file's name. */
export function snapshotToImage(s: SnapshotContents, zxid: bigint): ZkImage & { nodes: ZkImageNode[] } {
  const acls = new AclCacheReader(s.aclCache);
  const nodes = s.nodes.map((n) => {
    const path = fromSnapshotPath(n.path);
    return { path, data: n.data, acl: acls.aclFor(n.aclKey, path), stat: n.stat };
  });
  return { zxid, sessions: s.sessions, nodes };
}

export interface ImageToSnapshotOptions {
  dbid?: bigint;
  /**
   * Seal in the tree digest (ZooKeeper 3.6+ with digest.enabled, the default).
   * ZooKeeper compares it with the tree it loads and logs a mismatch, so it is
   * always computed from the nodes, never copied.
   */
  digest?: boolean;
}

function parentOfStored(path: string): string {
  return path.substring(0, path.lastIndexOf('/'));
}

/** A snapshot holding the image. Nodes must come parents first, the root first. */
export function imageToSnapshot(image: ZkImage, opts: ImageToSnapshotOptions = {}): SnapshotContents {
  const acls = new AclCacheBuilder();
  const nodes: SnapshotNode[] = [];
  const seen = new Set<string>();
  let sum = 0n;
  for (const n of image.nodes) {
    const path = toSnapshotPath(n.path);
    if (nodes.length === 0 ? path !== '' : !seen.has(parentOfStored(path)) || !n.path.startsWith('/')) {
      throw new ZkFileFormatError(nodes.length === 0 ? `image starts with ${n.path}, not the root` : `image node ${n.path} comes before its parent`);
    }
    if (seen.has(path)) throw new ZkFileFormatError(`image holds ${n.path} twice`);
    seen.add(path);
    nodes.push({ path, data: n.data, aclKey: acls.keyFor(n.path, n.acl), stat: n.stat });
    sum += nodeDigest(n.path, n.data, n.stat);
  }
  if (nodes.length === 0) throw new ZkFileFormatError('image has no nodes');
  // Like ZooKeeper: with no zxid yet, the digest is written empty (zxid 0), which it skips.
  const digest: ZxidDigest | null =
    opts.digest === false
      ? null
      : { zxid: image.zxid, digestVersion: TREE_DIGEST_VERSION, digest: image.zxid === 0n ? 0n : BigInt.asIntN(64, sum) };
  return {
    header: { magic: SNAPSHOT_MAGIC, version: FORMAT_VERSION, dbid: opts.dbid ?? SNAPSHOT_DBID },
    sessions: [...image.sessions],
    aclCache: acls.entries,
    nodes,
    digest,
  };
}
