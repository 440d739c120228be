/**
 * Child processes for the conformance suite: every process is bounded in time
 * and, when it overstays, killed by its own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/repo-root.js';

export { repoRoot } from '../../test/support/repo-root.js';

/** Non-TS assets (.py, .java) are read from the source tree, never from dist/. */
export function conformanceAsset(...parts: string[]): string {
  return join(repoRoot(), 'conformance', ...parts);
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  input?: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Kill by pid: SIGTERM, then SIGKILL if it has not exited after graceMs. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  const r = await Promise.race([exited.then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (r === 'late') {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
}

/** Run a command to completion with a hard time bound; output is captured. */
export function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {
      /* the process may exit before reading its input */
    });
    const timer = setTimeout(() => {
      timedOut = true;
      void stopChild(child, 2000);
    }, opts.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Every JSON object printed on its own line of `text`, in order. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  const res: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      res.push(JSON.parse(t) as Record<string, unknown>);
    } catch {
      /* not JSON: log noise */
    }
  }
  return res;
}

/** Short description of a finished run, for assertion messages. */
export function describeRun(r: RunResult): string {
  const tail = (s: string): string => (s.length > 3000 ? '...' + s.slice(-3000) : s);
  return `exit=${r.code} signal=${r.signal} timedOut=${r.timedOut}\n--- stdout ---\n${tail(r.stdout)}\n--- stderr ---\n${tail(r.stderr)}`;
}

/** A process kept running while the test talks to it; stdout is read line by line. */
export interface LongRunning {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Wait (bounded) for a JSON line on stdout matching pred. */
  waitForJson(pred: (o: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>>;
  /** Wait (bounded) for the process to exit; false if it did not. */
  waitExit(timeoutMs: number): Promise<boolean>;
  /** Resume if stopped, then SIGTERM/SIGKILL by pid. */
  stop(): Promise<void>;
}

export function startLong(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): LongRunning {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  const pid = child.pid;
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString('utf8');
    notify();
  });
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString('utf8');
  });
  child.once('exit', notify);
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    pid,
    stdout: () => out,
    stderr: () => err,
    waitForJson(pred, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const hit = jsonLines(out).find(pred);
          if (hit) {
            done();
            resolve(hit);
          } else if (exited()) {
            done();
            reject(new Error(`${cmd} exited (${child.exitCode ?? child.signalCode}) before the expected line\n${out}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${cmd}: no expected line within ${timeoutMs} ms\n${out}\n${err}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    waitExit(timeoutMs) {
      if (exited()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async stop() {
      if (exited()) return;
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        /* gone */
      }
      await stopChild(child, 3000);
    },
  };
}
