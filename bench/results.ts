/** Everything one bench invocation measured (written as results.json beside RESULTS.md). */
import type { MachineInfo } from './machine.js';
import type { ServerKind } from './servers.js';
import type { PerKind } from './workloads/common.js';
import type { CreateDeleteResult } from './workloads/create-delete.js';
import type { FanoutResult } from './workloads/fanout.js';
import type { MixPoint } from './workloads/mix.js';
import type { ScaleResult } from './workloads/scale.js';

export interface BenchResults {
  plan: 'standard' | 'quick';
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  /** The command line that produced these results. */
  command: string;
  machine: MachineInfo;
  loadAverageAfter: string;
  /** The zoo.cfg both servers got (dataDir and clientPort differ per run). */
  zooCfg: string;
  serverCommands: Partial<PerKind<string>>;
  /** The server processes' own command lines (/proc/<pid>/cmdline; ZooKeeper's is the JVM's). */
  processCommands: Partial<PerKind<string>>;
  zookeeperVersion: string;
  zktsVersion: string;
  /** Whether zkts kept a znode across a restart (the probe at the start). */
  zktsPersistent: boolean;
  /** Seconds spent in each part. */
  sections: Record<string, number>;
  mix?: MixPoint[];
  createDelete?: CreateDeleteResult;
  fanout?: FanoutResult[];
  scale?: Partial<Record<ServerKind, ScaleResult>>;
  notes: string[];
}
