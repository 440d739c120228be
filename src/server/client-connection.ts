import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import {
  type ACL,
  AuthPacket,
  ConnectRequest,
  ConnectResponse,
  type Id,
  ReplyHeader,
  RequestHeader,
  WatcherEvent,
} from '../protocol/generated/records.js';
import { type ClientRequest, decodeClientRequest, isWriteRequest, type ReadRequest, UnknownOpcodeError } from '../protocol/client-requests.js';
import { Err, KeeperError } from '../protocol/error-codes.js';
import { FrameDecoder, FrameLengthError } from '../protocol/frame-decoder.js';
import { JuteDecodeError, JuteReader } from '../protocol/jute-reader.js';
import { JuteWriter } from '../protocol/jute-writer.js';
import { isWriteOp, OpCode, opName, Xid } from '../protocol/opcodes.js';
import { aclAllows, authenticate, Perms } from '../tree/acl.js';
import { concurrentHashSetOrder, juteRecordHash } from '../tree/java-hash-order.js';
import type { Watcher } from '../tree/watch-manager.js';
import { executeRead, PartialReplyError } from './read-requests.js';
import { encodeReplyBody, type ReplyBody, replyForTxn, writeReplyHeader } from './reply-body.js';
import type { ServerCore } from './server-core.js';
import { passwordMatches } from './session-password.js';
import type { Session } from './session-tracker.js';

type State = 'handshake' | 'awaiting-session' | 'connected' | 'closed';

interface Reply {
  zxid: bigint;
  err: number;
  body?: ReplyBody;
}

/**
 * One request of this connection, kept until its reply can go out in order. A class
 * with every field set up front: one object shape for every request.
 */
class Pending {
  /** Reads: run when they reach the head. */
  read: ReadRequest | undefined = undefined;
  /** Writes: filled in when applied. */
  reply: Reply | undefined = undefined;
  closeAfter = false;
  /** ZooKeeper sends nothing back (it fails to serialize the reply); the slot is just dropped. */
  noReply = false;

  constructor(
    readonly xid: number,
    readonly type: number,
    readonly received: number,
  ) {}
}

export interface ConnectionStats {
  packetsReceived: number;
  packetsSent: number;
  lastCxid: number;
  lastZxid: bigint;
  lastOpcode: number | null;
  lastLatency: number;
  minLatency: number;
  maxLatency: number;
  totalLatency: number;
  completed: number;
  lastResponseTime: number;
  established: number;
}

const MAX_OUTSTANDING_PER_CONNECTION = 1000;

function freshStats(): ConnectionStats {
  return {
    packetsReceived: 0,
    packetsSent: 0,
    lastCxid: -1,
    lastZxid: -1n,
    lastOpcode: null,
    lastLatency: 0,
    minLatency: Number.MAX_SAFE_INTEGER,
    maxLatency: 0,
    totalLatency: 0,
    completed: 0,
    lastResponseTime: 0,
    established: Date.now(),
  };
}

/**
 * The server side of one client TCP connection: framing, the session handshake,
 * replies in the order requests arrived, and watch notifications.
 */
export class ClientConnection implements Watcher {
  private state: State = 'handshake';
  private readonly decoder: FrameDecoder;
  private readonly out = new JuteWriter(4096);
  private flushScheduled = false;
  private readonly queue: Pending[] = [];
  private writeBlocked = false;
  private paused = false;
  private oldClient = false;
  /** This connection asked a four-letter word (cons shows it with no interest ops). */
  isFourLetterWord = false;
  session: Session | undefined;
  readonly authIds: Id[];
  readonly remoteAddress: string;
  readonly remotePort: number;
  stats = freshStats();
  private readonly log: Logger;
  /**
   * performance.now() taken once for the frames of one socket chunk (-1 outside):
   * their arrival time, the session touch and the latency of replies sent meanwhile.
   */
  private chunkNow = -1;
  /** Date.now() for the same span, taken at its first use (-1 until then). */
  private chunkDate = -1;
  /** The session was touched at chunkNow already. */
  private touchedInChunk = false;

  constructor(
    private readonly socket: Socket,
    private readonly core: ServerCore,
  ) {
    this.remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.remotePort = socket.remotePort ?? 0;
    this.authIds = [{ scheme: 'ip', id: this.remoteAddress }];
    this.decoder = new FrameDecoder(core.config.juteMaxBuffer);
    this.log = core.log.child({ client: `${this.remoteAddress}:${this.remotePort}` });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.updateReading();
    });
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    socket.on('close', () => this.onClosed());
  }

  get sessionId(): bigint {
    return this.session?.id ?? 0n;
  }

  /** As a read's caller, the connection is its own watcher. */
  get watcher(): Watcher {
    return this;
  }

  get outstanding(): number {
    return this.queue.length;
  }

  // ---- input ----

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.decoder.push(chunk);
    if (this.state === 'handshake' && this.tryFourLetterWord()) return;
    this.processFrames();
  }

  /** ZooKeeper reads a new connection's first 4 bytes as a command before treating them as a length. */
  private tryFourLetterWord(): boolean {
    const head = this.decoder.peek(4);
    if (!head) return false;
    const word = this.core.fourLetterWord(head);
    if (word === null) return false;
    this.isFourLetterWord = true;
    this.stats.packetsReceived = 1;
    const argLength = this.core.fourLetterPayloadLength(word);
    const all = this.decoder.peek(4 + argLength);
    if (!all) return true;
    const text = this.core.answerFourLetterWord(word, argLength > 0 ? all.subarray(4, 4 + argLength) : undefined);
    this.state = 'closed';
    this.socket.end(text);
    return true;
  }

  private processFrames(): void {
    // Clock reads cost ~0.1 µs each here, several per request before: one per chunk now.
    this.chunkNow = performance.now();
    this.chunkDate = -1;
    this.touchedInChunk = false;
    try {
      while (this.state === 'handshake' || this.state === 'connected') {
        const frame = this.decoder.next();
        if (!frame) return;
        this.stats.packetsReceived++;
        if (this.state === 'handshake') this.onConnectRequest(frame);
        else this.onRequest(frame);
      }
    } catch (e) {
      if (e instanceof FrameLengthError) {
        this.log.warn({ length: e.length, max: e.max }, 'closing connection: bad frame length');
      } else if (e instanceof JuteDecodeError) {
        this.log.warn({ err: e.message }, 'closing connection: malformed frame');
      } else {
        this.log.error({ err: e }, 'closing connection: unexpected error');
      }
      this.close();
    } finally {
      this.chunkNow = -1;
    }
  }

  /** performance.now(), once per chunk while its frames are processed. */
  private clock(): number {
    return this.chunkNow >= 0 ? this.chunkNow : performance.now();
  }

  /** Date.now(), once per chunk while its frames are processed. */
  private wallClock(): number {
    if (this.chunkNow < 0) return Date.now();
    if (this.chunkDate < 0) this.chunkDate = Date.now();
    return this.chunkDate;
  }

  private onConnectRequest(frame: Buffer): void {
    const r = new JuteReader(frame);
    const req = ConnectRequest.decode(r);
    this.oldClient = r.remaining() === 0;
    const readOnly = this.oldClient ? false : r.readBool();
    void readOnly; // a standalone server is read-write: the flag changes nothing
    const cfg = this.core.config;
    if (req.lastZxidSeen > this.core.tree.lastProcessedZxid) {
      this.log.info(
        { lastZxidSeen: `0x${req.lastZxidSeen.toString(16)}`, ourZxid: `0x${this.core.tree.lastProcessedZxid.toString(16)}` },
        'refusing session: client has seen a later zxid than ours; it must try another server',
      );
      this.close();
      return;
    }
    const timeout = Math.min(Math.max(req.timeOut, cfg.minSessionTimeout), cfg.maxSessionTimeout);
    if (req.sessionId === 0n) {
      this.state = 'awaiting-session';
      this.core.createSession(timeout, (session) => {
        if (this.state === 'closed') return;
        this.attach(session);
        this.sendConnectResponse(session.timeout, session.id, this.core.sessions.passwordFor(session.id));
        this.log.info({ session: `0x${session.id.toString(16)}`, timeout }, 'session established');
        this.processFrames();
      });
      return;
    }
    // Like ZooKeeper, a reconnect drops the session's current connection before
    // the password is even checked.
    this.core.dropConnectionOf(req.sessionId);
    const session = this.core.sessions.get(req.sessionId);
    if (!session || session.closing || !passwordMatches(req.sessionId, req.passwd)) {
      this.log.info({ session: `0x${req.sessionId.toString(16)}` }, 'refusing reconnect: session expired, closed or wrong password');
      this.sendConnectResponse(0, 0n, Buffer.alloc(16));
      this.state = 'closed';
      this.flushNow();
      this.socket.end();
      return;
    }
    session.timeout = timeout;
    this.core.sessions.touch(session);
    this.attach(session);
    this.sendConnectResponse(timeout, session.id, this.core.sessions.passwordFor(session.id));
  }

  private attach(session: Session): void {
    this.session = session;
    this.state = 'connected';
    this.core.attachSession(session, this);
  }

  private sendConnectResponse(timeOut: number, sessionId: bigint, passwd: Buffer): void {
    this.writeFrame((w) => {
      ConnectResponse.encode(w, { protocolVersion: 0, timeOut, sessionId, passwd });
      if (!this.oldClient) w.writeBool(false);
    });
  }

  /** Appends one length-prefixed frame to the output; returns its size on the wire. */
  private writeFrame(write: (w: JuteWriter) => void): number {
    const at = this.out.reserveLength();
    write(this.out);
    this.out.patchLength(at);
    this.stats.packetsSent++;
    this.scheduleFlush();
    return this.out.offset - at;
  }

  private onRequest(frame: Buffer): void {
    const r = new JuteReader(frame);
    const hdr = RequestHeader.decode(r);
    const session = this.session as Session;
    // Every frame of a chunk arrived at once: one touch gives them all the same deadline.
    if (!this.touchedInChunk) {
      this.core.sessions.touch(session);
      this.touchedInChunk = this.chunkNow >= 0;
    }
    this.stats.lastCxid = hdr.xid;
    if (hdr.type === OpCode.auth) {
      this.onAuth(hdr.xid, AuthPacket.decode(r));
      return;
    }
    const pending = new Pending(hdr.xid, hdr.type, this.clock());
    if (hdr.type === OpCode.deleteContainer) {
      // ZooKeeper takes the whole packet, header included, as the path of a
      // deleteContainer, so one sent by a client always fails as BadArguments.
      this.enqueue(pending);
      this.failWrite(pending, hdr.xid, Err.BADARGUMENTS);
      return;
    }
    if (hdr.type === OpCode.createSession) {
      this.onCreateSessionRequest(pending, session, r);
      return;
    }
    let req: ClientRequest;
    try {
      req = decodeClientRequest(hdr.type, r);
    } catch (e) {
      if (e instanceof UnknownOpcodeError) {
        // ZooKeeper answers Unimplemented (zxid -1) and then drops the connection.
        this.log.warn({ opcode: hdr.type }, 'unknown opcode; closing connection after the error reply');
        pending.reply = { zxid: -1n, err: Err.UNIMPLEMENTED };
        pending.closeAfter = true;
        this.enqueue(pending);
        return;
      }
      if (!(e instanceof JuteDecodeError)) throw e;
      this.log.warn({ opcode: opName(hdr.type), err: e.message }, 'malformed request body');
      this.enqueue(pending);
      if (isWriteOp(hdr.type)) {
        this.failWrite(pending, hdr.xid, Err.MARSHALLINGERROR);
      } else {
        pending.reply = { zxid: this.core.tree.lastProcessedZxid, err: Err.MARSHALLINGERROR };
        this.drainQueue();
      }
      return;
    }
    if (session.closing) return;
    if (req.type === OpCode.sasl) {
      if (req.req.token === null) {
        // ZooKeeper fails on a null token before answering and drops the connection.
        this.log.warn('SASL request without a token; closing connection');
        this.close();
        return;
      }
      // ZooKeeper answers SASL tokens at once, outside the request pipeline, with zxid 0.
      this.writeFrame((w) => {
        ReplyHeader.encode(w, { xid: hdr.xid, zxid: 0n, err: Err.OK });
        encodeReplyBody(w, { type: OpCode.sasl, token: null });
      });
      return;
    }
    if (isWriteRequest(req)) {
      if (req.type === OpCode.closeSession) session.closing = true;
      this.enqueue(pending);
      this.core.pipeline.submit({ sessionId: session.id, cxid: hdr.xid, authIds: this.authIds }, req, (result) => {
        const failed = result.type === OpCode.error;
        // Built whole (body included): a property added afterwards gives replies two shapes.
        pending.reply = { zxid: this.core.tree.lastProcessedZxid, err: failed ? result.err : Err.OK, body: failed ? undefined : replyForTxn(result) };
        // A top-level check that passes gets no reply from ZooKeeper 3.8/3.9 (its
        // response record cannot be serialized), though its zxid is used.
        if (req.type === OpCode.check && result.type !== OpCode.error) pending.noReply = true;
        if (req.type === OpCode.closeSession) {
          pending.closeAfter = true;
          this.core.sessionClosed(session.id);
        }
        this.drainQueue();
      });
    } else {
      pending.read = req;
      this.enqueue(pending);
    }
  }

  /** Logs an error txn for a write that fails before prep (it still uses a zxid), then replies. */
  private failWrite(pending: Pending, xid: number, err: number): void {
    this.core.pipeline.submitFailed({ sessionId: this.sessionId, cxid: xid, authIds: this.authIds }, err, () => {
      pending.reply = { zxid: this.core.tree.lastProcessedZxid, err };
      this.drainQueue();
    });
  }

  /**
   * createSession (-10) sent on an established connection. ZooKeeper runs it through
   * its pipeline: without a body it fails as MarshallingError; with one, the first int
   * becomes the session's new timeout and a second ConnectResponse is sent (a timeout
   * of 0, as a ConnectRequest-shaped body gives, ends the session at the next tick).
   */
  private onCreateSessionRequest(pending: Pending, session: Session, r: JuteReader): void {
    this.enqueue(pending);
    if (r.remaining() < 4) {
      this.failWrite(pending, pending.xid, Err.MARSHALLINGERROR);
      return;
    }
    const timeOut = r.readInt();
    this.core.pipeline.submit({ sessionId: session.id, cxid: pending.xid, authIds: this.authIds }, { type: OpCode.createSession, timeOut }, () => {
      pending.reply = { zxid: this.core.tree.lastProcessedZxid, err: Err.OK };
      pending.noReply = true;
      this.sendConnectResponse(session.timeout, session.id, this.core.sessions.passwordFor(session.id));
      session.timeout = Math.max(0, timeOut);
      this.core.sessions.touch(session);
      this.drainQueue();
    });
  }

  private onAuth(xid: number, auth: AuthPacket): void {
    const ids = authenticate(auth.scheme, auth.auth, this.remoteAddress, this.core.config.superDigest);
    if (ids !== null) {
      const all = [...this.authIds];
      for (const id of ids) {
        if (!all.some((a) => a.scheme === id.scheme && a.id === id.id)) all.push(id);
      }
      this.authIds.splice(0, this.authIds.length, ...concurrentHashSetOrder(all, (id) => juteRecordHash([id.scheme, id.id])));
      this.sendHeader(xid, 0n, Err.OK);
      return;
    }
    this.log.warn({ scheme: auth.scheme }, 'authentication failed: no provider for the scheme; closing connection');
    this.core.authFailed();
    this.sendHeader(xid, 0n, Err.AUTHFAILED);
    this.flushNow();
    this.close();
  }

  // ---- ordered replies ----

  private enqueue(p: Pending): void {
    this.queue.push(p);
    this.core.outstandingChanged(1);
    this.updateReading();
    this.drainQueue();
  }

  /** Sends every reply at the head that is ready; a read runs once it reaches the head. */
  private drainQueue(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0] as Pending;
      if (!head.reply) {
        if (!head.read) return;
        head.reply = this.runRead(head.read);
      }
      this.queue.shift();
      this.core.outstandingChanged(-1);
      if (!head.noReply) this.sendReply(head);
      if (head.closeAfter) {
        this.flushNow();
        this.close();
        return;
      }
    }
    this.updateReading();
  }

  private runRead(req: ReadRequest): Reply {
    try {
      const body = executeRead(this.core.tree, req, this);
      return { zxid: this.core.tree.lastProcessedZxid, err: Err.OK, body };
    } catch (e) {
      if (!(e instanceof KeeperError)) throw e;
      const body = e instanceof PartialReplyError ? e.body : undefined;
      return { zxid: this.core.tree.lastProcessedZxid, err: e.code, body };
    }
  }

  private sendReply(p: Pending): void {
    const reply = p.reply as Reply;
    const xid = p.type === OpCode.ping ? Xid.ping : p.xid;
    // writeFrame spelled out: no closure and no header record per reply.
    const w = this.out;
    const at = w.reserveLength();
    writeReplyHeader(w, xid, reply.zxid, reply.err);
    if (reply.body) encodeReplyBody(w, reply.body);
    w.patchLength(at);
    this.stats.packetsSent++;
    this.scheduleFlush();
    this.core.recordResponseSize(w.offset - at);
    const latency = Math.round(this.clock() - p.received);
    const s = this.stats;
    s.lastOpcode = p.type;
    s.lastZxid = reply.zxid;
    s.lastLatency = latency;
    s.minLatency = Math.min(s.minLatency, latency);
    s.maxLatency = Math.max(s.maxLatency, latency);
    s.totalLatency += latency;
    s.completed++;
    s.lastResponseTime = this.wallClock();
    this.core.recordLatency(latency);
  }

  private sendHeader(xid: number, zxid: bigint, err: number): void {
    this.writeFrame((w) => ReplyHeader.encode(w, { xid, zxid, err }));
  }

  /**
   * Watcher: notifications skip the reply queue, so they precede any later reply.
   * Events about a node this client may not read are dropped.
   */
  process(event: WatcherEvent, acl?: readonly ACL[]): void {
    if (this.state === 'closed') return;
    if (acl !== undefined && !aclAllows(acl, Perms.READ, this.authIds)) return;
    this.writeFrame((w) => {
      ReplyHeader.encode(w, { xid: Xid.notification, zxid: -1n, err: Err.OK });
      WatcherEvent.encode(w, event);
    });
  }

  // ---- output and flow control ----

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushNow());
  }

  private flushNow(): void {
    this.flushScheduled = false;
    if (this.out.pendingBytes === 0 || this.socket.destroyed) return;
    // take() hands the bytes over without a copy; the writer never overwrites them.
    const ok = this.socket.write(this.out.take());
    if (!ok) {
      this.writeBlocked = true;
      this.updateReading();
    }
  }

  /** Stops reading while this client has too much in flight or its output is backed up. */
  updateReading(): void {
    if (this.state === 'closed') return;
    const stop =
      this.writeBlocked ||
      this.queue.length >= MAX_OUTSTANDING_PER_CONNECTION ||
      this.core.globalOutstanding >= this.core.config.globalOutstandingLimit;
    if (stop && !this.paused) {
      this.paused = true;
      this.socket.pause();
      this.core.connectionPaused(this);
    } else if (!stop && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** crst: forget this connection's counters. */
  resetStats(): void {
    this.stats = { ...freshStats(), established: this.stats.established };
  }

  /** Drops the TCP connection; the session lives on until it expires or is closed. */
  close(): void {
    if (this.socket.destroyed) return;
    this.state = 'closed';
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private onClosed(): void {
    this.state = 'closed';
    if (this.queue.length > 0) this.core.outstandingChanged(-this.queue.length);
    this.queue.length = 0;
    this.core.connectionClosed(this);
  }
}
