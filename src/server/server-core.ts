import type { Logger } from 'pino';
import type { DataTree } from '../tree/data-tree.js';
import type { ClientConnection } from './client-connection.js';
import type { RequestPipeline } from './request-pipeline.js';
import type { ServerConfig } from './server-config.js';
import type { Session, SessionTracker } from './session-tracker.js';

/** What a client connection needs from the server it belongs to. */
export interface ServerCore {
  readonly config: ServerConfig;
  readonly log: Logger;
  readonly tree: DataTree;
  readonly pipeline: RequestPipeline;
  readonly sessions: SessionTracker;
  /** Requests received and not yet answered, over all connections. */
  readonly globalOutstanding: number;
  /** The four-letter word these 4 bytes spell, or null. */
  fourLetterWord(head: Buffer): string | null;
  /** Bytes that must follow `word` (stmk's mask) before it can be answered. */
  fourLetterPayloadLength(word: string): number;
  answerFourLetterWord(word: string, arg?: Buffer): string;
  /** Logs a createSession txn, then calls back with the live session. */
  createSession(timeout: number, done: (session: Session) => void): void;
  /** `conn` now carries `session`; an older connection of the session is dropped. */
  attachSession(session: Session, conn: ClientConnection): void;
  /** Closes the connection that carries this session, if any (the session lives on). */
  dropConnectionOf(sessionId: bigint): void;
  /** A closeSession txn for this session has been applied. */
  sessionClosed(sessionId: bigint): void;
  outstandingChanged(delta: number): void;
  connectionPaused(conn: ClientConnection): void;
  connectionClosed(conn: ClientConnection): void;
  recordLatency(ms: number): void;
  recordResponseSize(bytes: number): void;
  authFailed(): void;
}
