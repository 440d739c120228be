import { sessionPassword } from './session-password.js';

export interface Session {
  readonly id: bigint;
  timeout: number;
  /** ms (performance clock) after which the session expires unless touched. */
  expiresAt: number;
  /** Set once a closeSession txn is prepped: no more requests are accepted. */
  closing: boolean;
}

/**
 * Live sessions and their deadlines. Like ZooKeeper, deadlines are rounded up to
 * the next tick, so a session expires between timeout and timeout + tickTime
 * after its last sign of life.
 */
export class SessionTracker {
  private readonly sessions = new Map<bigint, Session>();
  private nextId: bigint;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    serverId: number,
    private readonly tickTime: number,
    private readonly onExpire: (session: Session) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    // ZooKeeper's layout: server id in the top byte, a time-derived counter below.
    const base = BigInt.asUintN(64, BigInt(Date.now()) << 24n) >> 8n;
    this.nextId = BigInt.asIntN(64, base | (BigInt(serverId) << 56n));
  }

  start(): void {
    this.timer = setInterval(() => this.expireDue(), Math.max(10, Math.floor(this.tickTime / 2)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  newSessionId(): bigint {
    const id = this.nextId;
    this.nextId = BigInt.asIntN(64, this.nextId + 1n);
    return id;
  }

  passwordFor(id: bigint): Buffer {
    return sessionPassword(id);
  }

  add(id: bigint, timeout: number): Session {
    const s: Session = { id, timeout, expiresAt: 0, closing: false };
    this.sessions.set(id, s);
    this.touch(s);
    return s;
  }

  /**
   * A session recovered from the store: live again with a fresh deadline (its
   * client has one timeout to come back, as in ZooKeeper), and never handed out
   * again as a new id.
   */
  restore(id: bigint, timeout: number): Session {
    if (id >= this.nextId && id >> 56n === this.nextId >> 56n) this.nextId = BigInt.asIntN(64, id + 1n);
    return this.add(id, timeout);
  }

  get(id: bigint): Session | undefined {
    return this.sessions.get(id);
  }

  touch(s: Session): void {
    const deadline = this.now() + s.timeout;
    s.expiresAt = (Math.floor(deadline / this.tickTime) + 1) * this.tickTime;
  }

  remove(id: bigint): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  all(): IterableIterator<Session> {
    return this.sessions.values();
  }

  expireDue(): void {
    const now = this.now();
    for (const s of this.sessions.values()) {
      if (!s.closing && s.expiresAt <= now) {
        s.closing = true;
        this.onExpire(s);
      }
    }
  }
}
