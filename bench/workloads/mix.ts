/**
 * Workload 1: getData/setData mixes of 100-byte znodes at several read ratios and
 * load points (sessions × outstanding), run A/B on both servers, repeated.
 */
import { type LoadResult, runLoad } from '../load.js';
import { type BenchServer, HOST, type ServerKind } from '../servers.js';
import { abOrder, KINDS, packetsReceived, type PerKind, progress } from './common.js';

export interface LoadPoint {
  sessions: number;
  outstanding: number;
}

export interface MixRun extends LoadResult {
  /** zk_packets_received grew by this much during the run (mntr), null if unknown. */
  serverPackets: number | null;
}

export interface MixPoint {
  readRatio: number;
  point: LoadPoint;
  runs: PerKind<MixRun[]>;
}

export interface MixOptions {
  ratios: number[];
  /** Load points per read ratio. */
  points: (ratio: number) => LoadPoint[];
  reps: number;
  warmupMs: number;
  measureMs: number;
  workers?: number;
}

export const pointLabel = (p: LoadPoint): string => `${p.sessions}x${p.outstanding}`;

export async function runMixRun(server: BenchServer, paths: string[], ratio: number, p: LoadPoint, o: MixOptions, seed: number): Promise<MixRun> {
  const before = await packetsReceived(server);
  const r = await runLoad(
    {
      host: HOST,
      port: server.port,
      sessions: p.sessions,
      outstanding: p.outstanding,
      source: { kind: 'mix', paths, readRatio: ratio, dataSize: 100, seed },
      warmupMs: o.warmupMs,
      measureMs: o.measureMs,
      workers: o.workers,
    },
    server.pid,
  );
  const after = await packetsReceived(server);
  return { ...r, serverPackets: before === null || after === null ? null : after - before };
}

export async function runMix(servers: PerKind<BenchServer>, paths: PerKind<string[]>, o: MixOptions): Promise<MixPoint[]> {
  const out: MixPoint[] = [];
  let index = 0;
  for (const ratio of o.ratios) {
    for (const p of o.points(ratio)) {
      const mp: MixPoint = { readRatio: ratio, point: p, runs: { zookeeper: [], zkts: [] } };
      for (let rep = 0; rep < o.reps; rep++) {
        for (const kind of abOrder(index, rep)) {
          const r = await runMixRun(servers[kind], paths[kind], ratio, p, o, 1000 * index + rep);
          mp.runs[kind].push(r);
          progress(
            `mix r=${ratio.toFixed(1)} ${pointLabel(p)} rep ${rep + 1}/${o.reps} ${kind.padEnd(9)} ` +
              `${Math.round(r.throughput)} ops/s p99 ${(r.all.p99 / 1000).toFixed(2)} ms cpu/op ${r.serverCpuUsPerOp.toFixed(1)} µs` +
              (r.badReplies || Object.keys(r.errors).length ? ` ERRORS ${JSON.stringify(r.errors)} bad=${r.badReplies}` : ''),
          );
        }
      }
      out.push(mp);
      index++;
    }
  }
  return out;
}

/** Untimed load so the JIT of both servers is warm before anything is measured. */
export async function warmUp(servers: PerKind<BenchServer>, paths: PerKind<string[]>, ms: number): Promise<void> {
  for (const kind of KINDS) {
    for (const ratio of [1, 0]) {
      await runMixRun(servers[kind as ServerKind], paths[kind], ratio, { sessions: 8, outstanding: 32 }, { ratios: [], points: () => [], reps: 1, warmupMs: 0, measureMs: ms / 2 }, 99);
    }
  }
}
