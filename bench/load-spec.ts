/** What the load coordinator (load.ts) and its worker threads (load-worker.ts) tell each other. */
import type { HistogramData } from './histogram.js';

/**
 * Where a session's requests come from.
 * - mix: getData/setData on `paths`, reads with probability readRatio, time-bounded.
 * - createSeq: `count` creates of PERSISTENT_SEQUENTIAL children `prefix`NNNNNNNNNN.
 * - deleteSeq: deletes of `prefix`0000000000 .. `prefix`(count-1).
 * The two list sources are count-bounded and shared by all sessions.
 */
export type OpSource =
  | { kind: 'mix'; paths: string[]; readRatio: number; dataSize: number; seed: number }
  | { kind: 'createSeq'; prefix: string; dataSize: number; count: number }
  | { kind: 'deleteSeq'; prefix: string; count: number };

export interface WorkerInit {
  host: string;
  port: number;
  sessions: number;
  outstanding: number;
  sessionTimeoutMs: number;
  source: OpSource;
  workerIndex: number;
  workers: number;
}

/** main → worker */
export type ToWorker =
  | {
      cmd: 'run';
      /** Measurement window, epoch ms (performance.timeOrigin + now()). */
      t0: number;
      t1: number;
      /** No request is sent after this (epoch ms). */
      sendUntil: number;
      /** Results are posted at most this long after sendUntil, answered or not. */
      drainMs: number;
    }
  | { cmd: 'close' };

export interface WorkerResult {
  type: 'result';
  /** Index 0: reads, 1: writes; replies that arrived inside the window. */
  hist: [HistogramData, HistogramData];
  /** All replies, in or out of the window. */
  completed: number;
  /** All requests sent (closeSession not included). */
  sent: number;
  /** Successful replies of the wrong size (must be 0: the server answered something else). */
  badReplies: number;
  /** Requests never answered by the end of the drain. */
  unanswered: number;
  /** Error code → count (0 not included). */
  errors: Record<string, number>;
  /** Epoch ms of the first request sent and of the last reply. */
  firstSend: number;
  lastReply: number;
}

/** worker → main */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | WorkerResult
  | { type: 'closed' };
