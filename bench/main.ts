/**
 * `npm run bench [-- --quick] [-- --only mix,create,fanout,scale] [-- --reps N] [-- --out DIR]`
 *
 * Starts Apache ZooKeeper 3.8 and zkts with the same zoo.cfg, drives both with the
 * same load generator (A/B alternating, repeated), and writes RESULTS.md,
 * results.json and chart.png (bench/ for the standard set, bench/out/quick/ for
 * --quick unless --out says otherwise).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { drawChart } from './chart/chart.js';
import { type BenchPlan, QUICK, STANDARD } from './config.js';
import { machineInfo } from './machine.js';
import { loadAverage } from './proc-stat.js';
import { probeMemory, profileZkts, renderProfile } from './profile.js';
import { chartGroups, renderResults, terminalSummary } from './report.js';
import type { BenchResults } from './results.js';
import { BenchServer, fourLetterWord, repoRoot, ZK_SERVER_SH, zooCfg } from './servers.js';
import { KINDS, type PerKind, populateKeys, progress } from './workloads/common.js';
import { runCreateDelete } from './workloads/create-delete.js';
import { runFanout } from './workloads/fanout.js';
import { runMix, warmUp } from './workloads/mix.js';
import { zktsPersists } from './workloads/persistence-probe.js';
import { runScale } from './workloads/scale.js';

const WORKLOADS = ['mix', 'create', 'fanout', 'scale'] as const;
type Workload = (typeof WORKLOADS)[number];

interface Args {
  plan: BenchPlan;
  /** --profile: only profile zkts under read and write load (PROFILE.md). */
  profile: boolean;
  only: Set<Workload>;
  reps: number | undefined;
  out: string;
}

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\nusage: npm run bench -- [--quick] [--profile] [--only ${WORKLOADS.join(',')}] [--reps N] [--out DIR]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  let plan = STANDARD;
  let only = new Set<Workload>(WORKLOADS);
  let reps: number | undefined;
  let out: string | undefined;
  let profile = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (): string => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--quick') plan = QUICK;
    else if (a === '--profile') profile = true;
    else if (a === '--only') {
      const names = value().split(',');
      for (const n of names) if (!(WORKLOADS as readonly string[]).includes(n)) usage(`unknown workload "${n}"`);
      only = new Set(names as Workload[]);
    } else if (a === '--reps') {
      reps = Number(value());
      if (!(Number.isInteger(reps) && reps >= 1 && reps <= 20)) usage('--reps takes 1..20');
    } else if (a === '--out') out = value();
    else if (a === '--help' || a === '-h') usage('help');
    else usage(`unknown argument "${a}"`);
  }
  const root = repoRoot();
  // Only the whole standard set replaces the committed bench/RESULTS.md; parts and variants go to bench/out/.
  const whole = plan.name === 'standard' && only.size === WORKLOADS.length && reps === undefined;
  const defaultOut = profile ? join(root, 'bench') : whole ? join(root, 'bench') : join(root, 'bench', 'out', plan.name === 'quick' ? 'quick' : 'partial');
  return { plan, only, reps, profile, out: out ?? defaultOut };
}

const commandLine = (): string => ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');

async function profileOnly(args: Args): Promise<void> {
  const dir = join(repoRoot(), 'bench', 'out', 'profiles');
  mkdirSync(dir, { recursive: true });
  const runs = await profileZkts(args.plan.name === 'quick' ? 3000 : 10_000, dir);
  const memory = probeMemory(200_000);
  mkdirSync(args.out, { recursive: true });
  const file = join(args.out, 'PROFILE.md');
  writeFileSync(file, renderProfile(runs, commandLine(), memory));
  process.stdout.write(`Wrote ${relative(process.cwd(), file)} (profiles in ${relative(process.cwd(), dir)}).\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.profile) {
    await profileOnly(args);
    return;
  }
  const plan = args.plan;
  if (!existsSync(ZK_SERVER_SH)) throw new Error(`Apache ZooKeeper is not installed (${ZK_SERVER_SH}); see scripts/install-test-deps.sh`);
  const started = Date.now();
  const res: BenchResults = {
    plan: plan.name,
    startedAt: new Date(started).toISOString(),
    finishedAt: '',
    durationSec: 0,
    command: commandLine(),
    machine: machineInfo(),
    loadAverageAfter: '',
    zooCfg: zooCfg('<temp dir>/data', 0).replace('clientPort=0', 'clientPort=<free port>'),
    serverCommands: {},
    processCommands: {},
    zookeeperVersion: '',
    zktsVersion: '',
    zktsPersistent: false,
    sections: {},
    notes: [],
  };
  const section = async (name: string, f: () => Promise<void>): Promise<void> => {
    const t = Date.now();
    await f();
    res.sections[name] = (Date.now() - t) / 1000;
  };
  progress(`${plan.name} set; load average ${loadAverage()}`);
  await section('persistence probe', async () => {
    res.zktsPersistent = await zktsPersists();
  });
  progress(`zkts persistence: ${res.zktsPersistent ? 'yes (a znode survived a restart)' : 'no (a znode did not survive a restart)'}`);
  const naReason = 'n/a for zkts until persistence lands';

  const reps = (n: number): number => args.reps ?? n;
  const pairWork = args.only.has('mix') || args.only.has('create') || args.only.has('fanout');
  if (pairWork) {
    const servers = {} as PerKind<BenchServer>;
    try {
      for (const kind of KINDS) {
        servers[kind] = await BenchServer.create(kind);
        const ms = await servers[kind].start();
        progress(`${kind} up in ${ms} ms (pid ${servers[kind].pid})`);
        res.serverCommands[kind] = servers[kind].command();
        res.processCommands[kind] = servers[kind].processCommandLine();
      }
      const srvr = async (kind: keyof PerKind<unknown>): Promise<string> =>
        /Zookeeper version: ([^\n]+)/.exec(await fourLetterWord(servers[kind].port, 'srvr'))?.[1]?.trim() ?? 'unknown';
      res.zookeeperVersion = await srvr('zookeeper');
      res.zktsVersion = await srvr('zkts');
      const paths = {} as PerKind<string[]>;
      for (const kind of KINDS) paths[kind] = await populateKeys(servers[kind], plan.keys, 100);
      await section('warm-up', () => warmUp(servers, paths, plan.warmUpMs));
      if (args.only.has('mix')) {
        await section('mix', async () => {
          res.mix = await runMix(servers, paths, { ...plan.mix, reps: reps(plan.mix.reps) });
        });
      }
      if (args.only.has('create')) {
        await section('create/delete', async () => {
          res.createDelete = await runCreateDelete(servers, { ...plan.createDelete, reps: reps(plan.createDelete.reps) });
        });
      }
      if (args.only.has('fanout')) {
        await section('fan-out', async () => {
          res.fanout = await runFanout(servers, { ...plan.fanout, reps: reps(plan.fanout.reps) });
        });
      }
    } finally {
      for (const kind of KINDS) await servers[kind]?.destroy();
    }
  }
  if (args.only.has('scale')) {
    res.scale = {};
    for (const kind of KINDS) {
      await section(`scale ${kind}`, async () => {
        const server = await BenchServer.create(kind);
        try {
          await server.start();
          res.serverCommands[kind] ??= server.command();
          res.processCommands[kind] ??= server.processCommandLine();
          (res.scale as NonNullable<BenchResults['scale']>)[kind] = await runScale(server, {
            ...plan.scale,
            persistent: kind === 'zookeeper' || res.zktsPersistent,
            naReason,
          });
        } finally {
          await server.destroy();
        }
      });
    }
  }

  res.finishedAt = new Date().toISOString();
  res.durationSec = (Date.now() - started) / 1000;
  res.loadAverageAfter = loadAverage();
  mkdirSync(args.out, { recursive: true });
  const chartFile = join(args.out, 'chart.png');
  writeFileSync(join(args.out, 'results.json'), JSON.stringify(res, null, 1) + '\n');
  writeFileSync(
    chartFile,
    drawChart(
      chartGroups(res),
      'zkts vs Apache ZooKeeper 3.8',
      `${res.plan} set, ${res.startedAt.slice(0, 10)}, ${res.machine.cores} cores (${res.machine.cpuModel}), ${res.zktsPersistent ? 'fsync on both' : 'ZooKeeper fsyncs, zkts has no durable log yet'}; medians of the repetitions`,
    ),
  );
  writeFileSync(join(args.out, 'RESULTS.md'), renderResults(res, 'chart.png'));
  process.stdout.write(`${terminalSummary(res)}\n\nWrote ${relative(process.cwd(), join(args.out, 'RESULTS.md'))}, results.json and chart.png in ${Math.round(res.durationSec)} s.\n`);
}

// Ctrl-C: exit, and the exit hook in servers.ts kills the servers by pid.
process.once('SIGINT', () => {
  process.stderr.write('bench: interrupted\n');
  process.exit(130);
});
process.once('SIGTERM', () => process.exit(143));

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
