/**
 * A FourLetterContext with fixed, test-chosen facts: the admin commands and the
 * metrics endpoint are tested against it without a running server. Every call
 * that changes server state is recorded in `calls`.
 */
import { defaultServerConfig, type ServerConfig } from '../../src/server/server-config.js';
import type {
  ConnectionInfo,
  DumpState,
  EnvironmentEntry,
  FourLetterContext,
  FourLetterServerStats,
  MonitorValue,
  QuorumFourLetterInfo,
  ServerMode,
  SessionWatches,
  SummaryStats,
} from '../../src/protocol/four-letter-words.js';

export interface FakeContextOptions {
  /** The version line (default FAKE_VERSION). */
  version?: string;
  config?: Partial<ServerConfig>;
  readOnlyModeEnabled?: boolean;
  serverId?: number;
  mode?: ServerMode;
  serving?: boolean;
  stats?: Partial<FourLetterServerStats>;
  connections?: ConnectionInfo[];
  watches?: SessionWatches[];
  dirSizes?: { dataDir: number; dataLogDir: number };
  environment?: EnvironmentEntry[];
  systemProperties?: EnvironmentEntry[];
  dump?: DumpState;
  quorum?: QuorumFourLetterInfo;
  digests?: { zxid: bigint; digest: bigint }[];
  extraValues?: Map<string, MonitorValue>;
  extraSummaries?: Map<string, SummaryStats>;
  lastSnapshot?: { zxid: bigint; timestampSeconds: number };
}

export interface FakeContext extends FourLetterContext {
  readonly calls: string[];
  serving: boolean;
}

export const FAKE_VERSION = '3.8.0-zkts-0.1.0, built on 2024-12-29 17:54 UTC';

export function fakeContext(o: FakeContextOptions = {}): FakeContext {
  const calls: string[] = [];
  let mask = 306n;
  const stats: FourLetterServerStats = {
    packetsReceived: 0,
    packetsSent: 0,
    outstandingRequests: 0,
    requestLatency: { count: 0, total: 0, min: 0, max: 0 },
    lastProcessedZxid: 0n,
    nodeCount: 4,
    watchCount: 0,
    ephemeralsCount: 0,
    approximateDataSize: 0,
    globalSessions: 0,
    localSessions: 0,
    uptimeMs: 0,
    clientResponseSize: { last: -1, min: -1, max: -1 },
    authFailedCount: 0,
    ...o.stats,
  };
  const ctx: FakeContext = {
    calls,
    serving: o.serving ?? true,
    version: o.version ?? FAKE_VERSION,
    config: defaultServerConfig({
      clientPort: 21990,
      dataDir: '/tmp/zkadm/data',
      dataLogDir: '/tmp/zkadm/data',
      ...o.config,
    }),
    serverId: o.serverId ?? 0,
    readOnlyModeEnabled: o.readOnlyModeEnabled,
    isServing: () => ctx.serving,
    mode: () => o.mode ?? 'standalone',
    stats: () => stats,
    connections: () => o.connections ?? [],
    dataWatches: () => o.watches ?? [],
    dirSizes: () => o.dirSizes ?? { dataDir: 0, dataLogDir: 0 },
    environment: () => o.environment ?? [],
    systemProperties: () => o.systemProperties ?? [],
    dumpState: () => o.dump ?? { sessionBuckets: [], ephemerals: [], connectionBuckets: [] },
    quorum: () => o.quorum,
    digestLog: () => o.digests ?? [],
    extraMonitorValues: () => o.extraValues ?? new Map(),
    extraSummaries: () => o.extraSummaries ?? new Map(),
    lastSnapshot: () => o.lastSnapshot,
    traceMask: () => mask,
    setTraceMask: (m) => {
      calls.push(`setTraceMask(${m})`);
      mask = m;
    },
    resetStats: () => calls.push('resetStats'),
    resetConnectionStats: () => calls.push('resetConnectionStats'),
    resetObserverConnectionStats: () => calls.push('resetObserverConnectionStats'),
  };
  return ctx;
}

/** A connection as ServerCnxn reports it, with every counter at its reset value unless given. */
export function connection(o: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    remoteAddress: '127.0.0.1',
    remotePort: 49112,
    interestOps: 1,
    outstandingRequests: 0,
    packetsReceived: 0,
    packetsSent: 0,
    sessionId: 0n,
    lastOperation: 'NA',
    establishedAt: 1795273300662,
    sessionTimeout: 0,
    lastCxid: -1,
    lastZxid: -1n,
    lastResponseTime: 0,
    lastLatency: 0,
    minLatency: 0,
    avgLatency: 0,
    maxLatency: 0,
    ...o,
  };
}
