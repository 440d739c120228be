import type { WatcherEvent } from '../protocol/generated/records.js';

/** Whoever receives watch notifications: in practice a client connection. */
export interface Watcher {
  readonly sessionId: bigint;
  process(event: WatcherEvent): void;
}

/**
 * One table of one-shot watches (ZooKeeper keeps two: data/exist and child).
 * Triggering removes the watches it fires.
 */
export class WatchManager {
  private readonly byPath = new Map<string, Set<Watcher>>();
  private readonly byWatcher = new Map<Watcher, Set<string>>();

  add(path: string, watcher: Watcher): void {
    let ws = this.byPath.get(path);
    if (!ws) this.byPath.set(path, (ws = new Set()));
    ws.add(watcher);
    let ps = this.byWatcher.get(watcher);
    if (!ps) this.byWatcher.set(watcher, (ps = new Set()));
    ps.add(path);
  }

  has(path: string, watcher: Watcher): boolean {
    return this.byPath.get(path)?.has(watcher) ?? false;
  }

  remove(path: string, watcher: Watcher): boolean {
    const ws = this.byPath.get(path);
    if (!ws?.delete(watcher)) return false;
    if (ws.size === 0) this.byPath.delete(path);
    const ps = this.byWatcher.get(watcher);
    ps?.delete(path);
    if (ps?.size === 0) this.byWatcher.delete(watcher);
    return true;
  }

  /**
   * Removes and returns the watchers of `path`, minus those in `suppress`
   * (a watcher that already got this event from the other table).
   */
  trigger(path: string, suppress?: ReadonlySet<Watcher>): Set<Watcher> {
    const ws = this.byPath.get(path);
    if (!ws) return new Set();
    this.byPath.delete(path);
    const fired = new Set<Watcher>();
    for (const w of ws) {
      const ps = this.byWatcher.get(w);
      ps?.delete(path);
      if (ps?.size === 0) this.byWatcher.delete(w);
      if (!suppress?.has(w)) fired.add(w);
    }
    return fired;
  }

  removeWatcher(watcher: Watcher): void {
    const ps = this.byWatcher.get(watcher);
    if (!ps) return;
    this.byWatcher.delete(watcher);
    for (const p of ps) {
      const ws = this.byPath.get(p);
      ws?.delete(watcher);
      if (ws?.size === 0) this.byPath.delete(p);
    }
  }

  get size(): number {
    let n = 0;
    for (const ws of this.byPath.values()) n += ws.size;
    return n;
  }

  get pathCount(): number {
    return this.byPath.size;
  }

  /** path → session ids (for wchp). */
  byPathView(): Map<string, bigint[]> {
    const out = new Map<string, bigint[]>();
    for (const [p, ws] of this.byPath) out.set(p, [...ws].map((w) => w.sessionId));
    return out;
  }

  /** session id → paths (for wchc). */
  bySessionView(): Map<bigint, string[]> {
    const out = new Map<bigint, string[]>();
    for (const [w, ps] of this.byWatcher) {
      const list = out.get(w.sessionId) ?? [];
      list.push(...ps);
      out.set(w.sessionId, list);
    }
    return out;
  }
}
