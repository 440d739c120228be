/**
 * `zkts dump-log <file|dir>` and `zkts dump-snapshot <file|dir>`: print txn logs
 * and snapshots the way ZooKeeper's TxnLogToolkit and SnapshotFormatter do.
 * A single file prints exactly as the Java tool would; a folder prints each of
 * its logs (under a `==> path <==` line), or the snapshot a server would load.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { formatTxnLine } from './txn-dump-format.js';
import { formatSnapshotDetails, formatSnapshotJson } from './snapshot-dump-format.js';
import { LOG_SOURCES, SNAPSHOT_SOURCES, type LogDumpSource, type SnapshotDumpSource } from './dump-sources.js';

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Output = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

function pick<S extends { accepts(path: string): boolean }>(sources: readonly S[], path: string): S | undefined {
  return sources.find((s) => s.accepts(path));
}

/** Prints the logs at `path`; returns the exit code (1 for a partial last record, as the toolkit). */
export function dumpLog(path: string, source: LogDumpSource, io: Output, multi: boolean): number {
  let count = 0;
  let code = 0;
  for (const e of source.logs(path)) {
    switch (e.kind) {
      case 'log':
        count = 0;
        if (multi) io.out(`==> ${e.label} <==\n`);
        io.out(`ZooKeeper Transactional Log File with dbid ${e.dbid} txnlog format version ${e.version}\n`);
        break;
      case 'txn':
        if (!e.checksumOk) io.out(formatTxnLine(e.txn, 'CRC ERROR'));
        io.out(formatTxnLine(e.txn));
        count++;
        break;
      case 'end':
        if (e.partial === undefined) {
          io.out(`EOF reached after ${count} txns.\n`);
        } else {
          // The toolkit prints the partial record before it notices the missing end byte.
          if (e.partial.txn !== undefined) io.out(formatTxnLine(e.partial.txn));
          io.err(`Last transaction was partial.\n`);
          code = 1;
        }
        break;
    }
  }
  return code;
}

export interface DumpSnapshotOptions {
  data?: boolean;
  json?: boolean;
}

export function dumpSnapshot(path: string, source: SnapshotDumpSource, opts: DumpSnapshotOptions, io: Output): number {
  const dump = source.snapshot(path);
  io.out(opts.json ? formatSnapshotJson(dump, Date.now()) : formatSnapshotDetails(dump, opts.data === true));
  return 0;
}

/** Wrong use of the command (as opposed to a file that cannot be read). */
class UsageError extends Error {}

function run(name: string, fn: () => number): void {
  try {
    process.exitCode = fn();
  } catch (e) {
    stdio.err(`zkts ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}

export function registerDumpCommands(program: Command): void {
  program
    .command('dump-log')
    .description("print the txns of a ZooKeeper txn log file, or of every log in a data dir, as ZooKeeper's TxnLogToolkit does")
    .argument('<path>', 'a log.<zxid> file, a data dir, or its version-2 folder')
    .action((path: string) => {
      run('dump-log', () => {
        const source = pick(LOG_SOURCES, path);
        if (!source) throw new Error(`${path}: no txn log found there`);
        return dumpLog(path, source, stdio, statSync(path).isDirectory());
      });
    });
  program
    .command('dump-snapshot')
    .description("print a ZooKeeper snapshot (or the one a data dir would load) as ZooKeeper's SnapshotFormatter does")
    .argument('<path>', 'a snapshot.<zxid> file, a data dir, or its version-2 folder')
    .option('-d, --data', 'print each znode\'s data (base64) instead of its length')
    .option('--json', 'print the tree as ncdu JSON')
    .action((path: string, opts: DumpSnapshotOptions) => {
      run('dump-snapshot', () => {
        if (opts.data && opts.json) throw new UsageError('Cannot specify both data dump (-d) and json mode (--json) in same call');
        const source = pick(SNAPSHOT_SOURCES, path);
        if (!source) throw new Error(`${path}: no snapshot found there`);
        return dumpSnapshot(path, source, opts, stdio);
      });
    });
}
