/**
 * Workload 3: watch fan-out. W watcher sessions set an exists watch on one znode,
 * one writer session sets its data, and each watcher's notification latency is
 * the time from the setData being sent to the notification's arrival (one clock:
 * writer and watchers live in this thread). Repeated for `cycles` cycles.
 */
import type { BenchClient, Notification } from '../client.js';
import { Histogram, type LatencySummary } from '../histogram.js';
import type { BenchServer } from '../servers.js';
import { abOrder, connectTo, type PerKind, progress, within } from './common.js';

export interface FanoutRun {
  watchers: number;
  cycles: number;
  /** Per notification: setData sent → notification received. */
  notify: LatencySummary;
  /** Per cycle: setData sent → the last watcher notified. */
  all: LatencySummary;
  /** Notifications delivered per second of whole cycles (re-arming included). */
  notificationsPerSec: number;
  serverCpuUsPerNotification: number;
}

export interface FanoutResult {
  watchers: number;
  runs: PerKind<FanoutRun[]>;
}

async function fanoutOnce(server: BenchServer, watchers: number, cycles: number, capMs: number): Promise<FanoutRun> {
  const path = `/bench/fan${watchers}`;
  const writer = await connectTo(server);
  await writer.ensure('/bench');
  await writer.ensure(path);
  const clients: BenchClient[] = [];
  try {
    for (let i = 0; i < watchers; i += 50) {
      clients.push(...(await Promise.all(Array.from({ length: Math.min(50, watchers - i) }, () => connectTo(server)))));
    }
    const perNote = new Histogram();
    const perCycle = new Histogram();
    let pending = 0;
    let sentAt = 0;
    let last = 0;
    let cycleDone: (() => void) | undefined;
    const onNote = (n: Notification): void => {
      if (n.path !== path) return;
      perNote.recordMs(n.at - sentAt);
      last = n.at;
      if (--pending === 0) cycleDone?.();
    };
    for (const c of clients) c.onNotification = onNote;
    const data = Buffer.alloc(100, 0x66);
    const deadline = performance.now() + capMs;
    const cpu0 = server.cpuMicros();
    const t0 = performance.now();
    let done = 0;
    for (; done < cycles && performance.now() < deadline; done++) {
      const armed = await within(Promise.all(clients.map((c) => c.exists(path, true))), 10_000, 'arming watches');
      if (armed.some((r) => r.err !== 0)) throw new Error('exists failed');
      pending = watchers;
      const allNotified = new Promise<void>((resolve) => (cycleDone = resolve));
      sentAt = performance.now();
      const written = writer.setData(path, data);
      await within(Promise.all([allNotified, written]), 10_000, `cycle ${done}: ${pending} of ${watchers} notifications missing`);
      perCycle.recordMs(last - sentAt);
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = server.cpuMicros() - cpu0;
    return {
      watchers,
      cycles: done,
      notify: perNote.summary(),
      all: perCycle.summary(),
      notificationsPerSec: (done * watchers) / elapsed,
      serverCpuUsPerNotification: cpu / Math.max(1, done * watchers),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await writer.close();
  }
}

export async function runFanout(servers: PerKind<BenchServer>, o: { watchers: number[]; cycles: number; reps: number; capMs: number }): Promise<FanoutResult[]> {
  const out: FanoutResult[] = [];
  let index = 0;
  for (const w of o.watchers) {
    const fr: FanoutResult = { watchers: w, runs: { zookeeper: [], zkts: [] } };
    for (let rep = 0; rep < o.reps; rep++) {
      for (const kind of abOrder(index, rep)) {
        const r = await fanoutOnce(servers[kind], w, o.cycles, o.capMs);
        fr.runs[kind].push(r);
        progress(
          `fan-out ${w} watchers rep ${rep + 1}/${o.reps} ${kind.padEnd(9)} notify p50 ${(r.notify.p50 / 1000).toFixed(2)} ms ` +
            `p99 ${(r.notify.p99 / 1000).toFixed(2)} ms, all notified p99 ${(r.all.p99 / 1000).toFixed(2)} ms`,
        );
      }
    }
    out.push(fr);
    index++;
  }
  return out;
}
