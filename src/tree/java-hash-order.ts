/**
 * ZooKeeper keeps a connection's auth ids in a set backed by Java's ConcurrentHashMap,
 * so whoAmI lists them, and an `auth` ACL expands them, in that map's iteration order:
 * by hash bucket, then by insertion within a bucket. Clients see that order (zkCli's
 * whoami prints it), so zkts reproduces it.
 */

/** Java's String.hashCode over UTF-16 code units, as a 32-bit int. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The hashCode jute generates for a record of string fields: 17, then 37*result + field hash. */
export function juteRecordHash(fields: readonly (string | null)[]): number {
  let result = 17;
  for (const f of fields) result = (Math.imul(37, result) + (f === null ? 0 : javaStringHash(f))) | 0;
  return result;
}

/** The bucket a hash lands in for a ConcurrentHashMap table of `size` (a power of two). */
function bucket(hash: number, size: number): number {
  const spread = (hash ^ (hash >>> 16)) & 0x7fffffff;
  return spread & (size - 1);
}

/**
 * The order a ConcurrentHashMap-backed set created empty iterates `items` (given in
 * insertion order): the table starts at 16 buckets and doubles past 3/4 full. Within
 * a bucket insertion order is kept, which is exact until the table has resized.
 */
export function concurrentHashSetOrder<T>(items: readonly T[], hashOf: (item: T) => number): T[] {
  let size = 16;
  while (items.length > size * 0.75) size *= 2;
  return items
    .map((item, i) => ({ item, i, b: bucket(hashOf(item), size) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.item);
}
