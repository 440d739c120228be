/**
 * A small ZooKeeper client for the bench's set-up and for the workloads that are
 * not about raw throughput (watch fan-out, scale, restart probes). It speaks the
 * public protocol only: handshake, pipelined requests answered in order, pings
 * while idle, watch notifications, closeSession.
 */
import { connect, type Socket } from 'node:net';
import { ConnectResponse, WatcherEvent } from '../src/protocol/generated/records.js';
import { JuteReader } from '../src/protocol/jute-reader.js';
import { Xid } from '../src/protocol/opcodes.js';
import {
  closeSessionFrame,
  connectFrame,
  createFrame,
  deleteFrame,
  existsFrame,
  FrameSplitter,
  getChildrenFrame,
  getDataFrame,
  pingFrame,
  REPLY_HEADER_BYTES,
  replyErr,
  replyXid,
  replyZxid,
  setDataFrame,
} from './wire.js';

export interface Reply {
  xid: number;
  zxid: bigint;
  err: number;
  /** The reply body (after the 16-byte header); a view, valid until the next chunk. */
  body: Buffer;
}

export interface Notification {
  type: number;
  state: number;
  path: string;
  /** performance.now() when the frame arrived. */
  at: number;
}

export class ZkError extends Error {
  constructor(
    readonly code: number,
    what: string,
  ) {
    super(`${what}: ZooKeeper error ${code}`);
    this.name = 'ZkError';
  }
}

export const ZkErr = { ok: 0, noNode: -101, nodeExists: -110, connectionLoss: -4 } as const;

type Callback = (r: Reply | null, at: number) => void;

export interface ConnectOptions {
  host: string;
  port: number;
  sessionTimeoutMs?: number;
  /** Bound on TCP connect + handshake. */
  connectTimeoutMs?: number;
}

export class BenchClient {
  sessionId = 0n;
  negotiatedTimeoutMs = 0;
  onNotification: ((n: Notification) => void) | undefined;
  private readonly splitter = new FrameSplitter();
  private readonly waiting: Callback[] = [];
  private nextXid = 1;
  private corked = false;
  private lastSend = 0;
  private pingTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(private readonly socket: Socket) {}

  static connect(opts: ConnectOptions): Promise<BenchClient> {
    const timeout = opts.sessionTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: opts.host, port: opts.port });
      socket.setNoDelay(true);
      const client = new BenchClient(socket);
      let handshaken = false;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${opts.host}:${opts.port}: no session within ${opts.connectTimeoutMs ?? 10_000} ms`));
      }, opts.connectTimeoutMs ?? 10_000);
      socket.once('connect', () => socket.write(connectFrame(timeout)));
      socket.on('error', (e) => {
        if (!handshaken) {
          clearTimeout(timer);
          reject(e);
        }
      });
      socket.on('close', () => {
        client.onClose();
        if (!handshaken) {
          clearTimeout(timer);
          reject(new Error(`connect to ${opts.host}:${opts.port}: closed before the handshake`));
        }
      });
      socket.on('data', (chunk: Buffer) => {
        if (handshaken) {
          client.onData(chunk);
          return;
        }
        let rest: Buffer | undefined;
        client.splitter.push(chunk, (buf, start, end) => {
          if (handshaken) {
            // Frames after the handshake in the same chunk (not expected; kept anyway).
            rest = Buffer.concat([rest ?? Buffer.alloc(0), buf.subarray(start, end)]);
            return;
          }
          const resp = ConnectResponse.decode(new JuteReader(buf, start + 4, end));
          handshaken = true;
          clearTimeout(timer);
          if (resp.timeOut <= 0 || resp.sessionId === 0n) {
            socket.destroy();
            reject(new Error('session refused by the server'));
            return;
          }
          client.sessionId = resp.sessionId;
          client.negotiatedTimeoutMs = resp.timeOut;
          client.startPings();
          resolve(client);
        });
        if (rest) client.onData(rest);
      });
    });
  }

  get outstanding(): number {
    return this.waiting.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends a frame built for the next xid; `cb` gets the reply (null when the connection is lost). */
  sendWith(build: (xid: number) => Buffer, cb: Callback): void {
    if (this.closed) {
      cb(null, performance.now());
      return;
    }
    const xid = this.nextXid++;
    this.waiting.push(cb);
    this.write(build(xid));
  }

  request(build: (xid: number) => Buffer): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.sendWith(build, (r) => {
        if (r === null) reject(new ZkError(ZkErr.connectionLoss, 'request'));
        else resolve({ ...r, body: Buffer.from(r.body) });
      });
    });
  }

  /** Resolves with the error code (0 = ok) instead of throwing. */
  async code(build: (xid: number) => Buffer): Promise<number> {
    return (await this.request(build)).err;
  }

  getData(path: string, watch = false): Promise<Reply> {
    return this.request((x) => getDataFrame(x, path, watch));
  }

  exists(path: string, watch = false): Promise<Reply> {
    return this.request((x) => existsFrame(x, path, watch));
  }

  setData(path: string, data: Buffer): Promise<Reply> {
    return this.request((x) => setDataFrame(x, path, data));
  }

  create(path: string, data: Buffer, flags = 0): Promise<Reply> {
    return this.request((x) => createFrame(x, path, data, flags));
  }

  delete(path: string): Promise<Reply> {
    return this.request((x) => deleteFrame(x, path));
  }

  /** The number of children getChildren returns (the names are skipped, not decoded). */
  async childCount(path: string): Promise<number> {
    const r = await this.request((x) => getChildrenFrame(x, path));
    if (r.err !== 0) throw new ZkError(r.err, `getChildren ${path}`);
    return r.body.readInt32BE(0);
  }

  /** Creates `path` unless it exists. */
  async ensure(path: string, data: Buffer = Buffer.alloc(0)): Promise<void> {
    const r = await this.create(path, data);
    if (r.err !== 0 && r.err !== ZkErr.nodeExists) throw new ZkError(r.err, `create ${path}`);
  }

  /**
   * Sends `count` requests with at most `window` outstanding; resolves with the
   * number of replies per error code. Bounded by `timeoutMs`.
   */
  pipeline(count: number, build: (i: number, xid: number) => Buffer, window: number, timeoutMs = 600_000): Promise<Map<number, number>> {
    return new Promise((resolve, reject) => {
      const codes = new Map<number, number>();
      let sent = 0;
      let done = 0;
      let finished = false;
      const timer = setTimeout(() => finish(new Error(`pipeline: ${done}/${count} replies after ${timeoutMs} ms`)), timeoutMs);
      const finish = (err?: Error): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(codes);
      };
      const onReply: Callback = (r) => {
        if (r === null) {
          finish(new ZkError(ZkErr.connectionLoss, 'pipeline'));
          return;
        }
        codes.set(r.err, (codes.get(r.err) ?? 0) + 1);
        done++;
        if (done === count) finish();
        else pump();
      };
      const pump = (): void => {
        while (sent < count && sent - done < window && !finished) {
          const i = sent++;
          this.sendWith((xid) => build(i, xid), onReply);
        }
      };
      if (count === 0) finish();
      else pump();
    });
  }

  /** closeSession, then the TCP close; bounded. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    const replied = new Promise<void>((resolve) => this.sendWith((x) => closeSessionFrame(x), () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([replied, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    this.destroy();
  }

  /** Drops the TCP connection (the session lives on until it expires). */
  destroy(): void {
    this.stopPings();
    this.socket.destroy();
    this.onClose();
  }

  private write(buf: Buffer): void {
    this.lastSend = performance.now();
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(buf);
  }

  private onData(chunk: Buffer): void {
    const at = performance.now();
    this.splitter.push(chunk, (buf, start, end) => {
      const xid = replyXid(buf, start);
      if (xid === Xid.notification) {
        const cb = this.onNotification;
        if (cb) {
          const ev = WatcherEvent.decode(new JuteReader(buf, start + REPLY_HEADER_BYTES, end));
          cb({ type: ev.type, state: ev.state, path: ev.path ?? '', at });
        }
        return;
      }
      if (xid === Xid.ping) return;
      const cb = this.waiting.shift();
      if (cb) cb({ xid, zxid: replyZxid(buf, start), err: replyErr(buf, start), body: buf.subarray(start + REPLY_HEADER_BYTES, end) }, at);
    });
  }

  private startPings(): void {
    const every = Math.max(200, Math.floor(this.negotiatedTimeoutMs / 3));
    this.pingTimer = setInterval(() => {
      // Ping replies (xid -2) are not queued: they are skipped when they arrive.
      if (!this.closed && performance.now() - this.lastSend >= every / 2) this.write(pingFrame());
    }, every);
    this.pingTimer.unref();
  }

  private stopPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopPings();
    const lost = this.waiting.splice(0);
    const at = performance.now();
    for (const cb of lost) cb(null, at);
  }
}
