import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { OpCode } from '../protocol/opcodes.js';
import { DataTree } from '../tree/data-tree.js';
import { AdminServer, adminServerSettings } from './admin-server.js';
import { ClientConnection } from './client-connection.js';
import { ContainerManager } from './container-manager.js';
import { FourLetterWords } from './four-letter-context.js';
import { MetricsHttpServer, metricsHttpSettings } from './metrics-http.js';
import { type PipelineSettings, RequestPipeline, type WriteOrigin } from './request-pipeline.js';
import { PROMETHEUS_METRICS_PROVIDER, type ServerConfig } from './server-config.js';
import type { ServerCore } from './server-core.js';
import { type Session, SessionTracker } from './session-tracker.js';
import { MemoryTxnLog, type TxnLog } from './txn-log.js';
import { DurableStore, type StoreSettings } from '../persistence/durable-store.js';
import { readMyid } from '../persistence/myid.js';

export interface RunningServer {
  /** The bound client port (useful when config.clientPort is 0). */
  readonly port: number;
  /**
   * Stops listening, finishes the writes in flight and closes every connection.
   * Sessions are kept, as ZooKeeper keeps them: with a durable store they live on
   * across a restart and expire if their clients do not come back in time.
   */
  close(): Promise<void>;
}

/** What a server recovered from its store starts with. */
export interface RecoveredState {
  tree: DataTree;
  txnLog: TxnLog;
  /** Sessions live at the last txn, with their timeouts. */
  sessions: ReadonlyMap<bigint, number>;
}

export interface ServerStatistics {
  startedAt: number;
  minLatency: number;
  maxLatency: number;
  totalLatency: number;
  completed: number;
  packetsReceived: number;
  packetsSent: number;
  lastResponseSize: number;
  minResponseSize: number;
  maxResponseSize: number;
  authFailed: number;
  /** Txns whose logged digest the tree did not reach (mntr digest_mismatches_count). */
  digestMismatches: number;
}

/** Session txns the server itself issues (create, expiry, shutdown) carry cxid 0 and no auth. */
function serverOrigin(sessionId: bigint): WriteOrigin {
  return { sessionId, cxid: 0, authIds: [] };
}

function freshStatistics(): ServerStatistics {
  return { startedAt: Date.now(), minLatency: Number.MAX_SAFE_INTEGER, maxLatency: 0, totalLatency: 0, completed: 0, packetsReceived: 0, packetsSent: 0,
    lastResponseSize: -1, minResponseSize: -1, maxResponseSize: -1, authFailed: 0, digestMismatches: 0 };
}

/** A standalone zkts: one tree, one pipeline, a client listener. */
export class StandaloneServer implements ServerCore, RunningServer {
  readonly tree: DataTree;
  readonly txnLog: TxnLog;
  readonly pipeline: RequestPipeline;
  readonly sessions: SessionTracker;
  readonly connections = new Set<ClientConnection>();
  private readonly bySession = new Map<bigint, ClientConnection>();
  private readonly paused = new Set<ClientConnection>();
  private readonly perIp = new Map<string, number>();
  private readonly listener: Server;
  private readonly fourLetter: FourLetterWords;
  /** The AdminServer (admin.enableServer) and the Prometheus endpoint, when configured and started. */
  private admin: AdminServer | undefined;
  private metrics: MetricsHttpServer | undefined;
  private readonly containerManager: ContainerManager;
  private outstanding = 0;
  /** False until listening and once closing, when most four-letter words say so. */
  serving = false;
  statistics = freshStatistics();
  port = 0;

  constructor(
    readonly config: ServerConfig,
    readonly log: Logger,
    recovered?: RecoveredState,
  ) {
    this.tree = recovered?.tree ?? new DataTree({ digest: config.digestEnabled });
    this.txnLog = recovered?.txnLog ?? new MemoryTxnLog();
    const settings: PipelineSettings = {
      extendedTypesEnabled: config.extendedTypesEnabled,
      reconfigEnabled: config.reconfigEnabled,
      enforceQuota: config.enforceQuota,
      onDigestMismatch: (zxid, logged, actual) => this.digestMismatch(zxid, logged, actual),
    };
    // After recovery the pipeline numbers txns on from the store's last zxid.
    this.pipeline = new RequestPipeline(this.tree, this.txnLog, settings, (err) => {
      // A log that cannot write means nothing more can be acknowledged safely.
      log.fatal({ err }, 'txn log failed; stopping');
      process.exitCode = 1;
      void this.close();
    });
    this.sessions = new SessionTracker(0, config.tickTime, (s) => this.expire(s));
    for (const [id, timeout] of recovered?.sessions ?? []) this.sessions.restore(id, timeout);
    this.listener = createServer((socket) => this.accept(socket));
    this.fourLetter = new FourLetterWords(this);
    this.tree.quotas.log = (level, msg, details) => log[level](details, msg);
    this.containerManager = new ContainerManager({
      tree: this.tree,
      // As in ZooKeeper: server session 0, no reply; a failure (NotEmpty) leaves the node.
      submitDelete: (path) =>
        this.pipeline.submit(serverOrigin(0n), { type: OpCode.deleteContainer, req: { path, version: -1 } }, (_result, _txn, error) => {
          if (error) log.debug({ path, err: error.message }, 'container not deleted');
        }),
      checkIntervalMs: config.containerCheckIntervalMs,
      maxPerMinute: config.containerMaxPerMinute,
      maxNeverUsedIntervalMs: config.containerMaxNeverUsedIntervalMs,
      log,
    });
  }

  /**
   * The tree did not reach the digest prep logged for a txn: prep's view of the
   * tree and the tree itself disagree. As ZooKeeper: counted and logged, not fatal
   * (the first in full, then every power of ten, so a runaway does not flood the log).
   */
  private digestMismatch(zxid: bigint, logged: bigint, actual: bigint): void {
    const n = ++this.statistics.digestMismatches;
    if (Math.log10(n) % 1 === 0) {
      this.log.error({ zxid: `0x${zxid.toString(16)}`, logged: String(logged), actual: String(actual), mismatches: n }, 'digests are not matching');
    }
  }

  get globalOutstanding(): number {
    return this.outstanding;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(this.config.clientPort, this.config.clientPortAddress, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    const addr = this.listener.address();
    this.port = typeof addr === 'object' && addr ? addr.port : this.config.clientPort;
    this.sessions.start();
    this.containerManager.start();
    this.serving = true;
    this.log.info({ port: this.port, address: this.config.clientPortAddress }, 'listening for clients');
    await this.startHttpEndpoints();
  }

  /**
   * The AdminServer and the Prometheus endpoint. One that cannot listen (its
   * port taken, say) is logged and left out; the client service goes on.
   * (ZooKeeper 3.8 in a quorum does the same; a standalone ZooKeeper exits.)
   */
  private async startHttpEndpoints(): Promise<void> {
    if (this.config.adminEnableServer) {
      const admin = new AdminServer(this.fourLetter, adminServerSettings(this.config), this.log);
      if (await admin.start()) this.admin = admin;
    }
    if (this.config.metricsProviderClassName === PROMETHEUS_METRICS_PROVIDER) {
      const metrics = new MetricsHttpServer(this.fourLetter, metricsHttpSettings(this.config), this.log);
      if (await metrics.start()) this.metrics = metrics;
    }
  }

  /** The AdminServer's bound port; undefined when it is off or could not start. */
  get adminPort(): number | undefined {
    return this.admin?.port;
  }

  /** The Prometheus endpoint's bound port; undefined when it is off or could not start. */
  get metricsPort(): number | undefined {
    return this.metrics?.port;
  }

  private accept(socket: Socket): void {
    const ip = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const count = this.perIp.get(ip) ?? 0;
    if (this.config.maxClientCnxns > 0 && count >= this.config.maxClientCnxns) {
      this.log.warn({ ip, max: this.config.maxClientCnxns }, 'too many connections from this address; refusing');
      socket.destroy();
      return;
    }
    this.perIp.set(ip, count + 1);
    socket.once('close', () => {
      const n = (this.perIp.get(ip) ?? 1) - 1;
      if (n <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, n);
    });
    this.connections.add(new ClientConnection(socket, this));
  }

  fourLetterWord(head: Buffer): string | null {
    return this.fourLetter.parse(head);
  }

  fourLetterPayloadLength(word: string): number {
    return this.fourLetter.payloadLength(word);
  }

  answerFourLetterWord(word: string, arg?: Buffer): string {
    return this.fourLetter.answer(word, arg);
  }

  createSession(timeout: number, done: (session: Session) => void): void {
    const id = this.sessions.newSessionId();
    const session = this.sessions.add(id, timeout);
    this.pipeline.submit(serverOrigin(id), { type: OpCode.createSession, timeOut: timeout }, () => done(session));
  }

  attachSession(session: Session, conn: ClientConnection): void {
    const previous = this.bySession.get(session.id);
    if (previous && previous !== conn) {
      this.log.info({ session: `0x${session.id.toString(16)}` }, 'session moved to a new connection; closing the old one');
      previous.close();
    }
    this.bySession.set(session.id, conn);
  }

  dropConnectionOf(sessionId: bigint): void {
    const conn = this.bySession.get(sessionId);
    if (!conn) return;
    this.log.info({ session: `0x${sessionId.toString(16)}` }, 'reconnect for this session; closing its current connection');
    this.bySession.delete(sessionId);
    conn.close();
  }

  sessionClosed(sessionId: bigint): void {
    this.sessions.remove(sessionId);
    this.bySession.delete(sessionId);
  }

  private expire(session: Session): void {
    this.log.info({ session: `0x${session.id.toString(16)}`, timeout: session.timeout }, 'session expired');
    this.pipeline.submit(serverOrigin(session.id), { type: OpCode.closeSession }, () => {
      const conn = this.bySession.get(session.id);
      this.sessionClosed(session.id);
      conn?.close();
    });
  }

  outstandingChanged(delta: number): void {
    this.outstanding += delta;
    if (delta < 0 && this.paused.size > 0 && this.outstanding < this.config.globalOutstandingLimit) {
      const waiting = [...this.paused];
      this.paused.clear();
      for (const c of waiting) c.updateReading();
    }
  }

  connectionPaused(conn: ClientConnection): void {
    this.paused.add(conn);
  }

  connectionClosed(conn: ClientConnection): void {
    this.connections.delete(conn);
    this.paused.delete(conn);
    this.tree.removeWatcher(conn);
    this.statistics.packetsReceived += conn.stats.packetsReceived;
    this.statistics.packetsSent += conn.stats.packetsSent;
    if (conn.session && this.bySession.get(conn.session.id) === conn) this.bySession.delete(conn.session.id);
  }

  recordLatency(ms: number): void {
    const s = this.statistics;
    s.minLatency = Math.min(s.minLatency, ms);
    s.maxLatency = Math.max(s.maxLatency, ms);
    s.totalLatency += ms;
    s.completed++;
  }

  recordResponseSize(bytes: number): void {
    const s = this.statistics;
    s.lastResponseSize = bytes;
    s.minResponseSize = s.minResponseSize < 0 ? bytes : Math.min(s.minResponseSize, bytes);
    s.maxResponseSize = Math.max(s.maxResponseSize, bytes);
  }

  authFailed(): void {
    this.statistics.authFailed++;
  }

  resetStatistics(): void {
    this.statistics = freshStatistics();
  }

  /**
   * Stops: no new connections, writes in flight finish (and are answered), then
   * every connection closes. Sessions are not closed, as in ZooKeeper: clients
   * reconnect to the restarted server (or another one) and keep them.
   */
  async close(): Promise<void> {
    this.serving = false;
    this.listener.close();
    await this.containerManager.close();
    await this.pipeline.drain();
    this.sessions.stop();
    for (const c of [...this.connections]) c.close();
    await Promise.all([this.admin?.close(), this.metrics?.close()]);
    this.admin = undefined;
    this.metrics = undefined;
    await this.txnLog.close();
    this.log.info('server stopped');
  }
}

export interface StartOptions {
  /**
   * Keep the tree, sessions and txns in the SQLite store under dataDir/dataLogDir
   * and recover from it at start (what `zkts start` does). Without it the server
   * lives in memory only (tests).
   */
  durable?: boolean;
}

export function storeSettings(config: ServerConfig): StoreSettings {
  return {
    dataDir: config.dataDir,
    dataLogDir: config.dataLogDir,
    forceSync: config.forceSync,
    snapCount: config.snapCount,
    autopurgeSnapRetainCount: config.autopurgeSnapRetainCount,
    autopurgePurgeIntervalMs: config.autopurgePurgeIntervalMs,
  };
}

/** Starts a standalone server listening on config.clientPort (0 picks a free port). */
export async function startStandaloneServer(config: ServerConfig, log: Logger, options: StartOptions = {}): Promise<RunningServer> {
  if (!options.durable) {
    const server = new StandaloneServer(config, log);
    await server.listen();
    return server;
  }
  const myid = readMyid(config.dataDir);
  if (myid.kind === 'invalid') log.warn({ file: myid.file, content: myid.content }, 'myid is not a server id; a standalone server does not need it, ignoring it');
  else if (myid.kind === 'id') log.info({ myid: myid.id }, 'myid found; a standalone server does not use it');
  const opened = await DurableStore.open(storeSettings(config), () => new DataTree({ digest: config.digestEnabled }), log);
  const server = new StandaloneServer(config, log, { tree: opened.tree, txnLog: opened.store, sessions: opened.sessions });
  try {
    await server.listen();
  } catch (err) {
    await opened.store.close();
    throw err;
  }
  return server;
}
