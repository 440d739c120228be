import assert from 'node:assert/strict';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pino, { type Logger } from 'pino';
import { answerFourLetterWord, type MonitorValue } from '../src/protocol/four-letter-words.js';
import {
  metricFamilies,
  MetricsHttpServer,
  prometheusText,
  PROMETHEUS_TEXT_TYPE,
  type MetricFamily,
} from '../src/server/metrics-http.js';
import { defaultServerConfig, PROMETHEUS_METRICS_PROVIDER } from '../src/server/server-config.js';
import { StandaloneServer } from '../src/server/standalone-server.js';
import { fakeContext, type FakeContextOptions } from './support/fake-server-context.js';
import { accepts, get, httpRequest, rawExchange } from './support/http.js';

function memoryLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

const STATE: FakeContextOptions = {
  config: { fourLetterWordWhitelist: new Set(['*']) },
  stats: {
    requestLatency: { count: 4, total: 12, min: 0, max: 12 },
    nodeCount: 8,
    watchCount: 4,
    ephemeralsCount: 1,
    packetsReceived: 11,
    packetsSent: 11,
    clientResponseSize: { last: 16, min: 16, max: 93 },
    uptimeMs: 6172,
    openFileDescriptorCount: 46,
    maxFileDescriptorCount: 20000,
  },
  extraValues: new Map<string, MonitorValue>([['bytes_received_count', 365], ['response_bytes', 363n]]),
  extraSummaries: new Map([
    ['fsynctime', { count: 5, total: 1, min: 0, max: 1 }],
    ['readlatency', { count: 6, total: 10, min: 0, max: 4, percentiles: { p50: 1, p95: 4, p99: 4, p999: 4 } }],
    ['quorum_ack_latency', { count: 0, total: 0, min: 0, max: 0, percentiles: { p50: 0, p95: 0, p99: 0, p999: 0 } }],
    ['a_read_per_namespace', { count: 3, total: 221, min: 71, max: 75 }],
    ['b_read_per_namespace', { count: 1, total: 70, min: 70, max: 70 }],
  ]),
};

function family(families: readonly MetricFamily[], name: string): MetricFamily {
  const f = families.find((x) => x.name === name);
  assert.ok(f, `no family ${name} in ${families.map((x) => x.name).join(', ')}`);
  return f;
}

describe('Prometheus text format 0.0.4 (as the Java simpleclient 0.9.0 writes it)', () => {
  it('HELP and TYPE lines, Java doubles, a comma after the last label', () => {
    const text = prometheusText([
      { name: 'gg', type: 'gauge', help: 'gg', samples: [{ name: 'gg', labels: [], value: 78 }] },
      { name: 'cc', type: 'counter', help: 'cc', samples: [{ name: 'cc', labels: [], value: 10 }] },
      {
        name: 'readlatency',
        type: 'summary',
        help: 'readlatency',
        samples: [
          { name: 'readlatency', labels: [['quantile', '0.5']], value: 1 },
          { name: 'readlatency_count', labels: [], value: 6 },
          { name: 'readlatency_sum', labels: [], value: 10 },
        ],
      },
    ]);
    assert.equal(
      text,
      '# HELP gg gg\n# TYPE gg gauge\ngg 78.0\n' +
        '# HELP cc cc\n# TYPE cc counter\ncc 10.0\n' +
        '# HELP readlatency readlatency\n# TYPE readlatency summary\nreadlatency{quantile="0.5",} 1.0\n' +
        'readlatency_count 6.0\nreadlatency_sum 10.0\n',
    );
  });

  it('special values and escaping', () => {
    const text = prometheusText([
      {
        name: 'x',
        type: 'gauge',
        help: 'a \\ b\nc',
        samples: [
          { name: 'x', labels: [['key', 'q"b\\n\nl']], value: Infinity },
          { name: 'x', labels: [['key', 'y']], value: -Infinity },
          { name: 'x', labels: [['key', 'z']], value: Number.NaN },
          { name: 'x', labels: [['key', 'w']], value: 1e7 },
          { name: 'x', labels: [['key', 'v']], value: -0.5 },
        ],
      },
    ]);
    assert.equal(
      text,
      '# HELP x a \\\\ b\\nc\n# TYPE x gauge\nx{key="q\\"b\\\\n\\nl",} +Inf\nx{key="y",} -Inf\nx{key="z",} NaN\n' +
        'x{key="w",} 1.0E7\nx{key="v",} -0.5\n',
    );
  });
});

describe('metric families: the mntr facts under ZooKeeper\'s Prometheus names', () => {
  const ctx = fakeContext(STATE);
  const families = metricFamilies(ctx, false);

  it('every numeric mntr value is a gauge or counter named as its mntr key, with the same value', () => {
    const mntr = answerFourLetterWord('mntr', ctx).trimEnd().split('\n').map((l) => l.split('\t') as [string, string]);
    const plain = mntr.filter(([k]) => !/^zk_(avg|min|max|cnt|sum|p50|p95|p99|p999)_(fsynctime|readlatency|quorum_ack_latency|[ab]_read_per_namespace)$/.test(k));
    for (const [k, v] of plain) {
      const name = k.slice('zk_'.length);
      if (name === 'version' || name === 'server_state') {
        assert.equal(families.find((f) => f.name === name), undefined, `${name} is not a metric`);
        continue;
      }
      const f = family(families, name);
      assert.equal(f.help, name);
      assert.equal(f.type, name === 'bytes_received_count' || name === 'response_bytes' ? 'counter' : 'gauge', name);
      assert.deepEqual(f.samples, [{ name, labels: [], value: Number(v) }], name);
    }
    assert.equal(families.filter((f) => f.type !== 'summary').length, plain.length - 2);
  });

  it('summaries: _count and _sum, and the quantiles mntr has percentiles for', () => {
    assert.deepEqual(family(families, 'fsynctime').samples, [
      { name: 'fsynctime_count', labels: [], value: 5 },
      { name: 'fsynctime_sum', labels: [], value: 1 },
    ]);
    assert.deepEqual(family(families, 'readlatency').samples, [
      { name: 'readlatency', labels: [['quantile', '0.5']], value: 1 },
      { name: 'readlatency', labels: [['quantile', '0.99']], value: 4 },
      { name: 'readlatency_count', labels: [], value: 6 },
      { name: 'readlatency_sum', labels: [], value: 10 },
    ]);
    assert.equal(family(families, 'readlatency').type, 'summary');
  });

  it('summary set members become one family labelled by key', () => {
    const f = family(families, 'read_per_namespace');
    assert.equal(f.type, 'summary');
    assert.deepEqual(f.samples, [
      { name: 'read_per_namespace_count', labels: [['key', 'a']], value: 3 },
      { name: 'read_per_namespace_sum', labels: [['key', 'a']], value: 221 },
      { name: 'read_per_namespace_count', labels: [['key', 'b']], value: 1 },
      { name: 'read_per_namespace_sum', labels: [['key', 'b']], value: 70 },
    ]);
    // quorum_ack_latency is a summary of its own, not a member of the ack_latency set.
    family(families, 'quorum_ack_latency');
    assert.equal(families.find((f) => f.name === 'ack_latency'), undefined);
  });

  it('process metrics with exportJvmInfo, under the Prometheus client\'s standard names', () => {
    const withProcess = metricFamilies(ctx, true);
    const names = withProcess.map((f) => f.name);
    assert.ok(names.includes('process_cpu_seconds_total'));
    assert.ok(names.includes('process_start_time_seconds'));
    assert.ok(names.includes('process_resident_memory_bytes'));
    assert.ok(!names.some((n) => n.startsWith('jvm_')));
    const start = family(withProcess, 'process_start_time_seconds').samples[0]?.value ?? 0;
    assert.ok(start <= Date.now() / 1000 && start > Date.now() / 1000 - 24 * 3600, `start time ${start}`);
    assert.ok((family(withProcess, 'process_resident_memory_bytes').samples[0]?.value ?? 0) > 1e6);
    if (process.platform === 'linux') {
      assert.ok((family(withProcess, 'process_open_fds').samples[0]?.value ?? 0) > 0);
      assert.ok((family(withProcess, 'process_virtual_memory_bytes').samples[0]?.value ?? 0) > 0);
    }
  });
});

describe('the /metrics endpoint', () => {
  const ctx = fakeContext(STATE);
  const { log } = memoryLogger();
  const server = new MetricsHttpServer(ctx, { host: '127.0.0.1', port: 0, exportProcessMetrics: false }, log);
  let port = 0;
  before(async () => {
    assert.equal(await server.start(), true);
    port = server.port as number;
  });
  after(() => server.close());

  it('GET and POST /metrics answer the text format', async () => {
    const expected = prometheusText(metricFamilies(ctx, false));
    for (const method of ['GET', 'POST']) {
      const r = await httpRequest(port, '/metrics', { method });
      assert.equal(r.status, 200, method);
      assert.equal(r.headers['content-type'], PROMETHEUS_TEXT_TYPE);
      assert.equal(r.body, expected);
    }
    assert.match(expected, /\n# HELP znode_count znode_count\n# TYPE znode_count gauge\nznode_count 8\.0\n/);
    const head = await httpRequest(port, '/metrics', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  it('name[] narrows the answer to those families', async () => {
    const r = await get(port, '/metrics?name[]=znode_count&name[]=readlatency_sum');
    assert.equal(r.body, prometheusText(metricFamilies(ctx, false).filter((f) => f.name === 'znode_count' || f.name === 'readlatency')));
  });

  it('other paths and methods, bad requests', async () => {
    assert.equal((await get(port, '/')).status, 404);
    assert.equal((await get(port, '/metrics/')).status, 404);
    assert.equal((await httpRequest(port, '/other', { method: 'POST' })).status, 405);
    assert.equal((await httpRequest(port, '/metrics', { method: 'PUT' })).status, 405);
    assert.equal((await httpRequest(port, '/metrics', { method: 'TRACE' })).status, 405);
    const huge = await rawExchange(port, `GET /metrics?${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(huge.text, /^HTTP\/1\.1 414 /);
    const garbage = await rawExchange(port, '\u0000\u0001\u0002\r\n\r\n');
    assert.match(garbage.text, /^HTTP\/1\.1 400 /);
    assert.equal((await get(port, '/metrics')).status, 200, 'still serving');
  });
});

function occupyPort(): Promise<NetServer> {
  return new Promise((resolve) => {
    const srv = createNetServer();
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

describe('the standalone server and its Prometheus endpoint', () => {
  const prometheus = { metricsProviderClassName: PROMETHEUS_METRICS_PROVIDER, metricsProviderHttpHost: '127.0.0.1' };

  it('starts with metricsProvider.className=PrometheusMetricsProvider and stops on close()', async () => {
    const { log } = memoryLogger();
    const server = new StandaloneServer(defaultServerConfig({ clientPort: 0, ...prometheus, metricsProviderHttpPort: 0,
      fourLetterWordWhitelist: new Set(['mntr']) }), log);
    await server.listen();
    const port = server.metricsPort;
    try {
      assert.ok(port !== undefined && port > 0);
      const body = (await get(port, '/metrics')).body;
      assert.match(body, /\nznode_count 4\.0\n/);
      assert.match(body, /\n# TYPE process_cpu_seconds_total counter\n/, 'exportJvmInfo defaults to true');
      const mntr = server.answerFourLetterWord('mntr');
      assert.match(mntr, /\nzk_znode_count\t4\n/);
    } finally {
      await server.close();
    }
    assert.equal(await accepts(port), false);
  });

  it('with its port taken, logs why and serves clients without it', async () => {
    const taken = await occupyPort();
    const busy = (taken.address() as { port: number }).port;
    const { log, lines } = memoryLogger();
    const server = new StandaloneServer(defaultServerConfig({ clientPort: 0, ...prometheus, metricsProviderHttpPort: busy }), log);
    try {
      await server.listen();
      assert.equal(server.metricsPort, undefined);
      const line = lines.find((l) => l['level'] === 50);
      assert.equal(line?.['msg'], `Prometheus metrics endpoint not started: 127.0.0.1:${busy} is already in use; zkts goes on ` +
        'without it (set metricsProvider.httpPort to a free port)');
      assert.equal(await accepts(server.port), true);
    } finally {
      await server.close();
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('the default metrics provider has no HTTP endpoint', async () => {
    const { log } = memoryLogger();
    const server = new StandaloneServer(defaultServerConfig({ clientPort: 0 }), log);
    await server.listen();
    try {
      assert.equal(server.metricsPort, undefined);
    } finally {
      await server.close();
    }
  });
});
