/**
 * `zkts import --from <ZooKeeper dataDir> --config <zoo.cfg>` and
 * `zkts export --config <zoo.cfg> --to <dir>`: move a deployment from Apache
 * ZooKeeper to zkts and back. Run them with the servers stopped.
 */
import type { Command } from 'commander';
import { MigrationError, exportToZkDataDir, importZkDataDir } from '../persistence/zk-migration.js';
import { ZkFileFormatError } from '../persistence/zk-datadir/index.js';
import { createLogger } from '../server/logger.js';
import { storeSettings } from '../server/standalone-server.js';
import { loadZooCfg, ZooCfgError } from '../server/zoo-cfg.js';

const EXIT_FAILED = 1;
const EXIT_CONFIG_ERROR = 2;

interface ImportOptions {
  from: string;
  fromLogDir?: string;
  config: string;
}

interface ExportOptions {
  to: string;
  toLogDir?: string;
  config: string;
}

const hex = (z: bigint): string => `0x${z.toString(16)}`;

/** Runs one migration; known failures print one line and exit non-zero. */
async function guarded(run: () => Promise<string>): Promise<void> {
  try {
    process.stdout.write(await run());
  } catch (err) {
    if (err instanceof ZooCfgError) {
      process.stderr.write(`zkts: ${err.message}\n`);
      process.exit(EXIT_CONFIG_ERROR);
    }
    if (err instanceof MigrationError || err instanceof ZkFileFormatError) {
      process.stderr.write(`zkts: ${err.message}\n`);
      process.exit(EXIT_FAILED);
    }
    throw err;
  }
}

export function registerMigrateCommands(program: Command): void {
  program
    .command('import')
    .description("build the zkts store (the config's dataDir) from an Apache ZooKeeper data dir, at the same zxid")
    .requiredOption('--from <dir>', 'the ZooKeeper dataDir (holding version-2/)')
    .option('--from-log-dir <dir>', "the ZooKeeper dataLogDir, if not the dataDir")
    .requiredOption('--config <zoo.cfg>', 'the zkts zoo.cfg naming the target dataDir/dataLogDir')
    .action((opts: ImportOptions) =>
      guarded(async () => {
        const { config } = loadZooCfg(opts.config);
        const log = createLogger({ level: 'warn', name: 'zkts' });
        const r = await importZkDataDir({ dataDir: opts.from, dataLogDir: opts.fromLogDir }, storeSettings(config), log);
        const mismatch = r.digestMismatches.length > 0 ? ` (${r.digestMismatches.length} digest mismatch(es), as ZooKeeper would log)` : '';
        return `imported ${r.nodes} znodes and ${r.sessions} sessions at zxid ${hex(r.zxid)} into ${config.dataDir}${mismatch}\n`;
      }),
    );
  program
    .command('export')
    .description('write the zkts store as an Apache ZooKeeper data dir (version-2 snapshot) that ZooKeeper starts from')
    .requiredOption('--config <zoo.cfg>', 'the zkts zoo.cfg naming the store')
    .requiredOption('--to <dir>', 'the ZooKeeper dataDir to write (must hold no snapshot or log yet)')
    .option('--to-log-dir <dir>', 'the ZooKeeper dataLogDir, if not the dataDir')
    .action((opts: ExportOptions) =>
      guarded(async () => {
        const { config } = loadZooCfg(opts.config);
        const log = createLogger({ level: 'warn', name: 'zkts' });
        const r = exportToZkDataDir(storeSettings(config), { dataDir: opts.to, dataLogDir: opts.toLogDir }, log);
        const mismatch = r.digestMismatches > 0 ? ` (${r.digestMismatches} logged digest(s) not matched by the recovered tree)` : '';
        return `exported ${r.nodes} znodes and ${r.sessions} sessions at zxid ${hex(r.zxid)} to ${r.snapshotFile}${mismatch}\n`;
      }),
    );
}
