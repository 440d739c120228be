import { Worker } from 'node:worker_threads';

/** What every store worker answers: the request id, and either a result or an error text. */
export type WorkerReply<R> = { id: number; ok: true; result: R } | { id: number; ok: false; error: string };

interface Waiting {
  resolve(result: unknown): void;
  reject(err: Error): void;
}

/**
 * Request/response over one worker thread. Requests are answered in the order
 * the worker finishes them; a worker that dies fails every open request and
 * every later one.
 */
export class WorkerRpc<Req extends { op: string }> {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private failure: Error | undefined;
  private exited = false;

  constructor(script: URL, workerData: unknown, private readonly name: string) {
    this.worker = new Worker(script, { workerData, name });
    this.worker.on('message', (msg: WorkerReply<unknown>) => {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.ok) w.resolve(msg.result);
      else w.reject(new Error(`${this.name}: ${msg.error}`));
    });
    this.worker.on('error', (err) => this.fail(err instanceof Error ? err : new Error(String(err))));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.fail(new Error(`${this.name} thread exited (code ${code})`));
    });
  }

  /** Set once the worker has failed; nothing more can be asked of it. */
  get failed(): Error | undefined {
    return this.failure;
  }

  call<R>(req: Req, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const open = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of open) w.reject(this.failure);
  }

  /** Stops the thread (after its last answer has been received). */
  async terminate(): Promise<void> {
    if (this.exited) return;
    this.failure ??= new Error(`${this.name} closed`);
    await this.worker.terminate();
  }
}
