/**
 * Process facts a server hands to the four-letter words: the `envi` listing,
 * file-descriptor counts for `mntr`, directory sizes for `conf`/`dirs`, and the
 * version string. These read the live process and disk; the 4lw formatters in
 * four-letter-words.ts stay pure and get these values through FourLetterContext.
 */
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import { delimiter, dirname, join, sep } from 'node:path';
import { arch, EOL, hostname, homedir, release, tmpdir, type as osType, userInfo } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { buildDateString } from './four-letter-format.js';

/** The ZooKeeper release whose wire protocol and 4lw texts zkts follows. */
export const ZOOKEEPER_COMPAT_VERSION = '3.8.0';

/**
 * The version string srvr/stat/mntr/envi print. ZooKeeper prints
 * "3.8.0-<git commit>, built on <yyyy-MM-dd HH:mm> UTC"; zkts puts its own
 * name and version where the commit id goes ("3.8.0-zkts-0.1.0, built on ..."),
 * so tools that parse "Zookeeper version: X.Y.Z" still see 3.8.0.
 */
export function zkVersionString(zktsVersion: string, builtOn: Date): string {
  return `${ZOOKEEPER_COMPAT_VERSION}-zkts-${zktsVersion}, built on ${buildDateString(builtOn)}`;
}

/** One `key=value` line of `envi`. */
export type EnvironmentEntry = readonly [key: string, value: string];

/** The keys `envi` prints, in ZooKeeper's order (Environment.list()). */
export const ENVIRONMENT_KEYS: readonly string[] = Object.freeze([
  'zookeeper.version', 'host.name', 'java.version', 'java.vendor', 'java.home', 'java.class.path',
  'java.library.path', 'java.io.tmpdir', 'java.compiler', 'os.name', 'os.arch', 'os.version',
  'user.name', 'user.home', 'user.dir', 'os.memory.free', 'os.memory.max', 'os.memory.total',
]);

/** Java's os.arch spelling of Node's process.arch (the same machine, named as a JVM names it). */
function javaArch(nodeArch: string): string {
  switch (nodeArch) {
    case 'x64': return 'amd64';
    case 'ia32': return 'x86';
    case 'arm64': return 'aarch64';
    default: return nodeArch;
  }
}

function orNA(get: () => string | undefined): string {
  try {
    const v = get();
    return v === undefined || v === '' ? '<NA>' : v;
  } catch {
    return '<NA>';
  }
}

/**
 * `envi` for a Node process. ZooKeeper lists JVM system properties; zkts keeps
 * every key (so parsers of ZooKeeper's output keep working) and reports the
 * Node equivalent, or `<NA>` (ZooKeeper's own "not available") when there is none:
 *  - java.version     → the Node.js version (process.versions.node, e.g. "20.11.1")
 *  - java.vendor      → "Node.js"
 *  - java.home        → the Node installation prefix (two levels above process.execPath)
 *  - java.class.path  → the entry script (process.argv[1]): the code that is running
 *  - java.library.path, java.compiler → <NA> (no JVM native-library path, no JIT property)
 *  - os.arch          → Java's name for the CPU architecture (x64 → amd64, arm64 → aarch64)
 *  - os.memory.*      → V8 heap in MB: free = committed - used, max = heap limit,
 *                       total = committed heap (what the JVM's Runtime figures mean for its heap)
 */
export function nodeEnvironment(version: string): EnvironmentEntry[] {
  const mb = 1024 * 1024;
  const heap = getHeapStatistics();
  return [
    ['zookeeper.version', version],
    ['host.name', orNA(() => hostname())],
    ['java.version', process.versions.node],
    ['java.vendor', 'Node.js'],
    ['java.home', orNA(() => dirname(dirname(process.execPath)))],
    ['java.class.path', orNA(() => process.argv[1])],
    ['java.library.path', '<NA>'],
    ['java.io.tmpdir', orNA(() => tmpdir())],
    ['java.compiler', '<NA>'],
    ['os.name', orNA(() => osType())],
    ['os.arch', javaArch(arch())],
    ['os.version', orNA(() => release())],
    ['user.name', orNA(() => userInfo().username)],
    ['user.home', orNA(() => homedir())],
    ['user.dir', orNA(() => process.cwd())],
    ['os.memory.free', `${Math.floor((heap.total_heap_size - heap.used_heap_size) / mb)}MB`],
    ['os.memory.max', `${Math.floor(heap.heap_size_limit / mb)}MB`],
    ['os.memory.total', `${Math.floor(heap.total_heap_size / mb)}MB`],
  ];
}

/** The `envi` keys that are also JVM system properties (the rest are ZooKeeper's own additions). */
const SYSTEM_PROPERTY_ENVIRONMENT_KEYS: ReadonlySet<string> = new Set([
  'java.version', 'java.vendor', 'java.home', 'java.class.path', 'java.io.tmpdir', 'os.name', 'os.arch',
  'os.version', 'user.name', 'user.home', 'user.dir',
]);

/**
 * The admin `system_properties` listing for a Node process: the JVM system
 * properties that have a Node equivalent, under their JVM names (ZooKeeper lists
 * System.getProperties()). The values shared with `envi` come from
 * nodeEnvironment(), so both commands always agree; properties with no
 * equivalent (the `<NA>` ones, java.vm.*, sun.boot.*) are left out. Added:
 * file.encoding (Node reads and writes UTF-8), the file/path/line separators,
 * user.timezone, and sun.java.command (the script and its arguments, as the
 * JVM reports its main class and arguments). Not sorted; the caller sorts.
 */
export function nodeSystemProperties(version: string): EnvironmentEntry[] {
  const out: EnvironmentEntry[] = nodeEnvironment(version).filter(
    ([key, value]) => SYSTEM_PROPERTY_ENVIRONMENT_KEYS.has(key) && value !== '<NA>',
  );
  out.push(['file.encoding', 'UTF-8'], ['file.separator', sep], ['path.separator', delimiter], ['line.separator', EOL]);
  out.push(['sun.java.command', orNA(() => process.argv.slice(1).join(' '))]);
  const zone = orNA(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  if (zone !== '<NA>') out.push(['user.timezone', zone]);
  return out;
}

/**
 * Open and maximum file descriptors of this process, as mntr's
 * zk_open_file_descriptor_count / zk_max_file_descriptor_count (the soft
 * RLIMIT_NOFILE, like the JVM's UnixOperatingSystemMXBean). Linux only (reads
 * /proc/self); undefined elsewhere, and mntr then leaves the keys out.
 */
export function processFileDescriptorCounts(): { open: number; max: number } | undefined {
  try {
    const open = readdirSync('/proc/self/fd').length;
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    const max = soft === undefined || soft === 'unlimited' ? Number.NaN : Number.parseInt(soft, 10);
    if (!Number.isFinite(max)) return undefined;
    return { open, max };
  } catch {
    return undefined;
  }
}

/** Total bytes of the regular files under `path` (recursively); 0 if it does not exist. */
export function directorySize(path: string): number {
  try {
    const st = lstatSync(path);
    if (!st.isDirectory()) return st.isFile() ? st.size : 0;
    let total = 0;
    for (const name of readdirSync(path)) total += directorySize(join(path, name));
    return total;
  } catch {
    return 0;
  }
}
