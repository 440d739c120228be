/**
 * Deletes empty containers and expired TTL nodes, as ZooKeeper's ContainerManager:
 * every checkIntervalMs it lists candidates from the applied tree and submits one
 * deleteContainer request per candidate through the normal pipeline, at most
 * maxPerMinute a minute. The deletion is a logged txn like any other; prep refuses it
 * (NotEmpty) if the node gained a child meanwhile, and the node stays.
 */
import type { Logger } from 'pino';
import { ownerKind, ttlOf } from '../tree/ephemeral-owner.js';
import type { ZNode } from '../tree/znode.js';

/** What candidate selection reads of the tree. */
export interface ContainerTreeView {
  readonly containers: ReadonlySet<string>;
  readonly ttls: ReadonlySet<string>;
  getNode(path: string): ZNode | undefined;
}

/**
 * Paths to delete at wall time `now` (ms):
 * - containers without children whose stored cversion is above 0 (they had a child once;
 *   a container never used is kept, unless maxNeverUsedIntervalMs > 0 and its last change
 *   is older than that);
 * - TTL nodes without children whose last change (mtime) is more than their TTL ago.
 */
export function containerCandidates(tree: ContainerTreeView, now: number, maxNeverUsedIntervalMs = 0): string[] {
  const out = new Set<string>();
  for (const path of tree.containers) {
    const node = tree.getNode(path);
    if (!node || node.childCount > 0) continue;
    // The stored cversion counts child creates only, so > 0 means a child existed.
    if (node.cversion > 0) out.add(path);
    else if (maxNeverUsedIntervalMs !== 0 && elapsed(node, now) > maxNeverUsedIntervalMs) out.add(path);
  }
  for (const path of tree.ttls) {
    const node = tree.getNode(path);
    if (!node || node.childCount > 0 || ownerKind(node.ephemeralOwner) !== 'ttl') continue;
    const ttl = ttlOf(node.ephemeralOwner);
    if (ttl !== 0n && BigInt(Math.floor(now)) - node.mtime > ttl) out.add(path);
  }
  return [...out];
}

function elapsed(node: ZNode, now: number): number {
  return now - Number(node.mtime);
}

export interface ContainerManagerOptions {
  tree: ContainerTreeView;
  /** Submits a deleteContainer request for `path` (server session 0) to the pipeline. */
  submitDelete(path: string): void;
  checkIntervalMs: number;
  maxPerMinute: number;
  maxNeverUsedIntervalMs?: number;
  log?: Logger;
  /** Wall clock in ms (tests replace it). */
  now?: () => number;
}

/** Runs containerCandidates on a timer and paces the deletes. close() stops it. */
export class ContainerManager {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: ContainerManagerOptions) {}

  /** The pause between two deletes: a minute spread over maxPerMinute. */
  get minIntervalMs(): number {
    return 60_000 / this.opts.maxPerMinute;
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.opts.log?.info(
      { checkIntervalMs: this.opts.checkIntervalMs, maxPerMinute: this.opts.maxPerMinute, maxNeverUsedIntervalMs: this.opts.maxNeverUsedIntervalMs ?? 0 },
      'container manager started',
    );
    // The timer must not keep the process alive; close() clears it.
    this.timer = setInterval(() => {
      // A check still pacing its deletes is not overlapped by the next one.
      if (!this.running) this.running = this.checkContainers().finally(() => (this.running = undefined));
    }, this.opts.checkIntervalMs);
    this.timer.unref();
  }

  /** One pass: submit every current candidate, pausing minIntervalMs between them. */
  async checkContainers(): Promise<void> {
    const now = (this.opts.now ?? Date.now)();
    const candidates = containerCandidates(this.opts.tree, now, this.opts.maxNeverUsedIntervalMs ?? 0);
    for (const path of candidates) {
      if (this.closed) return;
      const started = performance.now();
      this.opts.log?.info({ path }, 'attempting to delete candidate container');
      try {
        this.opts.submitDelete(path);
      } catch (err) {
        this.opts.log?.error({ err, path }, 'could not delete container');
      }
      const wait = this.minIntervalMs - (performance.now() - started);
      if (wait > 0) await this.pause(wait);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      t.unref();
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** Stops the timer and any pass in progress; resolves once that pass has returned. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.wake?.();
    await this.running;
  }
}
