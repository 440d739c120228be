/**
 * zkCli.sh (ZooKeeper 3.8) for the commands of the newer opcodes: addauth + setAcl +
 * getAcl (digest, ip, auth; NoAuth messages), create -c and create -t, addWatch
 * (-m PERSISTENT / PERSISTENT_RECURSIVE), removewatches, setquota / listquota /
 * delquota, getEphemerals, getAllChildrenNumber, whoami, config, sync, stat -w and
 * ls -w. Each case is a zkCli script (one session; a second session where the case
 * needs one). zkts must print what Apache ZooKeeper printed, after masking what
 * differs between two servers by nature (see mask()); ZooKeeper is started as the
 * oracle even when only zkts is a target. Key lines are also asserted on both.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { oracleAndTargetsForSuite, targets, type TargetName } from './support/servers.js';
import { transcriptDiff } from './support/opcode-transcript.js';
import { cliScript, type CliResult } from './support/zkcli.js';

const CONTAINER_CHECK_MS = 300;
const digestId = (user: string, password: string): string =>
  `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;
const ALICE = digestId('alice', 'secret');

/**
 * What two servers print differently by nature: zxids become relative to the first
 * zxid the script printed, times and session ids are replaced, watch notifications
 * (printed by zkCli's event thread, racing the command output) are moved to a sorted
 * block at the end, and lists the server returns in Java hash order are sorted.
 */
function mask(r: CliResult): string[] {
  let first: bigint | undefined;
  const events: string[] = [];
  const out: string[] = [];
  for (const line of r.lines) {
    if (line.startsWith('WatchedEvent ')) {
      events.push(line);
      continue;
    }
    let m = /^(cZxid|mZxid|pZxid) = (0x[0-9a-f]+)$/.exec(line);
    if (m) {
      const z = BigInt(m[2]!);
      first ??= z;
      const d = z - first;
      out.push(`${m[1]} = z${d >= 0n ? '+' : ''}${d}`);
      continue;
    }
    m = /^(ctime|mtime) = (.+)$/.exec(line);
    if (m) {
      out.push(`${m[1]} = ${m[2] === 'Thu Jan 01 00:00:00 UTC 1970' ? m[2] : '<time>'}`);
      continue;
    }
    m = /^ephemeralOwner = (0x[0-9a-f]+)$/.exec(line);
    if (m) {
      out.push(`ephemeralOwner = ${m[1] === '0x0' ? '0x0' : '<session>'}`);
      continue;
    }
    out.push(line);
  }
  return [...out, ...(events.length > 0 ? ['--- watch events (sorted) ---', ...events.sort()] : [])];
}

/** A "[a, b]" list line with its items sorted (getEphemerals lists a hash set). */
function sortList(line: string): string {
  if (!/^\[.*\]$/.test(line)) return line;
  const inner = line.slice(1, -1);
  return inner === '' ? line : `[${inner.split(', ').sort().join(', ')}]`;
}

interface Case {
  name: string;
  /** The scripts to run, in order, each in its own zkCli session. */
  scripts(b: string): string[][];
  /** Post-masking tweak for output whose order the server leaves unspecified. */
  normalize?: (lines: string[], script: number) => string[];
  facts(out: string[][], b: string): void;
}

function has(lines: string[], line: string, what: string): void {
  assert.ok(lines.includes(line), `${what}: expected the line ${JSON.stringify(line)} in:\n${lines.join('\n')}`);
}

function lacks(lines: string[], pred: (l: string) => boolean, what: string): void {
  const hit = lines.find(pred);
  assert.ok(hit === undefined, `${what}: unexpected line ${JSON.stringify(hit)} in:\n${lines.join('\n')}`);
}

const ACLS: Case = {
  name: 'addauth, setAcl, getAcl: digest, ip and auth ids; masking and NoAuth messages',
  scripts: (b) => [
    [
      'addauth digest alice:secret',
      `create ${b}`,
      `create ${b}/d secret digest:${ALICE}:cdrwa`,
      `getAcl ${b}/d`,
      `getAcl -s ${b}/d`,
      `setAcl -v 0 ${b}/d digest:${ALICE}:cdrwa,world:anyone:r`,
      `setAcl -v 0 ${b}/d world:anyone:cdrwa`,
      `getAcl ${b}/d`,
      `create ${b}/ip x ip:127.0.0.1:cdrwa`,
      `getAcl ${b}/ip`,
      `create ${b}/au x auth::cdrwa`,
      `getAcl ${b}/au`,
      `create ${b}/far x ip:10.0.0.1:cdrwa`,
      `get ${b}/far`,
      `setAcl ${b}/none world:anyone:r`,
      `create ${b}/bad x ip:1.2.3.4/99:cdrwa`,
      `create ${b}/bad2 x nosuch:x:cdrwa`,
      `setAcl -s ${b}/ip ip:127.0.0.1:rw`,
      // -R walks the subtree breadth first in the server's child order: one chain only
      `create ${b}/R`,
      `create ${b}/R/x x digest:${ALICE}:cdrwa`,
      `setAcl -R ${b}/R world:anyone:r`,
      `getAcl ${b}/R/x`,
    ],
    [
      `getAcl ${b}/d`,
      `get ${b}/d`,
      `set ${b}/d x`,
      `getAcl ${b}/au`,
      `setAcl ${b}/au world:anyone:r`,
      `create ${b}/au/x`,
      `get ${b}/ip`,
      'addauth digest alice:wrong',
      `get ${b}/au`,
      `create ${b}/mine x auth::cdrwa`,
      'addauth digest alice:secret',
      `get ${b}/au`,
    ],
  ],
  facts([owner, other], b) {
    has(owner!, "'digest,'" + ALICE, 'the owner sees the full digest id');
    has(owner!, ': cdrwa', 'perms');
    has(owner!, 'version No is not valid : ' + `${b}/d`, 'setAcl -v with a stale version');
    has(owner!, "'ip,'127.0.0.1", 'ip id');
    has(owner!, 'Insufficient permission : ' + `${b}/far`, 'ip:10.0.0.1 does not match');
    has(owner!, `Node does not exist: ${b}/none`, 'setAcl on a missing node');
    has(owner!, `Acl is not valid : ${b}/bad`, 'a bad ip ACL');
    has(owner!, "'world,'anyone", 'setAcl -R reached the child');
    has(other!, "'digest,'alice:x", 'masked digest id without ADMIN');
    has(other!, 'secret', 'world:anyone:r lets anyone read');
    has(other!, `Insufficient permission : ${b}/d`, 'set without WRITE');
    has(other!, `Insufficient permission : ${b}/au`, 'getAcl without READ or ADMIN');
    has(other!, 'x', 'ip:127.0.0.1 lets this client read');
  },
};

const CREATE_NO_TTL: Case = {
  name: 'create -c and create -t without extendedTypesEnabled',
  scripts: (b) => [
    [
      `create ${b}`,
      `create -c ${b}/c cdata`,
      `stat ${b}/c`,
      `create ${b}/c/kid`,
      `create -t 1000 ${b}/t tdata`,
      `create -t 1000 -s ${b}/ts- x`,
      `create -t 0 ${b}/t0`,
      `create -t 1000 -e ${b}/te`,
      `create -c -e ${b}/ce`,
      `ls ${b}`,
    ],
  ],
  facts([out], b) {
    has(out!, `Created ${b}/c`, 'create -c');
    has(out!, 'ephemeralOwner = 0x0', 'a container shows no owner');
    has(out!, `Created ${b}/c/kid`, 'child of a container');
    lacks(out!, (l) => l === `Created ${b}/t`, 'no TTL node without extendedTypesEnabled');
  },
};

const CREATE_TTL: Case = {
  name: 'create -t and create -c with extendedTypesEnabled: created, then expired by the server',
  scripts: (b) => [
    [`create ${b}`, `create -t 200 ${b}/t tdata`, `stat ${b}/t`, `create -t 60000 -s ${b}/ts- x`, `create -c ${b}/c`, `create ${b}/c/kid`, `delete ${b}/c/kid`, `create -t 0 ${b}/t0`],
    ['sleep'],
    [`stat ${b}/t`, `stat ${b}/c`, `ls ${b}`],
  ],
  facts([made, , later], b) {
    has(made!, `Created ${b}/t`, 'create -t');
    has(made!, `Created ${b}/ts-0000000001`, 'create -t -s');
    has(made!, 'ephemeralOwner = 0x0', 'a TTL node shows no owner');
    has(later!, `Node does not exist: ${b}/t`, 'the TTL node expired');
    has(later!, `Node does not exist: ${b}/c`, 'the emptied container went');
    has(later!, '[ts-0000000001]', 'only the long-lived TTL node is left');
  },
};

const ADD_WATCH: Case = {
  name: 'addWatch -m PERSISTENT / PERSISTENT_RECURSIVE (default), removewatches, stat -w, ls -w, get -w',
  scripts: (b) => [
    [
      `create ${b}`,
      `addWatch ${b}/r`,
      `addWatch -m PERSISTENT ${b}/p`,
      `addWatch -m NOSUCH ${b}/x`,
      `create ${b}/r`,
      `create ${b}/r/c`,
      `set ${b}/r/c x`,
      `delete ${b}/r/c`,
      `create ${b}/p`,
      `set ${b}/p y`,
      `create ${b}/p/k`,
      `set ${b}/p/k z`,
      `delete ${b}/p/k`,
      `removewatches ${b}/p -a`,
      `set ${b}/p after-removal`,
      `removewatches ${b}/r`,
      `create ${b}/r/after-removal`,
      `stat -w ${b}/s`,
      `create ${b}/s`,
      `ls -w ${b}`,
      `create ${b}/n`,
      `get -w ${b}/n`,
      `ls -w ${b}/n`,
      `removewatches ${b}/n -d`,
      `removewatches ${b}/n -d`,
      `removewatches ${b}/n -c`,
      `set ${b}/n changed`,
      `get -w ${b}/n`,
      `removewatches ${b}/n -a -l`,
      `set ${b}/n again`,
      `removewatches ${b}/none -a`,
      `ls -s -w ${b}`,
      `delete ${b}/s`,
    ],
  ],
  facts([out], b) {
    const ev = (type: string, path: string): string => `WatchedEvent state:SyncConnected type:${type} path:${path}`;
    has(out!, ev('NodeCreated', `${b}/r/c`), 'recursive: child created');
    has(out!, ev('NodeDataChanged', `${b}/r/c`), 'recursive: child data');
    has(out!, ev('NodeDeleted', `${b}/r/c`), 'recursive: child deleted');
    lacks(out!, (l) => l === ev('NodeChildrenChanged', `${b}/r`), 'recursive: no NodeChildrenChanged');
    has(out!, ev('NodeChildrenChanged', `${b}/p`), 'persistent: children changed');
    has(out!, ev('NodeDataChanged', `${b}/p`), 'persistent: data changed');
    has(out!, ev('PersistentWatchRemoved', `${b}/p`), 'removewatches reports the removal');
    lacks(out!, (l) => l === ev('NodeCreated', `${b}/r/after-removal`), 'no event after removewatches');
    has(out!, ev('NodeCreated', `${b}/s`), 'stat -w');
    has(out!, ev('NodeChildrenChanged', b), 'ls -w');
    has(out!, ev('DataWatchRemoved', `${b}/n`), 'removewatches -d');
    has(out!, ev('ChildWatchRemoved', `${b}/n`), 'removewatches -c');
  },
};

const QUOTA: Case = {
  name: 'setquota -n/-b/-N/-B, listquota, delquota',
  scripts: (b) => [
    [
      `create ${b} 12345`,
      `create ${b}/a abc`,
      `setquota -n 2 ${b}`,
      `listquota ${b}`,
      `create ${b}/c`,
      `create ${b}/d`,
      `listquota ${b}`,
      `setquota -b 10 ${b}`,
      `listquota ${b}`,
      `setquota -n 5 ${b}/a`,
      `delquota -n ${b}`,
      `listquota ${b}`,
      `delquota ${b}`,
      `listquota ${b}`,
      `setquota -N 3 -B 100 ${b}`,
      `setquota -N 3 ${b}`,
      `listquota ${b}`,
      `create ${b}/e`,
      `delquota -N ${b}`,
      `listquota ${b}`,
      `delquota ${b}`,
      `listquota ${b}`,
      `setquota -n 0 ${b}`,
      `setquota -n 2 /zookeeper/quota`,
      `delquota ${b}/none`,
      `ls /zookeeper/quota`,
    ],
  ],
  facts([out], b) {
    has(out!, `absolute path is /zookeeper/quota${b}/zookeeper_limits`, 'listquota header');
    // (sic: ZooKeeper 3.8's StatsTrack prints "=;" before the hard limits)
    has(out!, 'Output quota for ' + `${b} count=2,bytes=-1=;byteHardLimit=-1;countHardLimit=-1`, 'soft count quota');
    has(out!, 'Output quota for ' + `${b} count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=3`, 'hard count quota');
    has(out!, `${b}/a has a parent ${b} which has a quota`, 'nested quota refused');
    has(out!, 'Output stat for ' + `${b} count=2,bytes=8`, 'stats computed when the quota is set');
    has(out!, 'Output stat for ' + `${b} count=4,bytes=8`, 'stats follow creates (soft limit not enforced)');
    has(out!, `quota for ${b} does not exist.`, 'after delquota');
  },
};

const QUOTA_ENFORCED: Case = {
  name: 'setquota -N/-B with zookeeper.enforceQuota=true: "Quota has exceeded"',
  scripts: (b) => [
    [
      `create ${b}`,
      `setquota -N 2 ${b}`,
      `create ${b}/a`,
      `create ${b}/b`,
      `listquota ${b}`,
      `delquota -N ${b}`,
      `setquota -B 4 ${b}`,
      `set ${b} 12345`,
      `set ${b} 1234`,
      `listquota ${b}`,
      `delquota ${b}`,
      `create ${b}/c 123456`,
    ],
  ],
  facts([out], b) {
    has(out!, `Created ${b}/a`, 'within the hard count');
    has(out!, `Quota has exceeded : ${b}/b`, 'over the hard count');
    has(out!, `Quota has exceeded : ${b}`, 'over the hard byte limit');
    has(out!, `Created ${b}/c`, 'no limit after delquota');
  },
};

const MISC: Case = {
  name: 'getEphemerals, getAllChildrenNumber, whoami, config, sync',
  scripts: (b) => [
    [
      `create ${b}`,
      `create ${b}/sub`,
      `create -e ${b}/e1`,
      `create -e ${b}/sub/e2`,
      `create -e -s ${b}/sub-`,
      `getEphemerals`,
      `getEphemerals ${b}/sub`,
      `getEphemerals ${b}/none`,
      `getAllChildrenNumber ${b}`,
      `getAllChildrenNumber ${b}/sub`,
      `getAllChildrenNumber ${b}/none`,
      'config',
      'config -s',
      `sync ${b}`,
      `sync ${b}/none`,
      'sync noslash',
      'reconfig -add server.2=127.0.0.1:2888:3888;2181',
    ],
    ['whoami', 'addauth digest bob:pw', 'whoami'],
  ],
  // getEphemerals lists a hash set; whoami lists a connection's ids in hash-set order
  normalize: (lines, script) => (script === 1 ? [...lines].sort() : lines.map(sortList)),
  facts([out, who], b) {
    has(out!, `[${[`${b}/e1`, `${b}/sub-0000000002`, `${b}/sub/e2`].sort().join(', ')}]`, 'getEphemerals');
    has(out!, `[${[`${b}/sub-0000000002`, `${b}/sub/e2`].sort().join(', ')}]`, 'getEphemerals with a prefix');
    has(out!, 'KeeperErrorCode = Reconfig is disabled', 'reconfig');
    has(out!, '4', 'getAllChildrenNumber');
    has(out!, `Node does not exist: ${b}/none`, 'getAllChildrenNumber of a missing node');
    has(out!, `Sync is OK`, 'sync');
    has(who!, 'ip: 127.0.0.1', 'whoami: the ip id');
    has(who!, 'digest: bob', 'whoami: the digest user');
  },
};

interface Config {
  name: string;
  extraConfig: Record<string, string>;
  jvmFlags: string[];
  cases: Case[];
}

const CONFIGS: Config[] = [
  { name: 'default zoo.cfg', extraConfig: {}, jvmFlags: [], cases: [ACLS, CREATE_NO_TTL, ADD_WATCH, QUOTA, MISC] },
  {
    name: 'extendedTypesEnabled, enforceQuota, container check every 300 ms',
    extraConfig: { extendedTypesEnabled: 'true', enforceQuota: 'true', 'znode.container.checkIntervalMs': String(CONTAINER_CHECK_MS) },
    jvmFlags: [`-Dznode.container.checkIntervalMs=${CONTAINER_CHECK_MS}`, '-Dzookeeper.enforceQuota=true'],
    cases: [CREATE_TTL, QUOTA_ENFORCED],
  },
];

async function runScripts(hostPort: string, c: Case, b: string): Promise<string[][]> {
  const outs: string[][] = [];
  for (const script of c.scripts(b)) {
    if (script.length === 1 && script[0] === 'sleep') {
      // lets TTL (200 ms) and container expiry (checked every 300 ms) happen
      await new Promise((r) => setTimeout(r, 2000));
      outs.push([]);
      continue;
    }
    const r = await cliScript(hostPort, script);
    const lines = mask(r);
    outs.push(c.normalize ? c.normalize(lines, outs.length) : lines);
  }
  return outs;
}

function diffLines(z: string[][], k: string[][]): string | undefined {
  const parts: string[] = [];
  z.forEach((zs, i) => {
    const ks = k[i] ?? [];
    const hunks = transcriptDiff(zs, ks);
    if (hunks.length === 0) return;
    parts.push(`script ${i} (${JSON.stringify(zs.length)} vs ${ks.length} lines; "#n" is the line number):\n${hunks.join('\n')}\n  --- zkts printed ---\n  ${ks.join('\n  ')}`);
  });
  return parts.length > 0 ? parts.join('\n') : undefined;
}

for (const cfg of CONFIGS) {
  describe(`zkCli.sh commands of the newer opcodes (${cfg.name})`, () => {
    const oracle = new Map<Case, Promise<string[][]>>();
    const server = oracleAndTargetsForSuite({ extraConfig: cfg.extraConfig, zookeeperJvmFlags: cfg.jvmFlags });
    const hp = (name: TargetName): string => server(name).connectString;

    cfg.cases.forEach((c, i) => {
      const b = `/cli${i}-${c.name.split(/[ ,]/)[0]!.replace(/[^a-zA-Z]/g, '')}`;
      const zookeeperRun = (): Promise<string[][]> => {
        let p = oracle.get(c);
        if (!p) {
          p = runScripts(hp('zookeeper'), c, b);
          oracle.set(c, p);
        }
        return p;
      };
      for (const target of targets) {
        test(`${c.name} [${target}]`, async () => {
          const z = await zookeeperRun();
          if (process.env['OPCODES_PRINT'] === '1') console.log(`=== ${c.name}\n${z.map((s) => s.join('\n')).join('\n---\n')}`);
          if (target === 'zookeeper') {
            c.facts(z, b);
            return;
          }
          const k = await runScripts(hp('zkts'), c, b);
          const diff = diffLines(z, k);
          assert.ok(diff === undefined, `zkCli printed something else on zkts than on ZooKeeper:\n${diff}`);
          c.facts(k, b);
        });
      }
    });
  });
}
