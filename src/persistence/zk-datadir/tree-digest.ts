/** ZooKeeper's tree digest of image nodes (the rules: src/tree/node-digest.ts). */
import type { StatPersisted } from '../../protocol/generated/records.js';
import { nodeDigestOfFields } from '../../tree/node-digest.js';

export { TREE_DIGEST_VERSION } from '../../tree/node-digest.js';

export function nodeDigest(path: string, data: Buffer | null, stat: StatPersisted): bigint {
  return BigInt(nodeDigestOfFields(path, data, stat));
}

/** Sum of the node digests, wrapping as a Java long does. */
export function treeDigest(nodes: Iterable<{ path: string; data: Buffer | null; stat: StatPersisted }>): bigint {
  let sum = 0n;
  for (const n of nodes) sum += nodeDigest(n.path, n.data, n.stat);
  return BigInt.asIntN(64, sum);
}
