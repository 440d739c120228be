/**
 * The two servers under test, started by the bench with one zoo.cfg it writes:
 * Apache ZooKeeper 3.8 (Debian package; `zkServer.sh start-foreground` execs the
 * JVM, so the pid we hold is the JVM's) and zkts (`node dist/src/cli/main.js
 * start`, whose pid is the server's). Each keeps its data dir across restarts
 * (the restart workload needs that) and is stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processCpuMicros, processMemory, type MemoryInfo } from './proc-stat.js';
import { sendFourLetterWord } from '../src/cli/four-letter-command.js';
import { freePort } from '../test/support/free-port.js';
import { repoRoot } from '../test/support/repo-root.js';
import { testZooCfg } from '../test/support/zoo-cfg-text.js';

export type ServerKind = 'zookeeper' | 'zkts';
export const HOST = '127.0.0.1';
export const ZK_SERVER_SH = '/usr/share/zookeeper/bin/zkServer.sh';
/** ZooKeeper's heap: its own zkEnv.sh default is 1000 MB; 1M znodes need more without GC thrash. */
export const ZK_HEAP = '-Xmx2g';

/** The settings both servers get (the zoo.cfg the bench writes). */
export function zooCfg(dataDir: string, port: number, extra: Record<string, string> = {}): string {
  return testZooCfg(dataDir, port, { forceSync: 'yes', snapCount: '100000', ...extra });
}

export { freePort, repoRoot };

/** A four-letter word's whole answer (the server closes after it); bounded. */
export function fourLetterWord(port: number, word: string, timeoutMs = 3000): Promise<string> {
  return sendFourLetterWord(word, HOST, port, timeoutMs);
}

/** `mntr` as key → value (numbers where they parse). */
export async function mntr(port: number): Promise<Map<string, string>> {
  const text = await fourLetterWord(port, 'mntr');
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [k, v] = line.split('\t');
    if (k && v !== undefined) m.set(k.trim(), v.trim());
  }
  return m;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Never leave a server or its files behind if the bench exits abruptly: SIGKILL by pid, then rm. */
const live = new Set<number>();
const dirs = new Set<string>();
process.once('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export interface ServerOptions {
  /** Extra zoo.cfg lines for both kinds. */
  extraConfig?: Record<string, string>;
  /** Extra node flags for zkts (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

export class BenchServer {
  private child: ChildProcess | undefined;
  /** Epoch ms of the last spawn. */
  spawnedAt = 0;
  private spawnError: Error | undefined;

  private constructor(
    readonly kind: ServerKind,
    readonly dir: string,
    readonly dataDir: string,
    readonly port: number,
    readonly configFile: string,
    readonly logFile: string,
    private readonly opts: ServerOptions,
  ) {}

  static async create(kind: ServerKind, opts: ServerOptions = {}): Promise<BenchServer> {
    const dir = mkdtempSync(join(tmpdir(), `zkbench-${kind}-`));
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const port = await freePort();
    const configFile = join(dir, 'zoo.cfg');
    writeFileSync(configFile, zooCfg(dataDir, port, opts.extraConfig));
    dirs.add(dir);
    return new BenchServer(kind, dir, dataDir, port, configFile, join(dir, 'server.log'), opts);
  }

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running) throw new Error(`${this.kind} is not running`);
    return pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The command that starts this server (for RESULTS.md). */
  command(): string {
    const { cmd, args, env } = this.spawnArgs();
    const prefix = this.kind === 'zookeeper' ? `SERVER_JVMFLAGS="${env['SERVER_JVMFLAGS'] ?? ''}" ` : '';
    return prefix + [cmd, ...args].join(' ');
  }

  /** The running process's own command line, from /proc (for ZooKeeper: the JVM's). */
  processCommandLine(): string {
    try {
      return readFileSync(`/proc/${this.pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      return '';
    }
  }

  private spawnArgs(): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
    if (this.kind === 'zookeeper') {
      const env: NodeJS.ProcessEnv = { ...process.env, SERVER_JVMFLAGS: ZK_HEAP };
      delete env['ZOO_NOEXEC'];
      return { cmd: ZK_SERVER_SH, args: ['start-foreground', this.configFile], env };
    }
    const cli = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
    return { cmd: process.execPath, args: [...(this.opts.nodeArgs ?? []), cli, 'start', '--config', this.configFile], env: { ...process.env } };
  }

  /** Spawns the server and waits (bounded) until it answers; returns ms from spawn to ready. */
  async start(timeoutMs = 120_000): Promise<number> {
    this.spawn();
    return this.waitReady(timeoutMs);
  }

  /** Spawns the server process and returns at once (spawnedAt is set). */
  spawn(): void {
    if (this.running) throw new Error(`${this.kind} already running`);
    const { cmd, args, env } = this.spawnArgs();
    const fd = openSync(this.logFile, 'a');
    try {
      this.spawnedAt = Date.now();
      this.child = spawn(cmd, args, { stdio: ['ignore', fd, fd], env, cwd: this.dir });
    } finally {
      closeSync(fd);
    }
    const child = this.child;
    this.spawnError = undefined;
    child.once('error', (e) => (this.spawnError = e));
    if (child.pid !== undefined) live.add(child.pid);
  }

  /** Throws if the process failed to spawn or has exited. */
  assertAlive(): void {
    if (this.spawnError) throw new Error(`${this.kind}: could not spawn: ${this.spawnError.message}`);
    const child = this.child;
    if (!child || !this.running) throw new Error(`${this.kind} exited (code ${child?.exitCode}, signal ${child?.signalCode})\n${this.logTail()}`);
  }

  /** Waits (bounded) until the server reports that it serves; returns ms since spawn. */
  async waitReady(timeoutMs = 120_000): Promise<number> {
    const deadline = this.spawnedAt + timeoutMs;
    while (Date.now() < deadline) {
      this.assertAlive();
      try {
        // ZooKeeper says imok before it serves sessions; srvr shows a Mode only once it does.
        if ((await fourLetterWord(this.port, 'srvr', 1000)).includes('Mode:')) return Date.now() - this.spawnedAt;
      } catch {
        /* not listening yet */
      }
      await sleep(50);
    }
    await this.stop();
    throw new Error(`${this.kind} not ready within ${timeoutMs} ms\n${this.logTail()}`);
  }

  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
  async stop(graceMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    const pid = child.pid;
    if (this.running) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
      clearTimeout(timer);
      if (late) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        await Promise.race([exited, sleep(5000)]);
      }
    }
    live.delete(pid);
    this.child = undefined;
  }

  /** Stops the server and deletes its directory. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
    dirs.delete(this.dir);
  }

  cpuMicros(): number {
    const v = processCpuMicros(this.pid);
    if (v === null) throw new Error(`${this.kind}: pid ${this.pid} is gone`);
    return v;
  }

  memory(): MemoryInfo {
    const m = processMemory(this.pid);
    if (m === null) throw new Error(`${this.kind}: pid ${this.pid} is gone`);
    return m;
  }

  logText(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  logTail(max = 3000): string {
    const s = this.logText();
    return s.length > max ? '...' + s.slice(-max) : s;
  }
}
