/**
 * The Prometheus endpoint of ZooKeeper's PrometheusMetricsProvider
 * (metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider):
 * GET/POST http://<metricsProvider.httpHost>:<metricsProvider.httpPort>/metrics
 * in the Prometheus text format 0.0.4.
 *
 * What is exported are the facts `mntr` reports (monitorFacts(), one source for
 * both), named as ZooKeeper 3.8's provider names them. That provider (module
 * zookeeper-prometheus-metrics, Prometheus simpleclient 0.9.0) registers every
 * ZooKeeper metric under its own name, with the name as help text:
 *  - a gauge (ZooKeeperServer.registerGauge...) becomes `# TYPE <name> gauge`
 *    and one sample `<name> <value as a double>`, e.g. `znode_count 5.0`;
 *  - a counter (ServerMetrics) becomes `# TYPE <name> counter`, sample `<name> <v>`
 *    (simpleclient 0.9.0 adds no `_total` suffix);
 *  - a summary `<name>` (mntr's avg_/min_/max_/cnt_/sum_<name>, p50_..p999_)
 *    becomes `# TYPE <name> summary` with `<name>{quantile="0.5",}` samples
 *    (0.5 only for BASIC summaries; 0.5, 0.9 and 0.99 for the ADVANCED ones,
 *    those mntr gives percentiles), `<name>_count` and `<name>_sum`;
 *  - a summary set member (mntr's `<key>_<set>`, e.g. `a_read_per_namespace`)
 *    becomes samples of family `<set>` with the label key="<key>".
 * So a gauge or counter keeps its mntr key (without "zk_"), and mntr's
 * string-valued keys (version, server_state, peer_state, observer_master_id),
 * which are not metrics, are not exported. zkts exports `_count` and `_sum` of
 * every summary and the quantiles mntr has values for (0.5 = p50, 0.99 = p99);
 * 0.9, and the 0.5 of a summary without percentiles, have none and are left
 * out rather than invented. simpleclient writes a comma after the last label,
 * and numbers as Java doubles ("5.0"); so does this.
 *
 * With metricsProvider.exportJvmInfo=true (the default) ZooKeeper also exports
 * the JVM's metrics (simpleclient_hotspot). zkts exports the process_* ones of
 * that set, which describe any process (CPU seconds, start time, open and
 * maximum file descriptors, memory), and no jvm_* ones.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import {
  type FourLetterContext,
  monitorFacts,
  type MonitorValue,
  processFileDescriptorCounts,
  type SummaryStats,
} from '../protocol/four-letter-words.js';
import {
  javaDouble,
  MNTR_COUNTER_KEYS,
  MNTR_INFO_KEYS,
  MNTR_SUMMARY_ORDER,
  MNTR_SUMMARY_SET_NAMES,
} from '../protocol/four-letter-format.js';
import {
  answerClientError,
  applyIdleTimeout,
  closeServer,
  listenOrLog,
  NODE_MAX_HEADER_SIZE,
  type RequestTarget,
  send,
  sendErrorPage,
  serveRequest,
  trackRequestLine,
} from './jetty-http.js';
import type { ServerConfig } from './server-config.js';

/** TextFormat.CONTENT_TYPE_004 of the Prometheus Java client. */
export const PROMETHEUS_TEXT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** The servlet path of ZooKeeper's provider. */
export const METRICS_PATH = '/metrics';
/** Jetty's default connector idle timeout; the provider does not change it. */
const IDLE_TIMEOUT_MS = 30_000;

export interface MetricSample {
  /** The sample's name: the family name, or <family>_count / <family>_sum for summaries. */
  readonly name: string;
  readonly labels: readonly (readonly [name: string, value: string])[];
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: 'gauge' | 'counter' | 'summary';
  readonly help: string;
  readonly samples: readonly MetricSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function numericValue(v: MonitorValue): number | undefined {
  if (typeof v === 'string') return undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  return v.double;
}

/** The family a summary belongs to: itself, or a summary set with the member's key as label. */
function summaryFamily(name: string): { family: string; key?: string } {
  if (MNTR_SUMMARY_ORDER.includes(name)) return { family: name };
  for (const set of MNTR_SUMMARY_SET_NAMES) {
    if (name.length > set.length + 1 && name.endsWith(`_${set}`)) {
      return { family: set, key: name.slice(0, name.length - set.length - 1) };
    }
  }
  return { family: name };
}

function summarySamples(family: string, s: SummaryStats, labels: readonly (readonly [string, string])[]): MetricSample[] {
  const out: MetricSample[] = [];
  const p = s.percentiles;
  if (p !== undefined) {
    out.push({ name: family, labels: [...labels, ['quantile', '0.5']], value: p.p50 });
    out.push({ name: family, labels: [...labels, ['quantile', '0.99']], value: p.p99 });
  }
  out.push({ name: `${family}_count`, labels, value: s.count });
  out.push({ name: `${family}_sum`, labels, value: s.total });
  return out;
}

/** Resident and virtual memory of this process from /proc (Linux); undefined elsewhere. */
function procStatusBytes(field: 'VmSize' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** simpleclient's StandardExports, for this process (the help texts are that library's). */
export function processMetricFamilies(): MetricFamily[] {
  const gauge = (name: string, help: string, value: number | undefined): MetricFamily[] =>
    value === undefined ? [] : [{ name, type: 'gauge', help, samples: [{ name, labels: [], value }] }];
  const cpu = process.cpuUsage();
  const fds = processFileDescriptorCounts();
  return [
    {
      name: 'process_cpu_seconds_total',
      type: 'counter',
      help: 'Total user and system CPU time spent in seconds.',
      samples: [{ name: 'process_cpu_seconds_total', labels: [], value: (cpu.user + cpu.system) / 1e6 }],
    },
    ...gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', performance.timeOrigin / 1000),
    ...gauge('process_open_fds', 'Number of open file descriptors.', fds?.open),
    ...gauge('process_max_fds', 'Maximum number of open file descriptors.', fds?.max),
    ...gauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.', procStatusBytes('VmSize')),
    ...gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', process.memoryUsage().rss),
  ];
}

/** The metric families the endpoint serves: mntr's numbers, then (optionally) the process metrics. */
export function metricFamilies(ctx: FourLetterContext, processMetrics: boolean): MetricFamily[] {
  const facts = monitorFacts(ctx);
  const families: MetricFamily[] = [];
  for (const [key, v] of facts.values) {
    const value = numericValue(v);
    if (MNTR_INFO_KEYS.includes(key) || value === undefined || !METRIC_NAME.test(key)) continue;
    const type = MNTR_COUNTER_KEYS.includes(key) ? 'counter' : 'gauge';
    families.push({ name: key, type, help: key, samples: [{ name: key, labels: [], value }] });
  }
  const summaries = new Map<string, MetricSample[]>();
  for (const [name, s] of facts.summaries) {
    const { family, key } = summaryFamily(name);
    if (!METRIC_NAME.test(family)) continue;
    const samples = summaries.get(family) ?? [];
    samples.push(...summarySamples(family, s, key === undefined ? [] : [['key', key]]));
    summaries.set(family, samples);
  }
  for (const [name, samples] of summaries) families.push({ name, type: 'summary', help: name, samples });
  if (processMetrics) families.push(...processMetricFamilies());
  return families;
}

/** A sample value as the Java client prints it (Double.toString; Go's spelling of the infinities). */
export function prometheusValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return javaDouble(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** The text exposition format 0.0.4, as simpleclient 0.9.0's TextFormat.write004 lays it out. */
export function prometheusText(families: readonly MetricFamily[]): string {
  let out = '';
  for (const f of families) {
    out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) {
      out += s.name;
      if (s.labels.length > 0) out += `{${s.labels.map(([k, v]) => `${k}="${escapeLabel(v)}",`).join('')}}`;
      out += ` ${prometheusValue(s.value)}\n`;
    }
  }
  return out;
}

export interface MetricsHttpSettings {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** metricsProvider.exportJvmInfo: include the process_* metrics. */
  readonly exportProcessMetrics: boolean;
}

export function metricsHttpSettings(config: ServerConfig): MetricsHttpSettings {
  return {
    host: config.metricsProviderHttpHost,
    port: config.metricsProviderHttpPort,
    exportProcessMetrics: config.metricsProviderExportJvmInfo,
  };
}

/** The /metrics endpoint. */
export class MetricsHttpServer {
  private readonly http: Server;
  private boundPort: number | undefined;

  constructor(
    private readonly ctx: FourLetterContext,
    readonly settings: MetricsHttpSettings,
    private readonly log: Logger,
  ) {
    this.http = createServer({ maxHeaderSize: NODE_MAX_HEADER_SIZE }, (req, res) =>
      serveRequest(req, res, this.log, 'metrics', (target, method) => this.route(req, res, target, method)),
    );
    this.http.on('clientError', answerClientError);
    this.http.on('connection', trackRequestLine);
    applyIdleTimeout(this.http, IDLE_TIMEOUT_MS);
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  /** Listens; if it cannot it logs why and resolves false. */
  async start(): Promise<boolean> {
    const { host, port } = this.settings;
    this.boundPort = await listenOrLog(this.http, host, port, 'Prometheus metrics endpoint', this.log,
      'set metricsProvider.httpPort to a free port');
    if (this.boundPort === undefined) return false;
    this.log.info({ host, port: this.boundPort, path: METRICS_PATH }, 'Prometheus metrics endpoint started');
    return true;
  }

  async close(): Promise<void> {
    await closeServer(this.http);
    this.boundPort = undefined;
  }

  private route(req: IncomingMessage, res: ServerResponse, target: RequestTarget, method: string): void {
    const isMetrics = target.path === METRICS_PATH;
    switch (method) {
      case 'GET':
      case 'HEAD':
      case 'POST':
        if (isMetrics) this.serve(req, res, target.query);
        else if (method === 'POST') sendErrorPage(req, res, 405, 'HTTP method POST is not supported by this URL', target.path);
        else sendErrorPage(req, res, 404, 'Not Found', target.path);
        return;
      case 'OPTIONS':
        send(req, res, 200, { Allow: isMetrics ? 'GET, HEAD, POST, OPTIONS' : 'GET, HEAD, OPTIONS' });
        return;
      case 'TRACE':
      case 'PUT':
      case 'DELETE':
        // TRACE would echo the request back (cross-site tracing); zkts declines it.
        sendErrorPage(req, res, 405, `HTTP method ${method} is not supported by this URL`, target.path);
        return;
      default:
        send(req, res, 501, {});
    }
  }

  /** `?name[]=a&name[]=b` narrows the answer to those families, as the Java client's MetricsServlet does. */
  private serve(req: IncomingMessage, res: ServerResponse, query: string): void {
    const wanted = new Set(new URLSearchParams(query).getAll('name[]'));
    let families = metricFamilies(this.ctx, this.settings.exportProcessMetrics);
    if (wanted.size > 0) {
      families = families.filter((f) => wanted.has(f.name) || f.samples.some((s) => wanted.has(s.name)));
    }
    send(req, res, 200, { 'Content-Type': PROMETHEUS_TEXT_TYPE }, prometheusText(families));
  }
}
