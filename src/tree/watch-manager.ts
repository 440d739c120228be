import type { ACL, WatcherEvent } from '../protocol/generated/records.js';
import { parentOf } from './path-validation.js';

/** Whoever receives watch notifications: in practice a client connection. */
export interface Watcher {
  readonly sessionId: bigint;
  /**
   * Delivers one event. `acl` is the ACL of the node the event is about (absent for
   * events a reconnect replays); a watcher without READ on it must drop the event,
   * as ZooKeeper 3.8.4+/3.9.2+ do, so a recursive watch cannot reveal unreadable paths.
   */
  process(event: WatcherEvent, acl?: readonly ACL[]): void;
}

/**
 * The modes one watcher can hold on one path, as bit flags: ZooKeeper 3.9 lets a
 * client keep a one-shot watch beside a persistent one on the same node, and removing
 * one mode leaves the others.
 */
export const WatchMode = { STANDARD: 1, PERSISTENT: 2, PERSISTENT_RECURSIVE: 4 } as const;
export type WatchModeFlag = (typeof WatchMode)[keyof typeof WatchMode];

/**
 * One table of watches (ZooKeeper keeps two: data/exist and child). One-shot modes are
 * dropped when they fire; persistent ones stay; recursive ones also fire for every
 * node below their path.
 */
export class WatchManager {
  private readonly byPath = new Map<string, Map<Watcher, number>>();
  private readonly byWatcher = new Map<Watcher, Set<string>>();
  /** Recursive watches present; while 0 a trigger looks at the node's own path only. */
  private recursiveCount = 0;

  /** Adds a mode; returns whether it was new for this watcher and path. */
  add(path: string, watcher: Watcher, mode: WatchModeFlag = WatchMode.STANDARD): boolean {
    let ws = this.byPath.get(path);
    if (!ws) this.byPath.set(path, (ws = new Map()));
    const old = ws.get(watcher) ?? 0;
    if (old & mode) return false;
    ws.set(watcher, old | mode);
    let ps = this.byWatcher.get(watcher);
    if (!ps) this.byWatcher.set(watcher, (ps = new Set()));
    ps.add(path);
    if (mode === WatchMode.PERSISTENT_RECURSIVE) this.recursiveCount++;
    return true;
  }

  /** Does the watcher hold `mode` on exactly this path (any mode when omitted)? */
  has(path: string, watcher: Watcher, mode?: WatchModeFlag): boolean {
    const flags = this.byPath.get(path)?.get(watcher) ?? 0;
    return mode === undefined ? flags !== 0 : (flags & mode) !== 0;
  }

  /** Removes one mode (every mode when omitted); returns whether anything was removed. */
  remove(path: string, watcher: Watcher, mode?: WatchModeFlag): boolean {
    const ws = this.byPath.get(path);
    const old = ws?.get(watcher) ?? 0;
    if (!ws || old === 0) return false;
    const left = mode === undefined ? 0 : old & ~mode;
    if (left === old) return false;
    if (old & ~left & WatchMode.PERSISTENT_RECURSIVE) this.recursiveCount--;
    if (left !== 0) {
      ws.set(watcher, left);
      return true;
    }
    this.unlink(path, watcher, ws);
    return true;
  }

  private unlink(path: string, watcher: Watcher, ws: Map<Watcher, number>): void {
    ws.delete(watcher);
    if (ws.size === 0) this.byPath.delete(path);
    const ps = this.byWatcher.get(watcher);
    ps?.delete(path);
    if (ps?.size === 0) this.byWatcher.delete(watcher);
  }

  /**
   * The watchers an event on `path` reaches: every watcher on the path itself (their
   * one-shot mode is used up) and recursive watchers on its ancestors. Watchers in
   * `suppress` (already told by the other table) are left out of the result but still
   * lose their one-shot mode, as in ZooKeeper.
   */
  trigger(path: string, suppress?: ReadonlySet<Watcher>): Set<Watcher> {
    const fired = new Set<Watcher>();
    const ws = this.byPath.get(path);
    if (ws) {
      for (const [w, flags] of ws) {
        if (!suppress?.has(w)) fired.add(w);
        if (flags & WatchMode.STANDARD) {
          if (flags === WatchMode.STANDARD) this.unlink(path, w, ws);
          else ws.set(w, flags & ~WatchMode.STANDARD);
        }
      }
    }
    if (this.recursiveCount > 0 && path !== '/') {
      let p = path;
      do {
        p = parentOf(p);
        const above = this.byPath.get(p);
        if (!above) continue;
        for (const [w, flags] of above) {
          if (flags & WatchMode.PERSISTENT_RECURSIVE && !suppress?.has(w)) fired.add(w);
        }
      } while (p !== '/');
    }
    return fired;
  }

  removeWatcher(watcher: Watcher): void {
    const ps = this.byWatcher.get(watcher);
    if (!ps) return;
    this.byWatcher.delete(watcher);
    for (const p of ps) {
      const ws = this.byPath.get(p);
      const flags = ws?.get(watcher) ?? 0;
      if (flags & WatchMode.PERSISTENT_RECURSIVE) this.recursiveCount--;
      ws?.delete(watcher);
      if (ws?.size === 0) this.byPath.delete(p);
    }
  }

  /** Watcher-path pairs, whatever their modes (ZooKeeper's watch count). */
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
    for (const [p, ws] of this.byPath) out.set(p, [...ws.keys()].map((w) => w.sessionId));
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
