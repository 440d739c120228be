import type { Logger } from 'pino';
import type { ServerConfig } from './server-config.js';

export interface RunningServer {
  /** The bound client port (useful when config.clientPort is 0). */
  readonly port: number;
  /** Closes all sessions cleanly and stops listening. */
  close(): Promise<void>;
}

/** Starts a standalone server. (Contract stub: the implementation lands next.) */
export async function startStandaloneServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  void config;
  void log;
  throw new Error('not implemented yet');
}
