/** What RESULTS.md says about the machine and the software under test. */
import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { loadAverage } from './proc-stat.js';
import { repoRoot } from './servers.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  java: string;
  gitCommit: string;
  gitDirty: boolean;
  loadAverage: string;
}

function run(cmd: string, args: string[]): string {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot(), timeout: 20_000 });
    return out.trim();
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  // `java -version` prints to stderr.
  const javaLine = run('sh', ['-c', 'java -version 2>&1 | head -1']);
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: `Linux ${release()}`,
    node: process.version,
    java: javaLine,
    gitCommit: run('git', ['rev-parse', '--short', 'HEAD']),
    gitDirty: run('git', ['status', '--porcelain', '--untracked-files=no']).length > 0,
    loadAverage: loadAverage(),
  };
}
