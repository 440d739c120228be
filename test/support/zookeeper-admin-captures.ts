/**
 * Response bodies of Apache ZooKeeper 3.8.0's AdminServer (Debian package, standalone,
 * admin server enabled) captured with curl while two kazoo sessions held watches
 * and an ephemeral; `stats` was taken after `stat_reset`. Expected output for the
 * admin command tests (facts of the interface, byte for byte).
 */

/** The commands ZooKeeper 3.8.0 registers (Commands.java): every name with its primary name. */
export const ZK_COMMAND_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['connection_stat_reset', 'connection_stat_reset'], ['crst', 'connection_stat_reset'],
  ['configuration', 'configuration'], ['conf', 'configuration'], ['config', 'configuration'],
  ['connections', 'connections'], ['cons', 'connections'], ['hash', 'hash'], ['dirs', 'dirs'], ['dump', 'dump'],
  ['environment', 'environment'], ['env', 'environment'], ['envi', 'environment'],
  ['get_trace_mask', 'get_trace_mask'], ['gtmk', 'get_trace_mask'],
  ['initial_configuration', 'initial_configuration'], ['icfg', 'initial_configuration'],
  ['is_read_only', 'is_read_only'], ['isro', 'is_read_only'], ['last_snapshot', 'last_snapshot'],
  ['lsnp', 'last_snapshot'], ['leader', 'leader'], ['lead', 'leader'], ['monitor', 'monitor'], ['mntr', 'monitor'],
  ['observer_connection_stat_reset', 'observer_connection_stat_reset'], ['orst', 'observer_connection_stat_reset'],
  ['ruok', 'ruok'], ['set_trace_mask', 'set_trace_mask'], ['stmk', 'set_trace_mask'],
  ['server_stats', 'server_stats'], ['srvr', 'server_stats'], ['stats', 'stats'], ['stat', 'stats'],
  ['stat_reset', 'stat_reset'], ['srst', 'stat_reset'], ['observers', 'observers'], ['obsr', 'observers'],
  ['system_properties', 'system_properties'], ['sysp', 'system_properties'], ['voting_view', 'voting_view'],
  ['watches', 'watches'], ['wchc', 'watches'], ['watches_by_path', 'watches_by_path'], ['wchp', 'watches_by_path'],
  ['watch_summary', 'watch_summary'], ['wchs', 'watch_summary'], ['zabstate', 'zabstate'],
];

export const ZK_RUOK = "{\n  \"command\" : \"ruok\",\n  \"error\" : null\n}";

export const ZK_NOSUCH = "{\n  \"command\" : \"nosuch\",\n  \"error\" : \"Unknown command: nosuch\"\n}";

export const ZK_CONFIGURATION = "{\n  \"client_port\" : 21990,\n  \"data_dir\" : \"/tmp/zkadm/data/version-2\",\n  \"data_log_dir\" : \"/tmp/zkadm/data/version-2\",\n  \"tick_time\" : 2000,\n  \"max_client_cnxns\" : 60,\n  \"min_session_timeout\" : 4000,\n  \"max_session_timeout\" : 40000,\n  \"server_id\" : 0,\n  \"client_port_listen_backlog\" : -1,\n  \"command\" : \"configuration\",\n  \"error\" : null\n}";

export const ZK_CONNECTIONS = "{\n  \"connections\" : [ {\n    \"remote_socket_address\" : \"127.0.0.1:49122\",\n    \"interest_ops\" : 1,\n    \"outstanding_requests\" : 0,\n    \"packets_received\" : 0,\n    \"packets_sent\" : 0,\n    \"session_id\" : 72057721581862913,\n    \"last_operation\" : \"NA\",\n    \"established\" : 1795273300719,\n    \"session_timeout\" : 10000,\n    \"last_cxid\" : -1,\n    \"last_zxid\" : -1,\n    \"last_response_time\" : 0,\n    \"last_latency\" : 0,\n    \"min_latency\" : 0,\n    \"avg_latency\" : 0,\n    \"max_latency\" : 0\n  }, {\n    \"remote_socket_address\" : \"127.0.0.1:49112\",\n    \"interest_ops\" : 1,\n    \"outstanding_requests\" : 0,\n    \"packets_received\" : 0,\n    \"packets_sent\" : 0,\n    \"session_id\" : 72057721581862912,\n    \"last_operation\" : \"NA\",\n    \"established\" : 1795273300662,\n    \"session_timeout\" : 10000,\n    \"last_cxid\" : -1,\n    \"last_zxid\" : -1,\n    \"last_response_time\" : 0,\n    \"last_latency\" : 0,\n    \"min_latency\" : 0,\n    \"avg_latency\" : 0,\n    \"max_latency\" : 0\n  } ],\n  \"secure_connections\" : [ ],\n  \"command\" : \"connections\",\n  \"error\" : null\n}";

export const ZK_DIRS = "{\n  \"datadir_size\" : 67109337,\n  \"logdir_size\" : 67109337,\n  \"command\" : \"dirs\",\n  \"error\" : null\n}";

export const ZK_DUMP = "{\n  \"expiry_time_to_session_ids\" : {\n    \"1960000\" : [ ],\n    \"1962000\" : [ 72057721581862913, 72057721581862912 ]\n  },\n  \"session_id_to_ephemeral_paths\" : {\n    \"72057721581862912\" : [ \"/a/e\" ]\n  },\n  \"command\" : \"dump\",\n  \"error\" : null\n}";

export const ZK_GET_TRACE_MASK = "{\n  \"tracemask\" : 306,\n  \"command\" : \"get_trace_mask\",\n  \"error\" : null\n}";

export const ZK_IS_READ_ONLY = "{\n  \"read_only\" : false,\n  \"command\" : \"is_read_only\",\n  \"error\" : null\n}";

export const ZK_LAST_SNAPSHOT = "{\n  \"zxid\" : \"0\",\n  \"timestamp\" : 1795273298,\n  \"command\" : \"last_snapshot\",\n  \"error\" : null\n}";

export const ZK_LEADER = "{\n  \"error\" : \"server is not initialized\",\n  \"command\" : \"leader\"\n}";

export const ZK_OBSERVERS = "{\n  \"synced_observers\" : 0,\n  \"observers\" : [ ],\n  \"command\" : \"observers\",\n  \"error\" : null\n}";

export const ZK_SERVER_STATS = "{\n  \"version\" : \"3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC\",\n  \"read_only\" : false,\n  \"server_stats\" : {\n    \"packets_sent\" : 11,\n    \"packets_received\" : 11,\n    \"fsync_threshold_exceed_count\" : 0,\n    \"client_response_stats\" : {\n      \"last_buffer_size\" : 16,\n      \"min_buffer_size\" : 16,\n      \"max_buffer_size\" : 93\n    },\n    \"uptime\" : 6310,\n    \"data_dir_size\" : 67109337,\n    \"log_dir_size\" : 67109337,\n    \"provider_null\" : false,\n    \"server_state\" : \"standalone\",\n    \"last_processed_zxid\" : 5,\n    \"outstanding_requests\" : 0,\n    \"avg_latency\" : 3.0,\n    \"max_latency\" : 12,\n    \"min_latency\" : 0,\n    \"num_alive_client_connections\" : 2,\n    \"auth_failed_count\" : 0,\n    \"non_mtlsremote_conn_count\" : 0,\n    \"non_mtlslocal_conn_count\" : 0\n  },\n  \"client_response\" : {\n    \"last_buffer_size\" : 16,\n    \"min_buffer_size\" : 16,\n    \"max_buffer_size\" : 93\n  },\n  \"node_count\" : 8,\n  \"command\" : \"server_stats\",\n  \"error\" : null\n}";

export const ZK_STATS = "{\n  \"version\" : \"3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC\",\n  \"read_only\" : false,\n  \"server_stats\" : {\n    \"packets_sent\" : 0,\n    \"packets_received\" : 0,\n    \"fsync_threshold_exceed_count\" : 0,\n    \"client_response_stats\" : {\n      \"last_buffer_size\" : -1,\n      \"min_buffer_size\" : -1,\n      \"max_buffer_size\" : -1\n    },\n    \"uptime\" : 6403,\n    \"data_dir_size\" : 67109337,\n    \"log_dir_size\" : 67109337,\n    \"provider_null\" : false,\n    \"server_state\" : \"standalone\",\n    \"last_processed_zxid\" : 5,\n    \"outstanding_requests\" : 0,\n    \"avg_latency\" : 0.0,\n    \"max_latency\" : 0,\n    \"min_latency\" : 0,\n    \"num_alive_client_connections\" : 2,\n    \"auth_failed_count\" : 0,\n    \"non_mtlsremote_conn_count\" : 0,\n    \"non_mtlslocal_conn_count\" : 0\n  },\n  \"client_response\" : {\n    \"last_buffer_size\" : -1,\n    \"min_buffer_size\" : -1,\n    \"max_buffer_size\" : -1\n  },\n  \"node_count\" : 8,\n  \"connections\" : [ {\n    \"remote_socket_address\" : \"127.0.0.1:49112\",\n    \"interest_ops\" : 1,\n    \"outstanding_requests\" : 0,\n    \"packets_received\" : 0,\n    \"packets_sent\" : 0\n  }, {\n    \"remote_socket_address\" : \"127.0.0.1:49122\",\n    \"interest_ops\" : 1,\n    \"outstanding_requests\" : 0,\n    \"packets_received\" : 0,\n    \"packets_sent\" : 0\n  } ],\n  \"secure_connections\" : [ ],\n  \"command\" : \"stats\",\n  \"error\" : null\n}";

export const ZK_SET_TRACE_MASK = "{\n  \"error\" : \"setTraceMask requires long traceMask argument\",\n  \"command\" : \"set_trace_mask\"\n}";

export const ZK_VOTING_VIEW = "{\n  \"current_config\" : { },\n  \"command\" : \"voting_view\",\n  \"error\" : null\n}";

export const ZK_WATCH_SUMMARY = "{\n  \"num_connections\" : 2,\n  \"num_paths\" : 2,\n  \"num_total_watches\" : 3,\n  \"command\" : \"watch_summary\",\n  \"error\" : null\n}";

export const ZK_WATCHES = "{\n  \"session_id_to_watched_paths\" : {\n    \"72057721581862913\" : [ \"/a\" ],\n    \"72057721581862912\" : [ \"/a\", \"/b\" ]\n  },\n  \"command\" : \"watches\",\n  \"error\" : null\n}";

export const ZK_WATCHES_BY_PATH = "{\n  \"path_to_session_ids\" : {\n    \"/a\" : [ 72057721581862913, 72057721581862912 ],\n    \"/b\" : [ 72057721581862912 ]\n  },\n  \"command\" : \"watches_by_path\",\n  \"error\" : null\n}";

export const ZK_ZABSTATE = "{\n  \"voting\" : false,\n  \"zabstate\" : \"\",\n  \"command\" : \"zabstate\",\n  \"error\" : null\n}";

export const ZK_CONNECTION_STAT_RESET = "{\n  \"command\" : \"connection_stat_reset\",\n  \"error\" : null\n}";

export const ZK_INITIAL_CONFIGURATION = "{\n  \"initial_configuration\" : \"tickTime=2000\\ndataDir=/tmp/zkadm/data\\nclientPort=21990\\nclientPortAddress=127.0.0.1\\nadmin.enableServer=true\\nadmin.serverPort=21991\\nadmin.serverAddress=127.0.0.1\\n4lw.commands.whitelist=*\\n\",\n  \"command\" : \"initial_configuration\",\n  \"error\" : null\n}";

export const ZK_ENVIRONMENT = "{\n  \"zookeeper.version\" : \"3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC\",\n  \"host.name\" : \"localhost\",\n  \"java.version\" : \"17.0.15\",\n  \"java.vendor\" : \"Debian\",\n  \"java.home\" : \"/usr/lib/jvm/java-17-openjdk-amd64\",\n  \"java.class.path\" : \"/etc/zookeeper/conf:/usr/share/java/zookeeper.jar:/usr/share/java/servlet-api.jar\",\n  \"java.library.path\" : \"/usr/java/packages/lib:/usr/lib/x86_64-linux-gnu/jni:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/usr/lib/jni:/lib:/usr/lib\",\n  \"java.io.tmpdir\" : \"/tmp\",\n  \"java.compiler\" : \"<NA>\",\n  \"os.name\" : \"Linux\",\n  \"os.arch\" : \"amd64\",\n  \"os.version\" : \"6.18.44-fc-v657\",\n  \"user.name\" : \"root\",\n  \"user.home\" : \"/root\",\n  \"user.dir\" : \"/tmp/zkadm\",\n  \"os.memory.free\" : \"244MB\",\n  \"os.memory.max\" : \"256MB\",\n  \"os.memory.total\" : \"256MB\",\n  \"command\" : \"environment\",\n  \"error\" : null\n}";

export const ZK_HASH = "{\n  \"digests\" : [ {\n    \"zxid\" : 128,\n    \"digest\" : 292346261124,\n    \"digest_version\" : 2\n  } ],\n  \"command\" : \"hash\",\n  \"error\" : null\n}";

export const ZK_SET_TRACE_MASK_BAD = "{\n  \"error\" : \"setTraceMask requires long traceMask argument, got abc\",\n  \"command\" : \"set_trace_mask\"\n}";

export const ZK_SET_TRACE_MASK_307 = "{\n  \"tracemask\" : 307,\n  \"command\" : \"set_trace_mask\",\n  \"error\" : null\n}";

/** GET /commands (sent without a Content-Type header). */
export const ZK_COMMAND_LIST = "<a href=\"/commands/configuration\">configuration</a>\n<br/>\n<a href=\"/commands/connection_stat_reset\">connection_stat_reset</a>\n<br/>\n<a href=\"/commands/connections\">connections</a>\n<br/>\n<a href=\"/commands/dirs\">dirs</a>\n<br/>\n<a href=\"/commands/dump\">dump</a>\n<br/>\n<a href=\"/commands/environment\">environment</a>\n<br/>\n<a href=\"/commands/get_trace_mask\">get_trace_mask</a>\n<br/>\n<a href=\"/commands/hash\">hash</a>\n<br/>\n<a href=\"/commands/initial_configuration\">initial_configuration</a>\n<br/>\n<a href=\"/commands/is_read_only\">is_read_only</a>\n<br/>\n<a href=\"/commands/last_snapshot\">last_snapshot</a>\n<br/>\n<a href=\"/commands/leader\">leader</a>\n<br/>\n<a href=\"/commands/monitor\">monitor</a>\n<br/>\n<a href=\"/commands/observer_connection_stat_reset\">observer_connection_stat_reset</a>\n<br/>\n<a href=\"/commands/observers\">observers</a>\n<br/>\n<a href=\"/commands/ruok\">ruok</a>\n<br/>\n<a href=\"/commands/server_stats\">server_stats</a>\n<br/>\n<a href=\"/commands/set_trace_mask\">set_trace_mask</a>\n<br/>\n<a href=\"/commands/stat_reset\">stat_reset</a>\n<br/>\n<a href=\"/commands/stats\">stats</a>\n<br/>\n<a href=\"/commands/system_properties\">system_properties</a>\n<br/>\n<a href=\"/commands/voting_view\">voting_view</a>\n<br/>\n<a href=\"/commands/watch_summary\">watch_summary</a>\n<br/>\n<a href=\"/commands/watches\">watches</a>\n<br/>\n<a href=\"/commands/watches_by_path\">watches_by_path</a>\n<br/>\n<a href=\"/commands/zabstate\">zabstate</a>\n<br/>\n";
