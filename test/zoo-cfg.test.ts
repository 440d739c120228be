import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  EMBEDDED_DEFAULT_SOURCE,
  EMBEDDED_DEFAULT_ZOO_CFG,
  isDistributed,
  KNOWN_FOUR_LETTER_WORDS,
  loadEmbeddedDefaultZooCfg,
  loadZooCfg,
  parseZooCfg,
  readProperties,
  ZOOKEEPER_DEFAULT_TICK_TIME,
  ZooCfgError,
} from '../src/server/zoo-cfg.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const BASE = 'dataDir=/var/lib/zk\nclientPort=2181\n';

function parse(text: string, name = 'test.cfg') {
  return parseZooCfg(text, name);
}

/** Asserts that parsing fails with exactly `message`, and returns the error. */
function parseError(text: string, message: string | RegExp, name = 'test.cfg'): ZooCfgError {
  let caught: unknown;
  try {
    parse(text, name);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ZooCfgError, `expected a ZooCfgError, got ${String(caught)}`);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  return caught;
}

describe('properties syntax', () => {
  it('reads key=value, key:value and key value, trimming whitespace', () => {
    const entries = readProperties('a=1\n  b : 2 \nc 3\n\td\t=\t4\ne\n', 'x');
    assert.deepEqual(
      entries.map((e) => [e.key, e.value, e.line]),
      [['a', '1', 1], ['b', '2', 2], ['c', '3', 3], ['d', '4', 4], ['e', '', 5]],
    );
  });

  it('skips # and ! comments and blank lines, and keeps line numbers', () => {
    const entries = readProperties('# comment\n! also a comment\n\n   \n  # indented comment\nkey=v # not a comment\n', 'x');
    assert.deepEqual(entries, [{ key: 'key', value: 'v # not a comment', line: 6 }]);
  });

  it('handles CRLF and CR line endings and a BOM', () => {
    const entries = readProperties('\ufeffa=1\r\nb=2\rc=3', 'x');
    assert.deepEqual(entries.map((e) => [e.key, e.value, e.line]), [['a', '1', 1], ['b', '2', 2], ['c', '3', 3]]);
  });

  it('joins backslash-continued lines and reports the first line', () => {
    const entries = readProperties('x=1\nlist=a,\\\n     b,\\\n  c\ny=2\n', 'x');
    assert.deepEqual(entries.map((e) => [e.key, e.value, e.line]), [['x', '1', 1], ['list', 'a,b,c', 2], ['y', '2', 5]]);
  });

  it('an even number of trailing backslashes is not a continuation', () => {
    const entries = readProperties('path=C:\\\\dir\\\\\nnext=1\n', 'x');
    assert.deepEqual(entries.map((e) => [e.key, e.value]), [['path', 'C:\\dir\\'], ['next', '1']]);
  });

  it('unescapes keys and values', () => {
    const entries = readProperties('a\\=b=c\\:d\nk\\ ey=\\u0041\\t\\q\n', 'x');
    assert.deepEqual(entries.map((e) => [e.key, e.value]), [['a=b', 'c:d'], ['k ey', 'A\tq']]);
  });

  it('rejects a malformed \\u escape naming the line', () => {
    assert.throws(() => readProperties('ok=1\nbad=\\u12\n', 'f.cfg'), /^ZooCfgError: f\.cfg:2: malformed/);
  });

  it('a comment marker after a separator is part of the value', () => {
    const { config } = parse(`${BASE}clientPortAddress=127.0.0.1\n4lw.commands.whitelist=#ruok\n`);
    assert.deepEqual([...config.fourLetterWordWhitelist], ['srvr']);
  });
});

describe('parseZooCfg: keys', () => {
  it('parses every supported key', () => {
    const text = [
      'tickTime=1000',
      'dataDir=/data/zk',
      'dataLogDir=/logs/zk',
      'clientPort=2999',
      'clientPortAddress=10.0.0.1',
      'maxClientCnxns=0',
      'minSessionTimeout=1500',
      'maxSessionTimeout=90000',
      '4lw.commands.whitelist=ruok,stat',
      'jute.maxbuffer=4194304',
      'globalOutstandingLimit=2000',
      'initLimit=7',
      'syncLimit=3',
      'snapCount=5000',
      'preAllocSize=1024',
      'forceSync=no',
      'extendedTypesEnabled=true',
      'standaloneEnabled=true',
      'reconfigEnabled=true',
      'admin.enableServer=true',
      'admin.serverPort=9090',
      'admin.serverAddress=127.0.0.1',
      'autopurge.snapRetainCount=5',
      'autopurge.purgeInterval=2',
      'clientPortListenBacklog=128',
    ].join('\n');
    const { config, warnings } = parse(text, 'all.cfg');
    assert.deepEqual(warnings, []);
    assert.equal(config.source, 'all.cfg');
    assert.equal(config.tickTime, 1000);
    assert.equal(config.dataDir, '/data/zk');
    assert.equal(config.dataLogDir, '/logs/zk');
    assert.equal(config.clientPort, 2999);
    assert.equal(config.clientPortAddress, '10.0.0.1');
    assert.equal(config.maxClientCnxns, 0);
    assert.equal(config.minSessionTimeout, 1500);
    assert.equal(config.maxSessionTimeout, 90000);
    assert.deepEqual([...config.fourLetterWordWhitelist].sort(), ['ruok', 'srvr', 'stat']);
    assert.equal(config.juteMaxBuffer, 4194304);
    assert.equal(config.globalOutstandingLimit, 2000);
    assert.equal(config.initLimit, 7);
    assert.equal(config.syncLimit, 3);
    assert.equal(config.snapCount, 5000);
    assert.equal(config.preAllocSize, 1024 * 1024);
    assert.equal(config.forceSync, false);
    assert.equal(config.extendedTypesEnabled, true);
    assert.equal(config.standaloneEnabled, true);
    assert.equal(config.reconfigEnabled, true);
    assert.equal(config.adminEnableServer, true);
    assert.equal(config.adminServerPort, 9090);
    assert.equal(config.adminServerAddress, '127.0.0.1');
    assert.equal(config.autopurgeSnapRetainCount, 5);
    assert.equal(config.autopurgePurgeIntervalMs, 2 * 3600_000);
    assert.equal(config.clientPortListenBacklog, 128);
    assert.deepEqual(config.servers, []);
    assert.equal(config.raw.get('preAllocSize'), '1024');
    assert.equal(config.raw.size, 25);
  });

  it('applies ZooKeeper defaults for a minimal file', () => {
    const { config, warnings } = parse(BASE);
    assert.deepEqual(warnings, []);
    assert.equal(config.tickTime, ZOOKEEPER_DEFAULT_TICK_TIME);
    assert.equal(config.minSessionTimeout, 2 * ZOOKEEPER_DEFAULT_TICK_TIME);
    assert.equal(config.maxSessionTimeout, 20 * ZOOKEEPER_DEFAULT_TICK_TIME);
    assert.equal(config.dataLogDir, '/var/lib/zk');
    assert.equal(config.clientPortAddress, '0.0.0.0');
    assert.equal(config.maxClientCnxns, 60);
    assert.deepEqual([...config.fourLetterWordWhitelist], ['srvr']);
    assert.equal(config.juteMaxBuffer, 0xfffff);
    assert.equal(config.globalOutstandingLimit, 1000);
    assert.equal(config.snapCount, 100000);
    assert.equal(config.preAllocSize, 65536 * 1024);
    assert.equal(config.forceSync, true);
    assert.equal(config.extendedTypesEnabled, false);
    assert.equal(config.standaloneEnabled, true);
    assert.equal(config.reconfigEnabled, false);
    assert.equal(config.adminEnableServer, true, 'ZooKeeper runs its AdminServer unless admin.enableServer=false');
    assert.equal(config.adminServerPort, 8080);
    assert.equal(config.adminServerAddress, '0.0.0.0');
    assert.equal(config.adminCommandUrl, '/commands');
    assert.equal(config.adminIdleTimeoutMs, 30000);
    assert.equal(config.metricsProviderClassName, 'org.apache.zookeeper.metrics.impl.DefaultMetricsProvider');
    assert.equal(config.metricsProviderHttpHost, '0.0.0.0');
    assert.equal(config.metricsProviderHttpPort, 7000);
    assert.equal(config.metricsProviderExportJvmInfo, true);
    assert.equal(config.autopurgeSnapRetainCount, 3);
    assert.equal(config.autopurgePurgeIntervalMs, 0);
    assert.equal(config.clientPortListenBacklog, -1);
  });

  it('derives session timeout bounds from tickTime', () => {
    const { config } = parse(`${BASE}tickTime=500\n`);
    assert.equal(config.minSessionTimeout, 1000);
    assert.equal(config.maxSessionTimeout, 10000);
    const only = parse(`${BASE}tickTime=500\nmaxSessionTimeout=60000\n`).config;
    assert.equal(only.minSessionTimeout, 1000);
    assert.equal(only.maxSessionTimeout, 60000);
    const minusOne = parse(`${BASE}tickTime=500\nminSessionTimeout=-1\nmaxSessionTimeout=-1\n`).config;
    assert.equal(minusOne.minSessionTimeout, 1000);
    assert.equal(minusOne.maxSessionTimeout, 10000);
  });

  it('rejects minSessionTimeout > maxSessionTimeout, naming the line', () => {
    parseError(
      `${BASE}tickTime=2000\nminSessionTimeout=50000\n`,
      'test.cfg:4: minSessionTimeout: minSessionTimeout (50000) must not be larger than maxSessionTimeout (40000)',
    );
    parseError(`${BASE}maxSessionTimeout=1000\n`, /^test\.cfg:3: maxSessionTimeout: .*must not be larger/);
  });

  it('4lw.commands.whitelist: * enables every known word, srvr is always on', () => {
    const all = parse(`${BASE}4lw.commands.whitelist=*\n`).config.fourLetterWordWhitelist;
    assert.deepEqual([...all].sort(), [...KNOWN_FOUR_LETTER_WORDS].sort());
    assert.equal(all.size, 18);
    const some = parse(`${BASE}4lw.commands.whitelist= stat , ruok,, mntr \n`).config.fourLetterWordWhitelist;
    assert.deepEqual([...some].sort(), ['mntr', 'ruok', 'srvr', 'stat']);
    const { config, warnings } = parse(`${BASE}4lw.commands.whitelist=ruok,oops\n`);
    assert.deepEqual([...config.fourLetterWordWhitelist].sort(), ['ruok', 'srvr']);
    assert.deepEqual(warnings, ['test.cfg:3: 4lw.commands.whitelist: unknown four-letter word "oops", ignored']);
  });

  it('jute.maxbuffer accepts decimal and hex like Integer.decode', () => {
    assert.equal(parse(`${BASE}jute.maxbuffer=0x400000\n`).config.juteMaxBuffer, 0x400000);
    assert.equal(parse(`${BASE}jute.maxbuffer=#ff\n`).config.juteMaxBuffer, 0xff);
    assert.equal(parse(`${BASE}jute.maxbuffer=1000\n`).config.juteMaxBuffer, 1000);
    parseError(`${BASE}jute.maxbuffer=0\n`, 'test.cfg:3: jute.maxbuffer: "0" must be at least 1');
    parseError(`${BASE}jute.maxbuffer=0xZZ\n`, 'test.cfg:3: jute.maxbuffer: "0xZZ" is not a number');
  });

  it('autopurge: purgeInterval in hours or with a unit; snapRetainCount at least 3', () => {
    assert.equal(parse(`${BASE}autopurge.purgeInterval=30m\n`).config.autopurgePurgeIntervalMs, 30 * 60_000);
    assert.equal(parse(`${BASE}autopurge.purgeInterval=500ms\n`).config.autopurgePurgeIntervalMs, 500);
    assert.equal(parse(`${BASE}autopurge.purgeInterval=1d\n`).config.autopurgePurgeIntervalMs, 86_400_000);
    assert.equal(parse(`${BASE}autopurge.purgeInterval=0\n`).config.autopurgePurgeIntervalMs, 0);
    parseError(`${BASE}autopurge.purgeInterval=1w\n`, /^test\.cfg:3: autopurge\.purgeInterval: "1w" is not a time interval/);
    const { config, warnings } = parse(`${BASE}autopurge.snapRetainCount=1\n`);
    assert.equal(config.autopurgeSnapRetainCount, 3);
    assert.deepEqual(warnings, ['test.cfg:3: autopurge.snapRetainCount 1 is below 3, using 3']);
  });

  it('snapCount below 2 becomes 2 with a warning', () => {
    const { config, warnings } = parse(`${BASE}snapCount=1\n`);
    assert.equal(config.snapCount, 2);
    assert.equal(warnings.length, 1);
  });

  it('booleans are case-insensitive true/false; forceSync is yes/no', () => {
    assert.equal(parse(`${BASE}extendedTypesEnabled=TRUE\n`).config.extendedTypesEnabled, true);
    assert.equal(parse(`${BASE}forceSync=Yes\n`).config.forceSync, true);
    parseError(`${BASE}reconfigEnabled=yes\n`, 'test.cfg:3: reconfigEnabled: "yes" is not a boolean (expected true or false)');
    parseError(`${BASE}forceSync=false\n`, 'test.cfg:3: forceSync: "false" is not valid (expected yes or no)');
  });

  it('a relative dataDir is kept as written', () => {
    const { config } = parse('dataDir=./data\nclientPort=1\n');
    assert.equal(config.dataDir, './data');
    assert.equal(config.dataLogDir, './data');
  });

  it('the last of duplicate keys wins, with a warning', () => {
    const { config, warnings } = parse(`${BASE}tickTime=1000\ntickTime=3000\n`);
    assert.equal(config.tickTime, 3000);
    assert.deepEqual(warnings, ['test.cfg:4: duplicate key tickTime (overrides line 3)']);
  });
});

describe('parseZooCfg: errors name file, line and key', () => {
  it('a non-number', () => {
    const err = parseError(
      'dataDir=/d\nclientPort=2181\n# the tick\ntickTime=abc\n',
      'conf/zoo.cfg:4: tickTime: "abc" is not a number',
      'conf/zoo.cfg',
    );
    assert.equal(err.file, 'conf/zoo.cfg');
    assert.equal(err.line, 4);
    assert.equal(err.key, 'tickTime');
  });

  it('ports out of range', () => {
    parseError('dataDir=/d\nclientPort=-1\n', 'test.cfg:2: clientPort: "-1" is not a valid port (0-65535)');
    parseError('dataDir=/d\nclientPort=65536\n', 'test.cfg:2: clientPort: "65536" is not a valid port (0-65535)');
    parseError(`${BASE}admin.serverPort=99999\n`, 'test.cfg:3: admin.serverPort: "99999" is not a valid port (0-65535)');
    parseError(`${BASE}secureClientPort=x\n`, 'test.cfg:3: secureClientPort: "x" is not a number');
  });

  it('negative and out-of-range numbers', () => {
    parseError(`${BASE}maxClientCnxns=-5\n`, 'test.cfg:3: maxClientCnxns: "-5" must not be negative');
    parseError(`${BASE}tickTime=0\n`, 'test.cfg:3: tickTime: "0" must be at least 1');
    parseError(`${BASE}initLimit=99999999999\n`, 'test.cfg:3: initLimit: "99999999999" is out of range');
    parseError(`${BASE}preAllocSize=-1\n`, 'test.cfg:3: preAllocSize: "-1" must not be negative');
    parseError(`${BASE}minSessionTimeout=-2\n`, 'test.cfg:3: minSessionTimeout: "-2" must be at least -1');
    parseError(`${BASE}tickTime=2000 # two seconds\n`, 'test.cfg:3: tickTime: "2000 # two seconds" is not a number');
  });

  it('missing or empty dataDir', () => {
    parseError('clientPort=2181\n', 'test.cfg: dataDir: not set (it is required)');
    parseError('dataDir=\nclientPort=2181\n', 'test.cfg:1: dataDir: empty value');
  });

  it('clientPort rules', () => {
    parseError('dataDir=/d\n', 'test.cfg: clientPort: not set (a standalone server needs one)');
    parseError('dataDir=/d\nclientPortAddress=127.0.0.1\n', 'test.cfg:2: clientPortAddress: set, but clientPort is not set');
    parseError(`${BASE}secureClientPortAddress=0.0.0.0\n`, 'test.cfg:3: secureClientPortAddress: set, but secureClientPort is not set');
  });

  it('checks ZooKeeper validates even for ignored keys', () => {
    parseError(`${BASE}electionAlg=1\n`, 'test.cfg:3: electionAlg: only 3 is supported');
    parseError(`${BASE}peerType=leader\n`, /^test\.cfg:3: peerType: unknown peer type "leader"/);
    parseError(`${BASE}syncEnabled=maybe\n`, /^test\.cfg:3: syncEnabled: "maybe" is not a boolean/);
  });
});

describe('parseZooCfg: unknown and unsupported keys', () => {
  it('warns and keeps them in raw', () => {
    const { config, warnings } = parse(`${BASE}someFutureKey=42\nsecureClientPort=2281\nmetricsProvider.numWorkerThreads=2\n`);
    assert.deepEqual(warnings, [
      'test.cfg: unknown key someFutureKey at line 3, ignored',
      'test.cfg:4: secureClientPort is not supported by zkts, ignored',
      'test.cfg:5: metricsProvider.numWorkerThreads is not supported by zkts, ignored',
    ]);
    assert.equal(config.raw.get('someFutureKey'), '42');
    assert.equal(config.raw.get('secureClientPort'), '2281');
    assert.equal(config.raw.get('dataDir'), '/var/lib/zk');
  });
});

describe('parseZooCfg: AdminServer and metrics provider keys', () => {
  it('reads admin.* and metricsProvider.* and keeps the text for initial_configuration', () => {
    const text = `${BASE}admin.enableServer=false\nadmin.serverPort=0\nadmin.commandURL=/cmds\nadmin.idleTimeout=500\n` +
      'metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider\n' +
      'metricsProvider.httpHost=127.0.0.1\nmetricsProvider.httpPort=7001\nmetricsProvider.exportJvmInfo=false\n';
    const { config, warnings } = parse(text);
    assert.deepEqual(warnings, []);
    assert.equal(config.adminEnableServer, false);
    assert.equal(config.adminServerPort, 0);
    assert.equal(config.adminCommandUrl, '/cmds');
    assert.equal(config.adminIdleTimeoutMs, 500);
    assert.equal(config.metricsProviderClassName, 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider');
    assert.equal(config.metricsProviderHttpHost, '127.0.0.1');
    assert.equal(config.metricsProviderHttpPort, 7001);
    assert.equal(config.metricsProviderExportJvmInfo, false);
    assert.equal(config.initialConfig, text);
  });

  it('rejects values ZooKeeper could not use', () => {
    parseError(`${BASE}admin.commandURL=commands\n`, 'test.cfg:3: admin.commandURL: "commands" is not a URL path (it must start with "/")');
    parseError(`${BASE}admin.idleTimeout=-1\n`, 'test.cfg:3: admin.idleTimeout: "-1" must not be negative');
    parseError(`${BASE}metricsProvider.className=com.example.Nope\n`, /^test\.cfg:3: metricsProvider\.className: "com\.example\.Nope" is not available/);
    parseError(`${BASE}metricsProvider.httpPort=70000\n`, 'test.cfg:3: metricsProvider.httpPort: "70000" is not a valid port (0-65535)');
  });
});

describe('parseZooCfg: server.N', () => {
  const Q = 'dataDir=/d\ninitLimit=10\nsyncLimit=5\n';

  it('parses host:port:port, roles and client addresses', () => {
    const { config, warnings } = parse(
      Q +
        'server.3=zk3.example.com:2888:3888:observer;2183\n' +
        'server.1=10.0.0.1:2888:3888\n' +
        'server.2=10.0.0.2:2889:3889:PARTICIPANT;10.0.0.2:2182\n' +
        'server.4=[::1]:2890:3890;[::1]:2184\n' +
        'server.5=h5:2891:3891;\n',
    );
    assert.deepEqual(config.servers, [
      { id: 1, host: '10.0.0.1', quorumPort: 2888, electionPort: 3888, role: 'participant' },
      { id: 2, host: '10.0.0.2', quorumPort: 2889, electionPort: 3889, role: 'participant', clientAddress: '10.0.0.2', clientPort: 2182 },
      { id: 3, host: 'zk3.example.com', quorumPort: 2888, electionPort: 3888, role: 'observer', clientAddress: '0.0.0.0', clientPort: 2183 },
      { id: 4, host: '::1', quorumPort: 2890, electionPort: 3890, role: 'participant', clientAddress: '::1', clientPort: 2184 },
      { id: 5, host: 'h5', quorumPort: 2891, electionPort: 3891, role: 'participant' },
    ]);
    assert.equal(isDistributed(config), true);
    assert.deepEqual(warnings, ['test.cfg: 4 participants is non-optimal; consider an odd number of servers']);
  });

  it('rejects malformed server lines', () => {
    parseError(`${Q}server.1=h:2888:3888:leader\n`, 'test.cfg:4: server.1: unknown server role "leader" (expected participant or observer)');
    parseError(`${Q}server.1=h:2888\n`, /^test\.cfg:4: server\.1: "h:2888": expected host:quorumPort:electionPort/);
    parseError(`${Q}server.1=h:2888:x\n`, 'test.cfg:4: server.1: "h:2888:x": election port "x" is not a valid port (1-65535)');
    parseError(`${Q}server.1=h:2888:70000\n`, /election port "70000" is not a valid port/);
    parseError(`${Q}server.1=h:2888:2888\n`, /quorum port and election port must be different/);
    parseError(`${Q}server.one=h:2888:3888\n`, 'test.cfg:4: server.one: "one" is not a valid server id (a non-negative integer)');
    parseError(`${Q}server.1=h:2888:3888;a:b:2181\n`, /^test\.cfg:4: server\.1: .*expected host/);
    parseError(`${Q}server.1=a:1:2|b:1:2\n`, /multiAddress/);
    parseError(`${Q}dynamicConfigFile=zoo.cfg.dynamic\nserver.1=h:2888:3888\n`, /^test\.cfg:5: server\.1: must be in a separate dynamic config file/);
  });

  it('enforces ZooKeeper quorum rules', () => {
    parseError(`${Q}clientPort=1\nserver.1=h:1:2:observer\n`, /observers without participants/);
    parseError(`${Q}clientPort=1\nserver.1=h:1:2\nserver.2=h:3:4:observer\n`, /observers without a quorum/);
    parseError('dataDir=/d\nsyncLimit=5\nserver.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2\n', 'test.cfg: initLimit: not set (required when running a quorum)');
    parseError('dataDir=/d\ninitLimit=5\nsyncLimit=0\nserver.1=a:1:2\nserver.2=b:1:2\n', 'test.cfg:3: syncLimit: not set (required when running a quorum)');
    parseError('dataDir=/d\nclientPort=1\nstandaloneEnabled=false\n', /^test\.cfg:3: standaloneEnabled: false requires at least one participant/);
  });

  it('a single server line runs standalone (with a warning) unless standaloneEnabled=false', () => {
    const single = parse('dataDir=/d\nclientPort=2181\nserver.1=h:2888:3888\n');
    assert.equal(isDistributed(single.config), false);
    assert.deepEqual(single.warnings, ['test.cfg: only one server.N line; it is ignored and the server runs standalone']);
    const forced = parse(`${Q}standaloneEnabled=false\nserver.1=h:2888:3888;2181\n`);
    assert.equal(isDistributed(forced.config), true);
  });

  it('two participants get a fault-tolerance warning', () => {
    const { warnings } = parse(`${Q}server.1=a:1:2\nserver.2=b:1:2\n`);
    assert.deepEqual(warnings, ['test.cfg: 2 participants tolerate no server failure; you need at least 3 servers']);
  });
});

describe('sample and embedded configurations', () => {
  it('conf/zoo.cfg parses cleanly as a standalone config', () => {
    const { config, warnings } = loadZooCfg(join(repoRoot, 'conf/zoo.cfg'));
    assert.deepEqual(warnings, []);
    assert.equal(config.dataDir, './data');
    assert.equal(config.clientPort, 2181);
    assert.equal(config.tickTime, 2000);
    assert.equal(isDistributed(config), false);
  });

  it('conf/zoo-3node.cfg parses as a three-participant quorum on 127.0.0.1', () => {
    const { config, warnings } = loadZooCfg(join(repoRoot, 'conf/zoo-3node.cfg'));
    assert.deepEqual(warnings, []);
    assert.equal(isDistributed(config), true);
    assert.deepEqual(config.servers.map((s) => [s.id, s.host, s.role, s.clientPort]), [
      [1, '127.0.0.1', 'participant', 2181],
      [2, '127.0.0.1', 'participant', 2182],
      [3, '127.0.0.1', 'participant', 2183],
    ]);
    const ports = config.servers.flatMap((s) => [s.quorumPort, s.electionPort, s.clientPort]);
    assert.equal(new Set(ports).size, ports.length, 'all ports distinct');
  });

  it('the embedded default', () => {
    const { config, warnings } = loadEmbeddedDefaultZooCfg();
    assert.deepEqual(warnings, []);
    assert.equal(config.source, EMBEDDED_DEFAULT_SOURCE);
    assert.equal(config.clientPort, 2181);
    assert.equal(config.clientPortAddress, '127.0.0.1');
    assert.equal(config.tickTime, 2000);
    assert.equal(config.dataDir, './data');
    // The AdminServer on ZooKeeper's port, but reachable from this machine only.
    assert.equal(config.adminEnableServer, true);
    assert.equal(config.adminServerAddress, '127.0.0.1');
    assert.equal(config.adminServerPort, 8080);
    assert.equal(config.initialConfig, EMBEDDED_DEFAULT_ZOO_CFG);
    assert.equal(config.fourLetterWordWhitelist.size, KNOWN_FOUR_LETTER_WORDS.length);
    assert.deepEqual(parseZooCfg(EMBEDDED_DEFAULT_ZOO_CFG, 'x').config.clientPort, 2181);
  });

  it('loadZooCfg reads a file and reports unreadable ones as ZooCfgError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zkts-cfg-'));
    try {
      const path = join(dir, 'zoo.cfg');
      writeFileSync(path, 'dataDir=rel/dir\nclientPort=2181\nbogus=1\n');
      const { config, warnings } = loadZooCfg(path);
      assert.equal(config.dataDir, 'rel/dir');
      assert.equal(config.source, path);
      assert.deepEqual(warnings, [`${path}: unknown key bogus at line 3, ignored`]);
      assert.throws(() => loadZooCfg(join(dir, 'missing.cfg')), (err: unknown) =>
        err instanceof ZooCfgError && err.message === `${join(dir, 'missing.cfg')}: cannot read config file: file not found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
