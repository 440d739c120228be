/**
 * Names of the files in a `version-2` folder: `log.<hex zxid of its first txn>`,
 * `snapshot.<hex zxid>[.gz|.snappy]`, and the two epoch files of an ensemble member.
 */

export const VERSION_DIR = 'version-2';
export const LOG_PREFIX = 'log';
export const SNAPSHOT_PREFIX = 'snapshot';
export const CURRENT_EPOCH_FILE = 'currentEpoch';
export const ACCEPTED_EPOCH_FILE = 'acceptedEpoch';

/** How a snapshot file's bytes are wrapped (zookeeper.snapshot.compression.method). */
export type SnapshotCompression = 'none' | 'gz' | 'snappy';

const LONG_MAX = 0x7fffffffffffffffn;
const LONG_MIN = -0x8000000000000000n;

/** Java's Long.parseLong(s, 16): optional sign, hex digits, within a signed long. */
function parseJavaHexLong(s: string): bigint | null {
  const m = /^([+-]?)([0-9a-fA-F]+)$/.exec(s);
  if (!m) return null;
  const v = m[1] === '-' ? -BigInt(`0x${m[2]}`) : BigInt(`0x${m[2]}`);
  return v > LONG_MAX || v < LONG_MIN ? null : v;
}

/** Java's String.split: trailing empty parts are dropped. */
function javaSplitDots(name: string): string[] {
  const parts = name.split('.');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The zxid in `prefix.<hex>[.anything]`, or null where ZooKeeper would read -1 (not its file). */
export function zxidFromName(name: string, prefix: string): bigint | null {
  const parts = javaSplitDots(name);
  if (parts.length < 2 || parts[0] !== prefix) return null;
  return parseJavaHexLong(parts[1]!);
}

/** Long.toHexString: two's complement for negative values. */
export function javaHex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}

export function logFileName(firstZxid: bigint): string {
  return `${LOG_PREFIX}.${javaHex(firstZxid)}`;
}

export function snapshotFileName(zxid: bigint, compression: SnapshotCompression = 'none'): string {
  return `${SNAPSHOT_PREFIX}.${javaHex(zxid)}${compression === 'none' ? '' : `.${compression}`}`;
}

/** The wrapping ZooKeeper assumes from a snapshot's name: by its last extension, else none. */
export function compressionOfName(name: string): SnapshotCompression {
  const parts = javaSplitDots(name);
  const last = parts.length > 1 ? parts[parts.length - 1]!.toLowerCase() : '';
  return last === 'gz' ? 'gz' : last === 'snappy' ? 'snappy' : 'none';
}

export interface NamedZxidFile {
  name: string;
  zxid: bigint;
}

/**
 * Strict names. ZooKeeper itself takes any `log.<hex>.whatever` for a log (and then
 * fails on its magic); we skip such side files (e.g. `log.1.decoded.json`) instead.
 */
const STRICT_NAME: Record<typeof LOG_PREFIX | typeof SNAPSHOT_PREFIX, RegExp> = {
  log: /^log\.[0-9a-fA-F]+$/,
  snapshot: /^snapshot\.[0-9a-fA-F]+(?:\.(?:gz|snappy))?$/i,
};

/** The log or snapshot files among `names`, by zxid (ascending unless told otherwise). */
export function filesByZxid(names: readonly string[], prefix: typeof LOG_PREFIX | typeof SNAPSHOT_PREFIX, ascending = true): NamedZxidFile[] {
  const out: NamedZxidFile[] = [];
  for (const name of names) {
    if (!STRICT_NAME[prefix].test(name)) continue;
    const zxid = zxidFromName(name, prefix);
    if (zxid !== null) out.push({ name, zxid });
  }
  out.sort((x, y) => (x.zxid < y.zxid ? -1 : x.zxid > y.zxid ? 1 : 0) * (ascending ? 1 : -1));
  return out;
}
