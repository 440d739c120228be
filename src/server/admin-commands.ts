/**
 * The AdminServer's commands (ZooKeeper 3.8's server/admin/Commands): names and
 * aliases, which need a serving server, and the JSON each answers. No HTTP here
 * (see admin-server.ts). Every answer is built from the same FourLetterContext
 * facts, and mostly the same helper functions, as the matching four-letter word,
 * so `mntr` and `/commands/monitor`, `wchc` and `/commands/watches`, ... can
 * never disagree.
 */
import {
  type BufferSizeStats,
  type ConnectionInfo,
  type FourLetterContext,
  type MonitorValue,
  monitorValues,
  serverConfFacts,
  watchesByPath,
  watchesBySession,
  watchSummary,
  ZK_NOT_SERVING,
} from '../protocol/four-letter-words.js';
import { averageOf, delimitedHost, hex64, javaIpv6 } from '../protocol/four-letter-format.js';
import { TREE_DIGEST_VERSION } from '../tree/node-digest.js';
import { JsonDouble, jacksonJson, jsonObject, type JsonObject, type JsonValue } from './admin-json.js';

/** Request parameters (the first value of each query parameter, as ZooKeeper takes them). */
export type AdminArguments = ReadonlyMap<string, string>;

/** ZooKeeper's CommandResponse: the command's (primary) name, an error or null, and its data. */
export interface CommandResponse {
  readonly command: string;
  readonly error: string | null;
  readonly data: ReadonlyMap<string, JsonValue>;
}

interface AdminCommand {
  /** The primary name first, then the aliases. */
  readonly names: readonly string[];
  /** When true the command answers ZK_NOT_SERVING while the server is not serving. */
  readonly serverRequired: boolean;
  /** Fills `out` (in ZooKeeper's key order); a command reports failure by setting "error" in it. */
  run(ctx: FourLetterContext, args: AdminArguments, out: Map<string, JsonValue>): void;
}

// ---------------------------------------------------------------------------
// Pieces shared by several commands

/** How Jackson writes a connected InetSocketAddress: "127.0.0.1:5000", "[0:0:0:0:0:0:0:1]:5000". */
export function jacksonSocketAddress(address: string, port: number): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return `${mapped[1]}:${port}`;
  if (address.includes(':')) return `[${javaIpv6(address)}]:${port}`;
  return `${address}:${port}`;
}

/** A Java Long map key: signed decimal. */
function longKey(v: bigint | number): string {
  return typeof v === 'bigint' ? BigInt.asIntN(64, v).toString() : String(Math.trunc(v));
}

/** ServerCnxn.getConnectionInfo(brief): `stats` lists brief ones, `connections` full ones. */
function connectionJson(c: ConnectionInfo, brief: boolean): JsonObject {
  const info = new Map<string, JsonValue>([
    ['remote_socket_address', jacksonSocketAddress(c.remoteAddress, c.remotePort)],
    ['interest_ops', c.interestOps],
    ['outstanding_requests', c.outstandingRequests],
    ['packets_received', c.packetsReceived],
    ['packets_sent', c.packetsSent],
  ]);
  if (!brief) {
    info.set('session_id', c.sessionId);
    info.set('last_operation', c.lastOperation);
    info.set('established', c.establishedAt);
    info.set('session_timeout', c.sessionTimeout);
    info.set('last_cxid', c.lastCxid);
    info.set('last_zxid', c.lastZxid);
    info.set('last_response_time', c.lastResponseTime);
    info.set('last_latency', c.lastLatency);
    info.set('min_latency', c.minLatency);
    info.set('avg_latency', c.avgLatency);
    info.set('max_latency', c.maxLatency);
  }
  return info;
}

/** BufferStats as a bean: client_response_stats, client_response, proposal_stats. */
function bufferStatsJson(b: BufferSizeStats): JsonObject {
  return jsonObject([
    ['last_buffer_size', b.last],
    ['min_buffer_size', b.min],
    ['max_buffer_size', b.max],
  ]);
}

/** An mntr value as the JSON Jackson writes for the Java object behind it. */
function monitorJson(v: MonitorValue): JsonValue {
  if (typeof v === 'string' || typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v : new JsonDouble(v);
  return new JsonDouble(v.double);
}

/** `server_stats` and `stats`: SrvrCommand's fields, with the ServerStats bean's properties. */
function srvr(ctx: FourLetterContext, out: Map<string, JsonValue>): void {
  const mode = ctx.mode();
  const s = ctx.stats();
  const sizes = ctx.dirSizes();
  const latency = s.requestLatency;
  const clientResponse = bufferStatsJson(s.clientResponseSize);
  out.set('version', ctx.version);
  out.set('read_only', mode === 'read-only');
  out.set('server_stats', jsonObject([
    ['packets_sent', s.packetsSent],
    ['packets_received', s.packetsReceived],
    ['fsync_threshold_exceed_count', s.fsyncThresholdExceedCount ?? 0],
    ['client_response_stats', clientResponse],
    ['uptime', s.uptimeMs],
    ['data_dir_size', sizes.dataDir],
    ['log_dir_size', sizes.dataLogDir],
    ['provider_null', false],
    ['server_state', mode],
    ['last_processed_zxid', s.lastProcessedZxid],
    ['outstanding_requests', s.outstandingRequests],
    ['avg_latency', new JsonDouble(averageOf(latency.total, latency.count))],
    ['max_latency', latency.max],
    ['min_latency', latency.min],
    ['num_alive_client_connections', ctx.connections().length],
    ['auth_failed_count', s.authFailedCount],
    // zkts has no TLS, so every connection is a non-mTLS one and none is counted apart.
    ['non_mtlsremote_conn_count', 0],
    ['non_mtlslocal_conn_count', 0],
  ]));
  out.set('client_response', clientResponse);
  const leader = mode === 'leader' ? ctx.quorum?.()?.leader : undefined;
  if (leader !== undefined) out.set('proposal_stats', bufferStatsJson(leader.proposalSizes));
  out.set('node_count', s.nodeCount);
}

/** Java Long.parseLong: optional sign, decimal digits, 64-bit range. */
function parseJavaLong(text: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const v = BigInt(text);
  return v === BigInt.asIntN(64, v) ? v : undefined;
}

/**
 * zoo.cfg keys ZooKeeper's QuorumPeerConfig reads itself; every other key it
 * turns into the system property "zookeeper.<key>" (which is how keys such as
 * 4lw.commands.whitelist or admin.serverPort reach the code that reads them),
 * so those show up in `system_properties`.
 */
const QUORUM_PEER_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'dataDir', 'dataLogDir', 'clientPort', 'localSessionsEnabled', 'localSessionsUpgradingEnabled',
  'clientPortAddress', 'secureClientPort', 'secureClientPortAddress', 'observerMasterPort',
  'clientPortListenBacklog', 'tickTime', 'maxClientCnxns', 'minSessionTimeout', 'maxSessionTimeout',
  'initLimit', 'syncLimit', 'connectToLearnerMasterLimit', 'electionAlg', 'quorumListenOnAllIPs', 'peerType',
  'syncEnabled', 'dynamicConfigFile', 'autopurge.snapRetainCount', 'autopurge.purgeInterval',
  'standaloneEnabled', 'reconfigEnabled', 'sslQuorum', 'portUnification', 'sslQuorumReloadCertFiles',
  'quorum.cnxn.threads.size', 'quorum.auth.enableSasl', 'quorum.auth.serverRequireSasl',
  'quorum.auth.learnerRequireSasl', 'quorum.auth.learner.saslLoginContext',
  'quorum.auth.server.saslLoginContext', 'quorum.auth.kerberos.servicePrincipal', 'jvm.pause.info-threshold.ms',
  'jvm.pause.warn-threshold.ms', 'jvm.pause.sleep.time.ms', 'jvm.pause.monitor', 'metricsProvider.className',
  'multiAddress.enabled', 'multiAddress.reachabilityCheckTimeoutMs', 'multiAddress.reachabilityCheckEnabled',
  'oraclePath',
]);
const QUORUM_PEER_CONFIG_PREFIXES = ['server.', 'group', 'weight', 'metricsProvider.'];

/** The "zookeeper.<key>" system properties ZooKeeper would have set from these zoo.cfg entries. */
export function zooCfgSystemProperties(raw: ReadonlyMap<string, string>): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of raw) {
    if (QUORUM_PEER_CONFIG_KEYS.has(key) || QUORUM_PEER_CONFIG_PREFIXES.some((p) => key.startsWith(p))) continue;
    out.push([`zookeeper.${key}`, value]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// The command table, in ZooKeeper's registration order

const COMMANDS: readonly AdminCommand[] = [
  {
    names: ['connection_stat_reset', 'crst'],
    serverRequired: true,
    run: (ctx) => ctx.resetConnectionStats(),
  },
  {
    names: ['configuration', 'conf', 'config'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      const c = serverConfFacts(ctx);
      out.set('client_port', c.clientPort);
      out.set('data_dir', c.dataDir);
      out.set('data_log_dir', c.dataLogDir);
      out.set('tick_time', c.tickTime);
      out.set('max_client_cnxns', c.maxClientCnxns);
      out.set('min_session_timeout', c.minSessionTimeout);
      out.set('max_session_timeout', c.maxSessionTimeout);
      out.set('server_id', c.serverId);
      out.set('client_port_listen_backlog', c.clientPortListenBacklog);
    },
  },
  {
    names: ['connections', 'cons'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      out.set('connections', ctx.connections().map((c) => connectionJson(c, false)));
      // zkts has no TLS client port.
      out.set('secure_connections', []);
    },
  },
  {
    names: ['hash'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      const log = ctx.digestLog?.() ?? [];
      out.set('digests', log.map((d) => jsonObject([['zxid', d.zxid], ['digest', d.digest], ['digest_version', TREE_DIGEST_VERSION]])));
    },
  },
  {
    names: ['dirs'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      const sizes = ctx.dirSizes();
      out.set('datadir_size', sizes.dataDir);
      out.set('logdir_size', sizes.dataLogDir);
    },
  },
  {
    names: ['dump'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      const d = ctx.dumpState();
      const buckets = [...d.sessionBuckets].sort((a, b) => a.expiresAt - b.expiresAt);
      out.set('expiry_time_to_session_ids', jsonObject(buckets.map((b) => [longKey(b.expiresAt), [...b.members]])));
      out.set('session_id_to_ephemeral_paths', jsonObject(d.ephemerals.map((e) => [longKey(e.sessionId), [...e.paths]])));
    },
  },
  {
    names: ['environment', 'env', 'envi'],
    serverRequired: false,
    run: (ctx, _args, out) => {
      for (const [k, v] of ctx.environment()) out.set(k, v);
    },
  },
  {
    names: ['get_trace_mask', 'gtmk'],
    serverRequired: false,
    run: (ctx, _args, out) => out.set('tracemask', ctx.traceMask()),
  },
  {
    names: ['initial_configuration', 'icfg'],
    serverRequired: true,
    run: (ctx, _args, out) => out.set('initial_configuration', ctx.config.initialConfig),
  },
  {
    names: ['is_read_only', 'isro'],
    serverRequired: true,
    run: (ctx, _args, out) => out.set('read_only', ctx.mode() === 'read-only'),
  },
  {
    names: ['last_snapshot', 'lsnp'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      const info = ctx.lastSnapshot?.();
      out.set('zxid', hex64(info?.zxid ?? -1n));
      out.set('timestamp', info?.timestampSeconds ?? -1);
    },
  },
  {
    names: ['leader', 'lead'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      const quorum = ctx.quorum?.();
      if (quorum === undefined) {
        out.set('error', 'server is not initialized');
        return;
      }
      out.set('is_leader', ctx.mode() === 'leader');
      out.set('leader_id', quorum.leaderId ?? -1);
      out.set('leader_ip', quorum.leaderAddress ?? '');
    },
  },
  {
    names: ['monitor', 'mntr'],
    serverRequired: false,
    run: (ctx, _args, out) => {
      for (const [k, v] of monitorValues(ctx)) out.set(k, monitorJson(v));
    },
  },
  {
    names: ['observer_connection_stat_reset', 'orst'],
    serverRequired: true,
    run: (ctx) => ctx.resetObserverConnectionStats?.(),
  },
  {
    names: ['ruok'],
    serverRequired: true,
    run: () => undefined,
  },
  {
    names: ['set_trace_mask', 'stmk'],
    serverRequired: false,
    run: (ctx, args, out) => {
      const text = args.get('traceMask');
      if (text === undefined) {
        out.set('error', 'setTraceMask requires long traceMask argument');
        return;
      }
      const mask = parseJavaLong(text);
      if (mask === undefined) {
        out.set('error', `setTraceMask requires long traceMask argument, got ${text}`);
        return;
      }
      ctx.setTraceMask(mask);
      out.set('tracemask', mask);
    },
  },
  {
    names: ['server_stats', 'srvr'],
    serverRequired: true,
    run: (ctx, _args, out) => srvr(ctx, out),
  },
  {
    names: ['stats', 'stat'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      srvr(ctx, out);
      out.set('connections', ctx.connections().map((c) => connectionJson(c, true)));
      out.set('secure_connections', []);
    },
  },
  {
    names: ['stat_reset', 'srst'],
    serverRequired: true,
    run: (ctx) => ctx.resetStats(),
  },
  {
    names: ['observers', 'obsr'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      // zkts keeps no per-observer learner details, so the list stays empty.
      const leader = ctx.mode() === 'leader' ? ctx.quorum?.()?.leader : undefined;
      out.set('synced_observers', leader?.syncedObservers ?? 0);
      out.set('observers', []);
    },
  },
  {
    names: ['system_properties', 'sysp'],
    serverRequired: false,
    run: (ctx, _args, out) => {
      const props = new Map<string, string>([
        ...(ctx.systemProperties?.() ?? []),
        ...zooCfgSystemProperties(ctx.config.raw),
      ]);
      // ZooKeeper sorts them (a TreeMap of String: UTF-16 code unit order, as Array.sort).
      for (const key of [...props.keys()].sort()) out.set(key, props.get(key) ?? '');
    },
  },
  {
    names: ['voting_view'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      if (ctx.quorum?.() === undefined) {
        out.set('current_config', jsonObject([]));
        return;
      }
      const voters = ctx.config.servers.filter((s) => s.role === 'participant').sort((a, b) => a.id - b.id);
      out.set('current_config', jsonObject(voters.map((s) => [String(s.id), jsonObject([
        ['server_addresses', [`${delimitedHost(s.host)}:${s.quorumPort}`]],
        ['election_addresses', [`${delimitedHost(s.host)}:${s.electionPort}`]],
        ['client_address', s.clientPort === undefined ? '' : `${delimitedHost(s.clientAddress ?? '0.0.0.0')}:${s.clientPort}`],
        ['learner_type', 'participant'],
      ])])));
    },
  },
  {
    names: ['watches', 'wchc'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      out.set('session_id_to_watched_paths', jsonObject(watchesBySession(ctx).map((w) => [longKey(w.sessionId), w.paths])));
    },
  },
  {
    names: ['watches_by_path', 'wchp'],
    serverRequired: true,
    run: (ctx, _args, out) => out.set('path_to_session_ids', jsonObject(watchesByPath(ctx))),
  },
  {
    names: ['watch_summary', 'wchs'],
    serverRequired: true,
    run: (ctx, _args, out) => {
      const s = watchSummary(ctx);
      out.set('num_connections', s.connections);
      out.set('num_paths', s.paths);
      out.set('num_total_watches', s.totalWatches);
    },
  },
  {
    names: ['zabstate'],
    serverRequired: false,
    run: (ctx, _args, out) => {
      const quorum = ctx.quorum?.();
      if (quorum === undefined) {
        out.set('voting', false);
        out.set('zabstate', '');
        return;
      }
      const self = ctx.config.servers.find((s) => s.id === ctx.serverId);
      const zxid = ctx.stats().lastProcessedZxid;
      out.set('myid', ctx.serverId);
      out.set('is_leader', ctx.mode() === 'leader');
      out.set('quorum_address', self === undefined ? '' : `${delimitedHost(self.host)}:${self.quorumPort}`);
      out.set('election_address', self === undefined ? '' : `${delimitedHost(self.host)}:${self.electionPort}`);
      out.set('client_address', `${delimitedHost(ctx.config.clientPortAddress)}:${ctx.config.clientPort}`);
      out.set('voting', self?.role === 'participant');
      out.set('last_zxid', `0x${hex64(zxid)}`);
      out.set('zab_epoch', Number(BigInt.asUintN(64, zxid) >> 32n));
      out.set('zab_counter', Number(BigInt.asUintN(64, zxid) & 0xffffffffn));
      out.set('zabstate', quorum.zabState ?? '');
    },
  },
];

const BY_NAME: ReadonlyMap<string, AdminCommand> = new Map(COMMANDS.flatMap((c) => c.names.map((n) => [n, c] as const)));

/** Every name a command answers to (primary names and aliases). */
export const ADMIN_COMMAND_NAMES: readonly string[] = Object.freeze([...BY_NAME.keys()]);

/** The primary names, sorted: what the command list page links to. */
export const ADMIN_PRIMARY_NAMES: readonly string[] = Object.freeze(COMMANDS.map((c) => c.names[0] as string).sort());

/** Each command's primary name with its aliases, sorted by primary name (for documentation). */
export function adminCommandAliases(): [primary: string, aliases: string[]][] {
  return COMMANDS.map((c): [string, string[]] => [c.names[0] as string, c.names.slice(1)]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/**
 * Commands.runCommand: an unknown name and a server that is not serving are
 * answered with an error naming the command as asked for; otherwise the
 * command's primary name and whatever it reports.
 */
export function runAdminCommand(name: string, ctx: FourLetterContext, args: AdminArguments = new Map()): CommandResponse {
  const command = BY_NAME.get(name);
  if (command === undefined) return { command: name, error: `Unknown command: ${name}`, data: new Map() };
  if (command.serverRequired && !ctx.isServing()) return { command: name, error: ZK_NOT_SERVING, data: new Map() };
  const data = new Map<string, JsonValue>();
  command.run(ctx, args, data);
  return { command: command.names[0] as string, error: null, data };
}

/**
 * CommandResponse.toMap(): the data first, then "command" and "error"; a
 * command that put "error" in its data keeps that value, and its position.
 */
export function commandResponseObject(r: CommandResponse): JsonObject {
  const m = new Map<string, JsonValue>(r.data);
  m.set('command', r.command);
  m.set('error', r.error);
  for (const [k, v] of r.data) m.set(k, v);
  return m;
}

/** The response body ZooKeeper writes for a command (application/json). */
export function commandResponseJson(r: CommandResponse): string {
  return jacksonJson(commandResponseObject(r));
}
