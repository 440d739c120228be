import type { ACL } from '../protocol/generated/records.js';

/**
 * One shared copy of each distinct ACL list in the tree, as ZooKeeper's ACL cache
 * keeps: a million znodes under world:anyone hold one list, not a million (each
 * decoded list is ~160 bytes of heap). Lists are forgotten once no znode holds
 * them, so setACL churn does not grow the cache.
 */
export class AclCache {
  private readonly lists = new Map<string, WeakRef<readonly ACL[]>>();
  private readonly forget = new FinalizationRegistry<string>((key) => {
    if (this.lists.get(key)?.deref() === undefined) this.lists.delete(key);
  });

  /** The list last asked about and its shared copy: restores and batches repeat one list. */
  private lastAsked: readonly ACL[] | null = null;
  private lastShared: readonly ACL[] = [];

  /** The shared list equal to `acl` (the same entries in the same order). */
  intern(acl: readonly ACL[]): readonly ACL[] {
    if (acl === this.lastAsked || acl === this.lastShared) return this.lastShared;
    const shared = this.lookUp(acl);
    this.lastAsked = acl;
    this.lastShared = shared;
    return shared;
  }

  private lookUp(acl: readonly ACL[]): readonly ACL[] {
    const key = aclListKey(acl);
    const known = this.lists.get(key)?.deref();
    if (known) return known;
    const list = Object.freeze(acl.map((a) => Object.freeze({ perms: a.perms, id: Object.freeze({ scheme: a.id.scheme, id: a.id.id }) })));
    this.lists.set(key, new WeakRef(list));
    this.forget.register(list, key);
    return list;
  }

  /** Distinct lists alive now (for the tests and the memory probe). */
  get size(): number {
    let n = 0;
    for (const ref of this.lists.values()) if (ref.deref() !== undefined) n++;
    return n;
  }
}

/**
 * A string naming the list exactly, so equal lists (same entries in order: Java's
 * List.equals) share a key: separators inside strings are escaped, and null differs from "null".
 */
export function aclListKey(acl: readonly ACL[]): string {
  if (acl.length === 1) {
    const a = acl[0] as ACL;
    return `${a.perms}|${escape(a.id.scheme)}|${escape(a.id.id)}`;
  }
  let key = '';
  for (const a of acl) key += `${a.perms}|${escape(a.id.scheme)}|${escape(a.id.id)};`;
  return key;
}

function escape(s: string | null): string {
  if (s === null) return '\\N';
  return s.includes('|') || s.includes(';') || s.includes('\\') ? s.replace(/[\\|;]/g, (c) => `\\${c}`) : s;
}
