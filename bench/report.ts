/**
 * Turns a BenchResults into RESULTS.md (ratios first, then absolute numbers with
 * their noise: median [min..max] over repetitions) and the chart's groups.
 */
import type { ChartGroup } from './chart/chart.js';
import type { LatencySummary } from './histogram.js';
import type { BenchResults } from './results.js';
import type { ServerKind } from './servers.js';
import { median, type PerKind, range } from './workloads/common.js';
import { type MixPoint, pointLabel } from './workloads/mix.js';
import type { RestartResult, ScaleResult, SnapshotResult } from './workloads/scale.js';

// ---- number formatting ----

export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(a >= 1e7 ? 1 : 2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(a >= 1e5 ? 0 : 1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** Microseconds as milliseconds. */
export const fmtMs = (us: number): string => fmtNum(us / 1000);

export const fmtRatio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : 'n/a');

/** "median [min..max]" of a set of values; just the value when there is one. */
export function spread(xs: readonly number[], f: (v: number) => string = fmtNum): string {
  if (xs.length === 0) return 'n/a';
  if (xs.length === 1) return f(xs[0] as number);
  const [lo, hi] = range(xs);
  return `${f(median(xs))} [${f(lo)}..${f(hi)}]`;
}

/** zkts/ZooKeeper per repetition pair (runs i of both servers ran back to back). */
export function pairRatios(zk: readonly number[], zkts: readonly number[]): number[] {
  const n = Math.min(zk.length, zkts.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if ((zk[i] as number) > 0) out.push((zkts[i] as number) / (zk[i] as number));
  return out;
}

const ratioSpread = (zk: readonly number[], zkts: readonly number[]): string => spread(pairRatios(zk, zkts), fmtRatio);
const medianRatio = (zk: readonly number[], zkts: readonly number[]): number => median(pairRatios(zk, zkts));

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

// ---- the headline figures against the issue's targets ----

interface Headline {
  what: string;
  target: string;
  zk: string;
  zkts: string;
  ratio: number;
  ratioText: string;
  met: 'yes' | 'no' | 'n/a';
}

/** The load point with the highest median throughput at a read ratio (the server's saturated throughput). */
function saturated(mix: MixPoint[], ratio: number, kind: ServerKind): { point: MixPoint; tput: number } | null {
  let best: { point: MixPoint; tput: number } | null = null;
  for (const p of mix) {
    if (p.readRatio !== ratio) continue;
    const t = median(p.runs[kind].map((r) => r.throughput));
    if (!best || t > best.tput) best = { point: p, tput: t };
  }
  return best;
}

function headlines(res: BenchResults): Headline[] {
  const out: Headline[] = [];
  const mix = res.mix ?? [];
  for (const [ratio, name] of [
    [1, 'reads (read ratio 1.0)'],
    [0, 'writes (read ratio 0.0)'],
  ] as const) {
    const zk = saturated(mix, ratio, 'zookeeper');
    const zt = saturated(mix, ratio, 'zkts');
    if (zk && zt) {
      const r = zt.tput / zk.tput;
      out.push({
        what: `Saturated throughput, ${name}`,
        target: '≥ 1.50×',
        zk: `${fmtNum(zk.tput)}/s at ${pointLabel(zk.point.point)}`,
        zkts: `${fmtNum(zt.tput)}/s at ${pointLabel(zt.point.point)}`,
        ratio: r,
        ratioText: fmtRatio(r),
        met: r >= 1.5 ? 'yes' : 'no',
      });
      // CPU per op at the same load point for both: the largest one.
      const heavy = mix.filter((p) => p.readRatio === ratio).sort((a, b) => b.point.sessions * b.point.outstanding - a.point.sessions * a.point.outstanding)[0];
      if (heavy) {
        const c0 = heavy.runs.zookeeper.map((x) => x.serverCpuUsPerOp);
        const c1 = heavy.runs.zkts.map((x) => x.serverCpuUsPerOp);
        const cr = medianRatio(c0, c1);
        out.push({
          what: `Server CPU per op, ${name}, ${pointLabel(heavy.point)}`,
          target: '≤ 0.67×',
          zk: `${spread(c0)} µs`,
          zkts: `${spread(c1)} µs`,
          ratio: cr,
          ratioText: ratioSpread(c0, c1),
          met: cr <= 0.67 ? 'yes' : 'no',
        });
      }
    }
  }
  if (mix.length > 0) {
    const worse = mix.filter((p) => medianRatio(p.runs.zookeeper.map((r) => r.all.p99), p.runs.zkts.map((r) => r.all.p99)) > 1);
    out.push({
      what: 'p99 no worse than ZooKeeper at every mix load point',
      target: 'all points',
      zk: '',
      zkts: `${mix.length - worse.length} of ${mix.length} points`,
      ratio: worse.length,
      ratioText: worse.length === 0 ? 'all' : `worse at ${worse.map((p) => `r${p.readRatio.toFixed(1)} ${pointLabel(p.point)}`).join(', ')}`,
      met: worse.length === 0 ? 'yes' : 'no',
    });
  }
  const zkScale = res.scale?.zookeeper;
  const ztScale = res.scale?.zkts;
  if (zkScale && ztScale) {
    const r = ztScale.rssKb / zkScale.rssKb;
    out.push({
      what: `RSS with ${fmtNum(zkScale.znodes)} znodes`,
      target: '≤ 0.50×',
      zk: `${fmtNum(zkScale.rssKb / 1024)} MB`,
      zkts: `${fmtNum(ztScale.rssKb / 1024)} MB`,
      ratio: r,
      ratioText: fmtRatio(r),
      met: r <= 0.5 ? 'yes' : 'no',
    });
    const zr = Array.isArray(zkScale.restarts) ? zkScale.restarts.at(-1) : undefined;
    const tr = Array.isArray(ztScale.restarts) ? ztScale.restarts.at(-1) : undefined;
    if (zr) {
      const rr = tr ? tr.firstReadMs / zr.firstReadMs : NaN;
      out.push({
        what: `Restart to first read, ${fmtNum(zr.znodes)} znodes`,
        target: '≤ 0.50×',
        zk: `${fmtNum(zr.firstReadMs / 1000)} s`,
        zkts: tr ? `${fmtNum(tr.firstReadMs / 1000)} s` : naText(ztScale.restarts),
        ratio: rr,
        ratioText: tr ? fmtRatio(rr) : 'n/a',
        met: tr ? (rr <= 0.5 ? 'yes' : 'no') : 'n/a',
      });
    }
  }
  return out;
}

function naText(v: RestartResult[] | SnapshotResult | { na: string }): string {
  return 'na' in v ? v.na : '';
}

// ---- sections ----

function mixSection(mix: MixPoint[]): string {
  const rows = mix.map((p) => {
    const z = p.runs.zookeeper;
    const t = p.runs.zkts;
    const tp = (rs: typeof z): number[] => rs.map((r) => r.throughput);
    const cpu = (rs: typeof z): number[] => rs.map((r) => r.serverCpuUsPerOp);
    const p99 = (rs: typeof z): number[] => rs.map((r) => r.all.p99);
    return [
      p.readRatio.toFixed(1),
      pointLabel(p.point),
      spread(tp(z)),
      spread(tp(t)),
      `**${ratioSpread(tp(z), tp(t))}**`,
      spread(p99(z), fmtMs),
      spread(p99(t), fmtMs),
      ratioSpread(p99(z), p99(t)),
      spread(cpu(z)),
      spread(cpu(t)),
      ratioSpread(cpu(z), cpu(t)),
    ];
  });
  const head = ['read ratio', 'N×K', 'ZooKeeper ops/s', 'zkts ops/s', 'throughput zkts/ZK', 'ZooKeeper p99 ms', 'zkts p99 ms', 'p99 zkts/ZK', 'ZooKeeper CPU µs/op', 'zkts CPU µs/op', 'CPU/op zkts/ZK'];
  const lat = mix.flatMap((p) =>
    (['zookeeper', 'zkts'] as const).map((k) => {
      const rs = p.runs[k];
      const m = (f: (s: LatencySummary) => number): string => fmtMs(median(rs.map((r) => f(r.all))));
      const readShare = rs.map((r) => (r.read.count / Math.max(1, r.all.count)) * 100);
      return [
        p.readRatio.toFixed(1),
        pointLabel(p.point),
        k,
        m((s) => s.p50),
        m((s) => s.p90),
        m((s) => s.p99),
        m((s) => s.p999),
        fmtMs(Math.max(...rs.map((r) => r.all.max))),
        rs.some((r) => r.read.count > 0) ? fmtMs(median(rs.map((r) => r.read.p99))) : '—',
        rs.some((r) => r.write.count > 0) ? fmtMs(median(rs.map((r) => r.write.p99))) : '—',
        median(readShare).toFixed(0),
        spread(rs.map((r) => r.genCores)),
        spread(rs.map((r) => r.serverCores)),
        spread(rs.map((r) => r.otherCores)),
      ];
    }),
  );
  const errors = mix.flatMap((p) =>
    (['zookeeper', 'zkts'] as const).flatMap((k) =>
      p.runs[k]
        .filter((r) => r.badReplies > 0 || Object.keys(r.errors).length > 0 || r.unanswered > 0)
        .map((r) => `r${p.readRatio} ${pointLabel(p.point)} ${k}: errors ${JSON.stringify(r.errors)}, bad replies ${r.badReplies}, unanswered ${r.unanswered}`),
    ),
  );
  const confirm = mix.flatMap((p) =>
    (['zookeeper', 'zkts'] as const).flatMap((k) => p.runs[k].map((r) => (r.serverPackets === null ? null : r.serverPackets / Math.max(1, r.sent)))),
  );
  const conf = confirm.filter((x): x is number => x !== null);
  return [
    '## 1. getData / setData mixes (100-byte znodes, 1000 keys)',
    '',
    'Each cell: median [min..max] over the repetitions; ratios are zkts/ZooKeeper per back-to-back pair of runs.',
    'CPU µs/op is the server process\'s user+system time (all threads; for ZooKeeper the JVM) over the window, divided by the replies in it.',
    '',
    table(head, rows),
    '',
    'Latency per run (µs histograms merged over the window; median over repetitions; max is the worst of all runs), and who used the 2 cores:',
    '',
    table(['read ratio', 'N×K', 'server', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'read p99 ms', 'write p99 ms', 'reads %', 'generator cores', 'server cores', 'other cores'], lat),
    '',
    errors.length === 0
      ? `Every reply was checked: no error codes, no reply of the wrong size, nothing left unanswered.${conf.length ? ` The servers' own packet counters (mntr zk_packets_received) grew by ${fmtNum(Math.min(...conf) * 100)}–${fmtNum(Math.max(...conf) * 100)} % of the requests the generator sent (the rest are handshakes and closeSession).` : ''}`
      : `Errors seen:\n\n${errors.map((e) => `- ${e}`).join('\n')}`,
  ].join('\n');
}

function saturationSection(mix: MixPoint[]): string {
  const ramp = mix.filter((p) => p.readRatio === 1);
  if (ramp.length < 3) return '';
  const rows = ramp.map((p) => [
    pointLabel(p.point),
    String(p.point.sessions * p.point.outstanding),
    spread(p.runs.zookeeper.map((r) => r.throughput)),
    spread(p.runs.zookeeper.map((r) => r.serverCores)),
    spread(p.runs.zookeeper.map((r) => r.genCores)),
    spread(p.runs.zookeeper.map((r) => r.machineCores)),
    spread(p.runs.zkts.map((r) => r.throughput)),
    spread(p.runs.zkts.map((r) => r.serverCores)),
  ]);
  return [
    '## Saturation check (read ratio 1.0)',
    '',
    'Throughput as clients × outstanding grow (during the ZooKeeper runs: its cores, the generator\'s, and the whole machine\'s). Where ZooKeeper\'s throughput stops growing while more requests are in flight, ZooKeeper is saturated on this machine; the generator itself stays well under one core. zkts is one event-loop thread, so ~1.0 server cores is its ceiling.',
    '',
    table(['N×K', 'in flight', 'ZooKeeper ops/s', 'ZooKeeper cores', 'generator cores', 'machine busy cores (of 2)', 'zkts ops/s', 'zkts cores'], rows),
  ].join('\n');
}

function createDeleteSection(res: BenchResults): string {
  const cd = res.createDelete;
  if (!cd) return '';
  const row = (what: string, z: PerKind<{ throughput: number; all: LatencySummary; serverCpuUsPerOp: number }[]>): string[] => {
    const tz = z.zookeeper.map((r) => r.throughput);
    const tt = z.zkts.map((r) => r.throughput);
    const pz = z.zookeeper.map((r) => r.all.p99);
    const pt = z.zkts.map((r) => r.all.p99);
    return [
      what,
      spread(tz),
      spread(tt),
      `**${ratioSpread(tz, tt)}**`,
      spread(pz, fmtMs),
      spread(pt, fmtMs),
      spread(z.zookeeper.map((r) => r.serverCpuUsPerOp)),
      spread(z.zkts.map((r) => r.serverCpuUsPerOp)),
    ];
  };
  return [
    `## 2. ${fmtNum(cd.count)} sequential creates of ${cd.dataSize}-byte znodes, then deletes of the same (${pointLabel(cd.point)})`,
    '',
    'PERSISTENT_SEQUENTIAL children of a fresh parent; each run checks that exactly N children exist after the creates and none after the deletes.',
    '',
    table(['phase', 'ZooKeeper ops/s', 'zkts ops/s', 'zkts/ZK', 'ZooKeeper p99 ms', 'zkts p99 ms', 'ZooKeeper CPU µs/op', 'zkts CPU µs/op'], [
      row('create', cd.creates),
      row('delete', cd.deletes),
    ]),
  ].join('\n');
}

function fanoutSection(res: BenchResults): string {
  const fo = res.fanout;
  if (!fo || fo.length === 0) return '';
  const rows = fo.flatMap((f) =>
    (['zookeeper', 'zkts'] as const).map((k) => {
      const rs = f.runs[k];
      return [
        String(f.watchers),
        k,
        spread(rs.map((r) => r.notify.p50), fmtMs),
        spread(rs.map((r) => r.notify.p99), fmtMs),
        fmtMs(Math.max(...rs.map((r) => r.notify.max))),
        spread(rs.map((r) => r.all.p50), fmtMs),
        spread(rs.map((r) => r.all.p99), fmtMs),
        spread(rs.map((r) => r.notificationsPerSec)),
        spread(rs.map((r) => r.serverCpuUsPerNotification)),
      ];
    }),
  );
  return [
    '## 3. Watch fan-out (1 writer, W watchers, exists watches on one znode)',
    '',
    'Latency: setData sent → notification received (writer and watchers share one clock). "All notified": → the last watcher\'s notification. Cycles re-arm every watch before the next write.',
    '',
    table(['watchers', 'server', 'notify p50 ms', 'notify p99 ms', 'notify max ms', 'all notified p50 ms', 'all notified p99 ms', 'notifications/s', 'server CPU µs/notification'], rows),
  ].join('\n');
}

function scaleSection(res: BenchResults): string {
  const sc = res.scale;
  if (!sc) return '';
  const z = sc.zookeeper;
  const t = sc.zkts;
  const both = (f: (s: ScaleResult) => string): [string, string] => [z ? f(z) : 'n/a', t ? f(t) : 'n/a'];
  const ratio = (f: (s: ScaleResult) => number): string => (z && t ? fmtRatio(f(t) / f(z)) : 'n/a');
  const line = (what: string, f: (s: ScaleResult) => string, fr?: (s: ScaleResult) => number): string[] => [what, ...both(f), fr ? ratio(fr) : ''];
  const rows: string[][] = [
    line('znodes (100 bytes each)', (s) => fmtNum(s.znodes)),
    line(`filling them (creates/s, ${pointLabel((z ?? t)?.fill.point ?? { sessions: 0, outstanding: 0 })})`, (s) => fmtNum(s.fill.throughput), (s) => s.fill.throughput),
    line('filling: server CPU µs per create', (s) => fmtNum(s.fill.serverCpuUsPerOp), (s) => s.fill.serverCpuUsPerOp),
    line('RSS with all of them, MB', (s) => fmtNum(s.rssKb / 1024), (s) => s.rssKb),
    line('ZooKeeper live heap after a full GC (jcmd), MB', (s) => (s.liveHeapKb === null ? '—' : fmtNum(s.liveHeapKb / 1024))),
    line('getChildren of a 100k-child parent, median ms', (s) => fmtNum(s.getChildren.medianMs), (s) => s.getChildren.medianMs),
    line('getChildren, max of 10 calls, ms', (s) => fmtNum(s.getChildren.maxMs)),
    line('sessions opened', (s) => fmtNum(s.sessions.count)),
    line('sessions: time to open all, ms', (s) => fmtNum(s.sessions.connectMs), (s) => s.sessions.connectMs),
    line('sessions: RSS growth, MB', (s) => fmtNum(s.sessions.rssDeltaKb / 1024), (s) => s.sessions.rssDeltaKb),
    line('sessions: server CPU µs per session', (s) => fmtNum(s.sessions.serverCpuUsPerSession), (s) => s.sessions.serverCpuUsPerSession),
    line('sessions: time to close all, ms', (s) => fmtNum(s.sessions.closeMs), (s) => s.sessions.closeMs),
    line('watches set (sessions × znodes)', (s) => `${fmtNum(s.watches.count)} (server says ${s.watches.reported ?? '?'})`),
    line('watches: time to set all, ms', (s) => fmtNum(s.watches.registerMs), (s) => s.watches.registerMs),
    line('watches: RSS growth, MB', (s) => fmtNum(s.watches.rssDeltaKb / 1024), (s) => s.watches.rssDeltaKb),
    line('watches: all fired and delivered, ms', (s) => fmtNum(s.watches.fireMs), (s) => s.watches.fireMs),
  ];
  const restartRows: string[][] = [];
  const zr = z && Array.isArray(z.restarts) ? z.restarts : [];
  for (const r of zr) {
    const tr = t && Array.isArray(t.restarts) ? t.restarts.find((x) => x.znodes === r.znodes) : undefined;
    restartRows.push([
      fmtNum(r.znodes),
      `${fmtNum(r.firstReadMs / 1000)} s`,
      tr ? `${fmtNum(tr.firstReadMs / 1000)} s` : t ? naText(t.restarts) : 'n/a',
      tr ? fmtRatio(tr.firstReadMs / r.firstReadMs) : 'n/a',
      `${fmtNum(r.stopMs / 1000)} s`,
      tr ? `${fmtNum(tr.stopMs / 1000)} s` : 'n/a',
    ]);
  }
  const snapRow = (s: ScaleResult | undefined): string[] => {
    if (!s) return ['n/a', '', '', '', '', ''];
    if ('na' in s.snapshot) return [s.kind, s.snapshot.na, '', '', '', ''];
    const x = s.snapshot;
    return [s.kind, `${fmtNum(x.snapshotMs / 1000)} s`, fmtMs(x.during.max), fmtMs(x.during.p99), fmtMs(x.outside.max), fmtMs(x.outside.p99)];
  };
  return [
    '## 4. Scale (one server at a time)',
    '',
    table(['', 'ZooKeeper', 'zkts', 'zkts/ZK'], rows),
    '',
    '## 5. Restart: process start → first successful getData',
    '',
    restartRows.length ? table(['znodes', 'ZooKeeper', 'zkts', 'zkts/ZK', 'ZooKeeper stop (SIGTERM → exit)', 'zkts stop'], restartRows) : 'Not run.',
    '',
    '## 6. Snapshot stall: reads while a snapshot of the whole tree is written',
    '',
    'Four writer sessions (setData, 32 outstanding each) run until the server has started and finished a snapshot; one reader session issues getData one at a time. ZooKeeper\'s snapshot window: a new snapshot file appears → mntr zk_cnt_snapshottime grows (50 ms polls); zkts\'s: its "snapshot written" log line (start = end − duration).',
    '',
    table(['server', 'snapshot took', 'worst read during it, ms', 'p99 during, ms', 'worst read outside, ms', 'p99 outside, ms'], [snapRow(z), snapRow(t)]),
  ].join('\n');
}

// ---- the whole file ----

export function renderResults(res: BenchResults, chartFile: string): string {
  const m = res.machine;
  const hs = headlines(res);
  const otherCores = (res.mix ?? []).flatMap((p) => [...p.runs.zookeeper, ...p.runs.zkts].map((r) => r.otherCores));
  const caveats: string[] = [];
  if (!res.zktsPersistent) {
    caveats.push(
      '**zkts does not persist yet** (the SQLite store has not landed on this branch): it acknowledges writes from an in-memory log without fsync, while ZooKeeper fsyncs each group commit. Write figures below (ratios 0.9 / 0.5 / 0.0, creates, deletes) compare unlike things and overstate zkts; restart and snapshot figures for zkts are "n/a for zkts until persistence lands".',
    );
  }
  caveats.push(
    `The machine is shared with other engineers' test runs: processes other than the two servers and the generator kept ${otherCores.length ? `${fmtNum(median(otherCores))} cores busy on median (${fmtNum(Math.min(...otherCores))}..${fmtNum(Math.max(...otherCores))})` : 'an unknown share of the cores busy'} during the mix runs (load average ${m.loadAverage} before, ${res.loadAverageAfter} after). The ranges below are that noise.`,
  );
  caveats.push(
    'Apache ZooKeeper runs as Debian packages it (`zkServer.sh start-foreground`), which logs nothing (SLF4J has no binding there); zkts logs at its default level, info (one line per session, none per request).',
  );
  caveats.push(...res.notes);
  return [
    '# zkts vs Apache ZooKeeper 3.8: side-by-side benchmark',
    '',
    `Generated by \`${res.command}\` (${res.plan} set) on ${res.startedAt.slice(0, 10)} in ${fmtNum(res.durationSec / 60)} min. Do not edit: run it again.`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.kernel}; Node ${m.node}; ${m.java}. ZooKeeper ${res.zookeeperVersion}; zkts ${res.zktsVersion} (commit ${m.gitCommit}${m.gitDirty ? ', uncommitted changes' : ''}).`,
    '',
    ...caveats.map((c) => `- ${c}`),
    '',
    '## Against the targets of issue 5',
    '',
    table(
      ['figure', 'target (zkts/ZK)', 'ZooKeeper', 'zkts', 'zkts/ZK', 'met'],
      hs.map((h) => [h.what, h.target, h.zk, h.zkts, h.ratioText, h.met]),
    ),
    '',
    'Where a target is missed, the zkts CPU profile and memory breakdown behind it are in [PROFILE.md](PROFILE.md) (`npm run bench -- --profile`).',
    '',
    `![throughput and p99 per workload, ZooKeeper beside zkts](${chartFile})`,
    '',
    res.mix ? mixSection(res.mix) : '',
    '',
    res.mix ? saturationSection(res.mix) : '',
    '',
    createDeleteSection(res),
    '',
    fanoutSection(res),
    '',
    scaleSection(res),
    '',
    '## How this was run',
    '',
    `Command: \`${res.command}\` (it builds, then runs \`node dist/bench/main.js\`). Sections took ${Object.entries(res.sections)
      .map(([k, v]) => `${k} ${fmtNum(v)} s`)
      .join(', ')}.`,
    '',
    'Both servers get this zoo.cfg (a fresh temp dataDir and a free port each):',
    '',
    '```',
    res.zooCfg.trim(),
    '```',
    '',
    'Server commands (spawned by bench/servers.ts; each server is stopped by its pid):',
    '',
    '```',
    ...Object.entries(res.serverCommands).map(([k, v]) => `# ${k}\n${v}`),
    '```',
    '',
    'The processes whose /proc/<pid>/stat CPU time and RSS are reported:',
    '',
    '```',
    ...Object.entries(res.processCommands).map(([k, v]) => `# ${k}\n${v}`),
    '```',
    '',
    'Load generator: bench/load.ts + bench/load-worker.ts, in the bench process (worker threads: 1 up to 4 sessions, 2 above), on 127.0.0.1 only. Requests are encoded once with zkts\'s jute codec (src/protocol) and copied with a fresh xid; replies are split into frames and only their header is read, but every successful reply\'s size is checked against what the request must get back. Latency is taken per request from a ring of send times (one clock read per socket chunk) into a log-linear histogram (≤ 1.6 % bucket error). Each run: connect all sessions, warm up, measure, stop sending, drain, closeSession.',
    '',
  ].join('\n');
}

export function chartGroups(res: BenchResults): ChartGroup[] {
  const g: ChartGroup[] = [];
  const med = (xs: number[]): number | null => (xs.length ? median(xs) : null);
  for (const p of res.mix ?? []) {
    g.push({
      label: `r${p.readRatio.toFixed(1)} ${pointLabel(p.point)}`,
      zookeeper: { throughput: med(p.runs.zookeeper.map((r) => r.throughput)), p99Ms: med(p.runs.zookeeper.map((r) => r.all.p99 / 1000)) },
      zkts: { throughput: med(p.runs.zkts.map((r) => r.throughput)), p99Ms: med(p.runs.zkts.map((r) => r.all.p99 / 1000)) },
    });
  }
  const cd = res.createDelete;
  if (cd) {
    for (const [label, runs] of [
      ['create 1KB', cd.creates],
      ['delete', cd.deletes],
    ] as const) {
      g.push({
        label,
        zookeeper: { throughput: med(runs.zookeeper.map((r) => r.throughput)), p99Ms: med(runs.zookeeper.map((r) => r.all.p99 / 1000)) },
        zkts: { throughput: med(runs.zkts.map((r) => r.throughput)), p99Ms: med(runs.zkts.map((r) => r.all.p99 / 1000)) },
      });
    }
  }
  for (const f of res.fanout ?? []) {
    g.push({
      label: `fanout ${f.watchers}`,
      zookeeper: { throughput: med(f.runs.zookeeper.map((r) => r.notificationsPerSec)), p99Ms: med(f.runs.zookeeper.map((r) => r.notify.p99 / 1000)) },
      zkts: { throughput: med(f.runs.zkts.map((r) => r.notificationsPerSec)), p99Ms: med(f.runs.zkts.map((r) => r.notify.p99 / 1000)) },
    });
  }
  const sc = res.scale;
  if (sc?.zookeeper || sc?.zkts) {
    const fill = (s: ScaleResult | undefined): { throughput: number | null; p99Ms: number | null } => ({
      throughput: s ? s.fill.throughput : null,
      p99Ms: s ? s.fill.p99Us / 1000 : null,
    });
    g.push({ label: `fill ${fmtNum(sc.zookeeper?.znodes ?? sc.zkts?.znodes ?? 0)}`, zookeeper: fill(sc.zookeeper), zkts: fill(sc.zkts) });
  }
  return g;
}

/** A few lines for the terminal. */
export function terminalSummary(res: BenchResults): string {
  return headlines(res)
    .map((h) => `${h.what}: ZooKeeper ${h.zk}, zkts ${h.zkts} → ${h.ratioText} (target ${h.target}: ${h.met})`)
    .join('\n');
}
