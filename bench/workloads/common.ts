/** Shared pieces of the workloads: the server pair, progress output, bounded waits. */
import { BenchClient } from '../client.js';
import { type BenchServer, HOST, mntr, type ServerKind } from '../servers.js';
import { createFrame } from '../wire.js';

export const KINDS: readonly ServerKind[] = ['zookeeper', 'zkts'];
export type PerKind<T> = Record<ServerKind, T>;

/** Progress lines go to stderr so stdout stays free for the summary. */
export function progress(msg: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${t}] ${msg}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A/B order for repetition `rep` of point `point`: alternates so neither server always goes first. */
export function abOrder(point: number, rep: number): ServerKind[] {
  return (point + rep) % 2 === 0 ? ['zookeeper', 'zkts'] : ['zkts', 'zookeeper'];
}

export function connectTo(server: BenchServer, sessionTimeoutMs = 30_000): Promise<BenchClient> {
  return BenchClient.connect({ host: HOST, port: server.port, sessionTimeoutMs });
}

/** Packets the server says it received (mntr), or null if it does not say. */
export async function packetsReceived(server: BenchServer): Promise<number | null> {
  try {
    const v = (await mntr(server.port)).get('zk_packets_received');
    return v === undefined ? null : Number(v);
  } catch {
    return null;
  }
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function range(xs: readonly number[]): [number, number] {
  return xs.length === 0 ? [NaN, NaN] : [Math.min(...xs), Math.max(...xs)];
}

/** Rejects when `p` takes longer than `ms`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates `/bench/kv/k0000..` with `size`-byte values (pipelined) and returns the paths. */
export async function populateKeys(server: BenchServer, count: number, size: number): Promise<string[]> {
  const c = await connectTo(server);
  try {
    await c.ensure('/bench');
    await c.ensure('/bench/kv');
    const paths = Array.from({ length: count }, (_, i) => `/bench/kv/k${String(i).padStart(5, '0')}`);
    const data = Buffer.alloc(size, 0x61);
    const codes = await c.pipeline(paths.length, (i, xid) => createFrame(xid, paths[i] as string, data), 128);
    for (const [code, n] of codes) if (code !== 0 && code !== -110) throw new Error(`populate: ${n} creates failed with ${code}`);
    return paths;
  } finally {
    await c.close();
  }
}
