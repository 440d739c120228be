/**
 * `zkts start`: this process becomes the server (its pid is the server's pid).
 * Exit codes: 0 after a clean shutdown on SIGTERM/SIGINT, 2 for configuration
 * errors, 1 for anything else (failed start, failed close).
 */
import type { Command } from 'commander';
import { RecoveryError } from '../persistence/recovery-error.js';
import { createLogger, LOG_LEVELS, type Logger } from '../server/logger.js';
import type { ServerConfig } from '../server/server-config.js';
import { startStandaloneServer, type RunningServer } from '../server/standalone-server.js';
import {
  isDistributed,
  loadEmbeddedDefaultZooCfg,
  loadZooCfg,
  ZooCfgError,
  type ZooCfgResult,
} from '../server/zoo-cfg.js';

export interface StartOptions {
  /** zoo.cfg path; the embedded default when absent. */
  config?: string;
  /** Overrides clientPort (0 = any free port). */
  port?: string;
  /** Overrides dataDir (and dataLogDir unless the config sets it). */
  dataDir?: string;
  /** pino level; overrides ZKTS_LOG_LEVEL. */
  logLevel?: string;
}

export const EXIT_CONFIG_ERROR = 2;

/** How long close() may take after SIGTERM/SIGINT before the process gives up and exits 1. */
const CLOSE_TIMEOUT_MS = 15_000;

class UsageError extends Error {}

function parsePortOption(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new UsageError(`--port: "${value}" is not a valid port (0-65535)`);
  return n;
}

/** Loads the configuration and applies command-line overrides. Throws ZooCfgError or UsageError. */
export function resolveStartConfig(options: StartOptions): ZooCfgResult {
  const result = options.config === undefined ? loadEmbeddedDefaultZooCfg() : loadZooCfg(options.config);
  const config = result.config;
  if (options.logLevel !== undefined && !LOG_LEVELS.includes(options.logLevel)) {
    throw new UsageError(`--log-level: unknown level "${options.logLevel}" (expected one of ${LOG_LEVELS.join(', ')})`);
  }
  if (options.port !== undefined) config.clientPort = parsePortOption(options.port);
  if (options.dataDir !== undefined) {
    if (options.dataDir === '') throw new UsageError('--data-dir: empty path');
    if (!config.raw.has('dataLogDir')) config.dataLogDir = options.dataDir;
    config.dataDir = options.dataDir;
  }
  if (isDistributed(config)) {
    const participants = config.servers.filter((s) => s.role === 'participant').length;
    throw new ZooCfgError(config.source, undefined, 'server.N',
      `a quorum of ${participants} participant(s) is configured, but zkts start only runs a standalone server so far`);
  }
  return result;
}

function summary(config: ServerConfig): Record<string, unknown> {
  return {
    config: config.source,
    clientPortAddress: config.clientPortAddress,
    clientPort: config.clientPort,
    dataDir: config.dataDir,
    dataLogDir: config.dataLogDir,
    tickTime: config.tickTime,
    minSessionTimeout: config.minSessionTimeout,
    maxSessionTimeout: config.maxSessionTimeout,
    maxClientCnxns: config.maxClientCnxns,
    fourLetterWords: [...config.fourLetterWordWhitelist].sort(),
  };
}

export async function runStart(options: StartOptions): Promise<void> {
  let result: ZooCfgResult;
  try {
    result = resolveStartConfig(options);
  } catch (err) {
    if (err instanceof ZooCfgError || err instanceof UsageError) {
      process.stderr.write(`zkts: ${err.message}\n`);
      process.exit(EXIT_CONFIG_ERROR);
    }
    throw err;
  }
  const { config, warnings } = result;
  const log: Logger = createLogger({ ...(options.logLevel === undefined ? {} : { level: options.logLevel }), name: 'zkts' });
  for (const warning of warnings) log.warn({ config: config.source }, warning);
  log.info(summary(config), 'zkts starting');

  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception, exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    log.fatal({ err: reason }, 'unhandled promise rejection, exiting');
    process.exit(1);
  });

  const serverPromise: Promise<RunningServer> = startStandaloneServer(config, log, { durable: true });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal during shutdown, exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'zkts shutting down');
    setTimeout(() => {
      log.error({ timeoutMs: CLOSE_TIMEOUT_MS }, 'shutdown timed out');
      process.exit(1);
    }, CLOSE_TIMEOUT_MS).unref();
    serverPromise
      .then((server) => server.close())
      .then(
        () => {
          log.info('zkts stopped');
          process.exit(0);
        },
        (err: unknown) => {
          log.error({ err }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  let server: RunningServer;
  try {
    server = await serverPromise;
  } catch (err) {
    log.fatal({ err }, 'zkts failed to start');
    // A store that cannot be recovered is the operator's to fix: say why on stderr too.
    if (err instanceof RecoveryError) process.stderr.write(`zkts: ${err.message}\n`);
    process.exit(1);
  }
  if (!stopping) log.info({ port: server.port }, 'zkts serving');
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run a standalone server in this process (stop it with SIGTERM or Ctrl-C)')
    .option('-c, --config <path>', 'zoo.cfg to read (default: the embedded default configuration)')
    .option('-p, --port <port>', 'client port, overriding clientPort (0 picks a free port)')
    .option('-d, --data-dir <path>', 'data directory, overriding dataDir')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (default: $ZKTS_LOG_LEVEL or info)')
    .action(async (options: StartOptions) => {
      await runStart(options);
    });
}
