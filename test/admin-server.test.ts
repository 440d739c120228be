import assert from 'node:assert/strict';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pino, { type Logger } from 'pino';
import { answerFourLetterWord, ZK_NOT_SERVING } from '../src/protocol/four-letter-words.js';
import {
  ADMIN_COMMAND_NAMES,
  ADMIN_PRIMARY_NAMES,
  commandResponseJson,
  runAdminCommand,
  zooCfgSystemProperties,
} from '../src/server/admin-commands.js';
import { JsonDouble, jacksonJson, type JsonValue } from '../src/server/admin-json.js';
import { AdminServer, commandLinksPage } from '../src/server/admin-server.js';
import { defaultServerConfig } from '../src/server/server-config.js';
import { StandaloneServer } from '../src/server/standalone-server.js';
import { connection, FAKE_VERSION, fakeContext, type FakeContextOptions } from './support/fake-server-context.js';
import { accepts, get, httpRequest, rawExchange } from './support/http.js';
import * as zk from './support/zookeeper-admin-captures.js';

/** A logger whose lines the test can read. */
function memoryLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

const ZK_VERSION = '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC';

/** Commands ZooKeeper runs even when its server is not serving (CommandBase serverRequired=false). */
const WITHOUT_SERVER = new Set(['environment', 'get_trace_mask', 'monitor', 'set_trace_mask', 'system_properties', 'zabstate']);

const S1 = 72057721581862912n;
const S2 = 72057721581862913n;

/** The state ZooKeeper had when zookeeper-admin-captures.ts was captured. */
function capturedState(extra: FakeContextOptions = {}): FakeContextOptions {
  return {
    config: {
      clientPort: 21990,
      dataDir: '/tmp/zkadm/data',
      dataLogDir: '/tmp/zkadm/data',
      tickTime: 2000,
      minSessionTimeout: 4000,
      maxSessionTimeout: 40000,
      maxClientCnxns: 60,
      initialConfig:
        'tickTime=2000\ndataDir=/tmp/zkadm/data\nclientPort=21990\nclientPortAddress=127.0.0.1\nadmin.enableServer=true\n' +
        'admin.serverPort=21991\nadmin.serverAddress=127.0.0.1\n4lw.commands.whitelist=*\n',
    },
    dirSizes: { dataDir: 67109337, dataLogDir: 67109337 },
    connections: [
      connection({ remotePort: 49122, sessionId: S2, establishedAt: 1795273300719, sessionTimeout: 10000 }),
      connection({ remotePort: 49112, sessionId: S1, establishedAt: 1795273300662, sessionTimeout: 10000 }),
    ],
    watches: [
      { sessionId: S2, paths: ['/a'] },
      { sessionId: S1, paths: ['/b', '/a'] },
    ],
    dump: {
      sessionBuckets: [
        { expiresAt: 1962000, members: [S2, S1] },
        { expiresAt: 1960000, members: [] },
      ],
      ephemerals: [{ sessionId: S1, paths: ['/a/e'] }],
      connectionBuckets: [],
    },
    stats: { uptimeMs: 6403, lastProcessedZxid: 5n, nodeCount: 8 },
    digests: [{ zxid: 128n, digest: 292346261124n }],
    lastSnapshot: { zxid: 0n, timestampSeconds: 1795273298 },
    ...extra,
  };
}

function json(name: string, o: FakeContextOptions = capturedState(), args: Record<string, string> = {}): string {
  return commandResponseJson(runAdminCommand(name, fakeContext(o), new Map(Object.entries(args))));
}

describe('admin command table', () => {
  it('answers every ZooKeeper 3.8 command name and alias, under the primary name', () => {
    assert.deepEqual([...ADMIN_COMMAND_NAMES].sort(), zk.ZK_COMMAND_NAMES.map(([n]) => n).sort());
    for (const [name, primary] of zk.ZK_COMMAND_NAMES) {
      const r = runAdminCommand(name, fakeContext(capturedState()));
      assert.equal(r.command, primary, name);
    }
    assert.deepEqual([...ADMIN_PRIMARY_NAMES], [...new Set(zk.ZK_COMMAND_NAMES.map(([, p]) => p))].sort());
  });

  it('the command list page links every primary name, as ZooKeeper\'s does', () => {
    assert.equal(commandLinksPage('/commands'), zk.ZK_COMMAND_LIST);
  });

  it('an unknown name is answered with the name as asked and "Unknown command: <name>"', () => {
    assert.equal(json('nosuch'), zk.ZK_NOSUCH);
    assert.equal(json('RUOK'), '{\n  "command" : "RUOK",\n  "error" : "Unknown command: RUOK"\n}');
    // Jackson's escaping: quotes, backslashes and control characters; "/", DEL and non-ASCII as they are.
    assert.equal(
      json('€\u0001"\\/\u007f'),
      '{\n  "command" : "€\\u0001\\"\\\\/\u007f",\n  "error" : "Unknown command: €\\u0001\\"\\\\/\u007f"\n}',
    );
  });

  it('while not serving, commands that need the server say so under the name asked; the others answer', () => {
    const ctx = fakeContext(capturedState({ serving: false }));
    for (const [name, primary] of zk.ZK_COMMAND_NAMES) {
      const r = runAdminCommand(name, ctx);
      if (WITHOUT_SERVER.has(primary)) {
        assert.equal(r.command, primary, name);
        assert.equal(r.error, null, name);
      } else {
        assert.equal(r.command, name);
        assert.equal(r.error, ZK_NOT_SERVING);
        assert.equal(commandResponseJson(r), `{\n  "command" : "${name}",\n  "error" : "${ZK_NOT_SERVING}"\n}`);
      }
    }
    assert.deepEqual(ctx.calls, [], 'no reset ran while not serving');
  });

  it('set_trace_mask needs a long traceMask argument', () => {
    assert.equal(json('set_trace_mask'), zk.ZK_SET_TRACE_MASK);
    assert.equal(json('stmk', capturedState(), { traceMask: 'abc' }), zk.ZK_SET_TRACE_MASK_BAD);
    assert.match(json('stmk', capturedState(), { traceMask: '9223372036854775808' }), /got 9223372036854775808"/);
    const ctx = fakeContext();
    assert.equal(commandResponseJson(runAdminCommand('stmk', ctx, new Map([['traceMask', '307']]))), zk.ZK_SET_TRACE_MASK_307);
    assert.deepEqual(ctx.calls, ['setTraceMask(307)']);
    assert.equal(commandResponseJson(runAdminCommand('gtmk', ctx)), '{\n  "tracemask" : 307,\n  "command" : "get_trace_mask",\n  "error" : null\n}');
    runAdminCommand('stmk', ctx, new Map([['traceMask', '-9223372036854775808']]));
    assert.equal(ctx.traceMask(), -9223372036854775808n);
  });

  it('the reset commands reset and answer nothing else', () => {
    const ctx = fakeContext(capturedState());
    assert.equal(commandResponseJson(runAdminCommand('crst', ctx)), zk.ZK_CONNECTION_STAT_RESET);
    assert.equal(commandResponseJson(runAdminCommand('srst', ctx)), '{\n  "command" : "stat_reset",\n  "error" : null\n}');
    assert.equal(commandResponseJson(runAdminCommand('orst', ctx)), '{\n  "command" : "observer_connection_stat_reset",\n  "error" : null\n}');
    assert.deepEqual(ctx.calls, ['resetConnectionStats', 'resetStats', 'resetObserverConnectionStats']);
  });
});

describe('admin command JSON is byte for byte ZooKeeper 3.8.0\'s for the same state', () => {
  const cases: Array<[string, string]> = [
    ['ruok', zk.ZK_RUOK],
    ['configuration', zk.ZK_CONFIGURATION],
    ['connections', zk.ZK_CONNECTIONS],
    ['dirs', zk.ZK_DIRS],
    ['dump', zk.ZK_DUMP],
    ['get_trace_mask', zk.ZK_GET_TRACE_MASK],
    ['hash', zk.ZK_HASH],
    ['initial_configuration', zk.ZK_INITIAL_CONFIGURATION],
    ['is_read_only', zk.ZK_IS_READ_ONLY],
    ['last_snapshot', zk.ZK_LAST_SNAPSHOT],
    ['leader', zk.ZK_LEADER],
    ['observers', zk.ZK_OBSERVERS],
    ['voting_view', zk.ZK_VOTING_VIEW],
    ['watch_summary', zk.ZK_WATCH_SUMMARY],
    ['watches', zk.ZK_WATCHES],
    ['watches_by_path', zk.ZK_WATCHES_BY_PATH],
    ['zabstate', zk.ZK_ZABSTATE],
  ];
  for (const [name, expected] of cases) {
    it(name, () => assert.equal(json(name), expected));
  }

  it('stats (after stat_reset) and server_stats', () => {
    // ZooKeeper lists connections in hash-set order, which differed between its two answers.
    const state = capturedState();
    assert.equal(json('stats', { ...state, connections: [...(state.connections ?? [])].reverse() }),
      zk.ZK_STATS.replace(ZK_VERSION, FAKE_VERSION));
    const served = capturedState({
      stats: {
        uptimeMs: 6310,
        lastProcessedZxid: 5n,
        nodeCount: 8,
        packetsSent: 11,
        packetsReceived: 11,
        requestLatency: { count: 4, total: 12, min: 0, max: 12 },
        clientResponseSize: { last: 16, min: 16, max: 93 },
      },
    });
    assert.equal(json('server_stats', served), zk.ZK_SERVER_STATS.replace(ZK_VERSION, FAKE_VERSION));
  });

  it('last_snapshot without a snapshot: zxid -1 in hex, timestamp -1', () => {
    assert.equal(json('lsnp', capturedState({ lastSnapshot: undefined })),
      '{\n  "zxid" : "ffffffffffffffff",\n  "timestamp" : -1,\n  "command" : "last_snapshot",\n  "error" : null\n}');
  });

  it('environment lists the envi entries under their keys', () => {
    const environment: Array<[string, string]> = [['zookeeper.version', FAKE_VERSION], ['host.name', 'localhost'], ['java.compiler', '<NA>']];
    assert.equal(json('envi', { environment }),
      `{\n  "zookeeper.version" : "${FAKE_VERSION}",\n  "host.name" : "localhost",\n  "java.compiler" : "<NA>",\n` +
      '  "command" : "environment",\n  "error" : null\n}');
  });

  it('system_properties: the process properties and the zookeeper.* ones ZooKeeper makes of zoo.cfg keys, sorted', () => {
    const raw = new Map([['tickTime', '2000'], ['dataDir', '/d'], ['4lw.commands.whitelist', '*'], ['admin.serverPort', '21991'],
      ['server.1', 'h:1:2'], ['metricsProvider.httpPort', '7000'], ['snapCount', '10']]);
    assert.deepEqual(zooCfgSystemProperties(raw), [
      ['zookeeper.4lw.commands.whitelist', '*'], ['zookeeper.admin.serverPort', '21991'], ['zookeeper.snapCount', '10'],
    ]);
    const body = JSON.parse(json('sysp', { config: { raw }, systemProperties: [['user.name', 'root'], ['file.encoding', 'UTF-8']] })) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['file.encoding', 'user.name', 'zookeeper.4lw.commands.whitelist', 'zookeeper.admin.serverPort',
      'zookeeper.snapCount', 'command', 'error']);
  });

  it('monitor: the mntr entries, doubles as doubles and summaries expanded', () => {
    const o = capturedState({
      stats: { requestLatency: { count: 4, total: 12, min: 0, max: 12 }, nodeCount: 8 },
      extraValues: new Map([['bytes_received_count', 365]]),
      extraSummaries: new Map([
        ['fsynctime', { count: 5, total: 1, min: 0, max: 1 }],
        ['readlatency', { count: 6, total: 10, min: 0, max: 4, percentiles: { p50: 1, p95: 4, p99: 4, p999: 4 } }],
      ]),
    });
    const text = json('mntr', o);
    assert.match(text, /^\{\n {2}"version" : "3\.8\.0-zkts-0\.1\.0, built on 2024-12-29 17:54 UTC",\n {2}"server_state" : "standalone",\n/);
    assert.match(text, /\n {2}"avg_latency" : 3\.0,\n/);
    assert.match(text, /\n {2}"connection_drop_probability" : 0\.0,\n/);
    assert.match(text, /\n {2}"bytes_received_count" : 365,\n/);
    // ZooKeeper's own lines for these two summaries, from its monitor answer.
    assert.ok(text.includes('  "avg_fsynctime" : 0.2,\n  "min_fsynctime" : 0,\n  "max_fsynctime" : 1,\n  "cnt_fsynctime" : 5,\n  "sum_fsynctime" : 1,\n'));
    assert.ok(text.includes('  "avg_readlatency" : 1.6667,\n  "min_readlatency" : 0,\n  "max_readlatency" : 4,\n  "cnt_readlatency" : 6,\n' +
      '  "sum_readlatency" : 10,\n  "p50_readlatency" : 1,\n  "p95_readlatency" : 4,\n  "p99_readlatency" : 4,\n  "p999_readlatency" : 4,\n'));
    assert.ok(text.endsWith('  "command" : "monitor",\n  "error" : null\n}'));
  });
});

describe('four-letter words and admin commands report the same facts', () => {
  const o = capturedState({
    stats: { requestLatency: { count: 3, total: 10, min: 1, max: 7 }, nodeCount: 8, watchCount: 4, ephemeralsCount: 1, uptimeMs: 99 },
    config: { fourLetterWordWhitelist: new Set(['*']) },
  });

  it('mntr lines and /commands/monitor keys and values', () => {
    const ctx = fakeContext(o);
    const lines = answerFourLetterWord('mntr', ctx).trimEnd().split('\n').map((l) => l.split('\t') as [string, string]);
    const body = JSON.parse(json('monitor', o)) as Record<string, unknown>;
    delete body['command'];
    delete body['error'];
    assert.deepEqual(Object.keys(body), lines.map(([k]) => k.slice('zk_'.length)));
    for (const [k, v] of lines) {
      const j = body[k.slice('zk_'.length)];
      assert.equal(typeof j === 'string' ? j : Number(j), typeof j === 'string' ? v : Number(v), k);
    }
  });

  it('wchc/wchp/wchs and watches/watches_by_path/watch_summary', () => {
    const ctx = fakeContext(o);
    assert.equal(answerFourLetterWord('wchs', ctx), '2 connections watching 2 paths\nTotal watches:3\n');
    const summary = JSON.parse(json('wchs', o)) as Record<string, number>;
    assert.deepEqual([summary['num_connections'], summary['num_paths'], summary['num_total_watches']], [2, 2, 3]);
    assert.equal(answerFourLetterWord('wchc', ctx), `0x${S2.toString(16)}\n\t/a\n0x${S1.toString(16)}\n\t/a\n\t/b\n\n`);
    assert.equal(answerFourLetterWord('wchp', ctx), `/a\n\t0x${S2.toString(16)}\n\t0x${S1.toString(16)}\n/b\n\t0x${S1.toString(16)}\n\n`);
  });

  it('conf and configuration', () => {
    const ctx = fakeContext(o);
    const conf = new Map(answerFourLetterWord('conf', ctx).trimEnd().split('\n').map((l) => l.split('=') as [string, string]));
    const body = JSON.parse(json('conf', o)) as Record<string, unknown>;
    assert.equal(String(body['client_port']), conf.get('clientPort'));
    assert.equal(body['data_dir'], conf.get('dataDir'));
    assert.equal(body['data_log_dir'], conf.get('dataLogDir'));
    assert.equal(String(body['max_session_timeout']), conf.get('maxSessionTimeout'));
    assert.equal(String(body['client_port_listen_backlog']), conf.get('clientPortListenBacklog'));
  });
});

describe('Jackson-style JSON', () => {
  it('lays out nested objects, arrays and empty containers as Jackson\'s default pretty printer', () => {
    const v = new Map<string, JsonValue>([
      ['a', new Map<string, JsonValue>([['b', [1, 2]], ['c', new Map()]])],
      ['list', [new Map([['x', 1n]]), new Map([['x', -1]])]],
      ['empty', []],
      ['d', new JsonDouble(1e7)],
      ['n', new JsonDouble(Number.NaN)],
      ['big', 2n ** 63n - 1n],
      ['t', true],
      ['z', null],
    ]);
    assert.equal(
      jacksonJson(v),
      '{\n  "a" : {\n    "b" : [ 1, 2 ],\n    "c" : { }\n  },\n  "list" : [ {\n    "x" : 1\n  }, {\n    "x" : -1\n  } ],\n' +
        '  "empty" : [ ],\n  "d" : 1.0E7,\n  "n" : "NaN",\n  "big" : 9223372036854775807,\n  "t" : true,\n  "z" : null\n}',
    );
  });
});

describe('AdminServer over HTTP', () => {
  const ctx = fakeContext(capturedState());
  const { log } = memoryLogger();
  const admin = new AdminServer(ctx, { address: '127.0.0.1', port: 0, commandUrl: '/commands', idleTimeoutMs: 30_000 }, log);
  let port = 0;
  before(async () => {
    assert.equal(await admin.start(), true);
    port = admin.port as number;
  });
  after(() => admin.close());

  it('lists the commands at the command URL, with and without a trailing slash, without a Content-Type', async () => {
    for (const path of ['/commands', '/commands/', '/commands?x=1']) {
      const r = await get(port, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.body, zk.ZK_COMMAND_LIST);
      assert.equal(r.headers['content-type'], undefined);
    }
  });

  it('answers a command as application/json with status 200, errors included', async () => {
    const ok = await get(port, '/commands/ruok');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['content-type'], 'application/json');
    assert.equal(ok.body, zk.ZK_RUOK);
    assert.equal(ok.headers['content-length'], String(Buffer.byteLength(zk.ZK_RUOK)));
    const unknown = await get(port, '/commands/nosuch');
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body, zk.ZK_NOSUCH);
    const head = await httpRequest(port, '/commands/ruok', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '42');
    assert.equal(head.body, '');
  });

  it('decodes the path as Jetty does and passes query parameters', async () => {
    assert.equal((await get(port, '/commands/%72uok')).body, zk.ZK_RUOK);
    assert.equal((await get(port, '/foo/../commands/ruok')).body, zk.ZK_RUOK);
    assert.equal((await get(port, '/commands/ruok?x=1')).body, zk.ZK_RUOK);
    assert.match((await get(port, '/commands/ruok/')).body, /"Unknown command: ruok\/"/);
    assert.match((await get(port, '/commands//ruok')).body, /"Unknown command: \/ruok"/);
    assert.match((await get(port, '/commands/ru%2Fok')).body, /"Unknown command: ru\/ok"/);
    assert.equal((await get(port, '/commands/stmk?traceMask=307')).body, zk.ZK_SET_TRACE_MASK_307);
    assert.ok(ctx.calls.includes('setTraceMask(307)'));
  });

  it('answers other paths and methods with Jetty\'s status codes', async () => {
    const notFound = await get(port, '/foo');
    assert.equal(notFound.status, 404);
    assert.equal(notFound.headers['content-type'], 'text/html;charset=iso-8859-1');
    assert.match(notFound.body, /<title>Error 404 Not Found<\/title>/);
    const post = await httpRequest(port, '/commands/ruok', { method: 'POST', body: 'a=b' });
    assert.equal(post.status, 405);
    assert.match(post.body, /HTTP ERROR 405 HTTP method POST is not supported by this URL/);
    for (const method of ['PUT', 'DELETE']) {
      const r = await httpRequest(port, '/commands/ruok', { method });
      assert.equal(r.status, 405, method);
      assert.equal(r.body, '', method);
    }
    assert.equal((await httpRequest(port, '/commands/ruok', { method: 'TRACE' })).status, 403);
    const options = await httpRequest(port, '/commands/ruok', { method: 'OPTIONS' });
    assert.equal(options.status, 200);
    assert.equal(options.headers['allow'], 'GET, HEAD, TRACE, OPTIONS');
    assert.equal((await httpRequest(port, '/commands/ruok', { method: 'PATCH' })).status, 501);
    const brew = await rawExchange(port, 'BREW /commands/ruok HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(brew.text, /^HTTP\/1\.1 501 /);
  });

  it('rejects undecodable paths, long URIs and long headers, and closes those connections', async () => {
    const badEscape = await rawExchange(port, 'GET /commands/ru%ZZok HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(badEscape.text, /^HTTP\/1\.1 400 Bad Request\r\n[^]*<h1>Bad Message 400<\/h1><pre>reason: Bad Request<\/pre>$/);
    assert.equal(badEscape.closedByServer, true);
    const aboveRoot = await rawExchange(port, 'GET /../x HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(aboveRoot.text, /^HTTP\/1\.1 400 /);
    const longUri = await rawExchange(port, `GET /commands/${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(longUri.text, /^HTTP\/1\.1 414 URI Too Long\r\n/);
    assert.equal(longUri.closedByServer, true);
    const hugeUri = await rawExchange(port, `GET /commands/${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(hugeUri.text, /^HTTP\/1\.1 414 URI Too Long\r\n/);
    const longHeader = await rawExchange(port, `GET /commands/ruok HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`);
    assert.match(longHeader.text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const moreThan7k = await get(port, `/commands/${'a'.repeat(7000)}`);
    assert.equal(moreThan7k.status, 200, 'a 7000-character command name is still answered, as by Jetty');
  });

  it('survives garbage and half-sent requests and keeps answering', async () => {
    const tlsHello = await rawExchange(port, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]));
    assert.match(tlsHello.text, /^HTTP\/1\.1 400 /);
    const half = await rawExchange(port, 'GET /commands/ru', 300);
    assert.equal(half.closedByServer, false, 'a half-sent request just waits (until the idle timeout)');
    assert.equal((await get(port, '/commands/ruok')).body, zk.ZK_RUOK);
  });

  it('answers 500 when a command fails, and goes on', async () => {
    const broken = fakeContext();
    broken.stats = () => {
      throw new Error('boom');
    };
    const { log: quiet, lines } = memoryLogger();
    const s = new AdminServer(broken, { address: '127.0.0.1', port: 0, commandUrl: '/commands', idleTimeoutMs: 1000 }, quiet);
    assert.equal(await s.start(), true);
    try {
      const r = await get(s.port as number, '/commands/srvr');
      assert.equal(r.status, 500);
      assert.equal((await get(s.port as number, '/commands/ruok')).status, 200);
      assert.ok(lines.some((l) => l['msg'] === 'AdminServer request failed'));
    } finally {
      await s.close();
    }
  });

  it('serves under another admin.commandURL, including the root', async () => {
    for (const [url, list, cmd] of [['/cmds', '/cmds', '/cmds/ruok'], ['/', '/', '/ruok']] as const) {
      const s = new AdminServer(fakeContext(), { address: '127.0.0.1', port: 0, commandUrl: url, idleTimeoutMs: 1000 }, log);
      assert.equal(await s.start(), true);
      try {
        const page = await get(s.port as number, list);
        assert.equal(page.status, 200);
        assert.ok(page.body.startsWith(`<a href="${url}/configuration">configuration</a>\n<br/>\n`), page.body.slice(0, 80));
        assert.equal((await get(s.port as number, cmd)).body, zk.ZK_RUOK);
        if (url !== '/') assert.equal((await get(s.port as number, '/commands/ruok')).status, 404);
      } finally {
        await s.close();
      }
    }
  });

  it('closes idle connections after admin.idleTimeout', async () => {
    const s = new AdminServer(fakeContext(), { address: '127.0.0.1', port: 0, commandUrl: '/commands', idleTimeoutMs: 200 }, log);
    assert.equal(await s.start(), true);
    try {
      const idle = await rawExchange(s.port as number, '', 5000);
      assert.equal(idle.closedByServer, true);
    } finally {
      await s.close();
    }
  });
});

function occupyPort(): Promise<NetServer> {
  return new Promise((resolve) => {
    const srv = createNetServer();
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

describe('the standalone server and its AdminServer', () => {
  it('starts it with the client listener and stops it on close()', async () => {
    const { log } = memoryLogger();
    const config = defaultServerConfig({ clientPort: 0, adminEnableServer: true, adminServerPort: 0, adminServerAddress: '127.0.0.1',
      fourLetterWordWhitelist: new Set(['mntr']) });
    const server = new StandaloneServer(config, log);
    await server.listen();
    const port = server.adminPort;
    try {
      assert.ok(port !== undefined && port > 0);
      assert.equal((await get(port, '/commands/ruok')).body, zk.ZK_RUOK);
      const monitor = JSON.parse((await get(port, '/commands/monitor')).body) as Record<string, unknown>;
      assert.equal(monitor['znode_count'], 4, 'the empty tree: /, /zookeeper and its two children');
      assert.equal(monitor['server_state'], 'standalone');
    } finally {
      await server.close();
    }
    assert.equal(await accepts(port), false, 'the AdminServer is closed with the server');
  });

  it('with its port taken, logs why and serves clients without it', async () => {
    const taken = await occupyPort();
    const busy = (taken.address() as { port: number }).port;
    const { log, lines } = memoryLogger();
    const config = defaultServerConfig({ clientPort: 0, adminEnableServer: true, adminServerPort: busy, adminServerAddress: '127.0.0.1',
      fourLetterWordWhitelist: new Set(['ruok']) });
    const server = new StandaloneServer(config, log);
    try {
      await server.listen();
      assert.equal(server.adminPort, undefined);
      const line = lines.find((l) => l['level'] === 50 && String(l['msg']).startsWith('AdminServer not started'));
      assert.ok(line, `an error line: ${JSON.stringify(lines)}`);
      assert.equal(line['msg'], `AdminServer not started: 127.0.0.1:${busy} is already in use; zkts goes on without it ` +
        '(set admin.serverPort to a free port, or admin.enableServer=false)');
      assert.equal(line['code'], 'EADDRINUSE');
      assert.equal(server.answerFourLetterWord('ruok'), 'imok');
      assert.equal(await accepts(server.port), true, 'clients are served');
    } finally {
      await server.close();
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('does not start it when admin.enableServer=false', async () => {
    const { log, lines } = memoryLogger();
    const server = new StandaloneServer(defaultServerConfig({ clientPort: 0, adminEnableServer: false }), log);
    await server.listen();
    try {
      assert.equal(server.adminPort, undefined);
      assert.ok(!lines.some((l) => String(l['msg']).includes('AdminServer')));
    } finally {
      await server.close();
    }
  });
});
