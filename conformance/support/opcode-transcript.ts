/**
 * Differential recording for the raw-protocol opcode cases: a scenario drives one or
 * more raw clients (test/support/raw-client.ts) against a target, and every frame the
 * target sends back (replies, watch notifications, connection closes) is written to a
 * transcript in a normalised, comparable form:
 *   - zxids relative to the scenario's anchor (the zxid of its first session), as
 *     "z+N"; -1 and 0 stay as they are;
 *   - session ids as the label of the client that owns them;
 *   - ctime/mtime as "set" or 0 (wall clock);
 *   - children and ephemeral lists sorted (ZooKeeper returns HashSet order);
 *   - reply bodies decoded by the opcode of the request they answer; a body that does
 *     not decode exactly is kept as hex.
 * The same script run on Apache ZooKeeper and on zkts must give equal transcripts.
 * Soft facts (expect) are collected so a run always completes and shows every
 * difference; the test fails on them afterwards.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type ACL,
  Create2Response,
  CreateResponse,
  ExistsResponse,
  GetACLResponse,
  GetAllChildrenNumberResponse,
  GetChildren2Response,
  GetChildrenResponse,
  GetDataResponse,
  GetEphemeralsResponse,
  SetACLResponse,
  SetDataResponse,
  SetSASLResponse,
  type Stat,
  SyncResponse,
  WhoAmIResponse,
  ErrorResponse,
  ExistsRequest,
  AddWatchRequest,
  AuthPacket,
  CheckVersionRequest,
  CheckWatchesRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  GetACLRequest,
  GetAllChildrenNumberRequest,
  GetChildren2Request,
  GetChildrenRequest,
  GetDataRequest,
  GetEphemeralsRequest,
  GetSASLRequest,
  MultiHeader,
  ReconfigRequest,
  RemoveWatchesRequest,
  SetACLRequest,
  SetDataRequest,
  SetWatches,
  SetWatches2,
  SyncRequest,
} from '../../src/protocol/generated/records.js';
import { JuteWriter } from '../../src/protocol/jute-writer.js';
import { errName } from '../../src/protocol/error-codes.js';
import { opName } from '../../src/protocol/opcodes.js';
import { JuteReader } from '../../src/protocol/jute-reader.js';
import {
  ConnectionClosedError,
  decodeMultiResponse,
  type Encoder,
  type HandshakeOptions,
  RawClient,
  type Reply,
  requestFrame,
  TimeoutError,
} from '../../test/support/raw-client.js';

export type Entry = Record<string, unknown>;

export const OPEN: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export interface CreateOpts {
  data?: Buffer | null;
  acl?: ACL[] | null;
  flags?: number;
  /** 1 create (default), 15 create2, 19 createContainer, 21 createTTL. */
  op?: 1 | 15 | 19 | 21;
  ttl?: number;
  closes?: boolean;
}

/** One op of a multi (14) or multiRead (22). */
export type MultiOpSpec =
  | { op: 1 | 15 | 19; path: string; data?: Buffer | null; acl?: ACL[]; flags?: number }
  | { op: 21; path: string; data?: Buffer | null; acl?: ACL[]; flags: number; ttl: number }
  | { op: 2; path: string; version?: number }
  | { op: 5; path: string; data: Buffer | null; version?: number }
  | { op: 13; path: string; version: number }
  | { op: 4 | 8; path: string; watch?: boolean };

function describeOp(o: MultiOpSpec): string {
  const extra = 'version' in o ? ` v=${o.version ?? -1}` : 'flags' in o ? ` flags=${o.flags ?? 0}` : '';
  return `${opName(o.op)} ${o.path}${extra}${'ttl' in o ? ` ttl=${o.ttl}` : ''}`;
}

const MultiBody: Encoder<MultiOpSpec[]> = {
  encode(w: JuteWriter, ops: MultiOpSpec[]): void {
    for (const o of ops) {
      MultiHeader.encode(w, { type: o.op, done: false, err: -1 });
      switch (o.op) {
        case 1:
        case 15:
        case 19:
          CreateRequest.encode(w, { path: o.path, data: o.data === undefined ? Buffer.alloc(0) : o.data, acl: o.acl ?? OPEN, flags: o.flags ?? 0 });
          break;
        case 21:
          CreateTTLRequest.encode(w, { path: o.path, data: o.data === undefined ? Buffer.alloc(0) : o.data, acl: o.acl ?? OPEN, flags: o.flags, ttl: BigInt(o.ttl) });
          break;
        case 2:
          DeleteRequest.encode(w, { path: o.path, version: o.version ?? -1 });
          break;
        case 5:
          SetDataRequest.encode(w, { path: o.path, data: o.data, version: o.version ?? -1 });
          break;
        case 13:
          CheckVersionRequest.encode(w, { path: o.path, version: o.version });
          break;
        case 4:
        case 8:
          GetDataRequest.encode(w, { path: o.path, watch: o.watch ?? false });
          break;
      }
    }
    MultiHeader.encode(w, { type: -1, done: true, err: -1 });
  },
};

const RawBody: Encoder<Buffer> = {
  encode(w: JuteWriter, b: Buffer): void {
    w.writeRaw(b);
  },
};

export const EventType: Record<number, string> = {
  [-1]: 'None',
  1: 'NodeCreated',
  2: 'NodeDeleted',
  3: 'NodeDataChanged',
  4: 'NodeChildrenChanged',
  5: 'DataWatchRemoved',
  6: 'ChildWatchRemoved',
  7: 'PersistentWatchRemoved',
};

export function aclText(acl: ACL[] | null): string[] | null {
  return acl === null ? null : acl.map((a) => `${a.id.scheme}:${a.id.id}:${a.perms}`);
}

function text(b: Buffer | null): string | null {
  if (b === null) return null;
  const s = b.toString('utf8');
  return Buffer.from(s, 'utf8').equals(b) ? s : `hex:${b.toString('hex')}`;
}

function sorted(list: string[] | null): string[] | null {
  return list === null ? null : [...list].sort();
}

/** One run of one scenario on one target. */
export class Transcript {
  readonly entries: Entry[] = [];
  readonly failures: string[] = [];
  private anchor: bigint | undefined;
  private readonly labels = new Map<bigint, string>();

  constructor(readonly target: string) {}

  setAnchor(z: bigint): void {
    this.anchor ??= z;
  }

  zxid(z: bigint): string | number {
    if (z <= 0n || this.anchor === undefined) return Number(z);
    const d = z - this.anchor;
    return d >= 0n ? `z+${d}` : `z${d}`;
  }

  nameSession(id: bigint, label: string): void {
    if (id !== 0n) this.labels.set(id, label);
  }

  session(id: bigint): string {
    if (id === 0n) return '0';
    return this.labels.get(id) ?? `unknown session 0x${id.toString(16)}`;
  }

  stat(s: Stat): Entry {
    return {
      czxid: this.zxid(s.czxid),
      mzxid: this.zxid(s.mzxid),
      pzxid: this.zxid(s.pzxid),
      ctime: s.ctime === 0n ? 0 : 'set',
      mtime: s.mtime === 0n ? 0 : 'set',
      version: s.version,
      cversion: s.cversion,
      aversion: s.aversion,
      ephemeralOwner: this.session(s.ephemeralOwner),
      dataLength: s.dataLength,
      numChildren: s.numChildren,
    };
  }

  push(e: Entry): void {
    this.entries.push(e);
  }

  /** A soft fact: recorded, not thrown, so the run goes on and the transcript stays complete. */
  expect(actual: unknown, expected: unknown, what: string): boolean {
    if (isDeepStrictEqual(actual, expected)) return true;
    this.failures.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    return false;
  }

  check(cond: boolean, what: string): boolean {
    if (!cond) this.failures.push(what);
    return cond;
  }

  /** Decodes a reply body by the opcode of its request. */
  body(op: number, err: number, body: Buffer): unknown {
    if (err !== 0 && op !== 102) return body.length === 0 ? undefined : { unexpectedBodyHex: body.toString('hex') };
    try {
      return this.decode(op, body);
    } catch (e) {
      return { undecodable: body.toString('hex'), why: (e as Error).message };
    }
  }

  private decode(op: number, body: Buffer): unknown {
    const r = new JuteReader(body);
    const done = <T>(v: T): T => {
      if (r.remaining() !== 0) throw new Error(`${r.remaining()} bytes left over`);
      return v;
    };
    switch (op) {
      case 1:
        return done(CreateResponse.decode(r).path);
      case 15:
      case 19:
      case 21: {
        const x = Create2Response.decode(r);
        return done({ path: x.path, stat: this.stat(x.stat) });
      }
      case 3:
        return done(this.stat(ExistsResponse.decode(r).stat));
      case 4:
      case 16: {
        const x = GetDataResponse.decode(r);
        return done({ data: text(x.data), stat: this.stat(x.stat) });
      }
      case 5:
      case 13: {
        if (body.length === 0) return undefined;
        return done(this.stat(SetDataResponse.decode(r).stat));
      }
      case 6: {
        const x = GetACLResponse.decode(r);
        return done({ acl: aclText(x.acl), stat: this.stat(x.stat) });
      }
      case 7:
        return done(this.stat(SetACLResponse.decode(r).stat));
      case 8:
        return done(sorted(GetChildrenResponse.decode(r).children));
      case 12: {
        const x = GetChildren2Response.decode(r);
        return done({ children: sorted(x.children), stat: this.stat(x.stat) });
      }
      case 9:
        return done(SyncResponse.decode(r).path);
      case 14:
      case 22:
        return decodeMultiResponse(body).map((m) => {
          const out: Entry = { type: opName(m.type) };
          if ('path' in m) out['path'] = m.path;
          if ('stat' in m) out['stat'] = this.stat(m.stat);
          if ('data' in m) out['data'] = text(m.data);
          if ('children' in m) out['children'] = sorted(m.children);
          if ('err' in m) out['err'] = errName(m.err);
          return out;
        });
      case 102: {
        if (body.length === 0) return undefined;
        return done(text(SetSASLResponse.decode(r).token));
      }
      case 103:
        return done(sorted(GetEphemeralsResponse.decode(r).ephemerals));
      case 104:
        return done(GetAllChildrenNumberResponse.decode(r).totalNumber);
      case 106:
        return done({ err: ErrorResponse.decode(r).err });
      case 107:
        // ZooKeeper lists a connection's ids in Java hash-set order; the order carries no meaning.
        return done((WhoAmIResponse.decode(r).clientInfo ?? []).map((c) => `${c.authScheme}:${c.user}`).sort());
      default:
        return body.length === 0 ? undefined : { hex: body.toString('hex') };
    }
  }
}

/** What one request got back. */
export interface Step {
  /** The reply's err, or null when the connection closed (or nothing came) first. */
  err: number | null;
  zxid: bigint;
  body: unknown;
  reply: Reply | undefined;
  closed: boolean;
}

export interface CallOptions {
  xid?: number;
  /** Also record whether the server closes the connection after the reply (waits up to 1.5 s). */
  closes?: boolean;
  /** Left out of the transcript (polling). */
  silent?: boolean;
  timeoutMs?: number;
}

const SILENT_XID = 0x7ffffff0;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A raw client whose every received frame goes into the scenario's transcript. */
export class TClient {
  private frameCursor = 1; // frame 0 is the ConnectResponse
  private readonly ops = new Map<number, { op: number; req: string; silent: boolean }>();
  private xid = 0;
  /** "Type path" of every notification received, in order. */
  readonly events: string[] = [];
  /** Set by the script when it expects the server to have closed the connection. */
  quit = false;
  /** The session ended with a successful closeSession. */
  closedBySession = false;

  constructor(readonly label: string, readonly raw: RawClient, private readonly t: Transcript) {
    this.ops.set(-2, { op: 11, req: '', silent: false });
  }

  get closed(): boolean {
    return this.raw.closed;
  }

  get sessionId(): bigint {
    return this.raw.sessionId;
  }

  /** Sends one request and records everything that arrives up to its reply. */
  async call<T>(type: number, req: string, codec?: Encoder<T>, value?: T, opts: CallOptions = {}): Promise<Step> {
    // Silent (polling) requests share one xid so that the xids of recorded requests
    // do not depend on how many polls a target needed.
    const xid = opts.xid ?? (opts.silent ? SILENT_XID : ++this.xid);
    return this.callFrame(type, req, requestFrame(xid, type, codec, value), xid, opts);
  }

  /** Sends `frame` (already encoded, with xid `xid`) as a request of type `type`. */
  async callFrame(type: number, req: string, frame: Buffer, xid: number, opts: CallOptions = {}): Promise<Step> {
    const silent = opts.silent ?? false;
    this.ops.set(xid, { op: type, req, silent });
    const head: Entry = { c: this.label, op: opName(type), req };
    if (this.raw.closed) {
      this.t.push({ ...head, result: 'not sent: connection already closed' });
      return { err: null, zxid: 0n, body: undefined, reply: undefined, closed: true };
    }
    try {
      await this.raw.writeRaw(frame);
    } catch {
      /* the close shows below */
    }
    const deadline = Date.now() + (opts.timeoutMs ?? 4000);
    let reply: Reply | undefined;
    let failure: string | undefined;
    for (let i = 0; i < 10_000 && reply === undefined; i++) {
      const left = deadline - Date.now();
      if (left <= 0) {
        failure = 'no reply (timeout)';
        break;
      }
      try {
        const r = await this.raw.nextReply(left);
        if (r.xid === xid) reply = r;
      } catch (e) {
        if (e instanceof ConnectionClosedError) failure = 'connection closed, no reply';
        else if (e instanceof TimeoutError) failure = 'no reply (timeout)';
        else throw e;
        break;
      }
    }
    this.drain(reply?.seq);
    if (reply === undefined) {
      this.t.push({ ...head, result: failure });
      return { err: null, zxid: 0n, body: undefined, reply: undefined, closed: this.raw.closed };
    }
    const body = this.t.body(type, reply.err, reply.body);
    let closed = false;
    if (opts.closes) {
      closed = await this.raw.waitClosed(1500).then(
        () => true,
        () => false,
      );
      this.drain();
      this.t.push({ c: this.label, closedAfter: opName(type), closed });
    }
    return { err: reply.err, zxid: reply.zxid, body, reply, closed };
  }

  /** Records every frame received so far (up to frame `upTo` if given). */
  drain(upTo?: number): void {
    const frames = this.raw.frames;
    const end = upTo === undefined ? frames.length - 1 : upTo;
    for (; this.frameCursor <= end && this.frameCursor < frames.length; this.frameCursor++) {
      const f = frames[this.frameCursor];
      if (f === undefined) break;
      if (f.kind === 'notification') {
        const n = this.raw.notifications.find((x) => x.seq === f.seq);
        if (n === undefined) continue;
        const name = `${EventType[n.event.type] ?? n.event.type} ${n.event.path}`;
        this.events.push(name);
        this.t.push({ c: this.label, event: name, state: n.event.state, zxid: this.t.zxid(n.zxid), err: n.err });
      } else if (f.kind === 'reply') {
        const r = this.raw.replies.find((x) => x.seq === f.seq);
        if (r === undefined) continue;
        const op = this.ops.get(r.xid);
        if (op?.silent) continue;
        if (op === undefined) {
          // Not a reply to anything we sent (e.g. a second ConnectResponse): its
          // bytes may hold session ids, so only its length is kept.
          this.t.push({ c: this.label, unexpectedFrame: { length: r.frame.length } });
          continue;
        }
        const e: Entry = { c: this.label, op: opName(op.op), req: op.req, xid: r.xid, err: errName(r.err), zxid: this.t.zxid(r.zxid) };
        const body = this.t.body(op.op, r.err, r.body);
        if (body !== undefined) e['body'] = body;
        this.t.push(e);
      }
    }
    if (this.raw.closed && this.frameCursor >= frames.length && this.raw.trailingBytes > 0) {
      this.t.push({ c: this.label, trailingBytes: this.raw.trailingBytes });
    }
  }

  /** Waits (bounded) until `n` more notifications than already recorded have arrived, then records them. */
  async waitEvents(n: number, timeoutMs = 3000): Promise<string[]> {
    const start = this.events.length;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      this.drain();
      if (this.events.length - start >= n || this.raw.closed) break;
      await sleep(20);
    }
    this.drain();
    const got = this.events.slice(start);
    if (got.length < n) this.t.push({ c: this.label, missingEvents: n - got.length });
    return got;
  }

  // ---- typed requests (the `req` text names the inputs in the transcript) ----

  create(path: string, o: CreateOpts = {}): Promise<Step> {
    const type = o.op ?? 1;
    const acl = o.acl === undefined ? OPEN : o.acl;
    const data = o.data === undefined ? Buffer.from('') : o.data;
    const desc = `${path} flags=${o.flags ?? 0} acl=${JSON.stringify(aclText(acl))} data=${data === null ? 'null' : data.length}`;
    if (type === 21) {
      return this.call(21, `${desc} ttl=${o.ttl ?? -1}`, CreateTTLRequest, { path, data, acl, flags: o.flags ?? 0, ttl: BigInt(o.ttl ?? -1) }, { closes: o.closes });
    }
    return this.call(type, desc, CreateRequest, { path, data, acl, flags: o.flags ?? 0 }, { closes: o.closes });
  }

  delete(path: string, version = -1): Promise<Step> {
    return this.call(2, `${path} v=${version}`, DeleteRequest, { path, version });
  }

  exists(path: string, watch = false): Promise<Step> {
    return this.call(3, `${path}${watch ? ' watch' : ''}`, ExistsRequest, { path, watch });
  }

  getData(path: string, watch = false): Promise<Step> {
    return this.call(4, `${path}${watch ? ' watch' : ''}`, GetDataRequest, { path, watch });
  }

  setData(path: string, data: Buffer | string | null, version = -1): Promise<Step> {
    const d = typeof data === 'string' ? Buffer.from(data) : data;
    return this.call(5, `${path} v=${version} data=${d === null ? 'null' : d.length}`, SetDataRequest, { path, data: d, version });
  }

  getACL(path: string): Promise<Step> {
    return this.call(6, path, GetACLRequest, { path });
  }

  setACL(path: string, acl: ACL[] | null, version = -1): Promise<Step> {
    return this.call(7, `${path} acl=${JSON.stringify(aclText(acl))} v=${version}`, SetACLRequest, { path, acl, version });
  }

  getChildren(path: string, watch = false): Promise<Step> {
    return this.call(8, `${path}${watch ? ' watch' : ''}`, GetChildrenRequest, { path, watch });
  }

  getChildren2(path: string, watch = false): Promise<Step> {
    return this.call(12, `${path}${watch ? ' watch' : ''}`, GetChildren2Request, { path, watch });
  }

  sync(path: string): Promise<Step> {
    return this.call(9, path, SyncRequest, { path });
  }

  check(path: string, version: number, opts: CallOptions = {}): Promise<Step> {
    return this.call(13, `${path} v=${version}`, CheckVersionRequest, { path, version }, opts);
  }

  multi(ops: MultiOpSpec[], type: 14 | 22 = 14): Promise<Step> {
    return this.call(type, ops.map(describeOp).join(' ; '), MultiBody, ops);
  }

  multiRead(ops: MultiOpSpec[]): Promise<Step> {
    return this.multi(ops, 22);
  }

  reconfig(req: ReconfigRequest): Promise<Step> {
    return this.call(16, JSON.stringify({ ...req, curConfigId: String(req.curConfigId) }), ReconfigRequest, req);
  }

  checkWatches(path: string, type: number): Promise<Step> {
    return this.call(17, `${path} type=${type}`, CheckWatchesRequest, { path, type });
  }

  removeWatches(path: string, type: number): Promise<Step> {
    return this.call(18, `${path} type=${type}`, RemoveWatchesRequest, { path, type });
  }

  /** An AuthPacket; clients send it with xid -4. */
  auth(scheme: string, auth: Buffer | string | null, opts: CallOptions = {}): Promise<Step> {
    const a = typeof auth === 'string' ? Buffer.from(auth) : auth;
    return this.call(100, `${scheme} ${a === null ? 'null' : a.toString('utf8')}`, AuthPacket, { type: 0, scheme, auth: a }, { xid: -4, ...opts });
  }

  setWatches(w: SetWatches, opts: CallOptions = {}): Promise<Step> {
    return this.call(101, this.watchesText(w), SetWatches, w, opts);
  }

  setWatches2(w: SetWatches2, opts: CallOptions = {}): Promise<Step> {
    return this.call(105, this.watchesText(w), SetWatches2, w, opts);
  }

  private watchesText(w: SetWatches | SetWatches2): string {
    return JSON.stringify({ ...w, relativeZxid: this.t.zxid(w.relativeZxid) });
  }

  sasl(token: Buffer | null, opts: CallOptions = {}): Promise<Step> {
    return this.call(102, token === null ? 'null' : token.toString('hex'), GetSASLRequest, { token }, opts);
  }

  getEphemerals(prefixPath: string | null): Promise<Step> {
    return this.call(103, String(prefixPath), GetEphemeralsRequest, { prefixPath });
  }

  getAllChildrenNumber(path: string): Promise<Step> {
    return this.call(104, path, GetAllChildrenNumberRequest, { path });
  }

  addWatch(path: string, mode: number): Promise<Step> {
    return this.call(106, `${path} mode=${mode}`, AddWatchRequest, { path, mode });
  }

  whoAmI(): Promise<Step> {
    return this.call(107, '');
  }

  /** A request of `type` with a raw body; records whether the server then closes the connection. */
  rawRequest(type: number, body: Buffer, req: string, opts: CallOptions = {}): Promise<Step> {
    return this.call(type, req, RawBody, body, opts);
  }

  /** A ping round trip: every notification queued before it is recorded. */
  ping(): Promise<Step> {
    return this.call(11, '', undefined, undefined, { xid: -2 });
  }

  /** closeSession, its reply and the close of the connection. */
  async closeSession(): Promise<Step> {
    this.quit = true;
    const s = await this.call(-11, '', undefined, undefined, { closes: true });
    this.closedBySession = s.err === 0;
    this.raw.close();
    return s;
  }

  /**
   * Polls `exists path` (unrecorded) every 150 ms until it answers NoNode, within
   * timeoutMs; records one entry with the outcome.
   */
  async pollUntilGone(path: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
      const s = await this.call(3, path, ExistsRequest, { path, watch: false }, { silent: true });
      if (s.err === -101) {
        gone = true;
        break;
      }
      if (s.err === null) break;
      await sleep(150);
    }
    this.drain();
    this.t.push({ c: this.label, pollUntilGone: path, gone });
    return gone;
  }
}

/** The clients of one scenario run. */
export class ScenarioRun {
  readonly t: Transcript;
  private readonly clients: TClient[] = [];

  constructor(target: string, readonly port: number, readonly base: string) {
    this.t = new Transcript(target);
  }

  /** Connects a session labelled `label`; the first one anchors the zxids. */
  async client(label: string, opts: HandshakeOptions = {}): Promise<TClient> {
    const raw = await RawClient.connect(this.port, { timeout: 30_000, ...opts });
    const c = new TClient(label, raw, this.t);
    this.clients.push(c);
    this.t.nameSession(raw.sessionId, label);
    const s = raw.session;
    this.t.push({ c: label, connected: { timeOut: s?.timeOut, readOnly: s?.readOnly, bodyLength: s?.bodyLength } });
    if (this.clients.length === 1) {
      const p = await raw.ping();
      this.t.setAnchor(p.zxid);
      c.drain();
    }
    return c;
  }

  /**
   * A handshake that names an existing session (reconnect); records what the
   * ConnectResponse says and whether the server then closes the connection.
   */
  async reconnect(label: string, sessionId: bigint, passwd: Buffer): Promise<void> {
    const raw = await RawClient.open(this.port);
    try {
      const res = await raw.handshake({ timeout: 30_000, sessionId, passwd }).catch(() => undefined);
      const closed = await raw.waitClosed(1500).then(
        () => true,
        () => false,
      );
      this.t.push({
        c: label,
        reconnect: this.t.session(sessionId),
        response: res === undefined ? 'none' : { timeOut: res.timeOut, session: this.t.session(res.sessionId), passwdZero: res.passwd.every((x) => x === 0) },
        closed,
      });
    } finally {
      raw.close();
    }
  }

  /** Ends every session still open with closeSession (recorded). */
  async finish(): Promise<void> {
    for (const c of this.clients) {
      if (!c.quit && !c.closed) await c.closeSession();
      c.raw.close();
    }
    // A session whose connection the server closed lives on until it expires, and its
    // expiry would add a closeSession txn in the middle of a later case: end it now.
    for (const c of this.clients) {
      if (c.closedBySession) continue;
      const sess = c.raw.session;
      if (!sess) continue;
      const raw = await RawClient.open(this.port);
      try {
        const res = await raw.handshake({ timeout: 30_000, sessionId: sess.sessionId, passwd: sess.passwd });
        if (res.timeOut <= 0) {
          this.t.push({ c: c.label, cleanup: 'the session was already gone' });
          continue;
        }
        const r = await raw.closeSession();
        this.t.push({ c: c.label, cleanup: 'the session was still alive; closed it', err: errName(r.err), zxid: this.t.zxid(r.zxid) });
      } catch (e) {
        this.t.push({ c: c.label, cleanup: `failed: ${(e as Error).message}` });
      } finally {
        raw.close();
      }
    }
  }

  closeAll(): void {
    for (const c of this.clients) c.raw.close();
  }
}

/**
 * Human-readable differences between two transcripts: a longest-common-subsequence
 * alignment, printed as hunks of entries only ZooKeeper produced ("zookeeper:") and
 * entries only zkts produced ("zkts:"), each with its position.
 */
export function transcriptDiff(oracle: readonly unknown[], other: readonly unknown[], maxHunks = 12): string[] {
  const a = oracle.map((e) => JSON.stringify(e));
  const b = other.map((e) => JSON.stringify(e));
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const hunks: string[] = [];
  let i = 0;
  let j = 0;
  let zk: string[] = [];
  let kt: string[] = [];
  const flush = (): void => {
    if (zk.length === 0 && kt.length === 0) return;
    if (hunks.length < maxHunks) hunks.push([...zk.map((x) => `  zookeeper: ${x}`), ...kt.map((x) => `  zkts:      ${x}`)].join('\n'));
    zk = [];
    kt = [];
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      kt.push(`#${j} ${b[j]}`);
      j++;
    } else {
      zk.push(`#${i} ${a[i]}`);
      i++;
    }
  }
  flush();
  return hunks;
}
