/**
 * Text formatting helpers for the four-letter words: they print numbers, ids,
 * dates and socket addresses the way a JVM prints them, because monitoring
 * tools parse ZooKeeper's 4lw output and expect Java's spelling.
 */

/** Java's Long.toHexString: two's-complement 64-bit, lowercase, no leading zeros (-1 → ffffffffffffffff). */
export function hex64(value: bigint): string {
  return BigInt.asUintN(64, value).toString(16);
}

/** Java's Long.toString of a signed 64-bit value. */
export function long64(value: bigint | number): string {
  if (typeof value === 'bigint') return BigInt.asIntN(64, value).toString();
  return Number.isFinite(value) ? Math.trunc(value).toString() : '0';
}

/**
 * Java's Double.toString: always has a fraction part ("0.0", "57.2"), switches
 * to "d.dddE<n>" outside [1e-3, 1e7). JavaScript's shortest round-trip digits are
 * used; JDK 17 occasionally prints one digit more for values that need 17 digits,
 * which the 4-decimal values the 4lws print never do.
 */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(value);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.replace('+', '')}`;
}

/**
 * ZooKeeper's AvgMinMaxCounter.getAvg(): total/count as a double, rounded to 4
 * decimals HALF_UP on the double's exact value, 0 when there is no data.
 * Number.prototype.toFixed rounds the exact binary value with ties going up,
 * which for non-negative values is the same as BigDecimal.setScale(4, HALF_UP).
 */
export function averageOf(total: number, count: number): number {
  if (count <= 0) return 0;
  const avg = total / count;
  if (!Number.isFinite(avg)) return avg;
  if (avg >= 0) return Number.parseFloat(avg.toFixed(4));
  return -Number.parseFloat((-avg).toFixed(4));
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * java.util.Date.toString() ("EEE MMM dd HH:mm:ss zzz yyyy"). The JVM prints the
 * default time zone; zkts always prints UTC (the fixtures were captured on a UTC
 * machine), so the text never depends on the host's TZ setting.
 */
export function javaDateString(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${DAY_NAMES[d.getUTCDay()]} ${MONTH_NAMES[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}

/** "2024-12-29 17:54 UTC": the build-date style of ZooKeeper's version string. */
export function buildDateString(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())} UTC`
  );
}

/** Expands an IPv6 address to Java's form: 8 groups, no zero compression, no leading zeros. */
export function javaIpv6(address: string): string {
  let scope = '';
  let addr = address;
  const pct = addr.indexOf('%');
  if (pct >= 0) {
    scope = addr.slice(pct);
    addr = addr.slice(0, pct);
  }
  // An embedded dotted IPv4 tail counts as two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(addr);
  if (dotted) {
    const [, a, b, c, d] = dotted.map(Number);
    const hi = (((a ?? 0) << 8) | (b ?? 0)).toString(16);
    const lo = (((c ?? 0) << 8) | (d ?? 0)).toString(16);
    addr = addr.slice(0, dotted.index) + `${hi}:${lo}`;
  }
  const halves = addr.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length > 1 ? new Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0') : [];
  const groups = [...head, ...fill, ...tail].map((g) => Number.parseInt(g || '0', 16).toString(16));
  return groups.join(':') + scope;
}

/**
 * InetSocketAddress.toString() of a connected socket as Java prints it:
 * "/127.0.0.1:57204". IPv4-mapped IPv6 addresses (Node's "::ffff:127.0.0.1")
 * print as IPv4, as the JVM does; other IPv6 addresses print uncompressed.
 */
export function javaSocketAddress(address: string, port: number): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return `/${mapped[1]}:${port}`;
  if (address.includes(':')) return `/${javaIpv6(address)}:${port}`;
  return `/${address}:${port}`;
}

/** Host part of a QuorumServer address: IPv6 literals are bracketed. */
export function delimitedHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * mntr keys that are not metrics: ZooKeeperServer.dumpMonitorValues() adds them to
 * mntr/monitor, but no metrics provider exports them (strings, or ids).
 */
export const MNTR_INFO_KEYS: readonly string[] = Object.freeze([
  'version', 'server_state', 'peer_state', 'observer_master_id',
]);

/**
 * The gauges ZooKeeper registers with its metrics provider (ZooKeeperServer,
 * QuorumZooKeeperServer, LeaderZooKeeperServer and FollowerZooKeeperServer
 * registerGauge calls), in mntr order.
 */
export const MNTR_GAUGE_KEYS: readonly string[] = Object.freeze([
  'ephemerals_count', 'num_alive_connections',
  'avg_latency', 'min_proposal_size', 'outstanding_requests', 'znode_count', 'global_sessions',
  'non_mtls_remote_conn_count', 'last_client_response_size', 'packets_sent', 'packets_received',
  'max_proposal_size', 'max_client_response_size', 'synced_followers', 'connection_drop_probability',
  'watch_count', 'synced_non_voting_followers', 'synced_observers', 'auth_failed_count', 'min_latency',
  'max_file_descriptor_count', 'approximate_data_size', 'open_file_descriptor_count', 'last_proposal_size',
  'pending_syncs', 'leader_uptime', 'local_sessions', 'uptime', 'max_latency', 'outstanding_tls_handshake',
  'learners', 'min_client_response_size', 'non_mtls_local_conn_count', 'quorum_size',
]);

/** The counters of ServerMetrics, in mntr order; zkts prints these only when the server supplies them. */
export const MNTR_COUNTER_KEYS: readonly string[] = Object.freeze([
  'proposal_count', 'watch_bytes', 'outstanding_changes_removed', 'throttled_ops', 'stale_requests_dropped',
  'large_requests_rejected', 'insecure_admin_count', 'connection_rejected',
  'cnxn_closed_without_zk_server_running', 'sessionless_connections_expired', 'looking_count',
  'dead_watchers_queued', 'stale_requests', 'connection_drop_count', 'learner_proposal_received_count',
  'digest_mismatches_count', 'dead_watchers_cleared', 'response_packet_cache_hits', 'bytes_received_count',
  'add_dead_watcher_stall_time', 'request_throttle_wait_count', 'requests_not_forwarded_to_commit_processor',
  'response_packet_cache_misses', 'ensemble_auth_success', 'prep_processor_request_queued',
  'learner_commit_received_count', 'stale_replies', 'connection_request_count', 'response_bytes',
  'ensemble_auth_fail', 'diff_count', 'response_packet_get_children_cache_misses',
  'connection_revalidate_count', 'quit_leading_due_to_disloyal_voter', 'snap_count',
  'unrecoverable_error_count', 'unsuccessful_handshake', 'commit_count', 'stale_sessions_expired',
  'response_packet_get_children_cache_hits', 'sync_processor_request_queued', 'outstanding_changes_queued',
  'request_commit_queued', 'ensemble_auth_skip', 'skip_learner_request_to_next_processor_count',
  'tls_handshake_exceeded', 'revalidate_count',
]);

/**
 * mntr key order (without the "zk_" prefix) of plain values: ZooKeeper prints
 * its gauges and counters in Java hash-map order. This is the order of the
 * standalone fixture (fourlw/mntr.txt), with the leader- and follower-only
 * gauges (quorum/fourlw/p2_s3_mntr.txt, p2_s1_mntr.txt) inserted where those
 * captures put them. The names are ZooKeeper's metric names (interface, not code).
 */
export const MNTR_VALUE_ORDER: readonly string[] = Object.freeze([
  ...MNTR_INFO_KEYS,
  ...MNTR_GAUGE_KEYS,
  ...MNTR_COUNTER_KEYS,
]);

/**
 * ServerMetrics' summary sets (one summary per key): mntr prints each member as
 * "<key>_<set name>" (e.g. "a_read_per_namespace" for namespace "a").
 */
export const MNTR_SUMMARY_SET_NAMES: readonly string[] = Object.freeze([
  'read_per_namespace', 'write_per_namespace', 'learner_handler_qp_size', 'learner_handler_qp_time_ms',
  'ack_latency',
]);

/**
 * mntr order of the summaries (each printed as avg_/min_/max_/cnt_/sum_<name>,
 * plus p50_/p95_/p99_/p999_<name> for those with percentiles): ZooKeeper prints
 * the plain summaries first, then the ones with percentiles, then per-key summary
 * sets (names like "<namespace>_read_per_namespace"), in hash-map order. These
 * are the fixture's fixed names; names not listed (the per-key sets) follow them.
 */
export const MNTR_SUMMARY_ORDER: readonly string[] = Object.freeze([
  'socket_closing_time', 'proposal_process_time', 'leader_unavailable_time', 'node_created_watch_count',
  'session_queues_drained', 'write_commit_proc_req_queued', 'connection_token_deficit',
  'read_commit_proc_req_queued', 'node_deleted_watch_count', 'startup_txns_load_time',
  'sync_processor_queue_size', 'follower_sync_time', 'prep_processor_queue_size', 'fsynctime',
  'inflight_snap_count', 'reads_issued_from_session_queue', 'learner_request_processor_queue_size',
  'snapshottime', 'unavailable_time', 'startup_txns_loaded', 'reads_after_write_in_session_queue',
  'requests_in_session_queue', 'write_commit_proc_issued', 'prep_process_time', 'pending_session_queue_size',
  'time_waiting_empty_pool_in_commit_processor_read_ms', 'commit_process_time', 'dbinittime',
  'inflight_diff_count', 'netty_queued_buffer_capacity', 'election_time', 'commit_commit_proc_req_queued',
  'sync_processor_batch_size', 'node_children_watch_count', 'write_batch_time_in_commit_processor',
  'read_commit_proc_issued', 'concurrent_request_processing_in_commit_processor', 'observer_sync_time',
  'node_changed_watch_count', 'sync_process_time', 'startup_snap_load_time',
  // with percentiles
  'prep_processor_queue_time_ms', 'jvm_pause_time_ms', 'close_session_prep_time', 'read_commitproc_time_ms',
  'updatelatency', 'local_write_committed_time_ms', 'request_throttle_queue_time_ms', 'readlatency',
  'quorum_ack_latency', 'om_commit_process_time_ms', 'read_final_proc_time_ms', 'commit_propagation_latency',
  'dead_watchers_cleaner_latency', 'write_final_proc_time_ms', 'proposal_ack_creation_latency',
  'proposal_latency', 'om_proposal_process_time_ms', 'sync_processor_queue_and_flush_time_ms',
  'propagation_latency', 'server_write_committed_time_ms', 'sync_processor_queue_time_ms',
  'sync_processor_queue_flush_time_ms', 'write_commitproc_time_ms',
]);
