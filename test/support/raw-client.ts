/**
 * A small promise-based ZooKeeper client that speaks raw frames over one
 * net.Socket, for protocol tests. It does nothing on its own (no pings, no
 * reconnects): tests decide every byte that goes out, and see every frame that
 * comes back, in arrival order.
 *
 * Every wait is bounded by a timeout; close() destroys the socket.
 */
import { connect as netConnect, type Socket } from 'node:net';
import {
  type ACL,
  ConnectRequest,
  ConnectResponse,
  CreateRequest,
  Create2Response,
  CreateResponse,
  DeleteRequest,
  ExistsRequest,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  MultiHeader,
  ReplyHeader,
  RequestHeader,
  SetDataRequest,
  SetDataResponse,
  type Stat,
  WatcherEvent,
} from '../../src/protocol/generated/records.js';
import { JuteReader } from '../../src/protocol/jute-reader.js';
import { JuteWriter } from '../../src/protocol/jute-writer.js';

export const HOST = '127.0.0.1';

/** The part of a generated record codec the client needs. */
export interface Encoder<T> {
  encode(w: JuteWriter, v: T): void;
}
export interface Decoder<T> {
  decode(r: JuteReader): T;
}

export const OPEN_ACL: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`timed out after ${ms} ms waiting for ${what}`);
    this.name = 'TimeoutError';
  }
}

export class ConnectionClosedError extends Error {
  constructor(what: string) {
    super(`connection closed while waiting for ${what}`);
    this.name = 'ConnectionClosedError';
  }
}

export interface HandshakeOptions {
  /** Requested session timeout in ms (default 6000, as in the captures). */
  timeout?: number;
  sessionId?: bigint;
  /** Default: 16 zero bytes. */
  passwd?: Buffer | null;
  lastZxidSeen?: bigint;
  protocolVersion?: number;
  /** true/false: send the trailing readOnly byte; null: old-client form without it. Default false. */
  readOnly?: boolean | null;
}

export interface ConnectResult {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  /** null when the response had no trailing readOnly byte. */
  readOnly: boolean | null;
  /** Length of the response body (36 without the readOnly byte, 37 with it). */
  bodyLength: number;
  frame: Buffer;
}

/** One frame as received: `frame` holds every byte including the 4-byte length. */
export interface Frame {
  /** Position among all frames of this connection (0 = the ConnectResponse). */
  seq: number;
  kind: 'connect' | 'reply' | 'notification';
  frame: Buffer;
}

export interface Reply {
  seq: number;
  xid: number;
  zxid: bigint;
  err: number;
  /** Bytes after the ReplyHeader. */
  body: Buffer;
  frame: Buffer;
}

export interface Notification {
  seq: number;
  zxid: bigint;
  err: number;
  event: WatcherEvent;
  frame: Buffer;
}

interface Waiter {
  check(): boolean;
}

/** Encodes `RequestHeader + body` as one length-prefixed frame. */
export function requestFrame<T>(xid: number, type: number, codec?: Encoder<T>, value?: T): Buffer {
  const w = new JuteWriter();
  const at = w.reserveLength();
  RequestHeader.encode(w, { xid, type });
  if (codec !== undefined && value !== undefined) codec.encode(w, value);
  w.patchLength(at);
  return w.toBuffer();
}

/** A length-prefixed frame around raw body bytes (the length may be overridden to lie). */
export function rawFrame(body: Buffer, length = body.length): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(length, 0);
  return Buffer.concat([head, body]);
}

export function connectRequestFrame(opts: HandshakeOptions = {}): Buffer {
  const w = new JuteWriter();
  const at = w.reserveLength();
  ConnectRequest.encode(w, {
    protocolVersion: opts.protocolVersion ?? 0,
    lastZxidSeen: opts.lastZxidSeen ?? 0n,
    timeOut: opts.timeout ?? 6000,
    sessionId: opts.sessionId ?? 0n,
    passwd: opts.passwd === undefined ? Buffer.alloc(16) : opts.passwd,
  });
  const ro = opts.readOnly === undefined ? false : opts.readOnly;
  if (ro !== null) w.writeBool(ro);
  w.patchLength(at);
  return w.toBuffer();
}

/** Decodes a record and checks that it used every byte of `buf`. */
export function decodeExact<T>(codec: Decoder<T>, buf: Buffer): T {
  const r = new JuteReader(buf);
  const v = codec.decode(r);
  if (r.remaining() !== 0) throw new Error(`${r.remaining()} bytes left over after decoding`);
  return v;
}

/** One op of a multi request. */
export type MultiOp =
  | { type: 1 | 15 | 19; req: CreateRequest }
  | { type: 2; req: DeleteRequest }
  | { type: 5; req: SetDataRequest }
  | { type: 13; req: { path: string; version: number } }
  | { type: 4 | 8; req: { path: string; watch: boolean } };

/** The body of a multi (14) or multiRead (22) request. */
export const MultiRequestBody: Encoder<MultiOp[]> = {
  encode(w: JuteWriter, ops: MultiOp[]): void {
    for (const op of ops) {
      MultiHeader.encode(w, { type: op.type, done: false, err: -1 });
      switch (op.type) {
        case 1:
        case 15:
        case 19:
          CreateRequest.encode(w, op.req);
          break;
        case 2:
          DeleteRequest.encode(w, op.req);
          break;
        case 5:
          SetDataRequest.encode(w, op.req);
          break;
        case 13:
          w.writeString(op.req.path);
          w.writeInt(op.req.version);
          break;
        case 4:
        case 8:
          w.writeString(op.req.path);
          w.writeBool(op.req.watch);
          break;
      }
    }
    MultiHeader.encode(w, { type: -1, done: true, err: -1 });
  },
};

/** One entry of a multi/multiRead response, decoded by its header type. */
export type MultiResult =
  | { type: 1; path: string | null }
  | { type: 15 | 19 | 21; path: string | null; stat: Stat }
  | { type: 5; stat: Stat }
  | { type: 2 | 13 }
  | { type: 4; data: Buffer | null; stat: Stat }
  | { type: 8; children: string[] | null }
  | { type: -1; err: number; headerErr: number };

export function decodeMultiResponse(body: Buffer): MultiResult[] {
  const r = new JuteReader(body);
  const out: MultiResult[] = [];
  for (let i = 0; i < 100_000; i++) {
    const h = MultiHeader.decode(r);
    if (h.done) {
      if (h.type !== -1 || h.err !== -1) throw new Error(`bad multi end marker ${JSON.stringify(h)}`);
      if (r.remaining() !== 0) throw new Error(`${r.remaining()} bytes after the multi end marker`);
      return out;
    }
    switch (h.type) {
      case 1:
        out.push({ type: 1, path: r.readString() });
        break;
      case 15:
      case 19:
      case 21: {
        const v = Create2Response.decode(r);
        out.push({ type: h.type, path: v.path, stat: v.stat });
        break;
      }
      case 5:
        out.push({ type: 5, stat: SetDataResponse.decode(r).stat });
        break;
      case 2:
      case 13:
        out.push({ type: h.type });
        break;
      case 4: {
        const v = GetDataResponse.decode(r);
        out.push({ type: 4, data: v.data, stat: v.stat });
        break;
      }
      case 8:
        out.push({ type: 8, children: GetChildrenResponse.decode(r).children });
        break;
      case -1:
        out.push({ type: -1, err: r.readInt(), headerErr: h.err });
        break;
      default:
        throw new Error(`unexpected multi result type ${h.type}`);
    }
  }
  throw new Error('multi response without an end marker');
}

export interface CreateOptions {
  data?: Buffer | null;
  acl?: ACL[] | null;
  flags?: number;
  /** 1 create (default), 15 create2, 19 createContainer. */
  opcode?: 1 | 15 | 19;
}

/** The raw client. Create one with RawClient.open (TCP only) or RawClient.connect (TCP + handshake). */
export class RawClient {
  readonly frames: Frame[] = [];
  readonly replies: Reply[] = [];
  readonly notifications: Notification[] = [];
  /** Bytes received after the last complete frame. */
  private pending: Buffer = Buffer.alloc(0);
  private replyCursor = 0;
  private notificationCursor = 0;
  private frameCursor = 0;
  private waiters = new Set<Waiter>();
  private closedFlag = false;
  private xidCounter = 0;
  /** Pings sent by the keep-alive timer whose replies are not handed to nextReply. */
  private keepAlivePings = 0;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  session: ConnectResult | undefined;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {
      /* reported through 'close' */
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
  }

  /** Opens a TCP connection (no handshake). */
  static open(port: number, timeoutMs = 3000): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: HOST, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TimeoutError(`TCP connect to ${HOST}:${port}`, timeoutMs));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RawClient(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Opens a TCP connection and does the session handshake; throws if the session is refused. */
  static async connect(port: number, opts: HandshakeOptions = {}, timeoutMs = 3000): Promise<RawClient> {
    const c = await RawClient.open(port, timeoutMs);
    try {
      const res = await c.handshake(opts, timeoutMs);
      if (res.timeOut <= 0 || res.sessionId === 0n) throw new Error('session refused (invalid-session ConnectResponse)');
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Unconsumed bytes that do not form a whole frame. */
  get trailingBytes(): number {
    return this.pending.length;
  }

  get sessionId(): bigint {
    return this.session?.sessionId ?? 0n;
  }

  /** The next automatic xid (1, 2, 3, ...). */
  nextXid(): number {
    return ++this.xidCounter;
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4) {
      const len = this.pending.readInt32BE(0);
      if (len < 0 || this.pending.length < 4 + len) break;
      const frame = Buffer.from(this.pending.subarray(0, 4 + len));
      this.pending = this.pending.subarray(4 + len);
      this.addFrame(frame);
    }
    this.wake();
  }

  private addFrame(frame: Buffer): void {
    const seq = this.frames.length;
    if (seq === 0) {
      // The first frame on a client connection is always the ConnectResponse.
      this.frames.push({ seq, kind: 'connect', frame });
      return;
    }
    const r = new JuteReader(frame, 4);
    const h = ReplyHeader.decode(r);
    if (h.xid === -1) {
      this.frames.push({ seq, kind: 'notification', frame });
      this.notifications.push({ seq, zxid: h.zxid, err: h.err, event: WatcherEvent.decode(r), frame });
    } else {
      this.frames.push({ seq, kind: 'reply', frame });
      if (h.xid === -2 && this.keepAlivePings > 0) {
        this.keepAlivePings--;
        return;
      }
      this.replies.push({ seq, xid: h.xid, zxid: h.zxid, err: h.err, body: frame.subarray(r.offset), frame });
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) if (w.check()) this.waiters.delete(w);
  }

  /** Waits until `take` returns a value; rejects on timeout or (if closeFails) when the socket closes first. */
  private waitFor<T>(what: string, timeoutMs: number, take: () => T | undefined, closeFails = true): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check: () => {
          const v = take();
          if (v !== undefined) {
            clearTimeout(timer);
            resolve(v);
            return true;
          }
          if (closeFails && this.closedFlag) {
            clearTimeout(timer);
            reject(new ConnectionClosedError(what));
            return true;
          }
          return false;
        },
      };
      if (waiter.check()) return;
      timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new TimeoutError(what, timeoutMs));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  // ---- output ----

  /** Writes bytes as they are; resolves once handed to the kernel. */
  writeRaw(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) {
        reject(new ConnectionClosedError('a write'));
        return;
      }
      this.socket.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Writes bytes in pieces of `chunk` bytes, pausing `delayMs` between pieces (bounded by the byte count). */
  async writeChunked(bytes: Buffer, chunk = 1, delayMs = 2): Promise<void> {
    for (let i = 0; i < bytes.length; i += chunk) {
      await this.writeRaw(bytes.subarray(i, i + chunk));
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }

  /** Sends the ConnectRequest and waits for the ConnectResponse. */
  async handshake(opts: HandshakeOptions = {}, timeoutMs = 3000): Promise<ConnectResult> {
    await this.writeRaw(connectRequestFrame(opts));
    return this.readConnectResponse(timeoutMs);
  }

  /** Waits for and decodes the ConnectResponse (the first frame). */
  async readConnectResponse(timeoutMs = 3000): Promise<ConnectResult> {
    const f = await this.waitFor('the ConnectResponse', timeoutMs, () => this.frames[0]);
    const body = f.frame.subarray(4);
    const r = new JuteReader(body);
    const res = ConnectResponse.decode(r);
    const readOnly = r.remaining() > 0 ? r.readBool() : null;
    if (r.remaining() !== 0) throw new Error(`${r.remaining()} extra bytes in the ConnectResponse`);
    this.session = {
      protocolVersion: res.protocolVersion,
      timeOut: res.timeOut,
      sessionId: res.sessionId,
      passwd: res.passwd ?? Buffer.alloc(0),
      readOnly,
      bodyLength: body.length,
      frame: f.frame,
    };
    return this.session;
  }

  /** Sends one request; returns its xid (auto-assigned unless given). */
  async send<T>(type: number, codec?: Encoder<T>, value?: T, xid?: number): Promise<number> {
    const x = xid ?? this.nextXid();
    await this.writeRaw(requestFrame(x, type, codec, value));
    return x;
  }

  /** Sends one request and waits for the reply with its xid (replies to ping use xid -2). */
  async request<T>(type: number, codec?: Encoder<T>, value?: T, opts: { xid?: number; timeoutMs?: number } = {}): Promise<Reply> {
    const xid = await this.send(type, codec, value, opts.xid);
    return this.replyFor(xid, opts.timeoutMs ?? 3000);
  }

  // ---- input ----

  /** The next reply (not a notification) in arrival order. */
  nextReply(timeoutMs = 3000): Promise<Reply> {
    return this.waitFor('a reply', timeoutMs, () => {
      const r = this.replies[this.replyCursor];
      if (r !== undefined) this.replyCursor++;
      return r;
    });
  }

  /** Takes replies in arrival order until the one for `xid`; fails if another xid comes first. */
  async replyFor(xid: number, timeoutMs = 3000): Promise<Reply> {
    const r = await this.nextReply(timeoutMs);
    if (r.xid !== xid) throw new Error(`expected the reply to xid ${xid}, got xid ${r.xid} (err ${r.err})`);
    return r;
  }

  /** The next watch notification (xid -1) in arrival order. */
  nextNotification(timeoutMs = 3000): Promise<Notification> {
    return this.waitFor('a notification', timeoutMs, () => {
      const n = this.notifications[this.notificationCursor];
      if (n !== undefined) this.notificationCursor++;
      return n;
    });
  }

  /** Notifications not yet taken by nextNotification. */
  get unreadNotifications(): Notification[] {
    return this.notifications.slice(this.notificationCursor);
  }

  /** The next frame of any kind, raw, in arrival order (its own cursor). */
  nextFrame(timeoutMs = 3000): Promise<Frame> {
    return this.waitFor('a frame', timeoutMs, () => {
      const f = this.frames[this.frameCursor];
      if (f !== undefined) this.frameCursor++;
      return f;
    });
  }

  /** Resolves once the peer has closed the connection; rejects after timeoutMs. */
  waitClosed(timeoutMs = 3000): Promise<void> {
    return this.waitFor('the connection to close', timeoutMs, () => (this.closedFlag ? true : undefined), false).then(() => undefined);
  }

  /** Waits `ms` and reports whether the connection is still open. */
  async stillOpenAfter(ms: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return !this.closedFlag;
  }

  /**
   * Pings every `intervalMs` until stopKeepAlive() or close(), so a short session
   * stays alive; those ping replies are not handed to nextReply.
   */
  startKeepAlive(intervalMs: number): void {
    this.stopKeepAlive();
    this.keepAliveTimer = setInterval(() => {
      if (this.socket.destroyed) {
        this.stopKeepAlive();
        return;
      }
      this.keepAlivePings++;
      this.socket.write(requestFrame(-2, 11));
    }, intervalMs);
  }

  stopKeepAlive(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }

  /** Destroys the socket (no closeSession: the session lives on on the server). */
  close(): void {
    this.stopKeepAlive();
    this.socket.destroy();
  }

  // ---- typed helpers for common requests ----

  create(path: string, opts: CreateOptions = {}): Promise<Reply> {
    const req: CreateRequest = {
      path,
      data: opts.data === undefined ? Buffer.alloc(0) : opts.data,
      acl: opts.acl === undefined ? OPEN_ACL : opts.acl,
      flags: opts.flags ?? 0,
    };
    return this.request(opts.opcode ?? 1, CreateRequest, req);
  }

  delete(path: string, version = -1): Promise<Reply> {
    return this.request(2, DeleteRequest, { path, version });
  }

  exists(path: string, watch = false): Promise<Reply> {
    return this.request(3, ExistsRequest, { path, watch });
  }

  getData(path: string, watch = false): Promise<Reply> {
    return this.request(4, GetDataRequest, { path, watch });
  }

  setData(path: string, data: Buffer | null, version = -1): Promise<Reply> {
    return this.request(5, SetDataRequest, { path, data, version });
  }

  getChildren(path: string, watch = false): Promise<Reply> {
    return this.request(8, GetChildrenRequest, { path, watch });
  }

  getChildren2(path: string, watch = false): Promise<Reply> {
    return this.request(12, GetChildrenRequest, { path, watch });
  }

  ping(): Promise<Reply> {
    return this.request(11, undefined, undefined, { xid: -2 });
  }

  /** closeSession; resolves with its reply. */
  closeSession(): Promise<Reply> {
    return this.request(-11);
  }
}

// ---- reply body decoders ----

export function createdPath(reply: Reply): string | null {
  return decodeExact(CreateResponse, reply.body).path;
}

export function statOf(reply: Reply): Stat {
  return decodeExact(SetDataResponse, reply.body).stat;
}

export function dataOf(reply: Reply): { data: Buffer | null; stat: Stat } {
  return decodeExact(GetDataResponse, reply.body);
}

export function childrenOf(reply: Reply): string[] {
  return decodeExact(GetChildrenResponse, reply.body).children ?? [];
}

/** Connects a client, runs `fn`, and always closes the client. */
export async function withClient<T>(port: number, fn: (c: RawClient) => Promise<T>, opts: HandshakeOptions = {}): Promise<T> {
  const c = await RawClient.connect(port, opts);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
