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
  /**
   * digest.enabled (ZooKeeper's zookeeper.digest.enabled, default true): keep the
   * tree digest, log it with every txn and seal it into snapshots.
   */
  digestEnabled: boolean;
  /** znode.container.checkIntervalMs: how often empty containers and expired TTL nodes are looked for. */
  containerCheckIntervalMs: number;
  /** znode.container.maxPerMinute: at most this many of them are deleted per minute. */
  containerMaxPerMinute: number;
  /** znode.container.maxNeverUsedIntervalMs: containers that never had a child go after this long; 0 keeps them. */
  containerMaxNeverUsedIntervalMs: number;
  standaloneEnabled: boolean;
  reconfigEnabled: boolean;
  /**
   * admin.enableServer: run the AdminServer (HTTP). zoo.cfg defaults it to true,
   * as ZooKeeper does; defaultServerConfig() leaves it off so that servers built
   * in code (tests, embedding) never bind port 8080 unless asked to.
   */
  adminEnableServer: boolean;
  /** admin.serverPort: the AdminServer's port (ZooKeeper's default 8080; 0 picks a free port). */
  adminServerPort: number;
  servers: QuorumServerEntry[];
  /** admin.serverAddress: where the AdminServer listens (ZooKeeper's default 0.0.0.0). */
  adminServerAddress: string;
  /** admin.commandURL: the path the commands live under (default "/commands"). */
  adminCommandUrl: string;
  /** admin.idleTimeout: ms an idle AdminServer connection is kept open (default 30000; 0 = no limit). */
  adminIdleTimeoutMs: number;
  /**
   * metricsProvider.className: DEFAULT_METRICS_PROVIDER (metrics only in mntr and
   * the admin monitor command) or PROMETHEUS_METRICS_PROVIDER (also an HTTP
   * /metrics endpoint in the Prometheus text format).
   */
  metricsProviderClassName: string;
  /** metricsProvider.httpHost: where the Prometheus endpoint listens (default 0.0.0.0). */
  metricsProviderHttpHost: string;
  /** metricsProvider.httpPort: the Prometheus endpoint's port (default 7000; 0 picks a free port). */
  metricsProviderHttpPort: number;
  /** metricsProvider.exportJvmInfo: also export process metrics (ZooKeeper exports the JVM's; default true). */
  metricsProviderExportJvmInfo: boolean;
  /** The configuration text as read (the admin initial_configuration command shows it). */
  initialConfig: string;
  /** autopurge.snapRetainCount: snapshots (and their logs) kept by autopurge; at least 3. */
  autopurgeSnapRetainCount: number;
  /** autopurge.purgeInterval in milliseconds; 0 disables autopurge. */
  autopurgePurgeIntervalMs: number;
  /** clientPortListenBacklog: listen() backlog for the client port; -1 means the platform default. */
  clientPortListenBacklog: number;
  /** DigestAuthenticationProvider.superDigest: the digest id ("user:base64") that authenticates as super. */
  superDigest?: string;
  /** Every key=value as read, including keys zkts does not know. */
  raw: ReadonlyMap<string, string>;
}

export const DEFAULT_TICK_TIME = 2000;

/** ZooKeeper's built-in metrics provider: mntr and the admin server only. */
export const DEFAULT_METRICS_PROVIDER = 'org.apache.zookeeper.metrics.impl.DefaultMetricsProvider';
/** ZooKeeper's Prometheus metrics provider (zookeeper-prometheus-metrics): adds an HTTP /metrics endpoint. */
export const PROMETHEUS_METRICS_PROVIDER = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';

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
    digestEnabled: true,
    containerCheckIntervalMs: 60_000,
    containerMaxPerMinute: 10_000,
    containerMaxNeverUsedIntervalMs: 0,
    standaloneEnabled: true,
    reconfigEnabled: false,
    adminEnableServer: false,
    adminServerPort: 8080,
    servers: [],
    adminServerAddress: '0.0.0.0',
    adminCommandUrl: '/commands',
    adminIdleTimeoutMs: 30000,
    metricsProviderClassName: DEFAULT_METRICS_PROVIDER,
    metricsProviderHttpHost: '0.0.0.0',
    metricsProviderHttpPort: 7000,
    metricsProviderExportJvmInfo: true,
    initialConfig: '',
    autopurgeSnapRetainCount: 3,
    autopurgePurgeIntervalMs: 0,
    clientPortListenBacklog: -1,
    raw: new Map(),
    ...overrides,
  };
}
