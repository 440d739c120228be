import { parentPort } from 'node:worker_threads';
import type { WorkerReply } from './worker-rpc.js';

/**
 * The worker side of WorkerRpc: each request is handed to `handle`, and its
 * result (or error) is posted back with the request's id. Handlers run one
 * after another as messages arrive; an async handler that awaits lets the next
 * message start, so long jobs (purges) yield to appends between their slices.
 */
export function serveRequests<Req extends { op: string; id: number }>(handle: (req: Req) => unknown): void {
  const port = parentPort;
  if (!port) throw new Error('serveRequests must run in a worker thread');
  port.on('message', (req: Req) => {
    const reply = (msg: WorkerReply<unknown>): void => port.postMessage(msg);
    let result: unknown;
    try {
      result = handle(req);
    } catch (err) {
      reply({ id: req.id, ok: false, error: describe(err) });
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r: unknown) => reply({ id: req.id, ok: true, result: r }),
        (err: unknown) => reply({ id: req.id, ok: false, error: describe(err) }),
      );
    } else {
      reply({ id: req.id, ok: true, result });
    }
  });
}

function describe(err: unknown): string {
  if (err instanceof Error) return 'code' in err && typeof err.code === 'string' ? `${err.code}: ${err.message}` : err.message;
  return String(err);
}

/** Lets queued messages run between the slices of a long job. */
export function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
