/**
 * Shared by the persistence tests: temp stores, a logger that keeps its lines,
 * a writer that drives txns through the real pipeline into a store, and a tree
 * dump to compare trees by value.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { ACL } from '../src/protocol/generated/records.js';
import type { WriteRequest } from '../src/protocol/client-requests.js';
import { OpCode } from '../src/protocol/opcodes.js';
import type { Txn } from '../src/protocol/txn.js';
import { DurableStore, type OpenedStore, type StoreSettings } from '../src/persistence/durable-store.js';
import { RequestPipeline } from '../src/server/request-pipeline.js';
import type { TxnLog } from '../src/server/txn-log.js';
import { DataTree, type TxnResult } from '../src/tree/data-tree.js';

export const OPEN_ACL: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export function tempDir(prefix = 'zkts-store-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface CapturedLog {
  log: Logger;
  lines: Record<string, unknown>[];
  messages(level?: number): string[];
}

/** A pino logger whose JSON lines are kept in memory. */
export function captureLogger(): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = pino({ level: 'info' }, sink);
  return { log, lines, messages: (level = 0) => lines.filter((l) => (l['level'] as number) >= level).map((l) => String(l['msg'])) };
}

export const WARN = 40;
export const ERROR = 50;

export function settingsFor(dir: string, overrides: Partial<StoreSettings> = {}): StoreSettings {
  return {
    dataDir: dir,
    dataLogDir: dir,
    forceSync: true,
    snapCount: 1_000_000,
    autopurgeSnapRetainCount: 3,
    autopurgePurgeIntervalMs: 0,
    ...overrides,
  };
}

/** Opens (recovering) the store in `dir`; its tree keeps ZooKeeper's digest unless `digest` is false, as a server's does. */
export function openStore(
  dir: string,
  overrides: Partial<StoreSettings> = {},
  log: Logger = captureLogger().log,
  digest = true,
): Promise<OpenedStore<DataTree>> {
  return DurableStore.open(settingsFor(dir, overrides), () => new DataTree({ digest }), log);
}

export interface Applied {
  result: TxnResult;
  txn: Txn;
}

/** Submits writes through the real prep → log → apply pipeline. */
export class Writer {
  readonly pipeline: RequestPipeline;
  fatal: unknown;

  constructor(readonly tree: DataTree, log: TxnLog) {
    this.pipeline = new RequestPipeline(tree, log, { extendedTypesEnabled: true, reconfigEnabled: false }, (err) => {
      this.fatal = err;
    });
  }

  submit(op: WriteRequest, sessionId = 0n): Promise<Applied> {
    return new Promise((resolve) => {
      this.pipeline.submit({ sessionId, cxid: 0, authIds: [] }, op, (result, txn) => resolve({ result, txn }));
    });
  }

  create(path: string, data: string | null = '', opts: { flags?: number; session?: bigint } = {}): Promise<Applied> {
    return this.submit(
      { type: OpCode.create, req: { path, data: data === null ? null : Buffer.from(data), acl: OPEN_ACL, flags: opts.flags ?? 0 } },
      opts.session ?? 0n,
    );
  }

  delete(path: string): Promise<Applied> {
    return this.submit({ type: OpCode.delete, req: { path, version: -1 } });
  }

  setData(path: string, data: string): Promise<Applied> {
    return this.submit({ type: OpCode.setData, req: { path, data: Buffer.from(data), version: -1 } });
  }

  setACL(path: string, acl: ACL[]): Promise<Applied> {
    return this.submit({ type: OpCode.setACL, req: { path, acl, version: -1 } });
  }

  createSession(id: bigint, timeOut: number): Promise<Applied> {
    return this.submit({ type: OpCode.createSession, timeOut }, id);
  }

  closeSession(id: bigint): Promise<Applied> {
    return this.submit({ type: OpCode.closeSession }, id);
  }

  multi(ops: WriteRequest[], sessionId = 0n): Promise<Applied> {
    return this.submit({ type: OpCode.multi, ops }, sessionId);
  }
}

export interface NodeDump {
  path: string;
  data: string | null;
  acl: string;
  stat: string;
  children: string;
}

/** Every node by value (stat as clients see it, plus the stored cversion), sorted by path. */
export function dumpTree(tree: DataTree): NodeDump[] {
  const out: NodeDump[] = [];
  for (const [path, node] of tree.nodeEntries()) {
    const st = node.stat();
    out.push({
      path,
      data: node.data === null ? null : node.data.toString('hex'),
      acl: JSON.stringify(node.acl),
      stat: JSON.stringify({ ...st, storedCversion: node.cversion }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
      children: [...node.children].sort().join(','),
    });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Ephemerals per session, for comparing trees. */
export function dumpEphemerals(tree: DataTree): string[] {
  return [...tree.sessionsWithEphemerals()].map(([s, paths]) => `${s}:${[...paths].sort().join(',')}`).sort();
}

export { seededRandom } from './support/seeded-random.js';
