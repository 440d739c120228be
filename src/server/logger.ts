/**
 * Structured JSON logging (pino). Everyone imports the Logger type from here.
 */
import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly string[] = Object.freeze(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export interface LoggerOptions {
  /** pino level; overrides ZKTS_LOG_LEVEL. Default: ZKTS_LOG_LEVEL, else 'info'. */
  level?: string;
  /** A file descriptor (default 1, stdout) or a file path (appended to, directories created). */
  destination?: number | string;
  /** Added to every line as `name`. */
  name?: string;
}

/** Throws if `level` is not a pino level name. */
export function checkLogLevel(level: string): string {
  if (!LOG_LEVELS.includes(level)) {
    throw new Error(`unknown log level "${level}" (expected one of ${LOG_LEVELS.join(', ')})`);
  }
  return level;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const envLevel = process.env['ZKTS_LOG_LEVEL']?.trim().toLowerCase();
  let level = 'info';
  let badEnvLevel: string | undefined;
  if (options.level !== undefined) {
    level = checkLogLevel(options.level);
  } else if (envLevel !== undefined && envLevel !== '') {
    if (LOG_LEVELS.includes(envLevel)) level = envLevel;
    else badEnvLevel = envLevel;
  }
  const destination = pino.destination({
    dest: options.destination ?? 1,
    sync: true,
    mkdir: typeof options.destination === 'string',
  });
  const log = pino(
    {
      level,
      ...(options.name === undefined ? {} : { name: options.name }),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  if (badEnvLevel !== undefined) {
    log.warn({ ZKTS_LOG_LEVEL: badEnvLevel }, 'unknown ZKTS_LOG_LEVEL, using info');
  }
  return log;
}
