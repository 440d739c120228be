/**
 * The settings a running server uses, named after Apache ZooKeeper's zoo.cfg keys.
 * zoo-cfg.ts turns zoo.cfg text into this; tests build it with defaultServerConfig().
 */
export interface QuorumServerEntry {
  id: number;
  host: string;
  quorumPort: number;
  electionPort: number;
  role: 'participant' | 'observer';
  clientAddress?: string;
  clientPort?: number;
}

export interface ServerConfig {
  /** The file this came from, or '<embedded default>'. */
  source: string;
  tickTime: number;
  dataDir: string;
  dataLogDir: string;
  clientPort: number;
  clientPortAddress: string;
  /** Per-IP connection limit; 0 means no limit. */
  maxClientCnxns: number;
  minSessionTimeout: number;
  maxSessionTimeout: number;
  /** Four-letter words allowed; '*' in zoo.cfg becomes every known word. */
  fourLetterWordWhitelist: ReadonlySet<string>;
  /** jute.maxbuffer: the largest frame (and znode data) accepted, in bytes. */
  juteMaxBuffer: number;
  globalOutstandingLimit: number;
  initLimit: number;
  syncLimit: number;
  snapCount: number;
  preAllocSize: number;
  forceSync: boolean;
  extendedTypesEnabled: boolean;
  /** enforceQuota (ZooKeeper's zookeeper.enforceQuota): hard quotas refuse writes with QuotaExceeded. */
  enforceQuota: boolean;
  /** znode.container.checkIntervalMs: how often empty containers and expired TTL nodes are looked for. */
  containerCheckIntervalMs: number;
  /** znode.container.maxPerMinute: at most this many of them are deleted per minute. */
  containerMaxPerMinute: number;
  /** znode.container.maxNeverUsedIntervalMs: containers that never had a child go after this long; 0 keeps them. */
  containerMaxNeverUsedIntervalMs: number;
  standaloneEnabled: boolean;
  reconfigEnabled: boolean;
  adminEnableServer: boolean;
  adminServerPort: number;
  servers: QuorumServerEntry[];
  /** admin.serverAddress: where the AdminServer would listen. */
  adminServerAddress: string;
  /** autopurge.snapRetainCount: snapshots (and their logs) kept by autopurge; at least 3. */
  autopurgeSnapRetainCount: number;
  /** autopurge.purgeInterval in milliseconds; 0 disables autopurge. */
  autopurgePurgeIntervalMs: number;
  /** clientPortListenBacklog: listen() backlog for the client port; -1 means the platform default. */
  clientPortListenBacklog: number;
  /** Every key=value as read, including keys zkts does not know. */
  raw: ReadonlyMap<string, string>;
}

export const DEFAULT_TICK_TIME = 2000;

export function defaultServerConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const tickTime = overrides.tickTime ?? DEFAULT_TICK_TIME;
  const dataDir = overrides.dataDir ?? './data';
  return {
    source: '<embedded default>',
    tickTime,
    dataDir,
    dataLogDir: dataDir,
    clientPort: 2181,
    clientPortAddress: '127.0.0.1',
    maxClientCnxns: 60,
    minSessionTimeout: tickTime * 2,
    maxSessionTimeout: tickTime * 20,
    fourLetterWordWhitelist: new Set(['srvr']),
    juteMaxBuffer: 0xfffff,
    globalOutstandingLimit: 1000,
    initLimit: 10,
    syncLimit: 5,
    snapCount: 100000,
    preAllocSize: 65536 * 1024,
    forceSync: true,
    extendedTypesEnabled: false,
    enforceQuota: false,
    containerCheckIntervalMs: 60_000,
    containerMaxPerMinute: 10_000,
    containerMaxNeverUsedIntervalMs: 0,
    standaloneEnabled: true,
    reconfigEnabled: false,
    adminEnableServer: false,
    adminServerPort: 8080,
    servers: [],
    adminServerAddress: '0.0.0.0',
    autopurgeSnapRetainCount: 3,
    autopurgePurgeIntervalMs: 0,
    clientPortListenBacklog: -1,
    raw: new Map(),
    ...overrides,
  };
}
