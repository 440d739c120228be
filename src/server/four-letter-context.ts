import {
  answerFourLetterWord,
  type ConnectionInfo,
  directorySize,
  type DumpState,
  type FourLetterContext,
  type FourLetterServerStats,
  type MonitorValue,
  fourLetterWordPayloadLength,
  lastOperationName,
  nodeEnvironment,
  nodeSystemProperties,
  parseFourLetterWord,
  processFileDescriptorCounts,
  type ServerMode,
  type SessionWatches,
  zkVersionString,
} from '../protocol/four-letter-words.js';
import type { StandaloneServer } from './standalone-server.js';
import { zktsVersion } from './version.js';

/** ZooKeeper's default trace mask, as gtmk prints it. */
const DEFAULT_TRACE_MASK = 306n;
const BUILT_ON = new Date();

/** Bridges the server's live state to the four-letter-word formatter. */
export class FourLetterWords implements FourLetterContext {
  readonly version = zkVersionString(zktsVersion(), BUILT_ON);
  readonly serverId = 0;
  private mask = DEFAULT_TRACE_MASK;

  constructor(private readonly server: StandaloneServer) {}

  get config() {
    return this.server.config;
  }

  parse(head: Buffer): string | null {
    return parseFourLetterWord(head);
  }

  /** Bytes that must follow the word before it can be answered. */
  payloadLength(word: string): number {
    return fourLetterWordPayloadLength(word);
  }

  answer(word: string, arg?: Buffer): string {
    return answerFourLetterWord(word, this, arg);
  }

  isServing(): boolean {
    return this.server.serving;
  }

  mode(): ServerMode {
    return 'standalone';
  }

  stats(): FourLetterServerStats {
    const s = this.server.statistics;
    const tree = this.server.tree;
    let received = s.packetsReceived;
    let sent = s.packetsSent;
    for (const c of this.server.connections) {
      received += c.stats.packetsReceived;
      sent += c.stats.packetsSent;
    }
    const fds = processFileDescriptorCounts();
    return {
      packetsReceived: received,
      packetsSent: sent,
      outstandingRequests: this.server.globalOutstanding,
      requestLatency: { count: s.completed, total: s.totalLatency, min: s.completed ? s.minLatency : 0, max: s.maxLatency },
      lastProcessedZxid: tree.lastProcessedZxid,
      nodeCount: tree.nodeCount,
      watchCount: tree.dataWatches.size + tree.childWatches.size,
      ephemeralsCount: tree.ephemeralCount,
      approximateDataSize: tree.approximateDataSize(),
      globalSessions: this.server.sessions.size,
      localSessions: 0,
      uptimeMs: Date.now() - s.startedAt,
      clientResponseSize: { last: s.lastResponseSize, min: s.minResponseSize, max: s.maxResponseSize },
      authFailedCount: s.authFailed,
      openFileDescriptorCount: fds?.open,
      maxFileDescriptorCount: fds?.max,
    };
  }

  connections(): readonly ConnectionInfo[] {
    return [...this.server.connections].map((c) => {
      const st = c.stats;
      return {
        remoteAddress: c.remoteAddress,
        remotePort: c.remotePort,
        interestOps: c.isFourLetterWord ? 0 : 1,
        outstandingRequests: c.outstanding,
        packetsReceived: st.packetsReceived,
        packetsSent: st.packetsSent,
        sessionId: c.sessionId,
        lastOperation: st.lastOpcode === null ? 'NA' : lastOperationName(st.lastOpcode),
        establishedAt: st.established,
        sessionTimeout: c.session?.timeout ?? 0,
        lastCxid: st.lastCxid,
        lastZxid: st.lastZxid,
        lastResponseTime: st.lastResponseTime,
        lastLatency: st.lastLatency,
        minLatency: st.completed ? st.minLatency : 0,
        avgLatency: st.completed ? Math.floor(st.totalLatency / st.completed) : 0,
        maxLatency: st.maxLatency,
      };
    });
  }

  dataWatches(): readonly SessionWatches[] {
    return [...this.server.tree.dataWatches.bySessionView()].map(([sessionId, paths]) => ({ sessionId, paths }));
  }

  dirSizes(): { readonly dataDir: number; readonly dataLogDir: number } {
    return { dataDir: directorySize(this.config.dataDir), dataLogDir: directorySize(this.config.dataLogDir) };
  }

  environment() {
    return nodeEnvironment(this.version);
  }

  systemProperties() {
    return nodeSystemProperties(this.version);
  }

  dumpState(): DumpState {
    const tick = this.config.tickTime;
    const buckets = new Map<number, bigint[]>();
    for (const s of this.server.sessions.all()) {
      // Session deadlines run on the monotonic clock; dump shows wall-clock times.
      const at = Date.now() + Math.max(0, s.expiresAt - performance.now());
      const key = Math.ceil(at / tick) * tick;
      const list = buckets.get(key) ?? [];
      list.push(s.id);
      buckets.set(key, list);
    }
    return {
      sessionBuckets: [...buckets].sort((a, b) => a[0] - b[0]).map(([expiresAt, members]) => ({ expiresAt, members })),
      ephemerals: [...this.server.tree.sessionsWithEphemerals()].map(([sessionId, paths]) => ({ sessionId, paths: [...paths] })),
      connectionBuckets: [],
    };
  }

  traceMask(): bigint {
    return this.mask;
  }

  setTraceMask(mask: bigint): void {
    this.mask = mask;
  }

  digestLog(): readonly { readonly zxid: bigint; readonly digest: bigint }[] {
    return this.server.tree.digestLog();
  }

  extraMonitorValues(): ReadonlyMap<string, MonitorValue> {
    return new Map([['digest_mismatches_count', this.server.statistics.digestMismatches]]);
  }

  resetStats(): void {
    this.server.resetStatistics();
  }

  resetConnectionStats(): void {
    for (const c of this.server.connections) c.resetStats();
  }
}
