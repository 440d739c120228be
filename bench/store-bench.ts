/**
 * The durable store, measured (not part of `npm test`):
 *
 *   node dist/bench/store-bench.js commit              group commit: batch sizes, write throughput with fsync,
 *                                                        read latency and event-loop stalls during writes,
 *                                                        worker-thread commits vs. commits on the main thread
 *   node dist/bench/store-bench.js recovery [N ...]    restart time for stores of N znodes (default 200000 1000000):
 *                                                        in-process recovery, and spawn-to-first-read of `zkts start`
 *   node dist/bench/store-bench.js snapshot [N]        worst stall while a fuzzy snapshot of N znodes (default 1000000)
 *                                                        is written under read and write load
 *   node dist/bench/store-bench.js recovery-zk [N ...] the same restart on Apache ZooKeeper 3.8 (Debian package)
 *   node dist/bench/store-bench.js all
 *   node dist/bench/store-bench.js build N             builds a store of N znodes and leaves it (prints where)
 *   node dist/bench/store-bench.js open DIR            recovers the store in DIR in-process (to profile:
 *                                                        node --cpu-prof dist/bench/store-bench.js open DIR)
 *
 * Every loop is bounded in count and time; servers listen on 127.0.0.1 only and
 * child processes are stopped by pid. Stores go to a temp dir (ZKTS_BENCH_DIR to
 * choose one), removed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { ACL } from '../src/protocol/generated/records.js';
import { JuteWriter } from '../src/protocol/jute-writer.js';
import { OpCode } from '../src/protocol/opcodes.js';
import { type LoggedTxn, writeTxnEntry } from '../src/protocol/txn-entry.js';
import type { WriteRequest } from '../src/protocol/client-requests.js';
import { DurableStore } from '../src/persistence/durable-store.js';
import { checksum } from '../src/persistence/checksum.js';
import { claimStoreFile, configureConnection, LOG_SCHEMA } from '../src/persistence/sqlite-schema.js';
import { ensureStoreDirs, storeLayout } from '../src/persistence/store-layout.js';
import { createLogger } from '../src/server/logger.js';
import { RequestPipeline } from '../src/server/request-pipeline.js';
import { defaultServerConfig, type ServerConfig } from '../src/server/server-config.js';
import { StandaloneServer, startStandaloneServer, storeSettings } from '../src/server/standalone-server.js';
import type { TxnLog } from '../src/server/txn-log.js';
import { DataTree } from '../src/tree/data-tree.js';

/** A tree as a server's (digest.enabled is the default); ZKTS_BENCH_DIGEST=0 leaves the digest out, to measure its cost. */
function benchTree(): DataTree {
  return new DataTree({ digest: process.env['ZKTS_BENCH_DIGEST'] !== '0' });
}
import { MultiRequestBody, RawClient, type MultiOp } from '../test/support/raw-client.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const OPEN_ACL: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const silent = createLogger({ level: 'silent' });
/** Timed restarts per store: the machine is shared, so the least disturbed run is reported with the rest. */
const RESTARTS = 3;
const root = process.env['ZKTS_BENCH_DIR'] ?? mkdtempSync(join(tmpdir(), 'zkts-store-bench-'));

function out(label: string, value: unknown): void {
  process.stdout.write(`${label.padEnd(44)} ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function latencySummary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `n=${s.length} p50=${quantile(s, 0.5).toFixed(2)} p99=${quantile(s, 0.99).toFixed(2)} max=${(s.at(-1) ?? NaN).toFixed(2)} ms`;
}

function freshDir(name: string): string {
  const d = join(root, name);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  return d;
}

/**
 * For comparison only: the same txn log with its commits (and fsyncs) on the
 * main thread, as a plain better-sqlite3 log would do them.
 */
class MainThreadTxnLog implements TxnLog {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly w = new JuteWriter(64 * 1024);

  constructor(file: string) {
    this.db = new Database(file);
    configureConnection(this.db, true);
    claimStoreFile(this.db, file, LOG_SCHEMA);
    this.insert = this.db.prepare('INSERT INTO txns (zxid, txn, crc) VALUES (?, ?, ?)');
  }

  append(txns: readonly LoggedTxn[]): Promise<void> {
    this.db.transaction(() => {
      for (const t of txns) {
        this.w.reset();
        writeTxnEntry(this.w, t);
        const bytes = this.w.view();
        this.insert.run(t.txn.hdr.zxid, bytes, checksum(bytes));
      }
    })();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

interface LoadResult {
  writes: number;
  seconds: number;
  writeLatency: number[];
  readLatency: number[];
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
}

/** `clients` writers with `window` creates each in flight, plus one sequential reader, for `seconds`. */
async function writeLoad(port: number, clients: number, window: number, seconds: number, tag: string): Promise<LoadResult> {
  const cs = await Promise.all(Array.from({ length: clients }, () => RawClient.connect(port, { timeout: 30_000 })));
  const reader = await RawClient.connect(port, { timeout: 30_000 });
  const setup = cs[0] as RawClient;
  await setup.create(`/${tag}`);
  const deadline = performance.now() + seconds * 1000;
  const writeLatency: number[] = [];
  const readLatency: number[] = [];
  let writes = 0;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const t0 = performance.now();
  const lanes = cs.flatMap((c, ci) =>
    Array.from({ length: window }, async (_, li) => {
      for (let i = 0; i < 200_000 && performance.now() < deadline; i++) {
        const s = performance.now();
        const r = await c.create(`/${tag}/c${ci}-${li}-${i}`, { data: Buffer.from('payload-32-bytes-payload-32-byte') });
        if (r.err !== 0) throw new Error(`create failed: ${r.err}`);
        writeLatency.push(performance.now() - s);
        writes++;
      }
    }),
  );
  const reads = (async () => {
    for (let i = 0; i < 1_000_000 && performance.now() < deadline; i++) {
      const s = performance.now();
      await reader.getData(`/${tag}`);
      readLatency.push(performance.now() - s);
    }
  })();
  await Promise.all([...lanes, reads]);
  const secondsTaken = (performance.now() - t0) / 1000;
  loop.disable();
  for (const c of [...cs, reader]) c.close();
  return {
    writes,
    seconds: secondsTaken,
    writeLatency,
    readLatency,
    loopDelayMaxMs: loop.max / 1e6,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
  };
}

function report(label: string, r: LoadResult): void {
  out(`${label}: write throughput`, `${Math.round(r.writes / r.seconds)} creates/s (${r.writes} in ${r.seconds.toFixed(1)} s)`);
  out(`${label}: write latency`, latencySummary(r.writeLatency));
  out(`${label}: read latency during writes`, latencySummary(r.readLatency));
  out(`${label}: event-loop delay`, `p99=${r.loopDelayP99Ms.toFixed(2)} max=${r.loopDelayMaxMs.toFixed(2)} ms`);
}

async function benchCommit(): Promise<void> {
  out('== commit', 'WAL, synchronous=FULL (forceSync=yes); clients in this process');
  const config = (dataDir: string): ServerConfig => defaultServerConfig({ clientPort: 0, dataDir, maxClientCnxns: 0, globalOutstandingLimit: 100_000 });

  // One client, one write at a time: every commit holds one txn.
  {
    const server = (await startStandaloneServer(config(freshDir('commit-seq')), silent, { durable: true })) as StandaloneServer;
    const c = await RawClient.connect(server.port, { timeout: 30_000 });
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < 3000 && performance.now() - t0 < 10_000; i++) {
      const s = performance.now();
      await c.create(`/seq${i}`);
      lat.push(performance.now() - s);
    }
    const secs = (performance.now() - t0) / 1000;
    c.close();
    const store = server.txnLog as DurableStore;
    out('1 client, sequential: throughput', `${Math.round(lat.length / secs)} creates/s`);
    out('1 client, sequential: write latency', latencySummary(lat));
    out('1 client, sequential: commits', store.txnLog.stats.summary());
    await server.close();
  }

  for (const [clients, window] of [
    [4, 1],
    [4, 4],
    [16, 16],
  ] as const) {
    const server = (await startStandaloneServer(config(freshDir(`commit-${clients}`)), silent, { durable: true })) as StandaloneServer;
    const r = await writeLoad(server.port, clients, window, 5, 'load');
    const store = server.txnLog as DurableStore;
    report(`${clients} clients x ${window} in flight, worker commits`, r);
    out(`${clients} x ${window}, worker commits: fsync batches`, store.txnLog.stats.summary());
    await server.close();
  }

  // The same load with the commits on the main thread.
  {
    const dir = freshDir('commit-main');
    const layout = storeLayout(dir);
    ensureStoreDirs(layout);
    const server = new StandaloneServer(config(dir), silent, { tree: benchTree(), txnLog: new MainThreadTxnLog(layout.logFile), sessions: new Map() });
    await server.listen();
    const r = await writeLoad(server.port, 16, 16, 5, 'load');
    report('16 clients x 16 in flight, main-thread commits', r);
    await server.close();
  }
}

/** Builds a store of `n` znodes (multis of 1000 creates), snapshots it, then logs `after` setData txns. */
async function buildStore(dir: string, n: number, after: number): Promise<void> {
  const opened = await DurableStore.open(
    { ...storeSettings(defaultServerConfig({ dataDir: dir })), snapCount: 100_000_000 },
    () => benchTree(),
    silent,
  );
  const pipeline = new RequestPipeline(opened.tree, opened.store, { extendedTypesEnabled: false, reconfigEnabled: false }, (err) => {
    throw err;
  });
  const submit = (op: WriteRequest): Promise<void> =>
    new Promise((resolve, reject) =>
      pipeline.submit({ sessionId: 0n, cxid: 0, authIds: [] }, op, (res) => (res.err === 0 ? resolve() : reject(new Error(`err ${res.err}`)))),
    );
  const groups = Math.ceil(n / 1000);
  const data = Buffer.from('znode-data-32-bytes-znode-data-3');
  for (let g = 0; g < groups; g += 10) {
    const batch: Promise<void>[] = [];
    for (let k = g; k < Math.min(groups, g + 10); k++) {
      const ops: WriteRequest[] = [{ type: OpCode.create, req: { path: `/g${k}`, data, acl: OPEN_ACL, flags: 0 } }];
      for (let i = 0; i < 999 && k * 1000 + i + 1 < n; i++) ops.push({ type: OpCode.create, req: { path: `/g${k}/n${i}`, data, acl: OPEN_ACL, flags: 0 } });
      batch.push(submit({ type: OpCode.multi, ops }));
    }
    await Promise.all(batch);
  }
  const snap = await opened.store.snapshotNow();
  out(`store of ${n}: snapshot`, `${snap.nodeCount} nodes, ${(snap.bytes / 1e6).toFixed(1)} MB in ${snap.chunkCount} chunks, ${Math.round(snap.ms)} ms`);
  for (let i = 0; i < after; i += 500) {
    const batch: Promise<void>[] = [];
    for (let k = i; k < Math.min(after, i + 500); k++) {
      batch.push(submit({ type: OpCode.setData, req: { path: `/g${k % groups}`, data: Buffer.from(`after ${k}`), version: -1 } }));
    }
    await Promise.all(batch);
  }
  await opened.store.close();
}

/** Spawns `zkts start` on the store; ms from spawn until a getData is answered. */
async function firstReadMs(dir: string): Promise<number> {
  const cfg = join(dir, 'zoo.cfg');
  writeFileSync(cfg, `tickTime=2000\ndataDir=${dir}\nclientPort=0\nclientPortAddress=127.0.0.1\nsnapCount=100000000\n`);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--max-old-space-size=8192', MAIN, 'start', '--config', cfg, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let text = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no "zkts serving" within 120 s')), 120_000);
      child.stdout?.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /"port":(\d+)[^\n]*"msg":"zkts serving"/.exec(text);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`zkts exited ${code}\n${text.slice(-2000)}`));
      });
    });
    const c = await RawClient.connect(port, { timeout: 30_000 });
    const r = await c.getData('/g0');
    const ms = performance.now() - t0;
    c.close();
    if (r.err !== 0) throw new Error(`first read failed: ${r.err}`);
    const recovered = /"msg":"store recovered"/.test(text) ? /\{[^\n]*"msg":"store recovered"\}/.exec(text)?.[0] : undefined;
    if (recovered) {
      const j = JSON.parse(recovered) as { replayed: number; ms: number };
      out('  zkts start: store recovered in', `${j.ms} ms (${j.replayed} txns replayed)`);
    }
    return ms;
  } finally {
    if (child.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
  }
}

async function benchRecovery(sizes: number[]): Promise<void> {
  out('== recovery', 'newest snapshot + 10000 txns after it');
  for (const n of sizes) {
    const dir = freshDir(`recovery-${n}`);
    const t0 = performance.now();
    await buildStore(dir, n, 10_000);
    out(`store of ${n}: built in`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (global.gc) global.gc();
    const r0 = performance.now();
    const opened = await DurableStore.open(storeSettings(defaultServerConfig({ dataDir: dir })), () => benchTree(), silent);
    const openMs = performance.now() - r0;
    out(`store of ${n}: in-process recovery`, `${Math.round(opened.report.ms)} ms (snapshot load ${Math.round(opened.report.snapshot?.ms ?? 0)} ms, ${opened.report.replayed} txns replayed; open with writers ${Math.round(openMs)} ms)`);
    await opened.store.close();
    const runs: number[] = [];
    for (let i = 0; i < RESTARTS; i++) runs.push(Math.round(await firstReadMs(dir)));
    out(`store of ${n}: zkts start to first read`, `min ${Math.min(...runs)} ms (runs: ${runs.join(', ')} ms)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One in-process recovery of an existing store, timed (the store is left as it was). */
async function openStore(dir: string): Promise<void> {
  if (!dir) throw new Error('open needs the store directory (from `build`)');
  const r0 = performance.now();
  const opened = await DurableStore.open(storeSettings(defaultServerConfig({ dataDir: dir })), () => benchTree(), silent);
  const ms = performance.now() - r0;
  out('in-process recovery', `${Math.round(opened.report.ms)} ms (snapshot load ${Math.round(opened.report.snapshot?.ms ?? 0)} ms, ${opened.report.replayed} txns replayed; open with writers ${Math.round(ms)} ms)`);
  await opened.store.close();
}

async function benchSnapshot(n: number): Promise<void> {
  out('== snapshot', `fuzzy snapshot of ${n} znodes under load (1 reader, 4 writers x 4 in flight), in-process`);
  const dir = freshDir(`snapshot-${n}`);
  await buildStore(dir, n, 0);
  const config = defaultServerConfig({ clientPort: 0, dataDir: dir, snapCount: 100_000_000, maxClientCnxns: 0 });
  const server = (await startStandaloneServer(config, silent, { durable: true })) as StandaloneServer;
  const store = server.txnLog as DurableStore;
  // Let start-up garbage settle before measuring.
  await sleep(2000);
  const baseline = await writeLoad(server.port, 4, 4, 3, 'before');
  report('no snapshot', baseline);
  const running = writeLoad(server.port, 4, 4, 8, 'during');
  await sleep(500);
  const snap = await store.snapshotNow();
  const during = await running;
  out('snapshot', `${snap.nodeCount} nodes, ${(snap.bytes / 1e6).toFixed(1)} MB, ${Math.round(snap.ms)} ms, longest main-thread slice ${snap.longestSliceMs.toFixed(2)} ms`);
  report('during snapshot (window includes it)', during);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

/** A free port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Connects and reads /g0 until it answers; returns ms since `t0`. */
async function untilFirstRead(port: number, t0: number, child: ChildProcess, timeoutMs: number): Promise<number> {
  for (let i = 0; i < 100_000 && performance.now() - t0 < timeoutMs; i++) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    try {
      const c = await RawClient.connect(port, { timeout: 30_000 }, 1000);
      try {
        const r = await c.getData('/g0', false);
        if (r.err === 0) return performance.now() - t0;
      } finally {
        c.close();
      }
    } catch {
      // not up yet
    }
    await sleep(20);
  }
  throw new Error('no first read in time');
}

async function stopByPid(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const done = new Promise((r) => child.once('exit', r));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 30_000);
  await done;
  clearTimeout(timer);
}

/**
 * The same restart on Apache ZooKeeper 3.8 (Debian package): the same tree is
 * written through the client port, the server restarted once (it snapshots at
 * every start), and the next start timed from spawn to the first read.
 */
async function benchRecoveryZooKeeper(sizes: number[]): Promise<void> {
  const zkServer = '/usr/share/zookeeper/bin/zkServer.sh';
  out('== recovery, Apache ZooKeeper 3.8', 'same tree: snapshot + 10000 txns, then timed restart');
  for (const n of sizes) {
    const dir = freshDir(`zookeeper-${n}`);
    const port = await freePort();
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, `tickTime=2000\ndataDir=${dir}\nclientPort=${port}\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\nmaxClientCnxns=0\n`);
    const start = (): ChildProcess => {
      const env: NodeJS.ProcessEnv = { ...process.env, SERVER_JVMFLAGS: '-Xmx6g', ZOO_LOG_DIR: dir };
      delete env['ZOO_NOEXEC'];
      return spawn(zkServer, ['start-foreground', cfg], { stdio: ['ignore', 'ignore', 'ignore'], env, cwd: dir });
    };
    let child = start();
    try {
      const t0 = performance.now();
      const c = await (async () => {
        for (let i = 0; i < 1000; i++) {
          try {
            return await RawClient.connect(port, { timeout: 30_000 }, 1000);
          } catch {
            await sleep(100);
          }
        }
        throw new Error('ZooKeeper did not come up');
      })();
      const data = Buffer.from('znode-data-32-bytes-znode-data-3');
      const groups = Math.ceil(n / 1000);
      for (let g = 0; g < groups; g += 10) {
        const batch: Promise<unknown>[] = [];
        for (let k = g; k < Math.min(groups, g + 10); k++) {
          const ops: MultiOp[] = [{ type: 1, req: { path: `/g${k}`, data, acl: OPEN_ACL, flags: 0 } }];
          for (let i = 0; i < 999 && k * 1000 + i + 1 < n; i++) ops.push({ type: 1, req: { path: `/g${k}/n${i}`, data, acl: OPEN_ACL, flags: 0 } });
          batch.push(c.request(14, MultiRequestBody, ops, { timeoutMs: 60_000 }).then((r) => r.err === 0 || Promise.reject(new Error(`multi ${r.err}`))));
        }
        await Promise.all(batch);
      }
      for (let i = 0; i < 10_000; i += 500) {
        const batch: Promise<unknown>[] = [];
        for (let k = i; k < i + 500; k++) batch.push(c.setData(`/g${k % groups}`, Buffer.from(`after ${k}`)));
        await Promise.all(batch);
      }
      c.close();
      out(`ZooKeeper, ${n}: built in`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await stopByPid(child);
      // This start replays the log and writes a snapshot; the next one is the timed one.
      child = start();
      await untilFirstRead(port, performance.now(), child, 300_000);
      await stopByPid(child);
      const runs: number[] = [];
      for (let i = 0; i < RESTARTS; i++) {
        const t1 = performance.now();
        child = start();
        runs.push(Math.round(await untilFirstRead(port, t1, child, 300_000)));
        await stopByPid(child);
      }
      out(`ZooKeeper, ${n}: start to first read`, `min ${Math.min(...runs)} ms (runs: ${runs.join(', ')} ms)`);
    } finally {
      await stopByPid(child);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  const [what = 'all', ...args] = process.argv.slice(2);
  const sizes = args.map(Number).filter((x) => x > 0);
  out('machine', `${process.version}, data in ${root}`);
  try {
    if (what === 'commit' || what === 'all') await benchCommit();
    if (what === 'recovery' || what === 'all') await benchRecovery(sizes.length > 0 ? sizes : [200_000, 1_000_000]);
    if (what === 'snapshot' || what === 'all') await benchSnapshot(sizes[0] ?? 1_000_000);
    if (what === 'recovery-zk' || what === 'all') await benchRecoveryZooKeeper(sizes.length > 0 ? sizes : [200_000, 1_000_000]);
    if (what === 'build') {
      const dir = mkdtempSync(join(tmpdir(), `zkts-store-${sizes[0] ?? 1_000_000}-`));
      await buildStore(dir, sizes[0] ?? 1_000_000, 10_000);
      out('store built (remove it when done)', dir);
    }
    if (what === 'open') await openStore(args[0] ?? '');
  } finally {
    if (!process.env['ZKTS_BENCH_DIR']) rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
