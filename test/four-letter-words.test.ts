import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConfig, type QuorumServerEntry, type ServerConfig } from '../src/server/server-config.js';
import {
  answerFourLetterWord,
  ENVIRONMENT_KEYS,
  FOUR_LETTER_WORDS,
  fourLetterWordPayloadLength,
  isFourLetterWordEnabled,
  lastOperationName,
  nodeEnvironment,
  notWhitelistedMessage,
  parseFourLetterWord,
  TELNET_CLOSE,
  ZK_NOT_SERVING,
  zkVersionString,
  type ConnectionInfo,
  type DumpState,
  type EnvironmentEntry,
  type ExpiryBucket,
  type FourLetterContext,
  type FourLetterServerStats,
  type LeaderFourLetterInfo,
  type MonitorValue,
  type QuorumFourLetterInfo,
  type ServerMode,
  type SessionWatches,
  type SummaryStats,
} from '../src/protocol/four-letter-words.js';
import { fakeContext, type FakeContext, type FakeContextOptions } from './support/fake-server-context.js';
import { averageOf, hex64, javaDateString, javaDouble, javaSocketAddress } from '../src/protocol/four-letter-format.js';

// ---------------------------------------------------------------------------
// Fixtures

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
}

const FIXTURES = join(projectRoot(), '..', 'shared', 'fixtures');

function fixture(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

function fixtureBytes(rel: string): Buffer {
  return readFileSync(join(FIXTURES, rel));
}

/** Compares as text (readable diffs) and as bytes. */
function assertSameBytes(actual: string, rel: string): void {
  assert.equal(actual, fixture(rel));
  assert.ok(Buffer.from(actual, 'utf8').equals(fixtureBytes(rel)), `${rel}: bytes differ`);
}

const ZK_VERSION = '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC';

/** A (count, total) whose ZooKeeper average prints as `avg`. */
function latencyFor(min: number, avg: number, max: number): SummaryStats {
  if (avg === 0 && max === 0) return { count: 0, total: 0, min, max };
  for (let count = 1; count < 1_000_000; count++) {
    const total = Math.round(avg * count);
    if (averageOf(total, count) === avg) return { count, total, min, max };
  }
  throw new Error(`no count/total gives ${avg}`);
}

// ---------------------------------------------------------------------------
// Parsers of the fixture texts (to fill the fake context with what the server had)

interface StatText {
  latency: SummaryStats;
  received: number;
  sent: number;
  connections: number;
  outstanding: number;
  zxid: bigint;
  mode: ServerMode;
  nodeCount: number;
  proposalSizes?: { last: number; min: number; max: number };
  clientLines: string[];
}

function parseStat(text: string): StatText {
  const lines = text.split('\n');
  const get = (prefix: string): string => {
    const l = lines.find((x) => x.startsWith(prefix));
    assert.ok(l !== undefined, `missing ${prefix}`);
    return l.slice(prefix.length);
  };
  const [min, avg, max] = get('Latency min/avg/max: ').split('/').map(Number);
  const clientLines: string[] = [];
  const ci = lines.indexOf('Clients:');
  if (ci >= 0) for (let i = ci + 1; lines[i] !== ''; i++) clientLines.push(lines[i] ?? '');
  const prop = lines.find((x) => x.startsWith('Proposal sizes last/min/max: '));
  const [pl, pmin, pmax] = (prop?.slice('Proposal sizes last/min/max: '.length) ?? '').split('/').map(Number);
  return {
    latency: latencyFor(min ?? 0, avg ?? 0, max ?? 0),
    received: Number(get('Received: ')),
    sent: Number(get('Sent: ')),
    connections: Number(get('Connections: ')),
    outstanding: Number(get('Outstanding: ')),
    zxid: BigInt(get('Zxid: ')),
    mode: get('Mode: ') as ServerMode,
    nodeCount: Number(get('Node count: ')),
    proposalSizes: prop === undefined ? undefined : { last: pl ?? 0, min: pmin ?? 0, max: pmax ?? 0 },
    clientLines,
  };
}

const CNXN_RE = /^ \/(.+):(\d+)\[([0-9a-f]+)\]\(queued=(\d+),recved=(\d+),sent=(\d+)(.*)\)$/;

/** A cons/stat line back into a ConnectionInfo. */
function parseConnection(line: string): ConnectionInfo {
  const m = CNXN_RE.exec(line);
  assert.ok(m, `not a connection line: ${line}`);
  const kv = new Map<string, string>();
  for (const part of (m[7] ?? '').split(',').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    kv.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const num = (k: string, dflt: number): number => (kv.has(k) ? Number(kv.get(k)) : dflt);
  return {
    remoteAddress: m[1] ?? '',
    remotePort: Number(m[2]),
    interestOps: Number.parseInt(m[3] ?? '0', 16),
    outstandingRequests: Number(m[4]),
    packetsReceived: Number(m[5]),
    packetsSent: Number(m[6]),
    sessionId: kv.has('sid') ? BigInt.asIntN(64, BigInt(kv.get('sid') ?? '0')) : 0n,
    lastOperation: kv.get('lop') ?? 'NA',
    establishedAt: num('est', 0),
    sessionTimeout: num('to', 0),
    lastCxid: kv.has('lcxid') ? Number(BigInt(kv.get('lcxid') ?? '-1')) : -1,
    lastZxid: BigInt.asIntN(64, BigInt(kv.get('lzxid') ?? '-1')),
    lastResponseTime: num('lresp', 0),
    lastLatency: num('llat', 0),
    minLatency: num('minlat', 0),
    avgLatency: num('avglat', 0),
    maxLatency: num('maxlat', 0),
  };
}

function parseKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/** server.N=host:qp:ep:role lines of a conf fixture. */
function parseMembership(text: string): { servers: QuorumServerEntry[]; version: bigint } {
  const servers: QuorumServerEntry[] = [];
  let version = 0n;
  for (const line of text.split('\n')) {
    const m = /^server\.(\d+)=(.+):(\d+):(\d+):(participant|observer)$/.exec(line);
    if (m) {
      servers.push({
        id: Number(m[1]),
        host: m[2] ?? '',
        quorumPort: Number(m[3]),
        electionPort: Number(m[4]),
        role: m[5] === 'observer' ? 'observer' : 'participant',
      });
    }
    const v = /^version=([0-9a-f]+)$/.exec(line);
    if (v) version = BigInt(`0x${v[1]}`);
  }
  return { servers, version };
}

const DATE_RE = /^(\w{3}) (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parseJavaDate(s: string): number {
  const m = DATE_RE.exec(s);
  assert.ok(m, `not a date: ${s}`);
  return Date.UTC(Number(m[7]), MONTHS.indexOf(m[2] ?? ''), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** Parses the dump fixture back into a DumpState. */
function parseDump(text: string): DumpState {
  const lines = text.split('\n');
  let i = 0;
  const buckets = <T>(parse: (s: string) => T): ExpiryBucket<T>[] => {
    const head = /^\w+ Sets \((\d+)\)\/\((\d+)\):$/.exec(lines[i++] ?? '');
    assert.ok(head);
    const out: ExpiryBucket<T>[] = [];
    for (let b = 0; b < Number(head[1]); b++) {
      const m = /^(\d+) expire at (.+):$/.exec(lines[i++] ?? '');
      assert.ok(m);
      const members: T[] = [];
      for (let k = 0; k < Number(m[1]); k++) members.push(parse((lines[i++] ?? '').slice(1)));
      out.push({ expiresAt: parseJavaDate(m[2] ?? ''), members });
    }
    return out;
  };
  assert.equal(lines[i++], 'SessionTracker dump:');
  const sessionBuckets = buckets((s) => BigInt(s));
  assert.equal(lines[i++], 'ephemeral nodes dump:');
  const eh = /^Sessions with Ephemerals \((\d+)\):$/.exec(lines[i++] ?? '');
  assert.ok(eh);
  const ephemerals: SessionWatches[] = [];
  for (let e = 0; e < Number(eh[1]); e++) {
    const sessionId = BigInt((lines[i++] ?? '').replace(/:$/, ''));
    const paths: string[] = [];
    while ((lines[i] ?? '').startsWith('\t')) paths.push((lines[i++] ?? '').slice(1));
    ephemerals.push({ sessionId, paths });
  }
  assert.equal(lines[i++], 'Connections dump:');
  const connectionBuckets = buckets((s) => {
    const m = /^ip: \/(.+):(\d+) sessionId: (0x[0-9a-f]+)$/.exec(s);
    assert.ok(m);
    return { remoteAddress: m[1] ?? '', remotePort: Number(m[2]), sessionId: BigInt(m[3] ?? '0') };
  });
  return { sessionBuckets, ephemerals, connectionBuckets };
}

/** wchc fixture → per-session watched paths. */
function parseWchc(text: string): SessionWatches[] {
  const out: { sessionId: bigint; paths: string[] }[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('0x')) out.push({ sessionId: BigInt(line), paths: [] });
    else if (line.startsWith('\t')) out[out.length - 1]?.paths.push(line.slice(1));
  }
  return out;
}

// ---------------------------------------------------------------------------
// The fake server

type FakeOptions = FakeContextOptions;
type Fake = FakeContext;

const STANDALONE_CONFIG: Partial<ServerConfig> = {
  clientPort: 25181,
  clientPortAddress: '127.0.0.1',
  dataDir: '/tmp/fx-client/data',
  dataLogDir: '/tmp/fx-client/data',
  tickTime: 2000,
  minSessionTimeout: 4000,
  maxSessionTimeout: 40000,
  maxClientCnxns: 60,
  fourLetterWordWhitelist: new Set(FOUR_LETTER_WORDS),
};

/** The shared fake context, with the standalone fixture server's version and settings. */
function fake(o: FakeOptions = {}): Fake {
  return fakeContext({ ...o, version: ZK_VERSION, config: { ...STANDALONE_CONFIG, ...o.config } });
}

/** A stat/srvr fixture's values as fake options (connections from stat's client lines, or placeholders). */
function fromStat(text: string, extra: FakeOptions = {}): FakeOptions {
  const st = parseStat(text);
  const connections =
    st.clientLines.length > 0
      ? st.clientLines.map(parseConnection)
      : Array.from({ length: st.connections }, (_, i) => parseConnection(` /127.0.0.1:${40000 + i}[1](queued=0,recved=0,sent=0)`));
  const leader: LeaderFourLetterInfo | undefined =
    st.proposalSizes === undefined
      ? undefined
      : { proposalSizes: st.proposalSizes, learners: 2, syncedFollowers: 2, syncedNonVotingFollowers: 0, syncedObservers: 0, pendingSyncs: 0, leaderUptimeMs: 1 };
  return {
    mode: st.mode,
    connections,
    stats: {
      packetsReceived: st.received,
      packetsSent: st.sent,
      outstandingRequests: st.outstanding,
      requestLatency: st.latency,
      lastProcessedZxid: st.zxid,
      nodeCount: st.nodeCount,
    },
    quorum:
      st.mode === 'standalone' || st.mode === 'read-only'
        ? undefined
        : { peerState: 'x', quorumSize: 3, configVersion: 0n, electionAlg: 3, leader },
    ...extra,
  };
}

// ---------------------------------------------------------------------------
// parseFourLetterWord

test('parseFourLetterWord recognises every word the fixtures sent, and nothing else', () => {
  const index = JSON.parse(fixture('fourlw/index.json')) as { file: string; request_hex: string }[];
  for (const entry of index) {
    const first4 = Buffer.from(entry.request_hex, 'hex').subarray(0, 4);
    const expected = entry.file.startsWith('xyzw') ? null : entry.file.split('.')[0];
    assert.equal(parseFourLetterWord(first4), expected, entry.file);
  }
  for (const w of FOUR_LETTER_WORDS) assert.equal(parseFourLetterWord(Buffer.from(w, 'latin1')), w);
  assert.equal(FOUR_LETTER_WORDS.length, 18);
  assert.equal(parseFourLetterWord(Buffer.from('xyzw')), null);
  assert.equal(parseFourLetterWord(Buffer.from('RUOK')), null);
  assert.equal(parseFourLetterWord(Buffer.from('ruo')), null);
  assert.equal(parseFourLetterWord(Buffer.from([0, 0, 0, 45])), null); // a ConnectRequest length
  assert.equal(parseFourLetterWord(Buffer.from('ruokextra')), 'ruok'); // only the first 4 bytes count
  assert.equal(parseFourLetterWord(Buffer.from([0xff, 0xf4, 0xff, 0xfd])), TELNET_CLOSE);
  assert.equal(fourLetterWordPayloadLength('stmk'), 8);
  assert.equal(fourLetterWordPayloadLength('ruok'), 0);
});

// ---------------------------------------------------------------------------
// Exact fixture matches

test('ruok', () => {
  assertSameBytes(answerFourLetterWord('ruok', fake()), 'fourlw/ruok.txt');
});

for (const file of ['fourlw/srvr.txt', 'fourlw/srvr.2.txt', 'quorum/fourlw/p2_s1_srvr.txt', 'quorum/fourlw/p2_s3_srvr.txt', 'quorum/fourlw/p8_s3_srvr.txt']) {
  test(`srvr matches ${file}`, () => {
    assertSameBytes(answerFourLetterWord('srvr', fake(fromStat(fixture(file)))), file);
  });
}

for (const file of ['fourlw/stat.txt', 'quorum/fourlw/p2_s1_stat.txt', 'quorum/fourlw/p2_s3_stat.txt']) {
  test(`stat matches ${file}`, () => {
    assertSameBytes(answerFourLetterWord('stat', fake(fromStat(fixture(file)))), file);
  });
}

test('conf (standalone) matches fourlw/conf.txt', () => {
  const kv = parseKeyValues(fixture('fourlw/conf.txt'));
  const ctx = fake({
    dirSizes: { dataDir: Number(kv.get('dataDirSize')), dataLogDir: Number(kv.get('dataLogSize')) },
  });
  assertSameBytes(answerFourLetterWord('conf', ctx), 'fourlw/conf.txt');
});

for (const [file, id, state] of [
  ['quorum/fourlw/p2_s1_conf.txt', 1, 'follower'],
  ['quorum/fourlw/p2_s3_conf.txt', 3, 'leader'],
] as const) {
  test(`conf (ensemble) matches ${file}`, () => {
    const text = fixture(file);
    const kv = parseKeyValues(text);
    const { servers, version } = parseMembership(text);
    const ctx = fake({
      serverId: id,
      mode: state,
      config: {
        clientPort: Number(kv.get('clientPort')),
        dataDir: `/tmp/fx-quorum/s${id}/data`,
        dataLogDir: `/tmp/fx-quorum/s${id}/data`,
        initLimit: 10,
        syncLimit: 5,
        servers,
      },
      dirSizes: { dataDir: Number(kv.get('dataDirSize')), dataLogDir: Number(kv.get('dataLogSize')) },
      quorum: { peerState: 'x', quorumSize: 3, configVersion: version, electionAlg: 3 },
    });
    assertSameBytes(answerFourLetterWord('conf', ctx), file);
  });
}

test('conf of a read-only server has the quorum lines but no membership', () => {
  const ctx = fake({
    serverId: 3,
    mode: 'read-only',
    config: { servers: [{ id: 3, host: '127.0.0.1', quorumPort: 25233, electionPort: 25243, role: 'participant' }] },
    quorum: { peerState: 'looking', quorumSize: 3, configVersion: 0n, electionAlg: 3 },
  });
  const out = answerFourLetterWord('conf', ctx);
  assert.ok(out.endsWith('serverId=3\ninitLimit=10\nsyncLimit=5\nelectionAlg=3\nelectionPort=25243\nquorumPort=25233\npeerType=0\n'));
  assert.ok(!out.includes('membership'));
});

for (const file of ['fourlw/cons.txt', 'fourlw/cons.2.txt', 'quorum/fourlw/p2_s1_cons.txt', 'quorum/fourlw/p2_s3_cons.txt']) {
  test(`cons matches ${file}`, () => {
    const lines = fixture(file).split('\n').filter((l) => l.startsWith(' /'));
    assertSameBytes(answerFourLetterWord('cons', fake({ connections: lines.map(parseConnection) })), file);
  });
}

test('crst resets connection stats and matches fourlw/crst.txt', () => {
  const ctx = fake();
  assertSameBytes(answerFourLetterWord('crst', ctx), 'fourlw/crst.txt');
  assert.deepEqual(ctx.calls, ['resetConnectionStats']);
});

test('srst resets server stats and matches fourlw/srst.txt', () => {
  const ctx = fake();
  assertSameBytes(answerFourLetterWord('srst', ctx), 'fourlw/srst.txt');
  assert.deepEqual(ctx.calls, ['resetStats']);
});

test('dirs matches fourlw/dirs.txt', () => {
  const ctx = fake({ dirSizes: { dataDir: 66009, dataLogDir: 66009 } });
  assertSameBytes(answerFourLetterWord('dirs', ctx), 'fourlw/dirs.txt');
});

test('dump matches fourlw/dump.txt', () => {
  const ctx = fake({ dump: parseDump(fixture('fourlw/dump.txt')) });
  assertSameBytes(answerFourLetterWord('dump', ctx), 'fourlw/dump.txt');
});

test('envi matches fourlw/envi.txt given the same values', () => {
  const entries = fixture('fourlw/envi.txt')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l): EnvironmentEntry => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
  assertSameBytes(answerFourLetterWord('envi', fake({ environment: entries })), 'fourlw/envi.txt');
});

test('nodeEnvironment has the fixture keys in the fixture order', () => {
  const fixtureKeys = fixture('fourlw/envi.txt')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.slice(0, l.indexOf('=')));
  assert.deepEqual([...ENVIRONMENT_KEYS], fixtureKeys);
  const version = zkVersionString('0.1.0', new Date(Date.UTC(2024, 11, 29, 17, 54)));
  const env = nodeEnvironment(version);
  assert.deepEqual(env.map(([k]) => k), fixtureKeys);
  const out = answerFourLetterWord('envi', fake({ environment: env }));
  const lines = out.split('\n');
  assert.equal(lines[0], 'Environment:');
  assert.equal(lines[1], `zookeeper.version=${version}`);
  assert.equal(lines.at(-1), '');
  for (const l of lines.slice(1, -1)) assert.match(l, /^[a-z.]+=[^\n]+$/);
  const byKey = new Map(env);
  assert.equal(byKey.get('java.version'), process.versions.node);
  for (const k of ['os.memory.free', 'os.memory.max', 'os.memory.total']) assert.match(byKey.get(k) ?? '', /^\d+MB$/);
});

test('wchs/wchc/wchp match the fixtures', () => {
  const watches = parseWchc(fixture('fourlw/wchc.txt'));
  assertSameBytes(answerFourLetterWord('wchs', fake({ watches })), 'fourlw/wchs.txt');
  assertSameBytes(answerFourLetterWord('wchc', fake({ watches })), 'fourlw/wchc.txt');
  assertSameBytes(answerFourLetterWord('wchp', fake({ watches })), 'fourlw/wchp.txt');
  assertSameBytes(answerFourLetterWord('wchs', fake()), 'quorum/fourlw/p2_s1_wchs.txt');
});

test('wchp groups sessions per path', () => {
  const watches: SessionWatches[] = [
    { sessionId: 0x101n, paths: ['/b', '/a'] },
    { sessionId: 0x102n, paths: ['/a'] },
    { sessionId: 0x103n, paths: [] },
  ];
  assert.equal(answerFourLetterWord('wchs', fake({ watches })), '2 connections watching 2 paths\nTotal watches:3\n');
  assert.equal(answerFourLetterWord('wchp', fake({ watches })), '/a\n\t0x101\n\t0x102\n/b\n\t0x101\n\n');
  assert.equal(answerFourLetterWord('wchc', fake({ watches })), '0x101\n\t/a\n\t/b\n0x102\n\t/a\n\n');
});

test('isro: rw, ro, null', () => {
  assertSameBytes(answerFourLetterWord('isro', fake()), 'fourlw/isro.txt');
  assertSameBytes(answerFourLetterWord('isro', fake({ mode: 'leader' })), 'quorum/fourlw/p2_s3_isro.txt');
  assertSameBytes(answerFourLetterWord('isro', fake({ mode: 'read-only' })), 'quorum/fourlw/p8_s3_isro.txt');
  assert.equal(answerFourLetterWord('isro', fake({ serving: false })), 'null');
});

test('gtmk / stmk / gtmk match the fixtures', () => {
  const ctx = fake();
  assertSameBytes(answerFourLetterWord('gtmk', ctx), 'fourlw/gtmk.txt');
  const request = Buffer.from(
    (JSON.parse(fixture('fourlw/index.json')) as { file: string; request_hex: string }[]).find((e) => e.file === 'stmk.txt')
      ?.request_hex ?? '',
    'hex',
  );
  assert.equal(parseFourLetterWord(request), 'stmk');
  assertSameBytes(answerFourLetterWord('stmk', ctx, request.subarray(4)), 'fourlw/stmk.txt');
  assert.deepEqual(ctx.calls, ['setTraceMask(338)']);
  assertSameBytes(answerFourLetterWord('gtmk', ctx), 'fourlw/gtmk.2.txt');
});

test('stmk: negative masks print signed; a missing long gives no answer', () => {
  const ctx = fake();
  assert.equal(answerFourLetterWord('stmk', ctx, Buffer.from('ffffffffffffffff', 'hex')), '-1');
  assert.equal(ctx.traceMask(), -1n);
  assert.equal(answerFourLetterWord('stmk', fake(), Buffer.from([0, 1, 2])), '');
  assert.equal(answerFourLetterWord('stmk', fake()), '');
});

test('hash with no digest log is empty (fourlw/hash.txt); otherwise "<zxid hex>: <digest>" lines', () => {
  assertSameBytes(answerFourLetterWord('hash', fake()), 'fourlw/hash.txt');
  const ctx: FourLetterContext = { ...fake(), digestLog: () => [{ zxid: 0x6cn, digest: 1234567890n }] };
  assert.equal(answerFourLetterWord('hash', ctx), '6c: 1234567890\n');
});

// ---------------------------------------------------------------------------
// mntr

interface ParsedMntr {
  keys: string[];
  values: Map<string, string>;
}

function parseMntr(text: string): ParsedMntr {
  const keys: string[] = [];
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^zk_([^\t]+)\t(.*)$/.exec(line);
    assert.ok(m, `bad mntr line ${JSON.stringify(line)}`);
    keys.push(m[1] ?? '');
    values.set(m[1] ?? '', m[2] ?? '');
  }
  return { keys, values };
}

const OWN_KEYS = new Set([
  'version', 'server_state', 'peer_state', 'ephemerals_count', 'num_alive_connections', 'avg_latency',
  'min_latency', 'max_latency', 'outstanding_requests', 'znode_count', 'global_sessions', 'local_sessions',
  'non_mtls_remote_conn_count', 'non_mtls_local_conn_count', 'outstanding_tls_handshake',
  'connection_drop_probability', 'last_client_response_size', 'min_client_response_size',
  'max_client_response_size', 'packets_sent', 'packets_received', 'watch_count', 'auth_failed_count',
  'approximate_data_size', 'open_file_descriptor_count', 'max_file_descriptor_count', 'uptime', 'quorum_size',
  'learners', 'synced_followers', 'synced_non_voting_followers', 'synced_observers', 'pending_syncs',
  'leader_uptime', 'last_proposal_size', 'min_proposal_size', 'max_proposal_size',
]);

/** A fake holding every value of a mntr fixture: own fields, extra values and summaries. */
function fakeFromMntr(text: string, withExtras: boolean): Fake {
  const { keys, values } = parseMntr(text);
  const n = (k: string): number => Number(values.get(k) ?? '0');
  const summaryNames: string[] = [];
  for (const k of keys) {
    const m = /^avg_(.+)$/.exec(k);
    if (m && m[1] !== 'latency' && ['min', 'max', 'cnt', 'sum'].every((p) => values.has(`${p}_${m[1]}`))) {
      summaryNames.push(m[1] ?? '');
    }
  }
  const summaryKeys = new Set<string>();
  const summaries = new Map<string, SummaryStats>();
  for (const name of summaryNames) {
    const pct = values.has(`p50_${name}`);
    for (const p of ['avg', 'min', 'max', 'cnt', 'sum', ...(pct ? ['p50', 'p95', 'p99', 'p999'] : [])]) {
      summaryKeys.add(`${p}_${name}`);
    }
    summaries.set(name, {
      count: n(`cnt_${name}`),
      total: n(`sum_${name}`),
      min: n(`min_${name}`),
      max: n(`max_${name}`),
      percentiles: pct
        ? { p50: n(`p50_${name}`), p95: n(`p95_${name}`), p99: n(`p99_${name}`), p999: n(`p999_${name}`) }
        : undefined,
    });
  }
  const extraValues = new Map<string, MonitorValue>();
  for (const k of keys) {
    if (OWN_KEYS.has(k) || summaryKeys.has(k)) continue;
    const v = values.get(k) ?? '';
    extraValues.set(k, /^-?\d+$/.test(v) ? Number(v) : /^-?\d+\.\d+$/.test(v) ? { double: Number(v) } : v);
  }
  const mode = (values.get('server_state') ?? 'standalone') as ServerMode;
  const leader: LeaderFourLetterInfo | undefined = values.has('learners')
    ? {
        learners: n('learners'),
        syncedFollowers: n('synced_followers'),
        syncedNonVotingFollowers: n('synced_non_voting_followers'),
        syncedObservers: n('synced_observers'),
        pendingSyncs: n('pending_syncs'),
        leaderUptimeMs: n('leader_uptime'),
        proposalSizes: { last: n('last_proposal_size'), min: n('min_proposal_size'), max: n('max_proposal_size') },
      }
    : undefined;
  const ctx = fake({
    mode,
    connections: Array.from({ length: n('num_alive_connections') }, (_, i) =>
      parseConnection(` /127.0.0.1:${40000 + i}[1](queued=0,recved=0,sent=0)`),
    ),
    stats: {
      packetsReceived: n('packets_received'),
      packetsSent: n('packets_sent'),
      outstandingRequests: n('outstanding_requests'),
      requestLatency: latencyFor(n('min_latency'), n('avg_latency'), n('max_latency')),
      nodeCount: n('znode_count'),
      watchCount: n('watch_count'),
      ephemeralsCount: n('ephemerals_count'),
      approximateDataSize: n('approximate_data_size'),
      globalSessions: n('global_sessions'),
      localSessions: n('local_sessions'),
      uptimeMs: n('uptime'),
      clientResponseSize: {
        last: n('last_client_response_size'),
        min: n('min_client_response_size'),
        max: n('max_client_response_size'),
      },
      authFailedCount: n('auth_failed_count'),
      openFileDescriptorCount: n('open_file_descriptor_count'),
      maxFileDescriptorCount: n('max_file_descriptor_count'),
    },
    quorum: values.has('peer_state')
      ? { peerState: values.get('peer_state') ?? '', quorumSize: n('quorum_size'), configVersion: 0n, electionAlg: 3, leader }
      : undefined,
    extraValues: withExtras ? extraValues : undefined,
    extraSummaries: withExtras ? summaries : undefined,
  });
  return ctx;
}

/**
 * Summaries whose captured avg does not equal round4(sum/cnt): ZooKeeper reads
 * count and total without a lock (AvgMinMaxCounter.getAvg says so), and the
 * follower capture caught one mid-update (cnt=25, sum=1, avg printed as 1/24).
 */
function inconsistentAverages(text: string): string[] {
  const { values } = parseMntr(text);
  const out: string[] = [];
  for (const [k, v] of values) {
    const m = /^avg_(.+)$/.exec(k);
    if (!m || m[1] === 'latency' || !values.has(`cnt_${m[1]}`)) continue;
    const computed = averageOf(Number(values.get(`sum_${m[1]}`)), Number(values.get(`cnt_${m[1]}`)));
    if (javaDouble(computed) !== v) out.push(m[1] ?? '');
  }
  return out;
}

for (const [file, racy] of [
  ['fourlw/mntr.txt', []],
  ['quorum/fourlw/p2_s1_mntr.txt', ['read_commit_proc_issued']],
  ['quorum/fourlw/p2_s3_mntr.txt', []],
] as const) {
  test(`mntr with every value supplied reproduces ${file} byte for byte`, () => {
    const text = fixture(file);
    const out = answerFourLetterWord('mntr', fakeFromMntr(text, true));
    assert.deepEqual(inconsistentAverages(text), [...racy]);
    if (racy.length === 0) {
      assertSameBytes(out, file);
      return;
    }
    // Only the racy avg lines may differ, and ours is the consistent value.
    const ours = out.split('\n');
    const theirs = text.split('\n');
    assert.equal(ours.length, theirs.length);
    for (let i = 0; i < ours.length; i++) {
      if (ours[i] === theirs[i]) continue;
      const name = /^zk_avg_([^\t]+)\t/.exec(theirs[i] ?? '')?.[1] ?? '';
      assert.ok((racy as readonly string[]).includes(name), `line ${i + 1}: ${ours[i]} != ${theirs[i]}`);
    }
  });
}

test('mntr of the read-only server: same lines, same structure (its hash-map order differs)', () => {
  const text = fixture('quorum/fourlw/p8_s3_mntr.txt');
  const out = answerFourLetterWord('mntr', fakeFromMntr(text, true));
  assert.deepEqual(out.split('\n').sort(), text.split('\n').sort());
});

test('mntr from the context alone: the fixture line structure, keys in fixture order', () => {
  const text = fixture('fourlw/mntr.txt');
  const fixtureMntr = parseMntr(text);
  const out = answerFourLetterWord('mntr', fakeFromMntr(text, false));
  assert.ok(out.endsWith('\n'));
  const ours = parseMntr(out);
  // Every line is "zk_<key>\t<value>", every key is a fixture key, in the fixture's order.
  const positions = ours.keys.map((k) => fixtureMntr.keys.indexOf(k));
  assert.ok(positions.every((p) => p >= 0), `unknown keys: ${ours.keys.filter((k, i) => positions[i] === -1)}`);
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
  for (const k of ours.keys) assert.equal(ours.values.get(k), fixtureMntr.values.get(k), k);
  for (const k of [
    'version', 'server_state', 'avg_latency', 'min_latency', 'max_latency', 'packets_received', 'packets_sent',
    'num_alive_connections', 'outstanding_requests', 'znode_count', 'watch_count', 'ephemerals_count',
    'approximate_data_size', 'open_file_descriptor_count', 'max_file_descriptor_count', 'uptime',
    'global_sessions', 'local_sessions',
  ]) {
    assert.ok(ours.values.has(k), `missing zk_${k}`);
  }
  // no quorum-only keys for a standalone server
  assert.ok(!ours.values.has('peer_state') && !ours.values.has('quorum_size'));
});

test('mntr leaves out file-descriptor keys it does not know', () => {
  const out = answerFourLetterWord('mntr', fake());
  assert.ok(!out.includes('file_descriptor'));
  assert.match(out, /^zk_version\t3\.8\.0-.*\nzk_server_state\tstandalone\n/);
  assert.ok(out.includes('zk_avg_latency\t0.0\n'));
  assert.ok(out.includes('zk_connection_drop_probability\t0.0\n'));
});

// ---------------------------------------------------------------------------
// Whitelist, not serving

test('a known word off the whitelist gets ZooKeeper\'s refusal text', () => {
  const ctx = fake({ config: { fourLetterWordWhitelist: new Set(['srvr']) } });
  for (const w of FOUR_LETTER_WORDS.filter((x) => x !== 'srvr')) {
    assert.equal(answerFourLetterWord(w, ctx), `${w} is not executed because it is not in the whitelist.\n`);
  }
  assert.equal(notWhitelistedMessage('ruok'), 'ruok is not executed because it is not in the whitelist.\n');
  // stmk is refused before its long is read, and the mask is unchanged
  assert.equal(answerFourLetterWord('stmk', ctx, Buffer.alloc(8, 1)), notWhitelistedMessage('stmk'));
  assert.deepEqual(ctx.calls, []);
  // srvr always runs, even with an empty whitelist
  const none = fake({ config: { fourLetterWordWhitelist: new Set() } });
  assert.ok(answerFourLetterWord('srvr', none).startsWith('Zookeeper version: '));
  assert.equal(isFourLetterWordEnabled('srvr', none), true);
  // isro runs when read-only mode is enabled
  const ro = fake({ config: { fourLetterWordWhitelist: new Set() }, readOnlyModeEnabled: true });
  assert.equal(answerFourLetterWord('isro', ro), 'rw');
  // telnet close: refused unless everything is enabled; when enabled, nothing is written
  assert.equal(answerFourLetterWord(TELNET_CLOSE, ctx), 'telnet close is not executed because it is not in the whitelist.\n');
  assert.equal(answerFourLetterWord(TELNET_CLOSE, fake()), '');
  assert.throws(() => answerFourLetterWord('xyzw', fake()), RangeError);
});

test('a server that is not serving', () => {
  const ctx = fake({ serving: false });
  assert.equal(answerFourLetterWord('ruok', ctx), 'imok');
  assert.equal(answerFourLetterWord('gtmk', ctx), '306');
  assert.equal(answerFourLetterWord('envi', ctx), 'Environment:\n');
  for (const w of ['srvr', 'stat', 'conf', 'cons', 'crst', 'srst', 'dirs', 'dump', 'mntr', 'wchs', 'wchc', 'wchp']) {
    assert.equal(answerFourLetterWord(w, ctx), `${ZK_NOT_SERVING}\n`, w);
  }
  assert.equal(answerFourLetterWord('hash', ctx), ZK_NOT_SERVING);
  assert.deepEqual(ctx.calls, []);
});

// ---------------------------------------------------------------------------
// Formatting helpers

test('Java-style formatting helpers', () => {
  assert.equal(javaDouble(0), '0.0');
  assert.equal(javaDouble(57.2), '57.2');
  assert.equal(javaDouble(3.4623), '3.4623');
  assert.equal(javaDouble(1), '1.0');
  assert.equal(javaDouble(1e7), '1.0E7');
  assert.equal(javaDouble(12345678.5), '1.23456785E7');
  assert.equal(javaDouble(0.0001), '1.0E-4');
  assert.equal(averageOf(0, 0), 0);
  assert.equal(averageOf(167, 108), 1.5463);
  assert.equal(averageOf(1, 32), 0.0313); // 0.03125 rounds half up
  assert.equal(averageOf(357, 8), 44.625);
  assert.equal(hex64(-1n), 'ffffffffffffffff');
  assert.equal(hex64(0x10000081397000bn), '10000081397000b');
  assert.equal(javaSocketAddress('127.0.0.1', 57204), '/127.0.0.1:57204');
  assert.equal(javaSocketAddress('::ffff:127.0.0.1', 1), '/127.0.0.1:1');
  assert.equal(javaSocketAddress('::1', 2), '/0:0:0:0:0:0:0:1:2');
  assert.equal(javaSocketAddress('fe80::1%lo', 3), '/fe80:0:0:0:0:0:0:1%lo:3');
  assert.equal(javaDateString(Date.UTC(2026, 10, 21, 12, 26, 19)), 'Sat Nov 21 12:26:19 UTC 2026');
  assert.equal(javaDateString(Date.UTC(2026, 10, 1, 2, 3, 4)), 'Sun Nov 01 02:03:04 UTC 2026');
  assert.equal(lastOperationName(3), 'EXIS');
  assert.equal(lastOperationName(14), 'MULT');
  assert.equal(lastOperationName(100), 'NA');
});

test('zkts version string keeps "Zookeeper version: X.Y.Z" parseable', () => {
  const v = zkVersionString('0.1.0', new Date(Date.UTC(2024, 11, 29, 17, 54, 33)));
  assert.equal(v, '3.8.0-zkts-0.1.0, built on 2024-12-29 17:54 UTC');
  const out = answerFourLetterWord('srvr', { ...fake(), version: v });
  assert.equal(/^Zookeeper version: (\d+\.\d+\.\d+)[-,]/.exec(out)?.[1], '3.8.0');
});
