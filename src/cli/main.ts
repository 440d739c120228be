#!/usr/bin/env node
/** The `zkts` command line: wires the subcommands together, nothing more. */
import { Command } from 'commander';
import { registerDumpCommands } from './dump-commands.js';
import { registerFourLetterCommand } from './four-letter-command.js';
import { registerMigrateCommands } from './migrate-commands.js';
import { registerStartCommand } from './start-command.js';
import { zktsVersion } from '../server/version.js';

const version = zktsVersion();
const program = new Command();
program
  .name('zkts')
  .description('A ZooKeeper-compatible coordination server')
  .version(version, '-V, --version', 'print the zkts version');

registerStartCommand(program);
registerFourLetterCommand(program);
registerDumpCommands(program);
registerMigrateCommands(program);
program
  .command('version')
  .description('print the zkts version')
  .action(() => {
    process.stdout.write(`zkts ${version} (node ${process.version})\n`);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`zkts: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
