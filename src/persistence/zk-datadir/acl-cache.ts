/**
 * The ACL cache of a snapshot (ZooKeeper's ReferenceCountedACLCache): each
 * distinct ACL list is stored once under a long key, and znodes refer to it.
 * Keys are handed out 1, 2, 3... in first-use order, as ZooKeeper numbers them;
 * -1 stands for world:anyone ALL on the nodes ZooKeeper itself creates.
 */
import type { ACL } from '../../protocol/generated/records.js';
import { aclListKey } from '../../tree/acl-cache.js';
import { ZkFileFormatError } from './file-header.js';
import { OPEN_ACL_KEY, type SnapshotAclEntry } from './snapshot-file.js';

/** The nodes whose built-in ACL ZooKeeper stores as key -1. */
const BUILT_IN_PATHS = new Set(['/', '/zookeeper', '/zookeeper/quota']);

function isOpenAcl(acl: readonly ACL[]): boolean {
  return acl.length === 1 && acl[0]!.perms === 31 && acl[0]!.id.scheme === 'world' && acl[0]!.id.id === 'anyone';
}


export class AclCacheBuilder {
  private readonly keys = new Map<string, bigint>();
  readonly entries: SnapshotAclEntry[] = [];

  keyFor(path: string, acl: readonly ACL[]): bigint {
    if (BUILT_IN_PATHS.has(path) && isOpenAcl(acl)) return OPEN_ACL_KEY;
    const identity = aclListKey(acl);
    let key = this.keys.get(identity);
    if (key === undefined) {
      key = BigInt(this.entries.length + 1);
      this.keys.set(identity, key);
      this.entries.push({ key, acls: acl });
    }
    return key;
  }
}

const OPEN_ACL: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** Resolves the keys of a snapshot's nodes back to ACL lists. */
export class AclCacheReader {
  private readonly byKey = new Map<bigint, readonly ACL[]>();

  constructor(entries: readonly SnapshotAclEntry[]) {
    for (const e of entries) this.byKey.set(e.key, e.acls);
  }

  aclFor(key: bigint, path: string): readonly ACL[] {
    if (key === OPEN_ACL_KEY) return OPEN_ACL;
    const acl = this.byKey.get(key);
    // ZooKeeper fails on such a node when it is read ("Failed to fetch acls").
    if (acl === undefined) throw new ZkFileFormatError(`node ${path} refers to ACL key ${key}, which the ACL cache lacks`);
    return acl;
  }
}
