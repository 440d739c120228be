/**
 * zoo.cfg reading: a Java-properties reader that keeps line numbers, and the
 * mapping from Apache ZooKeeper's zoo.cfg keys onto ServerConfig.
 *
 * Semantics follow ZooKeeper's QuorumPeerConfig where zkts supports a key;
 * values ZooKeeper would silently misread (e.g. `forceSync=false`) are errors
 * here, so a typo never changes behaviour unnoticed.
 */
import { readFileSync } from 'node:fs';
import {
  DEFAULT_METRICS_PROVIDER,
  defaultServerConfig,
  PROMETHEUS_METRICS_PROVIDER,
  type QuorumServerEntry,
  type ServerConfig,
} from './server-config.js';

/** Every four-letter word `4lw.commands.whitelist=*` enables. */
export const KNOWN_FOUR_LETTER_WORDS: readonly string[] = Object.freeze([
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk',
  'srst', 'srvr', 'stat', 'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash',
]);

/** ZooKeeper's tickTime when zoo.cfg does not set one (ZooKeeperServer.DEFAULT_TICK_TIME). */
export const ZOOKEEPER_DEFAULT_TICK_TIME = 3000;

/** The configuration `zkts start` runs with when it gets no --config. */
export const EMBEDDED_DEFAULT_ZOO_CFG = `# zkts embedded default configuration (used when "zkts start" has no --config)
tickTime=2000
# snapshots and transaction logs, relative to the working directory
dataDir=./data
clientPort=2181
clientPortAddress=127.0.0.1
4lw.commands.whitelist=*
# ZooKeeper's AdminServer (HTTP on port 8080, /commands/<name>), on the loopback address only
admin.serverAddress=127.0.0.1
`;

/** Source name used for EMBEDDED_DEFAULT_ZOO_CFG. */
export const EMBEDDED_DEFAULT_SOURCE = '<embedded default>';

export interface ZooCfgResult {
  config: ServerConfig;
  /** Human-readable notes about ignored or adjusted settings, each naming file and line. */
  warnings: string[];
}

/** One key=value pair as read, with the (1-based) line its logical line starts on. */
export interface ZooCfgEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** A zoo.cfg problem. The message is `file:line: key: problem` (line and key when known). */
export class ZooCfgError extends Error {
  override readonly name = 'ZooCfgError';
  readonly file: string;
  readonly line: number | undefined;
  readonly key: string | undefined;

  constructor(file: string, line: number | undefined, key: string | undefined, problem: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${key === undefined ? '' : `${key}: `}${problem}`);
    this.file = file;
    this.line = line;
    this.key = key;
  }
}

// ---------------------------------------------------------------------------
// Java .properties syntax

const PROPERTY_WHITESPACE = new Set([' ', '\t', '\f']);

function skipLeadingWhitespace(s: string): string {
  let i = 0;
  while (i < s.length && PROPERTY_WHITESPACE.has(s[i] as string)) i++;
  return s.slice(i);
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescapeProperty(s: string, file: string, line: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= s.length) break; // a lone trailing backslash disappears, as in Java
    const e = s[i] as string;
    switch (e) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        const hex = s.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new ZooCfgError(file, line, undefined, `malformed \\uxxxx escape "\\u${hex}"`);
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default: out += e;
    }
  }
  return out;
}

/**
 * Splits properties text into entries the way java.util.Properties.load does:
 * `#`/`!` comment lines, `key=value`, `key:value` or `key value`, backslash line
 * continuation and escapes. Keys and values are trimmed, as ZooKeeper trims them.
 * Duplicates are all returned, in file order.
 */
export function readProperties(text: string, sourceName: string): ZooCfgEntry[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\r|\n/);
  const entries: ZooCfgEntry[] = [];
  let i = 0;
  while (i < lines.length) {
    const startLine = i + 1;
    let natural = skipLeadingWhitespace(lines[i] as string);
    i++;
    if (natural === '' || natural[0] === '#' || natural[0] === '!') continue;
    let logical = '';
    for (;;) {
      if (!endsWithOddBackslashes(natural)) {
        logical += natural;
        break;
      }
      logical += natural.slice(0, -1);
      if (i >= lines.length) break;
      natural = skipLeadingWhitespace(lines[i] as string);
      i++;
    }

    let keyEnd = 0;
    let valueStart = logical.length;
    let hasSeparator = false;
    let precedingBackslash = false;
    while (keyEnd < logical.length) {
      const c = logical[keyEnd] as string;
      if (!precedingBackslash && (c === '=' || c === ':')) {
        valueStart = keyEnd + 1;
        hasSeparator = true;
        break;
      }
      if (!precedingBackslash && PROPERTY_WHITESPACE.has(c)) {
        valueStart = keyEnd + 1;
        break;
      }
      precedingBackslash = c === '\\' ? !precedingBackslash : false;
      keyEnd++;
    }
    while (valueStart < logical.length) {
      const c = logical[valueStart] as string;
      if (!PROPERTY_WHITESPACE.has(c)) {
        if (!hasSeparator && (c === '=' || c === ':')) hasSeparator = true;
        else break;
      }
      valueStart++;
    }
    const key = unescapeProperty(logical.slice(0, keyEnd), sourceName, startLine).trim();
    const value = unescapeProperty(logical.slice(valueStart), sourceName, startLine).trim();
    entries.push({ key, value, line: startLine });
  }
  return entries;
}

// ---------------------------------------------------------------------------
// Value parsing

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Java Integer.parseInt: optional sign, decimal digits, 32-bit range. */
function parseJavaInt(value: string): number | 'nan' | 'range' {
  if (!/^[+-]?\d+$/.test(value)) return 'nan';
  const n = Number(value);
  return n < INT_MIN || n > INT_MAX ? 'range' : n;
}

/** Java Integer.decode (used for -Djute.maxbuffer): decimal, 0x/0X/# hex, leading-0 octal. */
function decodeJavaInt(value: string): number | 'nan' | 'range' {
  const m = /^([+-]?)(0[xX]|#|0(?=\d))?([0-9a-fA-F]+)$/.exec(value);
  if (m === null) return 'nan';
  const [, sign, prefix, digits] = m as unknown as [string, string, string | undefined, string];
  const radix = prefix === undefined ? 10 : prefix === '0' ? 8 : 16;
  const allowed = radix === 10 ? /^\d+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
  if (!allowed.test(digits)) return 'nan';
  const n = parseInt(digits, radix) * (sign === '-' ? -1 : 1);
  return n < INT_MIN || n > INT_MAX ? 'range' : n;
}

/** Java Long.parseLong, limited to what a JS number holds exactly. */
function parseSafeLong(value: string): number | 'nan' | 'range' {
  if (!/^[+-]?\d+$/.test(value)) return 'nan';
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : 'range';
}

class EntryReader {
  constructor(
    readonly file: string,
    readonly entry: ZooCfgEntry,
  ) {}

  fail(problem: string): never {
    throw new ZooCfgError(this.file, this.entry.line, this.entry.key, problem);
  }

  nonEmpty(): string {
    if (this.entry.value === '') this.fail('empty value');
    return this.entry.value;
  }

  int(min = INT_MIN, parse: (v: string) => number | 'nan' | 'range' = parseJavaInt): number {
    const v = this.nonEmpty();
    const n = parse(v);
    if (n === 'nan') this.fail(`"${v}" is not a number`);
    if (n === 'range') this.fail(`"${v}" is out of range`);
    if (n < min) this.fail(min === 0 ? `"${v}" must not be negative` : `"${v}" must be at least ${min}`);
    return n;
  }

  port(min = 0): number {
    const v = this.nonEmpty();
    const n = parseJavaInt(v);
    if (n === 'nan') this.fail(`"${v}" is not a number`);
    if (n === 'range' || n < min || n > 65535) this.fail(`"${v}" is not a valid port (${min}-65535)`);
    return n;
  }

  bool(): boolean {
    const v = this.nonEmpty().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    this.fail(`"${this.entry.value}" is not a boolean (expected true or false)`);
  }

  yesNo(): boolean {
    const v = this.nonEmpty().toLowerCase();
    if (v === 'yes') return true;
    if (v === 'no') return false;
    this.fail(`"${this.entry.value}" is not valid (expected yes or no)`);
  }
}

/** autopurge.purgeInterval: a bare number means hours; ms/s/m/h/d suffixes as in ZooKeeper's Time.parseTimeInterval. */
function parsePurgeInterval(r: EntryReader): number {
  const v = r.nonEmpty();
  const m = /^(\d+)(ms|MS|[sSmMhHdD])?$/.exec(v);
  if (m === null) r.fail(`"${v}" is not a time interval (a number of hours, or a number with ms/s/m/h/d)`);
  const unit = (m[2] ?? 'h').toLowerCase();
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000;
  const ms = Number(m[1]) * factor;
  if (ms > INT_MAX) r.fail(`"${v}" is out of range`);
  return ms;
}

/** Splits `host:port[:...]`, allowing a bracketed IPv6 host (`[::1]:2888:3888`). */
function splitHostAndPorts(s: string, r: EntryReader): string[] {
  if (!s.startsWith('[')) return s.split(':');
  const close = s.indexOf(']');
  if (close < 0) r.fail(`"${s}": missing "]" after IPv6 address`);
  const host = s.slice(1, close);
  const rest = s.slice(close + 1);
  if (rest === '') return [host];
  if (!rest.startsWith(':')) r.fail(`"${s}": expected ":" after "]"`);
  return [host, ...rest.slice(1).split(':')];
}

const SERVER_FORMAT_HINT =
  'expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]';

function parsePortPart(r: EntryReader, text: string, what: string): number {
  const n = parseJavaInt(text);
  if (n === 'nan' || n === 'range' || n < 1 || n > 65535) {
    r.fail(`"${r.entry.value}": ${what} "${text}" is not a valid port (1-65535)`);
  }
  return n;
}

function parseServerEntry(r: EntryReader, warnings: string[]): QuorumServerEntry {
  const idText = r.entry.key.slice('server.'.length);
  if (!/^\d+$/.test(idText) || !Number.isSafeInteger(Number(idText))) {
    r.fail(`"${idText}" is not a valid server id (a non-negative integer)`);
  }
  const id = Number(idText);
  const value = r.nonEmpty();
  const parts = value.split(';');
  if (parts.length > 3) r.fail(`"${value}": ${SERVER_FORMAT_HINT}`);
  const serverPart = parts[0] as string;
  if (serverPart.includes('|')) {
    r.fail(`"${value}": multiple quorum addresses (multiAddress) are not supported by zkts`);
  }
  const sp = splitHostAndPorts(serverPart, r);
  if (sp.length < 3 || sp.length > 4) r.fail(`"${value}": ${SERVER_FORMAT_HINT}`);
  const host = sp[0] as string;
  if (host === '') r.fail(`"${value}": missing host`);
  const quorumPort = parsePortPart(r, sp[1] as string, 'quorum port');
  const electionPort = parsePortPart(r, sp[2] as string, 'election port');
  if (quorumPort === electionPort) {
    r.fail(`"${value}": quorum port and election port must be different`);
  }
  let role: QuorumServerEntry['role'] = 'participant';
  if (sp.length === 4) {
    const roleText = (sp[3] as string).trim().toLowerCase();
    if (roleText === 'participant' || roleText === 'observer') role = roleText;
    else r.fail(`unknown server role "${sp[3] as string}" (expected participant or observer)`);
  }
  const entry: QuorumServerEntry = { id, host, quorumPort, electionPort, role };
  const clientPart = parts[1];
  if (clientPart !== undefined && clientPart !== '') {
    const cp = splitHostAndPorts(clientPart, r);
    if (cp.length > 2) r.fail(`"${value}": ${SERVER_FORMAT_HINT}`);
    entry.clientAddress = cp.length === 2 ? (cp[0] as string) : '0.0.0.0';
    if (entry.clientAddress === '') r.fail(`"${value}": empty client host`);
    entry.clientPort = parsePortPart(r, cp[cp.length - 1] as string, 'client port');
  }
  const securePart = parts[2];
  if (securePart !== undefined && securePart !== '') {
    warnings.push(`${r.file}:${r.entry.line}: ${r.entry.key}: secure client address "${securePart}" ignored (zkts has no TLS)`);
  }
  return entry;
}

// ---------------------------------------------------------------------------
// Key table

/** ZooKeeper settings zkts accepts but does not act on (a warning, not an error). */
const UNSUPPORTED_KEYS = new Set([
  'secureClientPort', 'secureClientPortAddress', 'dynamicConfigFile', 'observerMasterPort',
  'connectToLearnerMasterLimit', 'quorumListenOnAllIPs', 'syncEnabled', 'peerType', 'electionAlg',
  'localSessionsEnabled', 'localSessionsUpgradingEnabled', 'sslQuorum', 'portUnification',
  'sslQuorumReloadCertFiles', 'quorum.cnxn.threads.size', 'oraclePath', 'electionPortBindRetry',
  'skipACL', 'maxCnxns', 'serverCnxnFactory', 'snapshot.trust.empty', 'commitLogCount',
  'snapSizeLimitInKb', 'txnLogSizeLimitInKb', 'fsync.warningthresholdms', 'syncLimit.ms',
  'requestThrottleLimit', 'connection_throttle_tokens', 'audit.enable',
]);
const UNSUPPORTED_PREFIXES = [
  'quorum.auth.', 'jvm.pause.', 'metricsProvider.', 'multiAddress.', 'ssl.', 'authProvider.',
  'admin.', 'group.', 'weight.', 'kerberos.',
];

/**
 * ZooKeeper turns zoo.cfg keys it does not parse into "zookeeper.<key>" system
 * properties, so this line sets its DigestAuthenticationProvider's super digest.
 */
const SUPER_DIGEST_KEY = 'DigestAuthenticationProvider.superDigest';

const HANDLED_KEYS = new Set([
  'tickTime', 'dataDir', 'dataLogDir', 'clientPort', 'clientPortAddress', 'maxClientCnxns',
  'minSessionTimeout', 'maxSessionTimeout', '4lw.commands.whitelist', 'jute.maxbuffer',
  'globalOutstandingLimit', 'initLimit', 'syncLimit', 'snapCount', 'preAllocSize', 'forceSync',
  'extendedTypesEnabled', 'standaloneEnabled', 'reconfigEnabled', 'admin.enableServer',
  'admin.serverPort', 'admin.serverAddress', 'autopurge.snapRetainCount', 'autopurge.purgeInterval',
  'clientPortListenBacklog', SUPER_DIGEST_KEY, 'admin.commandURL', 'admin.idleTimeout', 'metricsProvider.className',
  'metricsProvider.httpHost', 'metricsProvider.httpPort', 'metricsProvider.exportJvmInfo',
  'enforceQuota', 'digest.enabled', 'znode.container.checkIntervalMs', 'znode.container.maxPerMinute',
  'znode.container.maxNeverUsedIntervalMs',
]);

/** True when the servers list makes this a quorum (ZooKeeper's QuorumPeerConfig.isDistributed). */
export function isDistributed(config: ServerConfig): boolean {
  const participants = config.servers.filter((s) => s.role === 'participant').length;
  return config.servers.length > 0 ? !config.standaloneEnabled || participants > 1 : !config.standaloneEnabled;
}

/** Parses zoo.cfg text. Throws ZooCfgError on the first bad value. */
export function parseZooCfg(text: string, sourceName: string): ZooCfgResult {
  const file = sourceName;
  const warnings: string[] = [];
  const entries = readProperties(text, file);

  // Last occurrence wins, as with java.util.Properties.
  const byKey = new Map<string, ZooCfgEntry>();
  for (const e of entries) {
    const previous = byKey.get(e.key);
    if (previous !== undefined) {
      warnings.push(`${file}:${e.line}: duplicate key ${e.key} (overrides line ${previous.line})`);
    }
    byKey.set(e.key, e);
  }
  const reader = (key: string): EntryReader | undefined => {
    const e = byKey.get(key);
    return e === undefined ? undefined : new EntryReader(file, e);
  };
  const raw = new Map<string, string>();
  for (const [k, e] of byKey) raw.set(k, e.value);

  const config = defaultServerConfig({ source: file, raw, initialConfig: text });

  // tickTime first: the session timeout defaults derive from it.
  const tick = reader('tickTime');
  config.tickTime = tick === undefined ? ZOOKEEPER_DEFAULT_TICK_TIME : tick.int(1);

  const dataDir = reader('dataDir');
  if (dataDir === undefined) throw new ZooCfgError(file, undefined, 'dataDir', 'not set (it is required)');
  config.dataDir = dataDir.nonEmpty();
  config.dataLogDir = reader('dataLogDir')?.nonEmpty() ?? config.dataDir;

  const clientPort = reader('clientPort');
  const clientPortAddress = reader('clientPortAddress');
  if (clientPort !== undefined) config.clientPort = clientPort.port();
  if (clientPortAddress !== undefined) {
    if (clientPort === undefined) clientPortAddress.fail('set, but clientPort is not set');
    config.clientPortAddress = clientPortAddress.nonEmpty();
  } else {
    // ZooKeeper binds the wildcard address when only clientPort is given.
    config.clientPortAddress = '0.0.0.0';
  }

  const secureClientPort = reader('secureClientPort');
  const secureClientPortAddress = reader('secureClientPortAddress');
  if (secureClientPort !== undefined) secureClientPort.port();
  if (secureClientPortAddress !== undefined && secureClientPort === undefined) {
    secureClientPortAddress.fail('set, but secureClientPort is not set');
  }

  const maxClientCnxns = reader('maxClientCnxns');
  if (maxClientCnxns !== undefined) config.maxClientCnxns = maxClientCnxns.int(0);

  // -1 means "derive from tickTime", as in ZooKeeper.
  const minTo = reader('minSessionTimeout');
  const maxTo = reader('maxSessionTimeout');
  const minValue = minTo === undefined ? -1 : minTo.int(-1);
  const maxValue = maxTo === undefined ? -1 : maxTo.int(-1);
  config.minSessionTimeout = minValue === -1 ? config.tickTime * 2 : minValue;
  config.maxSessionTimeout = maxValue === -1 ? config.tickTime * 20 : maxValue;
  if (config.minSessionTimeout > config.maxSessionTimeout) {
    const where = minTo ?? (maxTo as EntryReader);
    where.fail(
      `minSessionTimeout (${config.minSessionTimeout}) must not be larger than maxSessionTimeout (${config.maxSessionTimeout})`,
    );
  }

  const whitelist = reader('4lw.commands.whitelist');
  const words = new Set<string>();
  if (whitelist !== undefined) {
    for (const item of whitelist.entry.value.split(',')) {
      const word = item.trim();
      if (word === '') continue;
      if (word === '*') {
        for (const w of KNOWN_FOUR_LETTER_WORDS) words.add(w);
      } else if (KNOWN_FOUR_LETTER_WORDS.includes(word)) {
        words.add(word);
      } else {
        warnings.push(`${file}:${whitelist.entry.line}: 4lw.commands.whitelist: unknown four-letter word "${word}", ignored`);
      }
    }
  }
  words.add('srvr'); // ZooKeeper always enables srvr (zkServer.sh status needs it)
  config.fourLetterWordWhitelist = words;

  const jute = reader('jute.maxbuffer');
  if (jute !== undefined) config.juteMaxBuffer = jute.int(1, decodeJavaInt);

  const gol = reader('globalOutstandingLimit');
  if (gol !== undefined) config.globalOutstandingLimit = gol.int(0);

  const initLimit = reader('initLimit');
  const syncLimit = reader('syncLimit');
  if (initLimit !== undefined) config.initLimit = initLimit.int(0);
  if (syncLimit !== undefined) config.syncLimit = syncLimit.int(0);

  const snapCount = reader('snapCount');
  if (snapCount !== undefined) {
    config.snapCount = snapCount.int();
    if (config.snapCount < 2) {
      warnings.push(`${file}:${snapCount.entry.line}: snapCount ${config.snapCount} is below 2, using 2`);
      config.snapCount = 2;
    }
  }

  const preAlloc = reader('preAllocSize');
  if (preAlloc !== undefined) {
    const kib = preAlloc.nonEmpty();
    if (!/^\+?\d+$/.test(kib)) {
      preAlloc.fail(/^-\d+$/.test(kib) ? `"${kib}" must not be negative` : `"${kib}" is not a number`);
    }
    const bytes = Number(kib) * 1024; // zoo.cfg gives preAllocSize in KiB
    if (!Number.isSafeInteger(bytes)) preAlloc.fail(`"${kib}" is out of range`);
    config.preAllocSize = bytes;
  }

  const forceSync = reader('forceSync');
  if (forceSync !== undefined) config.forceSync = forceSync.yesNo();
  const extended = reader('extendedTypesEnabled');
  if (extended !== undefined) config.extendedTypesEnabled = extended.bool();
  // ZooKeeper reads these as JVM properties; an unknown zoo.cfg key becomes the property
  // "zookeeper.<key>", so enforceQuota=true works there too, the container keys do not.
  const enforceQuota = reader('enforceQuota');
  if (enforceQuota !== undefined) config.enforceQuota = enforceQuota.bool();
  const digestEnabled = reader('digest.enabled');
  if (digestEnabled !== undefined) config.digestEnabled = digestEnabled.bool();
  const containerInterval = reader('znode.container.checkIntervalMs');
  if (containerInterval !== undefined) config.containerCheckIntervalMs = containerInterval.int(1);
  const containerRate = reader('znode.container.maxPerMinute');
  if (containerRate !== undefined) config.containerMaxPerMinute = containerRate.int(1);
  const neverUsed = reader('znode.container.maxNeverUsedIntervalMs');
  if (neverUsed !== undefined) config.containerMaxNeverUsedIntervalMs = neverUsed.int(0, parseSafeLong);
  const standalone = reader('standaloneEnabled');
  if (standalone !== undefined) config.standaloneEnabled = standalone.bool();
  const superDigest = reader(SUPER_DIGEST_KEY);
  if (superDigest !== undefined) config.superDigest = superDigest.nonEmpty();
  const reconfig = reader('reconfigEnabled');
  if (reconfig !== undefined) config.reconfigEnabled = reconfig.bool();

  // ZooKeeper runs its AdminServer unless admin.enableServer=false.
  const adminEnable = reader('admin.enableServer');
  config.adminEnableServer = adminEnable === undefined ? true : adminEnable.bool();
  const adminPort = reader('admin.serverPort');
  if (adminPort !== undefined) config.adminServerPort = adminPort.port();
  const adminAddress = reader('admin.serverAddress');
  if (adminAddress !== undefined) config.adminServerAddress = adminAddress.nonEmpty();
  const commandUrl = reader('admin.commandURL');
  if (commandUrl !== undefined) {
    const url = commandUrl.nonEmpty();
    if (!url.startsWith('/') || /[\s?#]/.test(url)) commandUrl.fail(`"${url}" is not a URL path (it must start with "/")`);
    config.adminCommandUrl = url;
  }
  const idle = reader('admin.idleTimeout');
  if (idle !== undefined) config.adminIdleTimeoutMs = idle.int(0);

  const metricsClass = reader('metricsProvider.className');
  if (metricsClass !== undefined) {
    const name = metricsClass.nonEmpty();
    if (name !== DEFAULT_METRICS_PROVIDER && name !== PROMETHEUS_METRICS_PROVIDER) {
      metricsClass.fail(`"${name}" is not available (zkts has ${DEFAULT_METRICS_PROVIDER} and ${PROMETHEUS_METRICS_PROVIDER})`);
    }
    config.metricsProviderClassName = name;
  }
  const metricsHost = reader('metricsProvider.httpHost');
  if (metricsHost !== undefined) config.metricsProviderHttpHost = metricsHost.nonEmpty();
  const metricsPort = reader('metricsProvider.httpPort');
  if (metricsPort !== undefined) config.metricsProviderHttpPort = metricsPort.port();
  const exportJvm = reader('metricsProvider.exportJvmInfo');
  if (exportJvm !== undefined) config.metricsProviderExportJvmInfo = exportJvm.bool();

  const retain = reader('autopurge.snapRetainCount');
  if (retain !== undefined) {
    config.autopurgeSnapRetainCount = retain.int();
    if (config.autopurgeSnapRetainCount < 3) {
      warnings.push(
        `${file}:${retain.entry.line}: autopurge.snapRetainCount ${config.autopurgeSnapRetainCount} is below 3, using 3`,
      );
      config.autopurgeSnapRetainCount = 3;
    }
  }
  const purge = reader('autopurge.purgeInterval');
  if (purge !== undefined) config.autopurgePurgeIntervalMs = parsePurgeInterval(purge);

  const backlog = reader('clientPortListenBacklog');
  if (backlog !== undefined) config.clientPortListenBacklog = backlog.int(-1);

  // Keys ZooKeeper validates even though zkts ignores them.
  const electionAlg = reader('electionAlg');
  if (electionAlg !== undefined && electionAlg.int() !== 3) electionAlg.fail('only 3 is supported');
  const peerType = reader('peerType');
  if (peerType !== undefined && !['observer', 'participant'].includes(peerType.entry.value.toLowerCase())) {
    peerType.fail(`unknown peer type "${peerType.entry.value}" (expected participant or observer)`);
  }
  for (const key of ['localSessionsEnabled', 'localSessionsUpgradingEnabled', 'quorumListenOnAllIPs', 'syncEnabled',
    'sslQuorum', 'portUnification', 'sslQuorumReloadCertFiles']) {
    reader(key)?.bool();
  }

  // server.N lines, in id order.
  const dynamicConfigFile = byKey.get('dynamicConfigFile');
  const servers: QuorumServerEntry[] = [];
  for (const e of byKey.values()) {
    if (!e.key.startsWith('server.')) continue;
    const r = new EntryReader(file, e);
    if (dynamicConfigFile !== undefined) r.fail('must be in a separate dynamic config file when dynamicConfigFile is set');
    servers.push(parseServerEntry(r, warnings));
  }
  servers.sort((a, b) => a.id - b.id);
  config.servers = servers;

  const participants = servers.filter((s) => s.role === 'participant').length;
  const observers = servers.length - participants;
  if (participants === 0) {
    if (!config.standaloneEnabled) {
      throw new ZooCfgError(file, standalone?.entry.line, 'standaloneEnabled',
        'false requires at least one participant server.N line');
    }
    if (observers > 0) throw new ZooCfgError(file, undefined, 'server.N', 'observers without participants is an invalid configuration');
  } else if (participants === 1 && config.standaloneEnabled) {
    if (observers > 0) throw new ZooCfgError(file, undefined, 'server.N', 'observers without a quorum is an invalid configuration');
    warnings.push(`${file}: only one server.N line; it is ignored and the server runs standalone`);
  } else if (participants <= 2) {
    warnings.push(`${file}: ${participants} participants tolerate no server failure; you need at least 3 servers`);
  } else if (participants % 2 === 0) {
    warnings.push(`${file}: ${participants} participants is non-optimal; consider an odd number of servers`);
  }

  if (isDistributed(config)) {
    if (config.initLimit === 0 || initLimit === undefined) {
      throw new ZooCfgError(file, initLimit?.entry.line, 'initLimit', 'not set (required when running a quorum)');
    }
    if (config.syncLimit === 0 || syncLimit === undefined) {
      throw new ZooCfgError(file, syncLimit?.entry.line, 'syncLimit', 'not set (required when running a quorum)');
    }
  } else if (clientPort === undefined) {
    throw new ZooCfgError(file, undefined, 'clientPort', 'not set (a standalone server needs one)');
  }

  // Everything else: warn, keep in raw.
  for (const e of byKey.values()) {
    if (HANDLED_KEYS.has(e.key) || e.key.startsWith('server.')) continue;
    if (UNSUPPORTED_KEYS.has(e.key) || UNSUPPORTED_PREFIXES.some((p) => e.key.startsWith(p))) {
      warnings.push(`${file}:${e.line}: ${e.key} is not supported by zkts, ignored`);
    } else {
      warnings.push(`${file}: unknown key ${e.key} at line ${e.line}, ignored`);
    }
  }

  return { config, warnings };
}

/** Reads and parses a zoo.cfg file. A relative dataDir stays relative (to the working directory), as in ZooKeeper. */
export function loadZooCfg(path: string): ZooCfgResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new ZooCfgError(path, undefined, undefined, `cannot read config file: ${reason}`);
  }
  return parseZooCfg(text, path);
}

/** Parses EMBEDDED_DEFAULT_ZOO_CFG. */
export function loadEmbeddedDefaultZooCfg(): ZooCfgResult {
  return parseZooCfg(EMBEDDED_DEFAULT_ZOO_CFG, EMBEDDED_DEFAULT_SOURCE);
}
