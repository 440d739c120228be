/**
 * ZooKeeper's four-letter words ("4lw"): recognising them and producing the exact
 * text ZooKeeper 3.8 answers with. No sockets here: the connection code reads the
 * first 4 bytes of a new connection, asks parseFourLetterWord() whether they are
 * a command, and if so writes answerFourLetterWord()'s text and closes the socket
 * (ZooKeeper never frames 4lw answers and always closes after one).
 *
 * Formats follow ZooKeeper 3.8.0 byte for byte (checked against the captured
 * fixtures in shared/fixtures/fourlw and quorum/fourlw). Values only a JVM has are
 * reported with an honest Node equivalent; see four-letter-env.ts and answerMntr().
 */
import { resolve as resolvePath } from 'node:path';
import type { QuorumServerEntry, ServerConfig } from '../server/server-config.js';
import type { EnvironmentEntry } from './four-letter-env.js';
import {
  averageOf,
  delimitedHost,
  hex64,
  javaDateString,
  javaDouble,
  javaSocketAddress,
  long64,
  MNTR_SUMMARY_ORDER,
  MNTR_VALUE_ORDER,
} from './four-letter-format.js';

export type { EnvironmentEntry } from './four-letter-env.js';
export {
  ZOOKEEPER_COMPAT_VERSION,
  zkVersionString,
  nodeEnvironment,
  nodeSystemProperties,
  processFileDescriptorCounts,
  directorySize,
  ENVIRONMENT_KEYS,
} from './four-letter-env.js';

// ---------------------------------------------------------------------------
// Command table

/** The four-letter words ZooKeeper 3.8 knows (FourLetterCommands). */
export const FOUR_LETTER_WORDS: readonly string[] = Object.freeze([
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk',
  'srst', 'srvr', 'stat', 'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash',
]);

/**
 * ZooKeeper also registers the telnet "interrupt process" sequence
 * (IAC IP IAC DO = ff f4 ff fd) under the name "telnet close". When enabled it
 * answers nothing and the connection is closed; otherwise it gets the usual
 * whitelist refusal.
 */
export const TELNET_CLOSE = 'telnet close';
const TELNET_CLOSE_CODE = 0xfff4fffd;

const WORD_BY_CODE: ReadonlyMap<number, string> = new Map<number, string>([
  ...FOUR_LETTER_WORDS.map((w): [number, string] => [Buffer.from(w, 'latin1').readUInt32BE(0), w]),
  [TELNET_CLOSE_CODE, TELNET_CLOSE],
]);

/**
 * The command named by the first 4 bytes of a new connection, or null when those
 * bytes are not a 4lw (then they are the length prefix of a ConnectRequest).
 * Like ZooKeeper this compares the 4 bytes as one big-endian int against the
 * command table, so case matters and nothing else is accepted.
 */
export function parseFourLetterWord(first4: Buffer): string | null {
  if (first4.length < 4) return null;
  return WORD_BY_CODE.get(first4.readUInt32BE(0)) ?? null;
}

/** Bytes that follow the word on the wire: `stmk` is followed by an 8-byte big-endian trace mask. */
export function fourLetterWordPayloadLength(word: string): number {
  return word === 'stmk' ? 8 : 0;
}

/** ZooKeeper's reply to a known word that is not whitelisted (NopCommand text + newline). */
export function notWhitelistedMessage(word: string): string {
  return `${word} is not executed because it is not in the whitelist.\n`;
}

/** ZooKeeper's text for most words when the server is not serving (AbstractFourLetterCommand.ZK_NOT_SERVING). */
export const ZK_NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';

// ---------------------------------------------------------------------------
// What the server provides

/** ServerStats.getServerState(): the `Mode:` line and mntr's zk_server_state. */
export type ServerMode = 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only';

/**
 * An avg/min/max/count/sum statistic (ZooKeeper's AvgMinMaxCounter). min and max
 * are 0 while count is 0. `percentiles` (already rounded to integers) makes it a
 * summary with p50/p95/p99/p999 lines in mntr.
 */
export interface SummaryStats {
  readonly count: number;
  readonly total: number;
  readonly min: number;
  readonly max: number;
  readonly percentiles?: { readonly p50: number; readonly p95: number; readonly p99: number; readonly p999: number };
}

/** Last/min/max of a buffer size (BufferStats); -1 while nothing was measured. */
export interface BufferSizeStats {
  readonly last: number;
  readonly min: number;
  readonly max: number;
}

/** Server-wide numbers, read once per command. */
export interface FourLetterServerStats {
  readonly packetsReceived: number;
  readonly packetsSent: number;
  /** Requests submitted but not yet answered, over all connections. */
  readonly outstandingRequests: number;
  /** Request latency in ms (srvr's "Latency min/avg/max", mntr's zk_*_latency). */
  readonly requestLatency: SummaryStats;
  /** The last zxid the server applied (srvr's "Zxid:"). */
  readonly lastProcessedZxid: bigint;
  /** Znodes in the tree, including /zookeeper and its children. */
  readonly nodeCount: number;
  /** (watcher, path) registrations: data+exist watches plus child watches. */
  readonly watchCount: number;
  readonly ephemeralsCount: number;
  /** Sum over znodes of path length + data length (DataTree.approximateDataSize). */
  readonly approximateDataSize: number;
  readonly globalSessions: number;
  readonly localSessions: number;
  /** Milliseconds since the server started serving (reset by nothing). */
  readonly uptimeMs: number;
  /** Sizes of responses sent to clients. */
  readonly clientResponseSize: BufferSizeStats;
  readonly authFailedCount: number;
  /** From processFileDescriptorCounts(); mntr omits the keys when undefined. */
  readonly openFileDescriptorCount?: number;
  readonly maxFileDescriptorCount?: number;
  /**
   * fsyncs slower than fsync.warningthresholdms (the admin server's
   * fsync_threshold_exceed_count); 0 when undefined.
   */
  readonly fsyncThresholdExceedCount?: number;
}

/** One client connection, as cons/stat list it (ServerCnxn.dumpConnectionInfo). */
export interface ConnectionInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /**
   * The selector interest set: 1 (OP_READ) for a connection waiting for requests,
   * 5 when also waiting to write, 0 for a 4lw connection (which is how the 4lw
   * connection that asks, itself listed, appears).
   */
  readonly interestOps: number;
  readonly outstandingRequests: number;
  /** Packets received/sent on this connection (a 4lw connection has received 1). */
  readonly packetsReceived: number;
  readonly packetsSent: number;
  /** 0n until a session is attached; the session fields below are printed only when non-zero. */
  readonly sessionId: bigint;
  /** Short name of the last operation ("NA" after a reset); see lastOperationName(). */
  readonly lastOperation: string;
  /** Wall-clock ms when the connection was accepted. */
  readonly establishedAt: number;
  readonly sessionTimeout: number;
  /** Last client xid answered; -1 when none (then lcxid is not printed). */
  readonly lastCxid: number;
  /** Last zxid sent to this connection; -1n after a reset. */
  readonly lastZxid: bigint;
  /** Time (ms, the server's clock) of the last response; 0 after a reset. */
  readonly lastResponseTime: number;
  readonly lastLatency: number;
  readonly minLatency: number;
  /** Integer average (total / count, truncated), 0 when no responses. */
  readonly avgLatency: number;
  readonly maxLatency: number;
}

/** The data/exist watches one connection holds (wchs/wchc/wchp list only these, not child watches). */
export interface SessionWatches {
  readonly sessionId: bigint;
  readonly paths: readonly string[];
}

/** One expiry bucket: everything that expires at the same (tick-rounded) wall-clock time. */
export interface ExpiryBucket<T> {
  readonly expiresAt: number;
  readonly members: readonly T[];
}

export interface DumpConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly sessionId: bigint;
}

/** What `dump` prints. Buckets may be empty (ZooKeeper keeps empty ones until they expire). */
export interface DumpState {
  readonly sessionBuckets: readonly ExpiryBucket<bigint>[];
  readonly ephemerals: readonly SessionWatches[];
  readonly connectionBuckets: readonly ExpiryBucket<DumpConnection>[];
}

export interface LeaderFourLetterInfo {
  /** Sizes of proposals sent to followers (srvr's "Proposal sizes last/min/max"); -1 when none. */
  readonly proposalSizes: BufferSizeStats;
  readonly learners: number;
  readonly syncedFollowers: number;
  readonly syncedNonVotingFollowers: number;
  readonly syncedObservers: number;
  readonly pendingSyncs: number;
  readonly leaderUptimeMs: number;
}

/** Ensemble facts; omit (return undefined) for a standalone server. */
export interface QuorumFourLetterInfo {
  /** QuorumPeer.getDetailedPeerState(), e.g. "following - broadcast", "leading - broadcast". */
  readonly peerState: string;
  /** Voting members in the current configuration. */
  readonly quorumSize: number;
  /** Version of the quorum configuration (printed in hex by conf). */
  readonly configVersion: bigint;
  /** electionAlg; ZooKeeper 3.8 only has 3 (fast leader election). */
  readonly electionAlg: number;
  readonly leader?: LeaderFourLetterInfo;
  /** Observers only: the id of the learner master they follow. */
  readonly observerMasterId?: number;
  /** The current leader's server id (admin `leader`); -1 when there is none. */
  readonly leaderId?: number;
  /** The current leader's quorum address "host:port" (admin `leader`); "" when unknown. */
  readonly leaderAddress?: string;
  /** The Zab phase (admin `zabstate`): "election", "discovery", "synchronization" or "broadcast". */
  readonly zabState?: string;
}

/**
 * An extra mntr value: an integer (Java long) as number or bigint, a string, or
 * `{ double }` for a value ZooKeeper prints as a double (always with a fraction).
 * A non-integer number also prints as a double.
 */
export type MonitorValue = number | bigint | string | { readonly double: number };

/** Everything the four-letter words read from (or do to) a running server. */
export interface FourLetterContext {
  /** Full version string; see zkVersionString(). */
  readonly version: string;
  readonly config: ServerConfig;
  /** conf's serverId: 0 for a standalone server, myid in an ensemble. */
  readonly serverId: number;
  /** ZooKeeper always whitelists `isro` when read-only mode is enabled. */
  readonly readOnlyModeEnabled?: boolean;
  /** False while starting/stopping: most words then answer ZK_NOT_SERVING. */
  isServing(): boolean;
  mode(): ServerMode;
  stats(): FourLetterServerStats;
  /** All open client connections, including the 4lw connection asking. */
  connections(): readonly ConnectionInfo[];
  /** Data and exist watches per connection (persistent watches included). */
  dataWatches(): readonly SessionWatches[];
  /** Bytes under the snapshot directory and the transaction-log directory (see directorySize()). */
  dirSizes(): { readonly dataDir: number; readonly dataLogDir: number };
  /** `envi` lines; a server returns nodeEnvironment(version). */
  environment(): readonly EnvironmentEntry[];
  dumpState(): DumpState;
  /** Ensemble facts, undefined for standalone. */
  quorum?(): QuorumFourLetterInfo | undefined;
  /** `hash`: the tree digests kept for recent zxids; none → empty answer. */
  digestLog?(): readonly { readonly zxid: bigint; readonly digest: bigint }[];
  /** More mntr values under ZooKeeper's names (without "zk_"), e.g. "bytes_received_count". */
  extraMonitorValues?(): ReadonlyMap<string, MonitorValue>;
  /** mntr summaries under ZooKeeper's names, e.g. "fsynctime", "readlatency", "jvm_pause_time_ms". */
  extraSummaries?(): ReadonlyMap<string, SummaryStats>;
  /** The server-wide trace mask (ZooTrace text trace level; ZooKeeper's default is 306). */
  traceMask(): bigint;
  setTraceMask(mask: bigint): void;
  /** `srst`: reset latency, packet counters, response-size stats and the extra metrics. */
  resetStats(): void;
  /** `crst`: reset every connection's counters (ServerCnxn.resetStats). */
  resetConnectionStats(): void;
  /** Admin `orst`: reset the counters of the observers this leader/follower serves. */
  resetObserverConnectionStats?(): void;
  /**
   * Admin `last_snapshot`: the newest snapshot written (or loaded at startup),
   * with its file time in whole seconds; undefined when there is none.
   */
  lastSnapshot?(): { readonly zxid: bigint; readonly timestampSeconds: number } | undefined;
  /**
   * Admin `system_properties`: the process's settings under the JVM system
   * property names ZooKeeper's admin server lists (see nodeSystemProperties()).
   */
  systemProperties?(): readonly EnvironmentEntry[];
}

// ---------------------------------------------------------------------------
// Dispatch

function whitelistAll(list: ReadonlySet<string>): boolean {
  return list.has('*') || FOUR_LETTER_WORDS.every((w) => list.has(w));
}

/**
 * Whether `word` may run. Like ZooKeeper, `srvr` always may (zkServer.sh needs
 * it) and `isro` may when read-only mode is enabled. `telnet close` is enabled
 * by `*` in ZooKeeper; zoo-cfg.ts expands `*` to every word, so a whitelist holding
 * every word counts as `*`.
 */
export function isFourLetterWordEnabled(word: string, ctx: FourLetterContext): boolean {
  const list = ctx.config.fourLetterWordWhitelist;
  if (word === 'srvr') return true;
  if (word === 'isro' && ctx.readOnlyModeEnabled === true) return true;
  if (word === TELNET_CLOSE) return list.has(TELNET_CLOSE) || whitelistAll(list);
  return list.has(word) || list.has('*');
}

/**
 * The exact bytes (as latin1/utf8 text) ZooKeeper 3.8 writes for `word` before
 * closing the connection. `extra` is what followed the word: `stmk` needs 8
 * bytes (a big-endian signed long); if they are missing ZooKeeper fails and
 * closes without an answer, so the result is ''. An empty string always means
 * "write nothing, just close". Unknown words throw (use parseFourLetterWord first).
 */
export function answerFourLetterWord(word: string, ctx: FourLetterContext, extra?: Buffer): string {
  if (!FOUR_LETTER_WORDS.includes(word) && word !== TELNET_CLOSE) {
    throw new RangeError(`not a four-letter word: ${JSON.stringify(word)}`);
  }
  if (!isFourLetterWordEnabled(word, ctx)) return notWhitelistedMessage(word);

  switch (word) {
    case TELNET_CLOSE:
      return '';
    case 'ruok':
      return 'imok';
    case 'gtmk':
      return long64(ctx.traceMask());
    case 'stmk': {
      if (extra === undefined || extra.length < 8) return '';
      const mask = extra.readBigInt64BE(0);
      ctx.setTraceMask(mask);
      return long64(mask);
    }
    case 'envi':
      return answerEnvi(ctx);
    case 'isro':
      if (!ctx.isServing()) return 'null';
      return ctx.mode() === 'read-only' ? 'ro' : 'rw';
    default:
      break;
  }

  if (!ctx.isServing()) {
    // DigestCommand prints the text without a newline; every other command adds one.
    return word === 'hash' ? ZK_NOT_SERVING : `${ZK_NOT_SERVING}\n`;
  }

  switch (word) {
    case 'srvr':
      return answerStat(ctx, false);
    case 'stat':
      return answerStat(ctx, true);
    case 'conf':
      return answerConf(ctx);
    case 'cons':
      return answerCons(ctx);
    case 'crst':
      ctx.resetConnectionStats();
      return 'Connection stats reset.\n';
    case 'srst':
      ctx.resetStats();
      return 'Server stats reset.\n';
    case 'dirs': {
      const sizes = ctx.dirSizes();
      return `datadir_size: ${sizes.dataDir}\nlogdir_size: ${sizes.dataLogDir}\n`;
    }
    case 'dump':
      return answerDump(ctx);
    case 'mntr':
      return answerMntr(ctx);
    case 'wchs':
      return answerWchs(ctx);
    case 'wchc':
      return answerWchc(ctx);
    case 'wchp':
      return answerWchp(ctx);
    case 'hash':
      return (ctx.digestLog?.() ?? []).map((d) => `${hex64(d.zxid)}: ${long64(d.digest)}\n`).join('');
    default:
      throw new RangeError(`not a four-letter word: ${JSON.stringify(word)}`);
  }
}

// ---------------------------------------------------------------------------
// The words

function answerEnvi(ctx: FourLetterContext): string {
  let out = 'Environment:\n';
  for (const [key, value] of ctx.environment()) out += `${key}=${value}\n`;
  return out;
}

/** ServerCnxn.dumpConnectionInfo: brief for `stat`, full for `cons`. */
export function formatConnection(c: ConnectionInfo, brief: boolean): string {
  const ops = c.interestOps === 0 ? '0' : (c.interestOps >>> 0).toString(16);
  let s =
    ` ${javaSocketAddress(c.remoteAddress, c.remotePort)}[${ops}]` +
    `(queued=${c.outstandingRequests},recved=${c.packetsReceived},sent=${c.packetsSent}`;
  if (!brief && c.sessionId !== 0n) {
    s += `,sid=0x${hex64(c.sessionId)},lop=${c.lastOperation},est=${long64(c.establishedAt)}`;
    s += `,to=${c.sessionTimeout}`;
    if (c.lastCxid >= 0) s += `,lcxid=0x${hex64(BigInt(Math.trunc(c.lastCxid)))}`;
    s += `,lzxid=0x${hex64(c.lastZxid)},lresp=${long64(c.lastResponseTime)},llat=${long64(c.lastLatency)}`;
    s += `,minlat=${long64(c.minLatency)},avglat=${long64(c.avgLatency)},maxlat=${long64(c.maxLatency)}`;
  }
  return `${s})`;
}

function latencyLine(l: SummaryStats): string {
  return `${long64(l.min)}/${javaDouble(averageOf(l.total, l.count))}/${long64(l.max)}`;
}

/** `srvr` (clients=false) and `stat` (clients=true): StatCommand. */
function answerStat(ctx: FourLetterContext, clients: boolean): string {
  const mode = ctx.mode();
  const stats = ctx.stats();
  const connections = ctx.connections();
  let out = `Zookeeper version: ${ctx.version}\n`;
  if (mode === 'read-only') out += 'READ-ONLY mode; serving only read-only clients\n';
  if (clients) {
    out += 'Clients:\n';
    for (const c of connections) out += `${formatConnection(c, true)}\n`;
    out += '\n';
  }
  out += `Latency min/avg/max: ${latencyLine(stats.requestLatency)}\n`;
  out += `Received: ${long64(stats.packetsReceived)}\n`;
  out += `Sent: ${long64(stats.packetsSent)}\n`;
  out += `Connections: ${connections.length}\n`;
  out += `Outstanding: ${long64(stats.outstandingRequests)}\n`;
  out += `Zxid: 0x${hex64(stats.lastProcessedZxid)}\n`;
  out += `Mode: ${mode}\n`;
  out += `Node count: ${stats.nodeCount}\n`;
  const leader = mode === 'leader' ? ctx.quorum?.()?.leader : undefined;
  if (leader !== undefined) {
    const p = leader.proposalSizes;
    out += `Proposal sizes last/min/max: ${p.last}/${p.min}/${p.max}\n`;
  }
  return out;
}

/** QuorumServer.toString(): "host:quorumPort:electionPort:role[;clientHost:clientPort]". */
function formatQuorumServer(s: QuorumServerEntry): string {
  let out = `${delimitedHost(s.host)}:${s.quorumPort}:${s.electionPort}:${s.role}`;
  if (s.clientPort !== undefined) {
    out += `;${delimitedHost(s.clientAddress ?? '0.0.0.0')}:${s.clientPort}`;
  }
  return out;
}

/**
 * `conf` (ZooKeeperServer.dumpConf, plus the QuorumZooKeeperServer part in an
 * ensemble). dataDir/dataLogDir are the absolute "version-2" directories, as
 * ZooKeeper prints them. secureClientPort is -1: zkts has no TLS client port.
 * dataDirSize/dataLogSize are the sizes of the directories printed above them
 * (ZooKeeper 3.8 swaps the two; they are equal when both are the same directory).
 */
/** The server settings `conf` and the admin `configuration` command report (ZooKeeperServerConf). */
export interface ServerConfFacts {
  readonly clientPort: number;
  /** Absolute snapshot directory, "<dataDir>/version-2". */
  readonly dataDir: string;
  /** Absolute transaction-log directory, "<dataLogDir>/version-2". */
  readonly dataLogDir: string;
  readonly tickTime: number;
  readonly maxClientCnxns: number;
  readonly minSessionTimeout: number;
  readonly maxSessionTimeout: number;
  readonly serverId: number;
  readonly clientPortListenBacklog: number;
}

export function serverConfFacts(ctx: FourLetterContext): ServerConfFacts {
  const cfg = ctx.config;
  return {
    clientPort: cfg.clientPort,
    dataDir: resolvePath(cfg.dataDir, 'version-2'),
    dataLogDir: resolvePath(cfg.dataLogDir, 'version-2'),
    tickTime: cfg.tickTime,
    maxClientCnxns: cfg.maxClientCnxns,
    minSessionTimeout: cfg.minSessionTimeout,
    maxSessionTimeout: cfg.maxSessionTimeout,
    serverId: ctx.serverId,
    // Read defensively: older ServerConfig shapes lack it.
    clientPortListenBacklog: (cfg as { readonly clientPortListenBacklog?: number }).clientPortListenBacklog ?? -1,
  };
}

function answerConf(ctx: FourLetterContext): string {
  const cfg = ctx.config;
  const sizes = ctx.dirSizes();
  const facts = serverConfFacts(ctx);
  let out = '';
  out += `clientPort=${facts.clientPort}\n`;
  out += 'secureClientPort=-1\n';
  out += `dataDir=${facts.dataDir}\n`;
  out += `dataDirSize=${long64(sizes.dataDir)}\n`;
  out += `dataLogDir=${facts.dataLogDir}\n`;
  out += `dataLogSize=${long64(sizes.dataLogDir)}\n`;
  out += `tickTime=${facts.tickTime}\n`;
  out += `maxClientCnxns=${facts.maxClientCnxns}\n`;
  out += `minSessionTimeout=${facts.minSessionTimeout}\n`;
  out += `maxSessionTimeout=${facts.maxSessionTimeout}\n`;
  out += `clientPortListenBacklog=${facts.clientPortListenBacklog}\n`;
  out += `serverId=${facts.serverId}\n`;

  const quorum = ctx.quorum?.();
  if (quorum === undefined) return out;
  const self = cfg.servers.find((s) => s.id === ctx.serverId);
  out += `initLimit=${cfg.initLimit}\n`;
  out += `syncLimit=${cfg.syncLimit}\n`;
  out += `electionAlg=${quorum.electionAlg}\n`;
  out += `electionPort=${self?.electionPort ?? -1}\n`;
  out += `quorumPort=${self?.quorumPort ?? -1}\n`;
  out += `peerType=${self?.role === 'observer' ? 1 : 0}\n`;
  // ReadOnlyZooKeeperServer prints the same lines but no membership.
  if (ctx.mode() === 'read-only') return out;
  out += 'membership: \n';
  const members = [...cfg.servers].sort((a, b) => a.id - b.id);
  for (const s of members) out += `server.${s.id}=${formatQuorumServer(s)}\n`;
  out += `version=${hex64(quorum.configVersion)}`;
  return out;
}

function answerCons(ctx: FourLetterContext): string {
  let out = '';
  for (const c of ctx.connections()) out += `${formatConnection(c, false)}\n`;
  return `${out}\n`;
}

function formatBuckets<T>(label: string, buckets: readonly ExpiryBucket<T>[], item: (m: T) => string): string {
  const sorted = [...buckets].sort((a, b) => a.expiresAt - b.expiresAt);
  const elements = sorted.reduce((n, b) => n + b.members.length, 0);
  let out = `${label} Sets (${sorted.length})/(${elements}):\n`;
  for (const b of sorted) {
    out += `${b.members.length} expire at ${javaDateString(b.expiresAt)}:\n`;
    for (const m of b.members) out += `\t${item(m)}\n`;
  }
  return out;
}

/** `dump`: session expiry buckets, ephemerals per session, connection expiry buckets. */
function answerDump(ctx: FourLetterContext): string {
  const d = ctx.dumpState();
  let out = 'SessionTracker dump:\n';
  out += formatBuckets('Session', d.sessionBuckets, (id) => `0x${hex64(id)}`);
  out += 'ephemeral nodes dump:\n';
  out += `Sessions with Ephemerals (${d.ephemerals.length}):\n`;
  for (const e of d.ephemerals) {
    out += `0x${hex64(e.sessionId)}:\n`;
    for (const p of e.paths) out += `\t${p}\n`;
  }
  out += 'Connections dump:\n';
  out += formatBuckets(
    'Connections',
    d.connectionBuckets,
    (c) => `ip: ${javaSocketAddress(c.remoteAddress, c.remotePort)} sessionId: 0x${hex64(c.sessionId)}`,
  );
  return out;
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The connections that hold at least one data/exist watch, each with its
 * distinct paths sorted (ZooKeeper's order is hash order). `wchc` and the admin
 * `watches` command print this.
 */
export function watchesBySession(ctx: FourLetterContext): SessionWatches[] {
  return ctx
    .dataWatches()
    .filter((w) => w.paths.length > 0)
    .map((w) => ({ sessionId: w.sessionId, paths: [...new Set(w.paths)].sort(comparePaths) }));
}

/** Watched paths (sorted), each with the sessions watching it: `wchp` and the admin `watches_by_path`. */
export function watchesByPath(ctx: FourLetterContext): [path: string, sessionIds: bigint[]][] {
  const byPath = new Map<string, bigint[]>();
  for (const w of watchesBySession(ctx)) {
    for (const p of w.paths) {
      const list = byPath.get(p);
      if (list) list.push(w.sessionId);
      else byPath.set(p, [w.sessionId]);
    }
  }
  return [...byPath.keys()].sort(comparePaths).map((p) => [p, byPath.get(p) ?? []]);
}

/** `wchs` and the admin `watch_summary`: DataTree.getWatchesSummary(). */
export interface WatchSummary {
  readonly connections: number;
  readonly paths: number;
  readonly totalWatches: number;
}

export function watchSummary(ctx: FourLetterContext): WatchSummary {
  const ws = watchesBySession(ctx);
  const paths = new Set<string>();
  let total = 0;
  for (const w of ws) {
    total += w.paths.length;
    for (const p of w.paths) paths.add(p);
  }
  return { connections: ws.length, paths: paths.size, totalWatches: total };
}

function answerWchs(ctx: FourLetterContext): string {
  const s = watchSummary(ctx);
  return `${s.connections} connections watching ${s.paths} paths\nTotal watches:${s.totalWatches}\n`;
}

function answerWchc(ctx: FourLetterContext): string {
  let out = '';
  for (const w of watchesBySession(ctx)) {
    out += `0x${hex64(w.sessionId)}\n`;
    for (const p of w.paths) out += `\t${p}\n`;
  }
  return `${out}\n`;
}

function answerWchp(ctx: FourLetterContext): string {
  let out = '';
  for (const [p, ids] of watchesByPath(ctx)) {
    out += `${p}\n`;
    for (const id of ids) out += `\t0x${hex64(id)}\n`;
  }
  return `${out}\n`;
}

// ---------------------------------------------------------------------------
// mntr

function monitorText(v: MonitorValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return long64(v);
  if (typeof v === 'number') return Number.isInteger(v) ? long64(v) : javaDouble(v);
  return javaDouble(v.double);
}

/** One mntr entry: the key without "zk_", and its value. */
export type MonitorEntry = readonly [key: string, value: MonitorValue];

/** A Java long from a number: truncated; 0 for NaN/Infinity (as long64 prints them). */
function asLong(n: number): number {
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** The mntr entries of one summary: avg_ (a double), min_, max_, cnt_, sum_, then p50_..p999_ if it has percentiles. */
export function summaryMonitorValues(name: string, s: SummaryStats): MonitorEntry[] {
  const out: MonitorEntry[] = [
    [`avg_${name}`, { double: averageOf(s.total, s.count) }],
    [`min_${name}`, asLong(s.min)],
    [`max_${name}`, asLong(s.max)],
    [`cnt_${name}`, asLong(s.count)],
    [`sum_${name}`, asLong(s.total)],
  ];
  const p = s.percentiles;
  if (p !== undefined) {
    out.push([`p50_${name}`, asLong(p.p50)], [`p95_${name}`, asLong(p.p95)], [`p99_${name}`, asLong(p.p99)],
      [`p999_${name}`, asLong(p.p999)]);
  }
  return out;
}

/** What mntr reports, before summaries are expanded into their avg_/min_/... keys. */
export interface MonitorFacts {
  /** Plain values (MNTR_INFO_KEYS, gauges, counters, extras), in mntr order. */
  readonly values: readonly MonitorEntry[];
  /** Summaries, in mntr order. */
  readonly summaries: readonly (readonly [name: string, stats: SummaryStats])[];
}

/**
 * What `mntr` prints ("zk_<key>\t<value>\n" lines), the admin `monitor` command
 * answers and the Prometheus endpoint exports, in ZooKeeper's key order
 * (MNTR_VALUE_ORDER, then summaries in MNTR_SUMMARY_ORDER, then other
 * summaries: plain ones first, then those with percentiles).
 *
 * Printed from the context: version, server_state, peer_state/observer_master_id/
 * quorum_size (ensemble, not read-only), ephemerals_count, num_alive_connections,
 * avg/min/max_latency, outstanding_requests, znode_count, global_sessions,
 * local_sessions, last/min/max_client_response_size, packets_sent/received,
 * watch_count, auth_failed_count, approximate_data_size, uptime,
 * open/max_file_descriptor_count (when known), the leader gauges (learners,
 * synced_*, pending_syncs, leader_uptime, last/min/max_proposal_size).
 *
 * Printed as constants because they are true by construction in zkts:
 * non_mtls_remote_conn_count=0, non_mtls_local_conn_count=0,
 * outstanding_tls_handshake=0 (zkts has no TLS), connection_drop_probability=0.0
 * (zkts never drops connections on purpose under load).
 *
 * Left out unless the server supplies them via extraMonitorValues()/extraSummaries():
 * every ServerMetrics counter (proposal_count ... revalidate_count) and every
 * summary (fsynctime, readlatency, *_commit_proc*, sync_processor_*, prep_*,
 * *_per_namespace, learner_handler_*, ...). Most measure Java request-processor
 * pipeline stages (PrepRequestProcessor, CommitProcessor, SyncRequestProcessor
 * queues, response caches, Netty buffers) that zkts does not have, so a value
 * would be invented. The jvm_pause_time_ms summary has no JVM behind it; a server
 * may report Node's event-loop delay (perf_hooks.monitorEventLoopDelay, in ms)
 * under that name, which measures the same thing (time the process was unable to
 * run), and the key then appears in ZooKeeper's position.
 */
export function monitorFacts(ctx: FourLetterContext): MonitorFacts {
  const mode = ctx.mode();
  const s = ctx.stats();
  const quorum = mode === 'read-only' ? undefined : ctx.quorum?.();
  const leader = mode === 'leader' ? quorum?.leader : undefined;
  const latency = s.requestLatency;

  const values = new Map<string, MonitorValue>();
  const extras = ctx.extraMonitorValues?.();
  if (extras !== undefined) for (const [k, v] of extras) values.set(k, v);
  // The context's own numbers win over extras of the same name.
  const own: [string, MonitorValue | undefined][] = [
    ['version', ctx.version],
    ['server_state', mode],
    ['peer_state', quorum?.peerState],
    ['observer_master_id', quorum?.observerMasterId],
    ['ephemerals_count', s.ephemeralsCount],
    ['num_alive_connections', ctx.connections().length],
    ['avg_latency', { double: averageOf(latency.total, latency.count) }],
    ['min_latency', latency.min],
    ['max_latency', latency.max],
    ['outstanding_requests', s.outstandingRequests],
    ['znode_count', s.nodeCount],
    ['global_sessions', s.globalSessions],
    ['local_sessions', s.localSessions],
    ['non_mtls_remote_conn_count', 0],
    ['non_mtls_local_conn_count', 0],
    ['outstanding_tls_handshake', 0],
    ['connection_drop_probability', { double: 0 }],
    ['last_client_response_size', s.clientResponseSize.last],
    ['min_client_response_size', s.clientResponseSize.min],
    ['max_client_response_size', s.clientResponseSize.max],
    ['packets_sent', s.packetsSent],
    ['packets_received', s.packetsReceived],
    ['watch_count', s.watchCount],
    ['auth_failed_count', s.authFailedCount],
    ['approximate_data_size', s.approximateDataSize],
    ['open_file_descriptor_count', s.openFileDescriptorCount],
    ['max_file_descriptor_count', s.maxFileDescriptorCount],
    ['uptime', s.uptimeMs],
    ['quorum_size', quorum?.quorumSize],
    ['learners', leader?.learners],
    ['synced_followers', leader?.syncedFollowers],
    ['synced_non_voting_followers', leader?.syncedNonVotingFollowers],
    ['synced_observers', leader?.syncedObservers],
    ['pending_syncs', leader?.pendingSyncs],
    ['leader_uptime', leader?.leaderUptimeMs],
    ['last_proposal_size', leader?.proposalSizes.last],
    ['min_proposal_size', leader?.proposalSizes.min],
    ['max_proposal_size', leader?.proposalSizes.max],
  ];
  for (const [k, v] of own) if (v !== undefined) values.set(k, v);

  const ordered: MonitorEntry[] = [];
  for (const k of MNTR_VALUE_ORDER) {
    const v = values.get(k);
    if (v !== undefined) ordered.push([k, v]);
  }
  for (const [k, v] of values) if (!MNTR_VALUE_ORDER.includes(k)) ordered.push([k, v]);

  const given = ctx.extraSummaries?.() ?? new Map<string, SummaryStats>();
  const summaries: (readonly [string, SummaryStats])[] = [];
  for (const name of MNTR_SUMMARY_ORDER) {
    const sum = given.get(name);
    if (sum !== undefined) summaries.push([name, sum]);
  }
  const rest = [...given].filter(([name]) => !MNTR_SUMMARY_ORDER.includes(name));
  for (const entry of rest) if (entry[1].percentiles === undefined) summaries.push(entry);
  for (const entry of rest) if (entry[1].percentiles !== undefined) summaries.push(entry);
  return { values: ordered, summaries };
}

/** Every mntr entry in order, summaries expanded: the `mntr` lines and the admin `monitor` keys. */
export function monitorValues(ctx: FourLetterContext): MonitorEntry[] {
  const facts = monitorFacts(ctx);
  return [...facts.values, ...facts.summaries.flatMap(([name, sum]) => summaryMonitorValues(name, sum))];
}

/** `mntr`: "zk_<key>\t<value>\n" lines (see monitorFacts for what is printed). */
function answerMntr(ctx: FourLetterContext): string {
  let out = '';
  for (const [k, v] of monitorValues(ctx)) out += `zk_${k}\t${monitorText(v)}\n`;
  return out;
}

// ---------------------------------------------------------------------------
// Helper for servers

const LAST_OP_NAMES: ReadonlyMap<number, string> = new Map([
  [11, 'PING'], [-10, 'SESS'], [14, 'MULT'], [22, 'MLTR'], [1, 'CREA'], [15, 'CREA'], [21, 'CREA'],
  [19, 'CREA'], [2, 'DELE'], [20, 'DELE'], [5, 'SETD'], [16, 'RECO'], [7, 'SETA'], [-11, 'CLOS'],
  [9, 'SYNC'], [13, 'CHEC'], [3, 'EXIS'], [4, 'GETD'], [101, 'SETW'], [105, 'STW2'], [106, 'ADDW'],
  [6, 'GETA'], [8, 'GETC'], [104, 'GETACN'], [12, 'GETC'], [17, 'CHKW'], [18, 'REMW'], [107, 'HOMI'],
  [103, 'GETE'],
]);

/** The `lop=` name ZooKeeper records for a request opcode after answering it ("NA" for others). */
export function lastOperationName(opcode: number): string {
  return LAST_OP_NAMES.get(opcode) ?? 'NA';
}
