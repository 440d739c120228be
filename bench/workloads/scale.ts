/**
 * Workloads 4-6 on one server at a time (so RSS and CPU are its own):
 * fill P parents with 100-byte sequential children (P × perParent znodes), restart
 * at chosen sizes (process start → first successful read), RSS with everything
 * loaded, getChildren on a full parent, worst read latency while a snapshot of the
 * whole tree is written, many sessions, many watches.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchClient } from '../client.js';
import { Histogram, type LatencySummary } from '../histogram.js';
import { type LoadResult, runLoad } from '../load.js';
import { type BenchServer, fourLetterWord, HOST, mntr, type ServerKind } from '../servers.js';
import { existsFrame, getChildrenFrame, getDataFrame, sequentialName, setDataFrame } from '../wire.js';
import { connectTo, median, progress, sleep, within } from './common.js';
import type { LoadPoint } from './mix.js';

export interface ScaleOptions {
  parents: number;
  perParent: number;
  /** Measure a restart after this many parents are full. */
  restartAt: number[];
  sessions: number;
  watchSessions: number;
  watchNodes: number;
  fillPoint: LoadPoint;
  snapshot: { maxWrites: number; capMs: number };
  /** False: restart and snapshot report why they are not applicable. */
  persistent: boolean;
  naReason: string;
}

export interface RestartResult {
  znodes: number;
  /** SIGTERM → process gone. */
  stopMs: number;
  /** Process spawned → first successful getData of a known znode. */
  firstReadMs: number;
}

export interface SnapshotResult {
  znodes: number;
  snapshotMs: number;
  /** Reads whose lifetime overlapped the snapshot, and all the others. */
  during: LatencySummary;
  outside: LatencySummary;
  writesPerSec: number;
}

export interface ScaleResult {
  kind: ServerKind;
  znodes: number;
  fill: { point: LoadPoint; creates: number; seconds: number; throughput: number; serverCpuUsPerOp: number; p99Us: number };
  rssKb: number;
  /** ZooKeeper only: heap in use after a full GC (jcmd), the live set behind the RSS. */
  liveHeapKb: number | null;
  getChildren: { children: number; medianMs: number; maxMs: number; replyBytes: number };
  sessions: { count: number; connectMs: number; perSec: number; rssDeltaKb: number; serverCpuUsPerSession: number; closeMs: number };
  watches: { count: number; reported: number | null; registerMs: number; rssDeltaKb: number; fireMs: number; notificationsPerSec: number };
  restarts: RestartResult[] | { na: string };
  snapshot: SnapshotResult | { na: string };
}

const parentPath = (i: number): string => `/s${i}`;
const childPath = (parent: number, i: number): string => sequentialName(`${parentPath(parent)}/n`, i);

async function fill(server: BenchServer, o: ScaleOptions, parent: number): Promise<LoadResult> {
  const c = await connectTo(server);
  await c.ensure(parentPath(parent));
  const r = await runLoad(
    {
      host: HOST,
      port: server.port,
      sessions: o.fillPoint.sessions,
      outstanding: o.fillPoint.outstanding,
      source: { kind: 'createSeq', prefix: `${parentPath(parent)}/n`, dataSize: 100, count: o.perParent },
      capMs: 600_000,
    },
    server.pid,
  );
  const n = await c.childCount(parentPath(parent));
  await c.close();
  if (n !== o.perParent) throw new Error(`${server.kind}: ${parentPath(parent)} has ${n} children, expected ${o.perParent}`);
  return r;
}

async function measureRestart(server: BenchServer, znodes: number, perParent: number): Promise<RestartResult> {
  const t = Date.now();
  await server.stop(120_000);
  const stopMs = Date.now() - t;
  server.spawn();
  const deadline = server.spawnedAt + 600_000;
  const probe = childPath(0, 0);
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${server.kind}: no successful read within 600 s of the restart`);
    server.assertAlive();
    let c: BenchClient | undefined;
    try {
      // A short handshake bound: a server that accepts TCP before it serves must not
      // hold the probe for the default 10 s.
      c = await BenchClient.connect({ host: HOST, port: server.port, connectTimeoutMs: 500 });
      const r = await within(c.getData(probe), 2000, 'probe read');
      if (r.err === 0) {
        const firstReadMs = Date.now() - server.spawnedAt;
        const n = await c.childCount(parentPath(0));
        if (n !== perParent) throw new Error(`${server.kind} restarted with ${n} children under /s0, expected ${perParent}`);
        await c.close();
        await server.waitReady();
        return { znodes, stopMs, firstReadMs };
      }
      if (r.err === -101) throw new Error(`${server.kind} restarted without ${probe}: nothing was persisted`);
    } catch (e) {
      if (e instanceof Error && /restarted/.test(e.message)) throw e;
    } finally {
      c?.destroy();
    }
    await sleep(20);
  }
}

/** The bytes of a server's getChildren reply on a full parent, and its latency. */
async function getChildren(server: BenchServer, parent: string, calls: number): Promise<ScaleResult['getChildren']> {
  const c = await connectTo(server);
  try {
    const lat: number[] = [];
    let children = 0;
    let replyBytes = 0;
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      const r = await c.request((x) => getChildrenFrame(x, parent));
      lat.push(performance.now() - t);
      if (r.err !== 0) throw new Error(`getChildren ${parent}: ${r.err}`);
      children = r.body.readInt32BE(0);
      replyBytes = r.body.length + 16;
    }
    return { children, medianMs: median(lat), maxMs: Math.max(...lat), replyBytes };
  } finally {
    await c.close();
  }
}

function liveHeapKb(server: BenchServer): number | null {
  if (server.kind !== 'zookeeper') return null;
  try {
    execFileSync('jcmd', [String(server.pid), 'GC.run'], { encoding: 'utf8', timeout: 60_000 });
    const info = execFileSync('jcmd', [String(server.pid), 'GC.heap_info'], { encoding: 'utf8', timeout: 60_000 });
    const m = /used (\d+)K/.exec(info);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function manySessions(server: BenchServer, count: number): Promise<ScaleResult['sessions']> {
  const rss0 = server.memory().rssKb;
  const cpu0 = server.cpuMicros();
  const t0 = performance.now();
  const clients: BenchClient[] = [];
  try {
    // At most 40 handshakes at once: ZooKeeper listens with the JVM's default backlog
    // of 50, and a burst past it measures SYN retransmits, not sessions.
    for (let i = 0; i < count; i += 40) {
      const batch = Math.min(40, count - i);
      clients.push(...(await within(Promise.all(Array.from({ length: batch }, () => connectTo(server, 40_000))), 60_000, 'connecting sessions')));
    }
    const connectMs = performance.now() - t0;
    const cpu = server.cpuMicros() - cpu0;
    await sleep(500);
    const rss1 = server.memory().rssKb;
    const t1 = performance.now();
    for (let i = 0; i < clients.length; i += 1000) await Promise.all(clients.slice(i, i + 1000).map((c) => c.close(10_000)));
    const closeMs = performance.now() - t1;
    return { count, connectMs, perSec: count / (connectMs / 1000), rssDeltaKb: rss1 - rss0, serverCpuUsPerSession: cpu / count, closeMs };
  } finally {
    for (const c of clients) c.destroy();
  }
}

async function manyWatches(server: BenchServer, o: ScaleOptions): Promise<ScaleResult['watches']> {
  const parent = Math.min(1, o.parents - 1);
  const nodes = Array.from({ length: o.watchNodes }, (_, i) => childPath(parent, i));
  const clients: BenchClient[] = [];
  const writer = await connectTo(server);
  try {
    for (let i = 0; i < o.watchSessions; i += 50) {
      clients.push(...(await Promise.all(Array.from({ length: Math.min(50, o.watchSessions - i) }, () => connectTo(server)))));
    }
    const total = o.watchSessions * o.watchNodes;
    let notified = 0;
    let allNotified: (() => void) | undefined;
    for (const c of clients) {
      c.onNotification = () => {
        if (++notified === total) allNotified?.();
      };
    }
    const rss0 = server.memory().rssKb;
    const t0 = performance.now();
    const regs = await within(
      Promise.all(clients.map((c) => c.pipeline(nodes.length, (i, xid) => existsFrame(xid, nodes[i] as string, true), 256))),
      300_000,
      'registering watches',
    );
    for (const codes of regs) for (const [code] of codes) if (code !== 0) throw new Error(`exists watch failed: ${code}`);
    const registerMs = performance.now() - t0;
    await sleep(500);
    const rss1 = server.memory().rssKb;
    let reported: number | null = null;
    try {
      const m = /Total watches:\s*(\d+)/.exec(await fourLetterWord(server.port, 'wchs', 10_000));
      reported = m ? Number(m[1]) : null;
    } catch {
      reported = null;
    }
    const done = new Promise<void>((r) => (allNotified = r));
    const data = Buffer.alloc(100, 0x77);
    const t1 = performance.now();
    await writer.pipeline(nodes.length, (i, xid) => setDataFrame(xid, nodes[i] as string, data), 256);
    await within(done, 300_000, `notifications (${notified} of ${total})`);
    const fireMs = performance.now() - t1;
    return { count: total, reported, registerMs, rssDeltaKb: rss1 - rss0, fireMs, notificationsPerSec: total / (fireMs / 1000) };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await writer.close();
  }
}

/** Snapshot markers: when a snapshot of the tree started and ended (epoch ms), as each server tells it. */
interface SnapshotWatch {
  poll(now: number): Promise<{ start: number; end: number } | null>;
}

function zookeeperSnapshots(server: BenchServer): Promise<SnapshotWatch> {
  const dir = join(server.dataDir, 'version-2');
  const files = (): string[] => readdirSync(dir).filter((f) => f.startsWith('snapshot.'));
  const seen = new Set(files());
  return (async () => {
    let cnt = Number((await mntr(server.port)).get('zk_cnt_snapshottime') ?? 0);
    let start = 0;
    return {
      async poll(now: number) {
        if (start === 0) {
          if (files().some((f) => !seen.has(f))) start = now;
          else cnt = Number((await mntr(server.port)).get('zk_cnt_snapshottime') ?? cnt);
          return null;
        }
        const m = await mntr(server.port);
        const c = Number(m.get('zk_cnt_snapshottime') ?? cnt);
        return c > cnt ? { start, end: now } : null;
      },
    };
  })();
}

function zktsSnapshots(server: BenchServer): SnapshotWatch {
  const lines = (): string[] => server.logText().split('\n').filter((l) => l.includes('"snapshot written"'));
  const before = lines().length;
  return {
    poll() {
      const l = lines();
      if (l.length <= before) return Promise.resolve(null);
      // pino's time is an ISO string (zkts's logger) or epoch ms (pino's default).
      const rec = JSON.parse(l[before] as string) as { time: string | number; ms: number };
      const end = typeof rec.time === 'string' ? Date.parse(rec.time) : rec.time;
      if (!Number.isFinite(end) || !Number.isFinite(rec.ms)) throw new Error(`zkts: unreadable snapshot log line: ${l[before]}`);
      return Promise.resolve({ start: end - rec.ms, end });
    },
  };
}

async function snapshotStall(server: BenchServer, o: ScaleOptions, znodes: number): Promise<SnapshotResult> {
  const watch = server.kind === 'zookeeper' ? await zookeeperSnapshots(server) : zktsSnapshots(server);
  const writers = await Promise.all(Array.from({ length: 4 }, () => connectTo(server)));
  const reader = await connectTo(server);
  const samples: Array<[number, number]> = [];
  let stop = false;
  let writes = 0;
  const data = Buffer.alloc(100, 0x73);
  const t0 = Date.now();
  const writeLoop = async (c: BenchClient, w: number): Promise<void> => {
    let i = w * 7919;
    while (!stop && writes < o.snapshot.maxWrites) {
      const batch = 2000;
      await c.pipeline(batch, (j, xid) => setDataFrame(xid, childPath((i + j) % o.parents, (i + j) % o.perParent), data), 32);
      i += batch;
      writes += batch;
    }
  };
  const readLoop = async (): Promise<void> => {
    let i = 0;
    while (!stop) {
      const sent = Date.now();
      const p0 = performance.now();
      await reader.request((xid) => getDataFrame(xid, childPath(i % o.parents, (i * 31) % o.perParent)));
      samples.push([sent, performance.now() - p0]);
      i++;
    }
  };
  const loops = [...writers.map((c, w) => writeLoop(c, w)), readLoop()];
  let window: { start: number; end: number } | null = null;
  try {
    while (Date.now() - t0 < o.snapshot.capMs && writes < o.snapshot.maxWrites) {
      await sleep(50);
      window = await watch.poll(Date.now());
      if (window) break;
    }
    if (window) await sleep(500);
  } finally {
    stop = true;
    await within(Promise.all(loops), 60_000, 'stopping the snapshot load');
    await Promise.all([...writers, reader].map((c) => c.close()));
  }
  if (!window) throw new Error(`${server.kind}: no snapshot finished within ${o.snapshot.capMs} ms / ${writes} writes`);
  const during = new Histogram();
  const outside = new Histogram();
  for (const [sent, ms] of samples) {
    const overlaps = sent <= window.end && sent + ms >= window.start;
    (overlaps ? during : outside).recordMs(ms);
  }
  return {
    znodes,
    snapshotMs: window.end - window.start,
    during: during.summary(),
    outside: outside.summary(),
    writesPerSec: writes / ((Date.now() - t0) / 1000),
  };
}

export async function runScale(server: BenchServer, o: ScaleOptions): Promise<ScaleResult> {
  const kind = server.kind;
  const canRestart = kind === 'zookeeper' || o.persistent;
  const restarts: RestartResult[] = [];
  let creates = 0;
  let seconds = 0;
  let cpuUs = 0;
  let p99 = 0;
  for (let p = 0; p < o.parents; p++) {
    const r = await fill(server, o, p);
    creates += r.ops;
    seconds += r.seconds;
    cpuUs += r.serverCpuUsPerOp * r.ops;
    p99 = Math.max(p99, r.all.p99);
    progress(`scale ${kind}: ${(p + 1) * o.perParent} znodes (${Math.round(r.throughput)} creates/s)`);
    if (canRestart && o.restartAt.includes(p + 1) && p + 1 < o.parents) {
      restarts.push(await measureRestart(server, (p + 1) * o.perParent, o.perParent));
      progress(`scale ${kind}: restart with ${(p + 1) * o.perParent} znodes: first read after ${restarts.at(-1)?.firstReadMs} ms`);
    }
  }
  const znodes = o.parents * o.perParent;
  await sleep(2000);
  const rssKb = server.memory().rssKb;
  const liveHeap = liveHeapKb(server);
  progress(`scale ${kind}: RSS ${Math.round(rssKb / 1024)} MB with ${znodes} znodes${liveHeap ? ` (live heap ${Math.round(liveHeap / 1024)} MB)` : ''}`);
  const gc = await getChildren(server, parentPath(0), 10);
  progress(`scale ${kind}: getChildren of ${gc.children} children: median ${gc.medianMs.toFixed(1)} ms`);
  let snapshot: ScaleResult['snapshot'] = { na: o.naReason };
  if (canRestart) {
    snapshot = await snapshotStall(server, o, znodes);
    progress(`scale ${kind}: snapshot of ${znodes} znodes took ${Math.round(snapshot.snapshotMs)} ms; worst read during it ${(snapshot.during.max / 1000).toFixed(1)} ms`);
    if (o.restartAt.includes(o.parents)) {
      restarts.push(await measureRestart(server, znodes, o.perParent));
      progress(`scale ${kind}: restart with ${znodes} znodes: first read after ${restarts.at(-1)?.firstReadMs} ms`);
    }
  }
  const sessions = await manySessions(server, o.sessions);
  progress(`scale ${kind}: ${o.sessions} sessions in ${Math.round(sessions.connectMs)} ms, +${Math.round(sessions.rssDeltaKb / 1024)} MB RSS`);
  const watches = await manyWatches(server, o);
  progress(`scale ${kind}: ${watches.count} watches registered in ${Math.round(watches.registerMs)} ms, fired in ${Math.round(watches.fireMs)} ms`);
  return {
    kind,
    znodes,
    fill: { point: o.fillPoint, creates, seconds, throughput: creates / seconds, serverCpuUsPerOp: cpuUs / creates, p99Us: p99 },
    rssKb,
    liveHeapKb: liveHeap,
    getChildren: gc,
    sessions,
    watches,
    restarts: canRestart ? restarts : { na: o.naReason },
    snapshot,
  };
}
