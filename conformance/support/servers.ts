/**
 * Start the two conformance targets on 127.0.0.1 with the same zoo.cfg:
 * Apache ZooKeeper 3.8 (Debian package, zkServer.sh start-foreground, which execs
 * the JVM so the pid we hold is the JVM's) and zkts (node dist/src/cli/main.js start).
 * Each is stopped by its pid: SIGTERM, then SIGKILL after a bound.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, stopChild } from './proc.js';
import { after, before } from 'node:test';
import { sendFourLetterWord } from '../../src/cli/four-letter-command.js';
import { freePort } from '../../test/support/free-port.js';
import { accepts } from '../../test/support/http.js';
import { testZooCfg } from '../../test/support/zoo-cfg-text.js';

export type TargetName = 'zookeeper' | 'zkts';

/**
 * The targets every case file runs its cases against, in this order.
 * CONFORMANCE_TARGETS=zkts (or zookeeper) narrows it for a quick local loop;
 * unset, it is both.
 */
export const targets: readonly TargetName[] = (() => {
  const all: TargetName[] = ['zookeeper', 'zkts'];
  const env = process.env['CONFORMANCE_TARGETS'];
  if (!env) return all;
  const wanted = env.split(',').map((s) => s.trim());
  const picked = all.filter((t) => wanted.includes(t));
  return picked.length > 0 ? picked : all;
})();

export const HOST = '127.0.0.1' as const;

export interface TestServer {
  name: TargetName;
  host: typeof HOST;
  port: number;
  pid: number;
  /** "127.0.0.1:<port>" */
  connectString: string;
  /** The zoo.cfg both servers were given. */
  configFile: string;
  /** Last part of the server's stdout/stderr, for failure messages. */
  logTail(max?: number): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra zoo.cfg lines (key -> value), appended after the defaults. */
  extraConfig?: Record<string, string>;
  /** Bound on startup (default 20 s for zkts, 40 s for the JVM). */
  startTimeoutMs?: number;
  /**
   * Extra JVM flags for Apache ZooKeeper only, for settings it reads from system
   * properties and not from zoo.cfg (e.g. -Dznode.container.checkIntervalMs=...).
   */
  zookeeperJvmFlags?: string[];
}

const ZK_SERVER_SH = '/usr/share/zookeeper/bin/zkServer.sh';
const ZKTS_READY = '"msg":"zkts serving"';

export { freePort };

/** Send a four-letter word and read the whole answer (the server closes after it). */
export function fourLetterWord(port: number, word: string, timeoutMs = 2000): Promise<string> {
  return sendFourLetterWord(word, HOST, port, timeoutMs);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readTail(file: string, max: number): string {
  try {
    const s = readFileSync(file, 'utf8');
    return s.length > max ? '...' + s.slice(-max) : s;
  } catch {
    return '';
  }
}

/** Safety net: never leave a server behind if the test process exits abruptly. */
const live = new Set<number>();
let exitHookInstalled = false;
function track(pid: number): void {
  live.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const p of live) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    });
  }
}

async function launch(
  name: TargetName,
  opts: StartOptions,
  command: (cfgFile: string) => { cmd: string; args: string[]; env: NodeJS.ProcessEnv },
  ready: (port: number, log: () => string) => Promise<boolean>,
  defaultTimeoutMs: number,
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), `zkconf-${name}-`));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const port = await freePort();
  const configFile = join(dir, 'zoo.cfg');
  writeFileSync(configFile, testZooCfg(dataDir, port, opts.extraConfig ?? {}));
  const logFile = join(dir, 'server.log');
  const logFd = openSync(logFile, 'a');
  const { cmd, args, env } = command(configFile);
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { stdio: ['ignore', logFd, logFd], env, cwd: dir });
  } finally {
    closeSync(logFd);
  }
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
  });
  const logTail = (max = 4000): string => readTail(logFile, max);
  const cleanup = async (): Promise<void> => {
    await stopChild(child, 10_000);
    if (child.pid !== undefined) live.delete(child.pid);
    rmSync(dir, { recursive: true, force: true });
  };
  if (child.pid !== undefined) track(child.pid);

  const timeoutMs = opts.startTimeoutMs ?? defaultTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  let ok = false;
  for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
    if (spawnError) break;
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      if (await ready(port, () => logTail(1 << 20))) {
        ok = true;
        break;
      }
    } catch {
      /* not yet */
    }
    await sleep(150);
  }
  if (!ok) {
    const why = spawnError
      ? `could not spawn ${cmd}: ${spawnError.message}`
      : child.exitCode !== null || child.signalCode !== null
        ? `exited early (code=${child.exitCode} signal=${child.signalCode})`
        : `not ready within ${timeoutMs} ms`;
    const tail = logTail();
    await cleanup();
    throw new Error(`${name} on ${HOST}:${port} ${why}\ncommand: ${cmd} ${args.join(' ')}\n--- server output ---\n${tail}`);
  }
  let stopped = false;
  return {
    name,
    host: HOST,
    port,
    pid: child.pid as number,
    connectString: `${HOST}:${port}`,
    configFile,
    logTail,
    async stop() {
      if (stopped) return;
      stopped = true;
      await cleanup();
    },
  };
}

export function startApacheZooKeeper(opts: StartOptions = {}): Promise<TestServer> {
  return launch(
    'zookeeper',
    opts,
    (cfg) => {
      const env: NodeJS.ProcessEnv = { ...process.env, SERVER_JVMFLAGS: ['-Xmx256m', ...(opts.zookeeperJvmFlags ?? [])].join(' ') };
      delete env['ZOO_NOEXEC'];
      return { cmd: ZK_SERVER_SH, args: ['start-foreground', cfg], env };
    },
    async (port) => {
      if ((await fourLetterWord(port, 'ruok')) !== 'imok') return false;
      return (await fourLetterWord(port, 'srvr')).includes('Mode:');
    },
    40_000,
  );
}

export function zktsCliPath(): string {
  return join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
}

export async function startZkts(opts: StartOptions = {}): Promise<TestServer> {
  const cli = zktsCliPath();
  if (!existsSync(cli)) {
    throw new Error(`zkts CLI not runnable: ${cli} does not exist (build with: npx tsc -p tsconfig.json)`);
  }
  return launch(
    'zkts',
    opts,
    (cfg) => ({ cmd: process.execPath, args: [cli, 'start', '--config', cfg], env: { ...process.env } }),
    async (port, log) => log().includes(ZKTS_READY) && (await accepts(port)),
    20_000,
  );
}

export function startTarget(name: TargetName, opts: StartOptions = {}): Promise<TestServer> {
  return name === 'zookeeper' ? startApacheZooKeeper(opts) : startZkts(opts);
}

/**
 * Starts one `target` server for the enclosing describe block (before/after hooks)
 * and returns a getter for its "host:port". `prepare` runs first (e.g. compiling).
 */
/**
 * For a differential describe block: starts ZooKeeper (the oracle, always) and
 * every target, with the same options, in its before hook (beside `prepare`),
 * stops them after; returns a lookup by name.
 */
export function oracleAndTargetsForSuite(options: StartOptions, prepare?: () => Promise<unknown>): (name: TargetName) => TestServer {
  const servers = new Map<TargetName, TestServer>();
  const needed: TargetName[] = targets.includes('zookeeper') ? [...targets] : ['zookeeper', ...targets];
  before(async () => {
    const [started] = await Promise.all([Promise.allSettled(needed.map((name) => startTarget(name, options))), prepare?.()]);
    for (const r of started) if (r.status === 'fulfilled') servers.set(r.value.name, r.value);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed && failed.status === 'rejected') throw failed.reason;
  });
  after(async () => {
    for (const srv of servers.values()) await srv.stop();
  });
  return (name) => {
    const srv = servers.get(name);
    if (!srv) throw new Error(`${name} is not running (see the before hook)`);
    return srv;
  };
}

export function serverForSuite(target: TargetName, prepare?: () => Promise<unknown>): () => string {
  let server: TestServer | undefined;
  before(async () => {
    await prepare?.();
    server = await startTarget(target);
  });
  after(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error(`${target} is not running (see the before hook failure)`);
    return server.connectString;
  };
}
