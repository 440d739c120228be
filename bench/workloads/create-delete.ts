/**
 * Workload 2: N creates of 1-KB PERSISTENT_SEQUENTIAL znodes under a fresh parent,
 * then deletes of the same N znodes (ZooKeeper names them prefix0000000000 on),
 * pipelined, A/B on both servers, repeated. Count-bounded with a time cap.
 */
import { type LoadResult, runLoad } from '../load.js';
import { type BenchServer, HOST } from '../servers.js';
import { abOrder, connectTo, type PerKind, progress } from './common.js';
import type { LoadPoint } from './mix.js';

export interface CreateDeleteResult {
  count: number;
  dataSize: number;
  point: LoadPoint;
  creates: PerKind<LoadResult[]>;
  deletes: PerKind<LoadResult[]>;
}

export async function runCreateDelete(
  servers: PerKind<BenchServer>,
  o: { count: number; dataSize: number; point: LoadPoint; reps: number; capMs: number },
): Promise<CreateDeleteResult> {
  const res: CreateDeleteResult = { count: o.count, dataSize: o.dataSize, point: o.point, creates: { zookeeper: [], zkts: [] }, deletes: { zookeeper: [], zkts: [] } };
  for (let rep = 0; rep < o.reps; rep++) {
    for (const kind of abOrder(0, rep)) {
      const server = servers[kind];
      const parent = `/bench/seq${rep}`;
      const c = await connectTo(server);
      await c.ensure('/bench');
      await c.ensure(parent);
      const base = { host: HOST, port: server.port, sessions: o.point.sessions, outstanding: o.point.outstanding, capMs: o.capMs };
      const cr = await runLoad({ ...base, source: { kind: 'createSeq', prefix: `${parent}/n`, dataSize: o.dataSize, count: o.count } }, server.pid);
      const created = await c.childCount(parent);
      const dr = await runLoad({ ...base, source: { kind: 'deleteSeq', prefix: `${parent}/n`, count: o.count } }, server.pid);
      const left = await c.childCount(parent);
      await c.delete(parent);
      await c.close();
      if (created !== o.count || left !== 0) {
        throw new Error(`${kind}: ${created} of ${o.count} creates landed, ${left} children left after the deletes`);
      }
      res.creates[kind].push(cr);
      res.deletes[kind].push(dr);
      progress(
        `creates ${o.count}×${o.dataSize}B rep ${rep + 1}/${o.reps} ${kind.padEnd(9)} ${Math.round(cr.throughput)} creates/s ` +
          `(p99 ${(cr.all.p99 / 1000).toFixed(1)} ms), ${Math.round(dr.throughput)} deletes/s (p99 ${(dr.all.p99 / 1000).toFixed(1)} ms)`,
      );
    }
  }
  return res;
}
