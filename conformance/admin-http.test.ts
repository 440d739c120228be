/**
 * The AdminServer (HTTP, admin.enableServer=true) against each target, and the
 * Prometheus /metrics endpoint of zkts.
 *
 * Debian's zookeeper 3.8.0 package ships Jetty but leaves javax.servlet off the
 * server's classpath, so as installed its AdminServer never starts (ZooKeeper
 * logs "Unable to load jetty" and runs without it). The oracle is started with
 * /usr/share/java/servlet-api.jar added (JVMFLAGS "-cp ...": zkServer.sh puts
 * JVMFLAGS after its own -cp, and the JVM takes the last one).
 *
 * The package has no zookeeper-prometheus-metrics jar either (nor the Prometheus
 * simpleclient it needs), so /metrics is checked on zkts only, against the mntr
 * keys: ZooKeeper's provider exports each gauge and counter under its mntr key.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ENVIRONMENT_KEYS } from '../src/protocol/four-letter-words.js';
import { MNTR_COUNTER_KEYS, MNTR_SUMMARY_ORDER } from '../src/protocol/four-letter-format.js';
import { kazooLong } from './support/clients.js';
import type { LongRunning } from './support/proc.js';
import { fourLetterWord, freePort, HOST, startTarget, targets, type TargetName, type TestServer } from './support/servers.js';
import { ZK_COMMAND_NAMES } from '../test/support/zookeeper-admin-captures.js';

const SERVLET_API_JAR = '/usr/share/java/servlet-api.jar';
const DEBIAN_ZOOKEEPER_CLASSPATH = '/etc/zookeeper/conf:/usr/share/java/zookeeper.jar';
const BASE = '/adm';

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

function kind(v: unknown): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as Kind;
}

/** Top-level keys (in order) and the kind of each value, for a standalone server. */
const SHAPES: Readonly<Record<string, ReadonlyArray<readonly [string, Kind]>>> = {
  connection_stat_reset: [],
  configuration: [['client_port', 'number'], ['data_dir', 'string'], ['data_log_dir', 'string'], ['tick_time', 'number'],
    ['max_client_cnxns', 'number'], ['min_session_timeout', 'number'], ['max_session_timeout', 'number'],
    ['server_id', 'number'], ['client_port_listen_backlog', 'number']],
  connections: [['connections', 'array'], ['secure_connections', 'array']],
  hash: [['digests', 'array']],
  dirs: [['datadir_size', 'number'], ['logdir_size', 'number']],
  dump: [['expiry_time_to_session_ids', 'object'], ['session_id_to_ephemeral_paths', 'object']],
  get_trace_mask: [['tracemask', 'number']],
  initial_configuration: [['initial_configuration', 'string']],
  is_read_only: [['read_only', 'boolean']],
  last_snapshot: [['zxid', 'string'], ['timestamp', 'number']],
  observer_connection_stat_reset: [],
  ruok: [],
  server_stats: [['version', 'string'], ['read_only', 'boolean'], ['server_stats', 'object'], ['client_response', 'object'],
    ['node_count', 'number']],
  stats: [['version', 'string'], ['read_only', 'boolean'], ['server_stats', 'object'], ['client_response', 'object'],
    ['node_count', 'number'], ['connections', 'array'], ['secure_connections', 'array']],
  stat_reset: [],
  observers: [['synced_observers', 'number'], ['observers', 'array']],
  voting_view: [['current_config', 'object']],
  watches: [['session_id_to_watched_paths', 'object']],
  watches_by_path: [['path_to_session_ids', 'object']],
  watch_summary: [['num_connections', 'number'], ['num_paths', 'number'], ['num_total_watches', 'number']],
  zabstate: [['voting', 'boolean'], ['zabstate', 'string']],
};

/** ServerStats as Jackson writes it (srvr/stat's "server_stats"). */
const SERVER_STATS_SHAPE: ReadonlyArray<readonly [string, Kind]> = [
  ['packets_sent', 'number'], ['packets_received', 'number'], ['fsync_threshold_exceed_count', 'number'],
  ['client_response_stats', 'object'], ['uptime', 'number'], ['data_dir_size', 'number'], ['log_dir_size', 'number'],
  ['provider_null', 'boolean'], ['server_state', 'string'], ['last_processed_zxid', 'number'],
  ['outstanding_requests', 'number'], ['avg_latency', 'number'], ['max_latency', 'number'], ['min_latency', 'number'],
  ['num_alive_client_connections', 'number'], ['auth_failed_count', 'number'], ['non_mtlsremote_conn_count', 'number'],
  ['non_mtlslocal_conn_count', 'number'],
];
const BUFFER_STATS_SHAPE: ReadonlyArray<readonly [string, Kind]> = [
  ['last_buffer_size', 'number'], ['min_buffer_size', 'number'], ['max_buffer_size', 'number'],
];
const BRIEF_CONNECTION_KEYS = ['remote_socket_address', 'interest_ops', 'outstanding_requests', 'packets_received', 'packets_sent'];
const FULL_CONNECTION_KEYS = [...BRIEF_CONNECTION_KEYS, 'session_id', 'last_operation', 'established', 'session_timeout',
  'last_cxid', 'last_zxid', 'last_response_time', 'last_latency', 'min_latency', 'avg_latency', 'max_latency'];

/** The mntr keys of a standalone server that are not ServerMetrics counters or summaries, in ZooKeeper's order. */
const MONITOR_CORE_KEYS: ReadonlyArray<readonly [string, Kind]> = [
  ['version', 'string'], ['server_state', 'string'], ['ephemerals_count', 'number'], ['num_alive_connections', 'number'],
  ['avg_latency', 'number'], ['outstanding_requests', 'number'], ['znode_count', 'number'], ['global_sessions', 'number'],
  ['non_mtls_remote_conn_count', 'number'], ['last_client_response_size', 'number'], ['packets_sent', 'number'],
  ['packets_received', 'number'], ['max_client_response_size', 'number'], ['connection_drop_probability', 'number'],
  ['watch_count', 'number'], ['auth_failed_count', 'number'], ['min_latency', 'number'],
  ['max_file_descriptor_count', 'number'], ['approximate_data_size', 'number'], ['open_file_descriptor_count', 'number'],
  ['local_sessions', 'number'], ['uptime', 'number'], ['max_latency', 'number'], ['outstanding_tls_handshake', 'number'],
  ['min_client_response_size', 'number'], ['non_mtls_local_conn_count', 'number'],
];

const COMMAND_LIST = [...new Set(ZK_COMMAND_NAMES.map(([, p]) => p))].sort()
  .map((name) => `<a href="/commands/${name}">${name}</a>\n<br/>\n`).join('');

/** A summary's mntr keys: avg_/min_/max_/cnt_/sum_/p50_/p95_/p99_/p999_<name>. */
const SUMMARY_KEY = /^(avg|min|max|cnt|sum|p50|p95|p99|p999)_(.+)$/;

interface Reply {
  status: number;
  type: string | undefined;
  body: string;
  headers: Headers;
}

async function http(port: number, path: string, init: RequestInit = {}): Promise<Reply> {
  const r = await fetch(`http://${HOST}:${port}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: r.status, type: r.headers.get('content-type') ?? undefined, body: await r.text(), headers: r.headers };
}

/** A request no fetch() would send: raw bytes, answer read until the server closes (bounded). */
async function raw(port: number, text: string): Promise<string> {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const sock = connect(port, HOST, () => sock.write(text));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    }, 10_000);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

async function command(port: number, name: string): Promise<Record<string, unknown>> {
  const r = await http(port, `/commands/${name}`);
  assert.equal(r.status, 200, name);
  assert.equal(r.type, 'application/json', name);
  return JSON.parse(r.body) as Record<string, unknown>;
}

/**
 * Keys and value kinds. `ordered`: also the key order (a LinkedHashMap in
 * ZooKeeper); Java beans (ServerStats, BufferStats) come out in reflection
 * order, which differs between JVM runs, so for them only the set counts.
 */
function assertShape(value: unknown, shape: ReadonlyArray<readonly [string, Kind]>, what: string, ordered = true): void {
  assert.equal(kind(value), 'object', what);
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  const expected = shape.map(([k]) => k);
  assert.deepEqual(ordered ? keys : [...keys].sort(), ordered ? expected : [...expected].sort(), `${what}: keys`);
  for (const [k, t] of shape) assert.equal(kind(o[k]), t, `${what}.${k}`);
}

async function startWithAdmin(target: TargetName, adminPort: number, extra: Record<string, string> = {}): Promise<TestServer> {
  const extraConfig = { 'admin.enableServer': 'true', 'admin.serverPort': String(adminPort), 'admin.serverAddress': HOST, ...extra };
  if (target !== 'zookeeper') return startTarget(target, { extraConfig });
  assert.ok(existsSync(SERVLET_API_JAR), `${SERVLET_API_JAR} is missing: ZooKeeper's AdminServer cannot start without javax.servlet`);
  const saved = process.env['JVMFLAGS'];
  process.env['JVMFLAGS'] = `-cp ${DEBIAN_ZOOKEEPER_CLASSPATH}:${SERVLET_API_JAR}`;
  try {
    return await startTarget(target, { extraConfig });
  } finally {
    if (saved === undefined) delete process.env['JVMFLAGS'];
    else process.env['JVMFLAGS'] = saved;
  }
}

/** ZooKeeper's monitor keys, kept from its run for the /metrics names check. */
let zookeeperMonitorKeys: string[] | undefined;

for (const target of targets) {
  describe(`AdminServer over HTTP against ${target}`, () => {
    let server: TestServer | undefined;
    let holder: LongRunning | undefined;
    let port = 0;
    before(async () => {
      port = await freePort();
      server = await startWithAdmin(target, port);
      holder = kazooLong(server.connectString, 'admin_state', BASE, '120');
      await holder.waitForJson((o) => o['ready'] === true, 30_000);
    });
    after(async () => {
      await holder?.stop();
      await server?.stop();
    });

    test('GET /commands lists the 26 commands as links, without a Content-Type', async () => {
      for (const path of ['/commands', '/commands/']) {
        const r = await http(port, path);
        assert.equal(r.status, 200);
        assert.equal(r.type, undefined);
        assert.equal(r.body, COMMAND_LIST);
      }
    });

    test('ruok, and an unknown command name', async () => {
      const ok = await http(port, '/commands/ruok');
      assert.equal(ok.type, 'application/json');
      assert.equal(ok.body, '{\n  "command" : "ruok",\n  "error" : null\n}');
      const unknown = await http(port, '/commands/nosuch');
      assert.equal(unknown.status, 200);
      assert.equal(unknown.type, 'application/json');
      assert.equal(unknown.body, '{\n  "command" : "nosuch",\n  "error" : "Unknown command: nosuch"\n}');
    });

    test('every name and alias answers under its primary name with ZooKeeper\'s keys and value kinds', async () => {
      for (const [name, primary] of ZK_COMMAND_NAMES) {
        const body = await command(port, name);
        assert.equal(body['command'], primary, name);
        if (primary === 'leader' || primary === 'set_trace_mask') {
          // Standalone / no argument: the command puts its error first.
          assert.deepEqual(Object.keys(body), ['error', 'command'], name);
          assert.equal(kind(body['error']), 'string', name);
          continue;
        }
        assert.equal(body['error'], null, name);
        const shape = SHAPES[primary];
        if (shape === undefined) continue; // dynamic keys: checked in their own tests below
        assertShape(body, [...shape, ['command', 'string'], ['error', 'null']], name);
      }
    });

    test('nested values: server stats, connections, sessions and watches', async () => {
      const srvr = await command(port, 'srvr');
      assertShape(srvr['server_stats'], SERVER_STATS_SHAPE, 'server_stats', false);
      assertShape((srvr['server_stats'] as Record<string, unknown>)['client_response_stats'], BUFFER_STATS_SHAPE, 'client_response_stats', false);
      assertShape(srvr['client_response'], BUFFER_STATS_SHAPE, 'client_response', false);
      assert.match((await http(port, '/commands/srvr')).body, /\n {4}"avg_latency" : -?\d+\.\d+(E-?\d+)?,\n/, 'avg_latency is a double');

      const stat = await command(port, 'stat');
      const brief = stat['connections'] as Array<Record<string, unknown>>;
      assert.equal(brief.length, 2, 'the two kazoo sessions (the HTTP request is no client connection)');
      for (const c of brief) assert.deepEqual(Object.keys(c), BRIEF_CONNECTION_KEYS);
      const cons = (await command(port, 'cons'))['connections'] as Array<Record<string, unknown>>;
      assert.equal(cons.length, 2);
      for (const c of cons) {
        assert.deepEqual(Object.keys(c), FULL_CONNECTION_KEYS);
        assert.match(String(c['remote_socket_address']), /^127\.0\.0\.1:\d+$/);
        assert.equal(c['session_timeout'], 10000);
        assert.equal(kind(c['last_operation']), 'string');
      }

      const dump = await command(port, 'dump');
      const expiry = dump['expiry_time_to_session_ids'] as Record<string, unknown[]>;
      assert.ok(Object.keys(expiry).length >= 1);
      for (const [k, ids] of Object.entries(expiry)) {
        assert.match(k, /^\d+$/);
        for (const id of ids) assert.equal(kind(id), 'number');
      }
      assert.equal(Object.values(expiry).flat().length, 2);
      const ephemerals = dump['session_id_to_ephemeral_paths'] as Record<string, unknown>;
      assert.deepEqual(Object.values(ephemerals), [[`${BASE}/a/e`]]);

      const watches = (await command(port, 'wchc'))['session_id_to_watched_paths'] as Record<string, string[]>;
      assert.deepEqual(Object.values(watches).map((p) => [...p].sort()).sort(), [[`${BASE}/a`], [`${BASE}/a`, `${BASE}/b`]]);
      const byPath = (await command(port, 'wchp'))['path_to_session_ids'] as Record<string, unknown[]>;
      assert.deepEqual(Object.keys(byPath).sort(), [`${BASE}/a`, `${BASE}/b`]);
      assert.equal(byPath[`${BASE}/a`]?.length, 2);
      const summary = await command(port, 'wchs');
      assert.deepEqual([summary['num_connections'], summary['num_paths'], summary['num_total_watches']], [2, 2, 3]);
      assert.deepEqual((await command(port, 'voting_view'))['current_config'], {});
      const digests = (await command(port, 'hash'))['digests'] as Array<Record<string, unknown>>;
      for (const d of digests) assert.deepEqual(Object.keys(d), ['zxid', 'digest', 'digest_version']);
    });

    test('monitor: ZooKeeper\'s standalone keys and kinds (ServerMetrics counters and summaries, which zkts does not keep, excepted)', async () => {
      const r = await http(port, '/commands/monitor');
      const body = JSON.parse(r.body) as Record<string, unknown>;
      const keys = Object.keys(body);
      const core = keys.filter((k) => MONITOR_CORE_KEYS.some(([c]) => c === k));
      assert.deepEqual(core, MONITOR_CORE_KEYS.map(([k]) => k), 'the same keys, in the same order');
      for (const [k, t] of MONITOR_CORE_KEYS) assert.equal(kind(body[k]), t, k);
      assert.equal(body['server_state'], 'standalone');
      assert.match(r.body, /\n {2}"avg_latency" : -?\d+\.\d+(E-?\d+)?,\n/);
      assert.match(r.body, /\n {2}"connection_drop_probability" : 0\.0,\n/);
      for (const k of keys) {
        if (core.includes(k) || k === 'command' || k === 'error') continue;
        const summary = SUMMARY_KEY.exec(k);
        const known = MNTR_COUNTER_KEYS.includes(k) || (summary !== null && (MNTR_SUMMARY_ORDER.includes(summary[2] as string) ||
          /_(read|write)_per_namespace$/.test(summary[2] as string)));
        assert.ok(known, `${k} is a ServerMetrics counter or summary`);
        assert.equal(kind(body[k]), 'number', k);
      }
      if (target === 'zookeeper') zookeeperMonitorKeys = keys.filter((k) => k !== 'command' && k !== 'error');
    });

    test('environment and system_properties: strings, ZooKeeper\'s keys', async () => {
      const env = await command(port, 'environment');
      assert.deepEqual(Object.keys(env), [...ENVIRONMENT_KEYS, 'command', 'error']);
      for (const k of ENVIRONMENT_KEYS) assert.equal(kind(env[k]), 'string', k);

      const sysp = await command(port, 'system_properties');
      const keys = Object.keys(sysp).filter((k) => k !== 'command' && k !== 'error');
      assert.deepEqual(keys, [...keys].sort(), 'sorted');
      for (const k of keys) assert.equal(kind(sysp[k]), 'string', k);
      for (const k of ['file.encoding', 'file.separator', 'line.separator', 'path.separator', 'java.version', 'java.vendor',
        'java.home', 'java.class.path', 'java.io.tmpdir', 'os.name', 'os.arch', 'os.version', 'user.name', 'user.home', 'user.dir']) {
        assert.ok(keys.includes(k), `system property ${k}`);
      }
      // The zoo.cfg keys ZooKeeper does not parse itself become zookeeper.* system properties.
      assert.equal(sysp['zookeeper.4lw.commands.whitelist'], '*');
      assert.equal(sysp['zookeeper.admin.enableServer'], 'true');
      assert.equal(sysp['zookeeper.admin.serverPort'], String(port));
      assert.equal(sysp['zookeeper.admin.serverAddress'], HOST);
      assert.equal(sysp['zookeeper.clientPort'], undefined);
    });

    test('set_trace_mask takes traceMask, get_trace_mask reads it back', async () => {
      assert.equal((await command(port, 'stmk?traceMask=307'))['tracemask'], 307);
      assert.equal((await command(port, 'gtmk'))['tracemask'], 307);
      assert.equal(await fourLetterWord(server?.port ?? 0, 'gtmk'), '307', 'the same mask as the four-letter word');
      assert.equal((await command(port, 'stmk?traceMask=abc'))['error'], 'setTraceMask requires long traceMask argument, got abc');
      assert.equal((await command(port, 'stmk?traceMask=306'))['tracemask'], 306);
    });

    test('other methods and paths, oversized requests', async () => {
      const post = await http(port, '/commands/ruok', { method: 'POST', body: 'x' });
      assert.equal(post.status, 405);
      assert.equal(post.type, 'text/html;charset=iso-8859-1');
      assert.equal((await http(port, '/commands/ruok', { method: 'PUT' })).status, 405);
      assert.equal((await http(port, '/commands/ruok', { method: 'DELETE' })).status, 405);
      const options = await http(port, '/commands/ruok', { method: 'OPTIONS' });
      assert.equal(options.status, 200);
      assert.equal(options.headers.get('allow'), 'GET, HEAD, TRACE, OPTIONS');
      const notFound = await http(port, '/nope');
      assert.equal(notFound.status, 404);
      assert.equal(notFound.type, 'text/html;charset=iso-8859-1');
      assert.match(await raw(port, 'TRACE /commands/ruok HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 403 /);
      assert.match(await raw(port, 'BREW /commands/ruok HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 501 /);
      assert.match(await raw(port, `GET /commands/${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`), /^HTTP\/1\.1 414 /);
      assert.match(await raw(port, `GET /commands/${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`), /^HTTP\/1\.1 414 /);
      assert.match(await raw(port, `GET /commands/ruok HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`), /^HTTP\/1\.1 431 /);
      assert.match(await raw(port, 'GET /commands/ru%ZZok HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 400 /);
      const long = await http(port, `/commands/${'b'.repeat(7000)}`);
      assert.equal(long.status, 200);
      assert.equal((await http(port, '/commands/ruok')).status, 200, 'still serving');
      assert.equal(await fourLetterWord(server?.port ?? 0, 'ruok'), 'imok', 'clients still served');
    });
  });
}

/** A Prometheus provider jar in the places Debian would put one. */
function prometheusJar(): string | undefined {
  for (const dir of ['/usr/share/java', '/usr/share/zookeeper/lib']) {
    if (!existsSync(dir)) continue;
    const hit = readdirSync(dir).find((f) => /prometheus|simpleclient/i.test(f) && f.endsWith('.jar'));
    if (hit !== undefined) return `${dir}/${hit}`;
  }
  return undefined;
}

if (targets.includes('zkts')) {
  const oracle = targets.includes('zookeeper') ? 'ZooKeeper\'s and zkts\'s monitor keys' : 'zkts\'s monitor keys (ZooKeeper not in CONFORMANCE_TARGETS)';
  describe(`Prometheus /metrics on zkts only (Debian's ZooKeeper 3.8.0 has no Prometheus provider jar): names checked against ${oracle}`, () => {
    let server: TestServer | undefined;
    let adminPort = 0;
    let metricsPort = 0;
    before(async () => {
      adminPort = await freePort();
      metricsPort = await freePort();
      server = await startWithAdmin('zkts', adminPort, {
        'metricsProvider.className': 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider',
        'metricsProvider.httpHost': HOST,
        'metricsProvider.httpPort': String(metricsPort),
      });
    });
    after(async () => {
      await server?.stop();
    });

    test('the Prometheus provider is indeed absent from the ZooKeeper package', () => {
      const jar = prometheusJar();
      assert.equal(jar, undefined, `${jar} is installed: compare zkts's /metrics with ZooKeeper's own instead of with mntr keys`);
    });

    test('every gauge and counter of mntr is exported under its mntr key, with its value type', async () => {
      const r = await http(metricsPort, '/metrics');
      assert.equal(r.status, 200);
      assert.equal(r.type, 'text/plain; version=0.0.4; charset=utf-8');
      const types = new Map<string, string>();
      const values = new Map<string, number>();
      for (const line of r.body.trimEnd().split('\n')) {
        const t = /^# TYPE (\S+) (\S+)$/.exec(line);
        if (t) types.set(t[1] as string, t[2] as string);
        const s = /^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/.exec(line);
        if (s) values.set(s[1] as string, Number(s[2]));
      }
      const monitor = await command(adminPort, 'monitor');
      const exported = [...types.keys()].filter((n) => !n.startsWith('process_'));
      const numeric = Object.keys(monitor).filter((k) => typeof monitor[k] === 'number');
      assert.deepEqual(exported.sort(), [...numeric].sort(), 'exactly the numeric monitor keys');
      for (const k of numeric) {
        assert.equal(types.get(k), MNTR_COUNTER_KEYS.includes(k) ? 'counter' : 'gauge', k);
        assert.ok(values.has(k), `a sample for ${k}`);
      }
      assert.equal(values.get('znode_count'), monitor['znode_count']);
      assert.equal(types.get('version'), undefined, 'strings are not metrics');
      assert.equal(types.get('process_cpu_seconds_total'), 'counter');
      if (zookeeperMonitorKeys !== undefined) {
        for (const k of exported) assert.ok(zookeeperMonitorKeys.includes(k), `${k} is one of ZooKeeper's monitor keys`);
      } else {
        assert.ok(!targets.includes('zookeeper'), 'ZooKeeper ran but its monitor keys were not recorded (see the failure above)');
      }
    });

    test('/metrics answers POST too, and nothing else', async () => {
      assert.equal((await http(metricsPort, '/metrics', { method: 'POST', body: '' })).status, 200);
      assert.equal((await http(metricsPort, '/')).status, 404);
      assert.equal((await http(metricsPort, '/metrics', { method: 'PUT' })).status, 405);
    });
  });
}
