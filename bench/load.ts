/**
 * The load generator's coordinator: spreads N sessions × K outstanding over
 * worker threads, opens a measurement window after a warm-up, and reads the
 * server's CPU time (/proc/<pid>/stat), the generator's own CPU time and the
 * machine's CPU use at the window's edges.
 */
import { Worker } from 'node:worker_threads';
import { Histogram, type LatencySummary } from './histogram.js';
import type { FromWorker, OpSource, ToWorker, WorkerInit, WorkerResult } from './load-spec.js';
import { busyCores, machineCpu, type MachineCpu, processCpuMicros } from './proc-stat.js';

export interface LoadSpec {
  host: string;
  port: number;
  sessions: number;
  outstanding: number;
  source: OpSource;
  /** mix: load before the window opens, and the window's length. */
  warmupMs?: number;
  measureMs?: number;
  /** List sources (count-bounded): the time bound. */
  capMs?: number;
  /** Worker threads (default: 1 up to 4 sessions, else 2). */
  workers?: number;
  sessionTimeoutMs?: number;
}

export interface LoadResult {
  /** Replies counted (in the window for mix; all for lists). */
  ops: number;
  seconds: number;
  /** ops per second. */
  throughput: number;
  read: LatencySummary;
  write: LatencySummary;
  all: LatencySummary;
  errors: Record<string, number>;
  unanswered: number;
  /** Requests sent and replies received over the whole run (warm-up and drain included). */
  sent: number;
  completed: number;
  /** Successful replies of the wrong size: must be 0. */
  badReplies: number;
  /** Server CPU (user+sys, all threads) per op, µs, and cores it kept busy. */
  serverCpuUsPerOp: number;
  serverCores: number;
  /** The same for the load generator process (all its threads). */
  genCpuUsPerOp: number;
  genCores: number;
  /** Machine-wide busy cores, and what is left after server and generator (other users of the machine). */
  machineCores: number;
  otherCores: number;
}

interface Sample {
  at: number;
  server: number;
  gen: number;
  machine: MachineCpu;
}

const epochNow = (): number => performance.timeOrigin + performance.now();

function sample(pid: number): Sample {
  const server = processCpuMicros(pid);
  if (server === null) throw new Error(`server pid ${pid} is gone`);
  const u = process.cpuUsage();
  return { at: epochNow(), server, gen: u.user + u.system, machine: machineCpu() };
}

const sleepUntil = (epochMs: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, epochMs - epochNow())));

class WorkerHandle {
  readonly worker: Worker;
  private readonly waiters: Array<(m: FromWorker) => boolean> = [];
  private error: Error | undefined;

  constructor(init: WorkerInit) {
    this.worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: init });
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') this.error = new Error(`load worker ${init.workerIndex}: ${m.message}`);
      for (const w of [...this.waiters]) if (w(m)) this.waiters.splice(this.waiters.indexOf(w), 1);
    });
    this.worker.on('error', (e) => {
      this.error = e;
      for (const w of [...this.waiters]) w({ type: 'error', message: e.message });
    });
  }

  /** Waits (bounded) for a message of `type`; an error message rejects. */
  wait<T extends FromWorker['type']>(type: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.error) {
        reject(this.error);
        return;
      }
      const timer = setTimeout(() => reject(new Error(`load worker: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((m) => {
        if (m.type === 'error') {
          clearTimeout(timer);
          reject(this.error ?? new Error(m.message));
          return true;
        }
        if (m.type !== type) return false;
        clearTimeout(timer);
        resolve(m as Extract<FromWorker, { type: T }>);
        return true;
      });
    });
  }

  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  async stop(): Promise<void> {
    try {
      this.send({ cmd: 'close' });
      await this.wait('closed', 8000);
    } catch {
      /* closing is best effort; terminate below */
    }
    await this.worker.terminate();
  }
}

export async function runLoad(spec: LoadSpec, serverPid: number): Promise<LoadResult> {
  const workers = Math.max(1, Math.min(spec.sessions, spec.workers ?? (spec.sessions <= 4 ? 1 : 2)));
  const handles: WorkerHandle[] = [];
  for (let w = 0; w < workers; w++) {
    const sessions = Math.floor(spec.sessions / workers) + (w < spec.sessions % workers ? 1 : 0);
    handles.push(
      new WorkerHandle({
        host: spec.host,
        port: spec.port,
        sessions,
        outstanding: spec.outstanding,
        sessionTimeoutMs: spec.sessionTimeoutMs ?? 30_000,
        source: spec.source,
        workerIndex: w,
        workers,
      }),
    );
  }
  try {
    await Promise.all(handles.map((h) => h.wait('ready', 60_000)));
    const isMix = spec.source.kind === 'mix';
    const start = epochNow() + 20;
    const warmup = isMix ? (spec.warmupMs ?? 1000) : 0;
    const measure = isMix ? (spec.measureMs ?? 3000) : (spec.capMs ?? 120_000);
    // Lists count every reply; a mix counts the replies inside the window after its warm-up.
    const t0 = isMix ? start + warmup : 0;
    const t1 = start + warmup + measure;
    const drainMs = 10_000;
    const results = handles.map((h) => h.wait('result', t1 - epochNow() + drainMs + 10_000));
    for (const h of handles) h.send({ cmd: 'run', t0, t1, sendUntil: t1, drainMs });
    let a: Sample;
    let b: Sample;
    let rs: WorkerResult[];
    if (isMix) {
      await sleepUntil(t0);
      a = sample(serverPid);
      await sleepUntil(t1);
      b = sample(serverPid);
      rs = await Promise.all(results);
    } else {
      a = sample(serverPid);
      rs = await Promise.all(results);
      b = sample(serverPid);
    }
    return summarize(rs, a, b, isMix ? (b.at - a.at) / 1000 : listSeconds(rs));
  } finally {
    await Promise.all(handles.map((h) => h.stop()));
  }
}

function listSeconds(rs: WorkerResult[]): number {
  const first = Math.min(...rs.map((r) => r.firstSend).filter((t) => t > 0));
  const last = Math.max(...rs.map((r) => r.lastReply));
  return Number.isFinite(first) && last > first ? (last - first) / 1000 : 0;
}

function summarize(rs: WorkerResult[], a: Sample, b: Sample, seconds: number): LoadResult {
  const read = new Histogram();
  const write = new Histogram();
  const errors: Record<string, number> = {};
  let unanswered = 0;
  let completed = 0;
  let sent = 0;
  let badReplies = 0;
  for (const r of rs) {
    read.merge(r.hist[0]);
    write.merge(r.hist[1]);
    unanswered += r.unanswered;
    completed += r.completed;
    sent += r.sent;
    badReplies += r.badReplies;
    for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  }
  const all = new Histogram();
  all.merge(read);
  all.merge(write);
  const ops = all.count;
  const wall = (b.at - a.at) / 1000;
  const serverCpu = b.server - a.server;
  const genCpu = b.gen - a.gen;
  const machine = busyCores(a.machine, b.machine);
  const serverCores = wall > 0 ? serverCpu / 1e6 / wall : 0;
  const genCores = wall > 0 ? genCpu / 1e6 / wall : 0;
  return {
    ops,
    seconds,
    throughput: seconds > 0 ? ops / seconds : 0,
    read: read.summary(),
    write: write.summary(),
    all: all.summary(),
    errors,
    unanswered,
    sent,
    completed,
    badReplies,
    serverCpuUsPerOp: ops > 0 ? serverCpu / ops : 0,
    serverCores,
    genCpuUsPerOp: ops > 0 ? genCpu / ops : 0,
    genCores,
    machineCores: machine,
    otherCores: Math.max(0, machine - serverCores - genCores),
  };
}
