/**
 * `npm run bench -- --profile`: runs zkts under `node --cpu-prof` with a read load
 * and then a write load (each in its own server process), and summarizes each
 * .cpuprofile: self time and inclusive time per function, as shares of all
 * samples, so optimisations can be aimed at what the profile shows.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runLoad, type LoadResult } from './load.js';
import { BenchServer, HOST, repoRoot } from './servers.js';
import type { MemoryProbe } from './memory-probe.js';
import { populateKeys, progress } from './workloads/common.js';
import type { LoadPoint } from './workloads/mix.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  name: string;
  /** file:line, relative to the repository for our own code. */
  where: string;
  selfPct: number;
  totalPct: number;
}

export interface ProfileSummary {
  samples: number;
  ms: number;
  top: FunctionCost[];
  byFile: Array<{ file: string; selfPct: number }>;
}

function where(cf: CallFrame, root: string): string {
  if (!cf.url) return '';
  const path = cf.url.startsWith('file://') ? relative(root, new URL(cf.url).pathname) : cf.url;
  return `${path}:${cf.lineNumber + 1}`;
}

/** Self and inclusive shares per function (a function counted once per sample however deep it recurses). */
export function summarizeProfile(p: CpuProfile, root: string, topN = 25): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) byId.set(n.id, n);
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'}\u0000${where(n.callFrame, root)}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const fileSelf = new Map<string, number>();
  // Weight each sample by its time delta (the sampling interval drifts under load).
  let sum = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const w = Math.max(0, p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0);
    const leaf = byId.get(p.samples[i] as number);
    if (!leaf) continue;
    sum += w;
    const k = key(leaf);
    self.set(k, (self.get(k) ?? 0) + w);
    const file = leaf.callFrame.url ? where(leaf.callFrame, root).replace(/:\d+$/, '') : leaf.callFrame.functionName;
    fileSelf.set(file, (fileSelf.get(file) ?? 0) + w);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id) as ProfileNode;
      const nk = key(n);
      if (seen.has(nk)) continue;
      seen.add(nk);
      total.set(nk, (total.get(nk) ?? 0) + w);
    }
  }
  const pct = (v: number): number => (sum > 0 ? (100 * v) / sum : 0);
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([k, v]) => {
      const [name, loc] = k.split('\u0000') as [string, string];
      return { name, where: loc, selfPct: pct(v), totalPct: pct(total.get(k) ?? 0) };
    });
  const byFile = [...fileSelf.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([file, v]) => ({ file, selfPct: pct(v) }));
  return { samples: p.samples.length, ms: (p.endTime - p.startTime) / 1000, top, byFile };
}

/** Inclusive shares of chosen functions (by name), for the hot paths the report discusses. */
export function inclusiveOf(p: CpuProfile, names: string[]): Map<string, number> {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) byId.set(n.id, n);
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map<string, number>(names.map((n) => [n, 0]));
  let sum = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const w = Math.max(0, p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0);
    sum += w;
    const seen = new Set<string>();
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const fn = byId.get(id)?.callFrame.functionName ?? '';
      if (hits.has(fn) && !seen.has(fn)) {
        seen.add(fn);
        hits.set(fn, (hits.get(fn) ?? 0) + w);
      }
    }
  }
  for (const [k, v] of hits) hits.set(k, sum > 0 ? (100 * v) / sum : 0);
  return hits;
}

export interface ProfiledRun {
  label: string;
  readRatio: number;
  point: LoadPoint;
  load: LoadResult;
  summary: ProfileSummary;
  profileFile: string;
  focus: Map<string, number>;
  /** Worker threads of the server (e.g. the txn log writer), each profiled on its own. */
  workers: Array<{ file: string; summary: ProfileSummary }>;
}

/** Node names profiles CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread. */
const threadOf = (file: string): number => Number(/\.(\d+)\.\d+\.cpuprofile$/.exec(file)?.[1] ?? -1);

/** Functions whose inclusive share the report lists (the request path, stage by stage). */
export const FOCUS = [
  'onData',
  'processFrames',
  'onRequest',
  'decodeClientRequest',
  'drainQueue',
  'runRead',
  'executeRead',
  'sendReply',
  'encodeReplyBody',
  'writeFrame',
  'flushNow',
  'submit',
  'prepWrite',
  'flush',
  'applyBatch',
  'processTxn',
  'touch',
  'recordLatency',
];

export async function profileZkts(measureMs: number, outDir: string): Promise<ProfiledRun[]> {
  const runs: ProfiledRun[] = [];
  for (const [label, ratio, point] of [
    ['reads (getData)', 1, { sessions: 32, outstanding: 32 }],
    ['writes (setData)', 0, { sessions: 32, outstanding: 32 }],
    ['writes (setData), low concurrency', 0, { sessions: 4, outstanding: 1 }],
  ] as const) {
    const server = await BenchServer.create('zkts', { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', outDir] });
    const before = new Set(readdirSync(outDir));
    let load: LoadResult;
    try {
      await server.start();
      const paths = await populateKeys(server, 1000, 100);
      // Warm the JIT, then measure.
      await runLoad({ host: HOST, port: server.port, sessions: 8, outstanding: 32, source: { kind: 'mix', paths, readRatio: ratio, dataSize: 100, seed: 3 }, warmupMs: 0, measureMs: 2000 }, server.pid);
      load = await runLoad(
        { host: HOST, port: server.port, ...point, source: { kind: 'mix', paths, readRatio: ratio, dataSize: 100, seed: 4 }, warmupMs: 500, measureMs },
        server.pid,
      );
    } finally {
      // SIGTERM: zkts exits through process.exit, which writes the profile.
      await server.destroy();
    }
    const fresh = readdirSync(outDir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
    const file = fresh.find((f) => threadOf(f) === 0);
    if (!file) throw new Error(`zkts wrote no main-thread .cpuprofile into ${outDir}`);
    const profile = JSON.parse(readFileSync(join(outDir, file), 'utf8')) as CpuProfile;
    const workers = fresh
      .filter((f) => f !== file)
      .map((f) => ({ file: join(outDir, f), summary: summarizeProfile(JSON.parse(readFileSync(join(outDir, f), 'utf8')) as CpuProfile, repoRoot(), 10) }));
    runs.push({
      label,
      readRatio: ratio,
      point,
      load,
      summary: summarizeProfile(profile, repoRoot()),
      profileFile: join(outDir, file),
      focus: inclusiveOf(profile, FOCUS),
      workers,
    });
    progress(`profiled zkts under ${label}: ${Math.round(load.throughput)} ops/s, ${load.serverCpuUsPerOp.toFixed(1)} µs CPU/op`);
  }
  return runs;
}

/** The memory probe in its own process (it needs --expose-gc and a clean heap). */
export function probeMemory(znodes: number): MemoryProbe {
  const script = new URL('./memory-probe.js', import.meta.url).pathname;
  const out = execFileSync(process.execPath, ['--expose-gc', script, String(znodes)], { encoding: 'utf8', timeout: 300_000 });
  return JSON.parse(out) as MemoryProbe;
}

function renderMemory(m: MemoryProbe): string[] {
  return [
    `## Memory per znode (DataTree filled with ${m.znodes} 100-byte znodes as the server fills it; bench/memory-probe.ts)`,
    '',
    `V8 heap ${m.heapPerZnode.toFixed(0)} B + ${m.externalPerZnode.toFixed(0)} B of ArrayBuffers (the StatStore's stat slots: 64 B per znode, allocated in 4-MB pages) per znode; process RSS grew ${m.rssPerZnode.toFixed(0)} B per znode. With every request handing in the same ACL list object: ${m.heapPerZnodeSharedAcl.toFixed(0)} B per znode (the tree keeps one copy of each distinct list either way).`,
    '',
    '| part | heap bytes each |',
    '| --- | --- |',
    ...Object.entries(m.parts).map(([k, v]) => `| ${k} | ${v.toFixed(0)} |`),
    '',
  ];
}

export function renderProfile(runs: ProfiledRun[], command: string, memory?: MemoryProbe): string {
  const out: string[] = [
    '# zkts CPU profile under load',
    '',
    `Generated by \`${command}\`: zkts started with \`node --cpu-prof\`, 1000 100-byte znodes, warmed up, then driven by the bench load generator (32×32, and 4×1 for writes at low concurrency). The whole process lifetime is sampled (start-up and set-up included, a few % at most). Shares are of all samples; "(idle)" is time the event loop waited, "(garbage collector)" is V8's GC on the main thread, "(program)" is native code outside JS (libuv, syscalls).`,
    '',
  ];
  for (const r of runs) {
    out.push(
      `## ${r.label}, read ratio ${r.readRatio.toFixed(1)}, ${r.point.sessions}×${r.point.outstanding}`,
      '',
      `${Math.round(r.load.throughput)} ops/s, server CPU ${r.load.serverCpuUsPerOp.toFixed(2)} µs/op (${r.load.serverCores.toFixed(2)} cores), p99 ${(r.load.all.p99 / 1000).toFixed(2)} ms; ${r.summary.samples} samples over ${(r.summary.ms / 1000).toFixed(1)} s. Profile: \`${r.profileFile}\`.`,
      '',
      '| function | where | self % | inclusive % |',
      '| --- | --- | --- | --- |',
      ...r.summary.top.map((f) => `| ${f.name} | ${f.where} | ${f.selfPct.toFixed(1)} | ${f.totalPct.toFixed(1)} |`),
      '',
      'Inclusive share of the request path, stage by stage:',
      '',
      '| function | inclusive % |',
      '| --- | --- |',
      ...[...r.focus.entries()].filter(([, v]) => v > 0).map(([k, v]) => `| ${k} | ${v.toFixed(1)} |`),
      '',
      'Self time by file:',
      '',
      '| file | self % |',
      '| --- | --- |',
      ...r.summary.byFile.map((f) => `| ${f.file} | ${f.selfPct.toFixed(1)} |`),
      '',
    );
    for (const w of r.workers) {
      const idle = w.summary.top.find((f) => f.name === '(idle)')?.selfPct ?? 0;
      out.push(
        `Worker thread \`${w.file.split('/').pop()}\` (${(100 - idle).toFixed(1)} % of its samples busy), top functions:`,
        '',
        '| function | where | self % | inclusive % |',
        '| --- | --- | --- | --- |',
        ...w.summary.top.map((f) => `| ${f.name} | ${f.where} | ${f.selfPct.toFixed(1)} | ${f.totalPct.toFixed(1)} |`),
        '',
      );
    }
  }
  if (memory) out.push(...renderMemory(memory));
  return out.join('\n');
}
