/**
 * kill -9 at random points: zkts runs as a real process (node dist/src/cli/main.js
 * start --config), concurrent writers record every acknowledged write, the server
 * is killed with SIGKILL mid-flight (mid-commit, mid-snapshot, mid-purge, by
 * chance), restarted on the same data dir, and checked:
 *  - every acknowledged create is there with its data; an unacknowledged one is
 *    there whole or not at all;
 *  - every multi is all-or-nothing, and acknowledged ones are all there;
 *  - each writer's counter holds a value it sent, no older than its last ack;
 *  - ephemerals of the sessions alive at the kill are back with their sessions,
 *    and go once those sessions expire.
 * Bounded: ROUNDS rounds of at most ~1 s of writing each.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { dataOf, decodeMultiResponse, MultiRequestBody, RawClient, type MultiOp } from './support/raw-client.js';
import { OPEN_ACL, seededRandom } from './persistence-support.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const ROUNDS = 14;
const WRITERS = 4;
/** Requests each writer keeps in flight. */
const WINDOW = 12;
const BULK_NODES = 20_000;
const SESSION_TIMEOUT = 2000;
const TICK = 1000;
const NO_NODE = -101;
const SEED = Number(process.env['ZKTS_CRASH_SEED'] ?? Date.now() % 100_000);

interface Server {
  child: ChildProcess;
  port: number;
  output(): string;
}

const live = new Set<ChildProcess>();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function startServer(configFile: string): Promise<Server> {
  const child = spawn(process.execPath, [MAIN, 'start', '--config', configFile, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let out = '';
  const keep = (d: Buffer): void => {
    out += d.toString();
    // Keep memory bounded; the head holds the recovery lines.
    if (out.length > 400_000) out = out.slice(0, 100_000) + out.slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "zkts serving" within 30 s:\n${out.slice(-3000)}`));
    }, 30_000);
    const onData = (): void => {
      const m = /"port":(\d+)[^\n]*"msg":"zkts serving"/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({ child, port: Number(m[1]), output: () => out });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`zkts exited (${code ?? signal}) before serving:\n${out.slice(-3000)}`));
    });
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function kill9(s: Server): Promise<void> {
  if (s.child.pid !== undefined) process.kill(s.child.pid, 'SIGKILL');
  const r = await exited(s.child);
  assert.equal(r.signal, 'SIGKILL');
}

/** What the writers were told, and what they sent. */
class Ledger {
  /** Created path -> its data, for every create sent. */
  readonly sentCreates = new Map<string, string>();
  readonly ackedCreates = new Set<string>();
  /** Multis: two creates that must both exist or neither. */
  readonly multis: { a: string; b: string; acked: boolean }[] = [];
  /** Per writer: the counter's sent and acknowledged values. */
  readonly counters = Array.from({ length: WRITERS }, () => ({ sent: 0, acked: 0 }));
  /** Ephemerals acknowledged in the round just killed (their sessions were alive). */
  ephemerals: string[] = [];
  readonly allEphemerals: string[] = [];
  acks = 0;
}

function connectionCut(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

const counterPath = (w: number): string => `/crash/counters/w${w}`;

/** One writer: a session that keeps WINDOW writes in flight until stopped or cut off. */
async function runWriter(port: number, w: number, round: number, ledger: Ledger, rnd: () => number, stop: { now: boolean }): Promise<void> {
  let c: RawClient;
  try {
    c = await RawClient.connect(port, { timeout: SESSION_TIMEOUT });
  } catch {
    return;
  }
  const base = `/crash/r${round}`;
  let n = 0;
  /** The reply, or undefined when the kill cut the request off (unacknowledged). */
  const attempt = async <T>(send: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await send();
    } catch (err) {
      // A kill -9 can show as ECONNRESET/EPIPE on a write before the socket's 'close' arrives.
      if (c.closed || stop.now || connectionCut(err)) return undefined;
      throw err;
    }
  };
  const one = async (): Promise<void> => {
    const k = n++;
    if (k === 0) {
      const path = `${base}/e${w}`;
      const r = await attempt(() => c.create(path, { data: Buffer.from(`eph ${w}`), flags: 1 }));
      if (r === undefined) return;
      assert.equal(r.err, 0, `ephemeral ${path}`);
      ledger.ephemerals.push(path);
      ledger.allEphemerals.push(path);
    } else {
      const kind = rnd();
      if (kind < 0.5) {
        const path = `${base}/w${w}-${k}`;
        const data = `r${round} w${w} k${k} ${'x'.repeat(k % 40)}`;
        ledger.sentCreates.set(path, data);
        const r = await attempt(() => c.create(path, { data: Buffer.from(data) }));
        if (r === undefined) return;
        assert.equal(r.err, 0, `create ${path}`);
        ledger.ackedCreates.add(path);
      } else if (kind < 0.75) {
        const entry = { a: `${base}/m${w}-${k}-a`, b: `${base}/m${w}-${k}-b`, acked: false };
        ledger.multis.push(entry);
        const ops: MultiOp[] = [
          { type: 1, req: { path: entry.a, data: Buffer.from('a'), acl: OPEN_ACL, flags: 0 } },
          { type: 1, req: { path: entry.b, data: Buffer.from('b'), acl: OPEN_ACL, flags: 0 } },
        ];
        const r = await attempt(() => c.request(14, MultiRequestBody, ops));
        if (r === undefined) return;
        const results = decodeMultiResponse(r.body);
        assert.ok(r.err === 0 && results.every((x) => x.type !== -1), `multi ${entry.a}: ${JSON.stringify(results)}`);
        entry.acked = true;
      } else {
        const counter = ledger.counters[w] as { sent: number; acked: number };
        const value = ++counter.sent;
        const r = await attempt(() => c.setData(counterPath(w), Buffer.from(String(value))));
        if (r === undefined) return;
        assert.equal(r.err, 0, `setData ${counterPath(w)}`);
        counter.acked = Math.max(counter.acked, value);
      }
    }
    ledger.acks++;
  };
  const lanes: Promise<void>[] = [];
  for (let lane = 0; lane < WINDOW; lane++) {
    lanes.push(
      (async () => {
        // Bounded: at most 2000 writes per lane per round.
        for (let i = 0; i < 2000 && !stop.now && !c.closed; i++) await one();
      })(),
    );
  }
  await Promise.all(lanes);
  c.close();
}

/** Reads many paths over one connection, a bounded number in flight. */
async function readAll(c: RawClient, paths: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (let i = 0; i < paths.length; i += 256) {
    const batch = paths.slice(i, i + 256);
    const replies = await Promise.all(batch.map((p) => c.getData(p, false)));
    replies.forEach((r, k) => {
      const p = batch[k] as string;
      if (r.err === NO_NODE) out.set(p, null);
      else if (r.err === 0) out.set(p, dataOf(r).data?.toString() ?? '');
      else throw new Error(`getData ${p}: error ${r.err}`);
    });
  }
  return out;
}

async function verify(port: number, ledger: Ledger, opts: { ephemeralsAlive: boolean }): Promise<void> {
  const c = await RawClient.connect(port, { timeout: 30_000 });
  try {
    if (opts.ephemeralsAlive) {
      const eph = await readAll(c, ledger.ephemerals);
      for (const [p, v] of eph) assert.notEqual(v, null, `ephemeral ${p} of a session alive at the kill is missing after restart`);
    }
    const creates = await readAll(c, [...ledger.sentCreates.keys()]);
    for (const [p, v] of creates) {
      if (ledger.ackedCreates.has(p)) assert.equal(v, ledger.sentCreates.get(p), `acknowledged create ${p}`);
      else if (v !== null) assert.equal(v, ledger.sentCreates.get(p), `unacknowledged create ${p} is partial`);
    }
    const multiPaths = ledger.multis.flatMap((m) => [m.a, m.b]);
    const multis = await readAll(c, multiPaths);
    for (const m of ledger.multis) {
      const a = multis.get(m.a) ?? null;
      const b = multis.get(m.b) ?? null;
      assert.equal(a === null, b === null, `multi ${m.a}/${m.b} half applied (a=${a}, b=${b})`);
      if (m.acked) assert.deepEqual([a, b], ['a', 'b'], `acknowledged multi ${m.a}`);
    }
    const counters = await readAll(c, ledger.counters.map((_, w) => counterPath(w)));
    ledger.counters.forEach((cnt, w) => {
      const v = Number(counters.get(counterPath(w)));
      assert.ok(v >= cnt.acked && v <= cnt.sent, `counter ${w} = ${v}, acked ${cnt.acked}, sent ${cnt.sent}`);
      // From here on the counter is what it is: later rounds count on from it.
      cnt.acked = v;
      cnt.sent = Math.max(cnt.sent, v);
    });
  } finally {
    c.close();
  }
}

async function populate(port: number): Promise<void> {
  const c = await RawClient.connect(port, { timeout: 30_000 });
  try {
    for (const p of ['/crash', '/crash/counters', '/crash/bulk']) assert.equal((await c.create(p)).err, 0);
    for (let w = 0; w < WRITERS; w++) assert.equal((await c.create(counterPath(w), { data: Buffer.from('0') })).err, 0);
    // A tree big enough that snapshots take a while and get killed midway.
    const multis: Promise<unknown>[] = [];
    for (let i = 0; i < BULK_NODES; i += 500) {
      const ops: MultiOp[] = [];
      for (let k = i; k < i + 500; k++) ops.push({ type: 1, req: { path: `/crash/bulk/b${k}`, data: Buffer.from(`bulk ${k}`), acl: OPEN_ACL, flags: 0 } });
      multis.push(c.request(14, MultiRequestBody, ops, { timeoutMs: 20_000 }).then((r) => assert.equal(r.err, 0)));
    }
    await Promise.all(multis);
  } finally {
    c.close();
  }
}

describe('kill -9 recovery', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-crash-'));
  after(() => {
    for (const child of live) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(`every acknowledged write survives ${ROUNDS} kill -9s at random points, nothing shows half-done`, { timeout: 180_000 }, async (t) => {
    t.diagnostic(`seed ${SEED} (ZKTS_CRASH_SEED=${SEED} repeats this run's timings)`);
    const rnd = seededRandom(SEED);
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const configFile = join(dir, 'zoo.cfg');
    writeFileSync(
      configFile,
      [
        `tickTime=${TICK}`,
        `dataDir=${dataDir}`,
        'clientPort=0',
        'clientPortAddress=127.0.0.1',
        'maxClientCnxns=0',
        // Snapshots every 150-300 txns and a purge every 300 ms: kills land in both.
        'snapCount=300',
        'autopurge.snapRetainCount=3',
        'autopurge.purgeInterval=300ms',
      ].join('\n') + '\n',
    );
    const ledger = new Ledger();
    let server = await startServer(configFile);
    await populate(server.port);
    let snapshots = 0;
    let recoveries = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const setup = await RawClient.connect(server.port, { timeout: 30_000 });
      assert.equal((await setup.create(`/crash/r${round}`)).err, 0);
      setup.close();
      ledger.ephemerals = [];
      const stop = { now: false };
      const writers = Array.from({ length: WRITERS }, (_, w) => runWriter(server.port, w, round, ledger, rnd, stop));
      await sleep(150 + Math.floor(rnd() * 850));
      await kill9(server);
      stop.now = true;
      await Promise.all(writers);
      snapshots += (server.output().match(/"snapshot written"/g) ?? []).length;

      server = await startServer(configFile);
      recoveries += (server.output().match(/"store recovered"/g) ?? []).length;
      await verify(server.port, ledger, { ephemeralsAlive: true });
    }
    t.diagnostic(`${ledger.acks} acknowledged writes, ${ledger.sentCreates.size} creates and ${ledger.multis.length} multis sent, ${snapshots} snapshots written, ${recoveries} recoveries`);
    assert.ok(ledger.acks > ROUNDS * 10, `writers got only ${ledger.acks} acknowledgements`);
    assert.equal(recoveries, ROUNDS);

    // A clean stop keeps the sessions too; once they expire, their ephemerals go.
    process.kill(server.child.pid as number, 'SIGTERM');
    assert.deepEqual(await exited(server.child), { code: 0, signal: null });
    server = await startServer(configFile);
    await verify(server.port, ledger, { ephemeralsAlive: true });
    await sleep(SESSION_TIMEOUT + 2 * TICK + 500);
    const c = await RawClient.connect(server.port, { timeout: 30_000 });
    const eph = await readAll(c, ledger.allEphemerals);
    c.close();
    for (const [p, v] of eph) assert.equal(v, null, `ephemeral ${p} outlived its session`);
    process.kill(server.child.pid as number, 'SIGTERM');
    assert.deepEqual(await exited(server.child), { code: 0, signal: null });
  });
});
