/**
 * Drive the official zkCli.sh (ZooKeeperMain from the Debian zookeeper 3.8 package).
 * stdout and stderr are merged by the shell (one pipe, so the order is kept) and
 * the connection banner and logging noise are stripped.
 */
import { run, type RunResult } from './proc.js';

export const ZKCLI = '/usr/share/zookeeper/bin/zkCli.sh';

export interface CliResult {
  /** exit code of ZooKeeperMain (0 ok, 1 when the command failed). */
  code: number | null;
  /** Output lines without the banner/log noise. */
  lines: string[];
  raw: RunResult;
}

const NOISE: RegExp[] = [
  /^SLF4J:/,
  /^Connecting to \S+$/,
  /^Welcome to ZooKeeper!$/,
  /^JLine support is (disabled|enabled)$/,
  /^WATCHER::$/,
  /^WatchedEvent state:(SyncConnected|Closed) type:None path:null$/,
  /^\s*$/,
];

export function stripNoise(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => !NOISE.some((re) => re.test(l)));
}

const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  CLIENT_JVMFLAGS: '-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
});

async function zkcli(server: string, args: string[], input: string | undefined, timeoutMs: number): Promise<CliResult> {
  // exec keeps the pid the JVM's; 2>&1 puts both streams in one pipe, in order.
  const raw = await run('/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', ZKCLI, '-server', server, ...args], {
    input,
    timeoutMs,
    env: env(),
  });
  if (raw.timedOut) {
    throw new Error(`zkCli.sh ${args.join(' ')} did not finish within ${timeoutMs} ms\n${raw.stdout.slice(-2000)}`);
  }
  return { code: raw.code, lines: stripNoise(raw.stdout), raw };
}

/** One command, one session: `zkCli.sh -server host:port cmd args...`. */
export function cliCommand(server: string, ...cmd: string[]): Promise<CliResult> {
  return zkcli(server, cmd, undefined, 20_000);
}

/** Several commands in one session, fed on stdin (ends with quit). */
export function cliScript(server: string, commands: string[]): Promise<CliResult> {
  return zkcli(server, [], commands.join('\n') + '\nquit\n', 30_000);
}

export const STAT_KEYS = [
  'cZxid',
  'ctime',
  'mZxid',
  'mtime',
  'pZxid',
  'cversion',
  'dataVersion',
  'aclVersion',
  'ephemeralOwner',
  'dataLength',
  'numChildren',
] as const;
export type StatKey = (typeof STAT_KEYS)[number];
export type CliStat = Record<StatKey, string>;

/**
 * Find the stat block (11 "key = value" lines in ZooKeeper's order) starting at
 * line `from`; returns the stat and the index after it.
 */
export function parseStat(lines: string[], from = 0): { stat: CliStat; end: number } {
  const start = lines.findIndex((l, i) => i >= from && l.startsWith('cZxid = '));
  if (start < 0) throw new Error(`no stat block in:\n${lines.join('\n')}`);
  const stat: Partial<CliStat> = {};
  STAT_KEYS.forEach((k, i) => {
    const line = lines[start + i] ?? '';
    const m = /^(\w+) = (.*)$/.exec(line);
    if (!m || m[1] !== k) throw new Error(`stat line ${i} should be "${k} = ...", got "${line}" in:\n${lines.join('\n')}`);
    stat[k] = m[2];
  });
  return { stat: stat as CliStat, end: start + STAT_KEYS.length };
}

export function hexBig(s: string): bigint {
  if (!/^0x[0-9a-f]+$/.test(s)) throw new Error(`not a 0x hex number: ${s}`);
  return BigInt(s);
}
