/**
 * Replays the client→server bytes of real ZooKeeper 3.8.0 captures
 * (../shared/fixtures/client/streams) against an in-process zkts configured like
 * the capture server, and compares every server→client frame with the captured one.
 *
 * The streams 09 (kazoo), 10 (cli_mt) and 11–21 (raw cases) ran one after the other
 * on the capture server, and their txns (0x35..0x64 in the capture's txn log) form one
 * unbroken chain. They are replayed in the same order on ONE fresh zkts, so every
 * zxid can be checked as an exact offset from a common anchor: the capture's last zxid
 * before stream 09 (0x34) ↔ zkts's last zxid after the setup below.
 *
 * What is compared, frame by frame, in order (notifications included):
 *   - frame length (so the body layout and sizes match);
 *   - ReplyHeader xid and err; zxid as an offset from the anchor (-1 and 0 exactly);
 *   - the decoded body by request opcode: paths, data, ACLs, versions, cversion,
 *     numChildren, dataLength, multi result types/errors; Stat zxids as offsets;
 *     ephemeralOwner as "the session of stream N";
 *   - ConnectResponse: protocolVersion, timeOut, body length (36 without the readOnly
 *     byte, 37 with it), readOnly, and whether sessionId/passwd are zero;
 *   - whether the server closes the connection at the end (index.json "close").
 * What is normalised, and why:
 *   - session ids and passwords: server-chosen (time-based ids, per-server secret);
 *     reconnect requests get the zkts session id/password of the captured session
 *     they name (a captured password that was wrong on purpose stays wrong);
 *     lastZxidSeen is mapped through the zxid offset (unless it is beyond the
 *     capture's last zxid on purpose, as in stream 14);
 *   - ctime/mtime: wall-clock values; only "zero or not" is compared;
 *   - children lists are compared as sorted lists: ZooKeeper returns them in Java
 *     HashSet order, which is not part of the protocol (lengths are compared anyway).
 * Per-frame exceptions are listed in STAT_FROM_EARLIER_PHASES with their reason.
 *
 * The procedure itself (setup, anchor, rewriting, normalisation) was checked by
 * running it unchanged against a fresh real ZooKeeper 3.8.0 configured like the
 * capture: all 13 streams matched.
 *
 * Not replayed (explicit list, with reasons):
 *   - 01: a 4lw probe (`ruok`), covered by four-letter-words.test.ts.
 *   - 02–08 (Java client phase): two to four sessions run concurrently with forced TCP
 *     drops, and they use addWatch (106) persistent/recursive watches and setWatches2
 *     with persistent watches, which zkts does not implement yet; their notifications
 *     depend on interleaving with each other. Not reproducible as a sequential replay.
 *   - 22 (SASL DIGEST-MD5, opcode 102): SASL is not implemented in zkts yet.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ConnectRequest,
  ConnectResponse,
  Create2Response,
  CreateResponse,
  ExistsResponse,
  GetACLResponse,
  GetAllChildrenNumberResponse,
  GetChildren2Response,
  GetChildrenResponse,
  GetDataResponse,
  GetEphemeralsResponse,
  ReplyHeader,
  RequestHeader,
  SetACLResponse,
  SetDataResponse,
  type Stat,
  SyncResponse,
  WhoAmIResponse,
} from '../src/protocol/generated/records.js';
import { JuteReader } from '../src/protocol/jute-reader.js';
import { JuteWriter } from '../src/protocol/jute-writer.js';
import { createLogger } from '../src/server/logger.js';
import { defaultServerConfig } from '../src/server/server-config.js';
import { type RunningServer, startStandaloneServer } from '../src/server/standalone-server.js';
import { fixturePath, haveFixtures, readStream, type StreamRecord } from './support/fixtures.js';
import { decodeMultiResponse, type Frame, RawClient } from './support/raw-client.js';

const STREAMS = 'client/streams';

/** Replayed in this order (the capture's order); each is one TCP connection. */
const CHAIN = [
  '09_kazoo_new-session.jsonl',
  '10_climt_new-session.jsonl',
  '11_raw_new-session.jsonl',
  '12_raw_reconnect-0x100000813970005.jsonl',
  '13_raw_reconnect-0x100000813970005.jsonl',
  '14_raw_new-session.jsonl',
  '15_raw_new-session-oldclient-no-readonly-byte.jsonl',
  '16_raw_new-session-readonly-flag.jsonl',
  '17_raw_new-session.jsonl',
  '18_raw_reconnect-0x100000813970008.jsonl',
  '19_raw_unframed.jsonl',
  '20_raw_new-session.jsonl',
  '21_raw_reconnect-0x100000813970005.jsonl',
] as const;

/**
 * Stat fields that cannot match, by `<file>#xid=<xid>`, because they come from the
 * Java phase (02–08), which is not replayed:
 *   - 09 xid 4 (exists /): the root's pzxid is the zxid of /fx's creation, 0x2 in
 *     the capture; the setup creates /fx just before the anchor instead.
 *   - 11 xid 2 (exists /fx): /fx had 13 children, several data versions, ... from
 *     the Java phase; the setup only creates it.
 * Everything else of these frames (length, header, the other fields) is compared.
 */
const STAT_FROM_EARLIER_PHASES = new Map<string, readonly string[] | 'all'>([
  ['09_kazoo_new-session.jsonl#xid=4', ['pzxid']],
  ['11_raw_new-session.jsonl#xid=2', 'all'],
]);

/** The capture server's zoo.cfg (client/logs/zoo.cfg): tickTime 2000, extendedTypesEnabled=true. */
const captureConfig = () =>
  defaultServerConfig({ clientPort: 0, tickTime: 2000, extendedTypesEnabled: true, fourLetterWordWhitelist: new Set(['ruok', 'srvr']) });

interface CapturedTxn {
  zxid: bigint;
  type: number;
  clientId: bigint;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The capture server's txn log, as decoded next to it (datadir/standalone-client-capture). */
function capturedTxns(): CapturedTxn[] {
  const raw: unknown = JSON.parse(readFileSync(fixturePath('datadir', 'standalone-client-capture', 'version-2', 'log.1.decoded.json'), 'utf8'));
  if (!isRecord(raw) || !Array.isArray(raw['records'])) throw new Error('unexpected log.1.decoded.json layout');
  return raw['records'].map((r: unknown) => {
    if (!isRecord(r) || !isRecord(r['TxnHeader'])) throw new Error('unexpected txn record');
    const h = r['TxnHeader'];
    return { zxid: BigInt(String(h['zxid'])), type: Number(h['type']), clientId: BigInt(String(h['clientId'])) };
  });
}

function closedByServer(file: string): boolean {
  const raw: unknown = JSON.parse(readFileSync(fixturePath(STREAMS, 'index.json'), 'utf8'));
  if (!Array.isArray(raw)) throw new Error('unexpected index.json');
  const entry: unknown = raw.find((e: unknown) => isRecord(e) && e['file'] === file);
  if (!isRecord(entry)) throw new Error(`${file} not in index.json`);
  return String(entry['close']).startsWith('FIN from server');
}

// ---------------------------------------------------------------------------
// Normalisation: both sides are turned into the same shape, with zxids relative
// to their own anchor and session ids replaced by labels.

/** One side (capture or zkts) of the replay. */
class Side {
  /** session id → label (the stream that created it). */
  readonly sessions = new Map<bigint, string>();
  /** label → session id and password. */
  readonly byLabel = new Map<string, { id: bigint; passwd: Buffer }>();
  constructor(readonly anchor: bigint) {}

  zxid(z: bigint): string {
    return z <= 0n ? String(z) : `anchor+${z - this.anchor}`;
  }

  session(id: bigint): string {
    if (id === 0n) return '0';
    return this.sessions.get(id) ?? `unknown session 0x${id.toString(16)}`;
  }

  stat(s: Stat): Record<string, unknown> {
    return {
      czxid: this.zxid(s.czxid),
      mzxid: this.zxid(s.mzxid),
      ctime: s.ctime === 0n ? 0 : 'time',
      mtime: s.mtime === 0n ? 0 : 'time',
      version: s.version,
      cversion: s.cversion,
      aversion: s.aversion,
      ephemeralOwner: this.session(s.ephemeralOwner),
      dataLength: s.dataLength,
      numChildren: s.numChildren,
      pzxid: this.zxid(s.pzxid),
    };
  }
}

function text(b: Buffer | null): string | null {
  return b === null ? null : b.toString('latin1');
}

function sorted(list: string[] | null): string[] | null {
  return list === null ? null : [...list].sort();
}

/** Decodes a reply body by the opcode of the request it answers. */
function normBody(op: number, body: Buffer, side: Side, skipStat: readonly string[] | 'all' | undefined): unknown {
  const r = new JuteReader(body);
  const st = (s: Stat): unknown => {
    if (skipStat === 'all') return 'stat not compared';
    const out = side.stat(s);
    for (const k of skipStat ?? []) out[k] = 'not compared';
    return out;
  };
  let v: unknown;
  switch (op) {
    case 1:
      v = CreateResponse.decode(r);
      break;
    case 15:
    case 19:
    case 21: {
      const x = Create2Response.decode(r);
      v = { path: x.path, stat: st(x.stat) };
      break;
    }
    case 3:
      v = st(ExistsResponse.decode(r).stat);
      break;
    case 4:
    case 16: {
      const x = GetDataResponse.decode(r);
      v = { data: text(x.data), stat: st(x.stat) };
      break;
    }
    case 5:
      v = st(SetDataResponse.decode(r).stat);
      break;
    case 6: {
      const x = GetACLResponse.decode(r);
      v = { acl: x.acl, stat: st(x.stat) };
      break;
    }
    case 7:
      v = st(SetACLResponse.decode(r).stat);
      break;
    case 8:
      v = sorted(GetChildrenResponse.decode(r).children);
      break;
    case 12: {
      const x = GetChildren2Response.decode(r);
      v = { children: sorted(x.children), stat: st(x.stat) };
      break;
    }
    case 9:
      v = SyncResponse.decode(r);
      break;
    case 14:
    case 22:
      return decodeMultiResponse(body).map((m) => {
        const out: Record<string, unknown> = { ...m };
        if ('stat' in m) out['stat'] = st(m.stat);
        if ('data' in m) out['data'] = text(m.data);
        if ('children' in m) out['children'] = sorted(m.children);
        return out;
      });
    case 103:
      v = GetEphemeralsResponse.decode(r);
      break;
    case 104:
      v = GetAllChildrenNumberResponse.decode(r);
      break;
    case 107:
      v = WhoAmIResponse.decode(r);
      break;
    default:
      // delete, check, ping, auth, setWatches, closeSession...: no body is expected.
      v = null;
  }
  if (r.remaining() !== 0) return { decoded: v, leftoverBytes: r.remaining() };
  return v;
}

function normConnectResponse(frame: Buffer, side: Side): Record<string, unknown> {
  const body = frame.subarray(4);
  const r = new JuteReader(body);
  const res = ConnectResponse.decode(r);
  const readOnly = r.remaining() > 0 ? r.readBool() : null;
  return {
    protocolVersion: res.protocolVersion,
    timeOut: res.timeOut,
    sessionId: res.sessionId === 0n ? '0' : side.session(res.sessionId),
    passwd: res.passwd === null ? null : res.passwd.every((b) => b === 0) ? `${res.passwd.length} zero bytes` : `${res.passwd.length} bytes`,
    readOnly,
    bodyLength: body.length,
    trailingBytes: r.remaining(),
  };
}

// ---------------------------------------------------------------------------

interface ReplayState {
  capture: Side;
  zkts: Side;
  /** The capture's highest zxid: lastZxidSeen values above it are kept as they are. */
  captureMaxZxid: bigint;
}

/** Rewrites a captured ConnectRequest for zkts: session id, password and lastZxidSeen. */
function rewriteConnectRequest(bytes: Buffer, st: ReplayState): Buffer {
  const r = new JuteReader(bytes, 4);
  const req = ConnectRequest.decode(r);
  const readOnly = r.remaining() > 0 ? r.readBool() : null;
  if (req.sessionId !== 0n) {
    const label = st.capture.session(req.sessionId);
    const captured = st.capture.byLabel.get(label);
    const ours = st.zkts.byLabel.get(label);
    if (!captured || !ours) throw new Error(`reconnect to a session the replay has not seen: 0x${req.sessionId.toString(16)}`);
    req.sessionId = ours.id;
    // Keep a deliberately wrong password wrong.
    if (req.passwd !== null && req.passwd.equals(captured.passwd)) req.passwd = ours.passwd;
  }
  if (req.lastZxidSeen > 0n && req.lastZxidSeen <= st.captureMaxZxid) {
    req.lastZxidSeen = req.lastZxidSeen - st.capture.anchor + st.zkts.anchor;
  }
  const w = new JuteWriter();
  const at = w.reserveLength();
  ConnectRequest.encode(w, req);
  if (readOnly !== null) w.writeBool(readOnly);
  w.patchLength(at);
  return w.toBuffer();
}

/** Learns the session a ConnectResponse established (capture or zkts side) under `label`. */
function learnSession(frame: Buffer, side: Side, label: string): void {
  const res = ConnectResponse.decode(new JuteReader(frame, 4));
  if (res.sessionId === 0n || side.sessions.has(res.sessionId)) return;
  side.sessions.set(res.sessionId, label);
  side.byLabel.set(label, { id: res.sessionId, passwd: res.passwd ?? Buffer.alloc(0) });
}

/** Groups the records: consecutive c2s records go out in one write, then the s2c records that followed them. */
function exchanges(records: StreamRecord[]): { send: StreamRecord[]; expect: StreamRecord[] }[] {
  const out: { send: StreamRecord[]; expect: StreamRecord[] }[] = [];
  for (const rec of records) {
    const last = out[out.length - 1];
    if (rec.dir === 'c2s') {
      if (last && last.expect.length === 0) last.send.push(rec);
      else out.push({ send: [rec], expect: [] });
    } else {
      if (!last) throw new Error('stream starts with a server frame');
      last.expect.push(rec);
    }
  }
  return out;
}

/** The opcode of each xid this connection sent (replies are decoded by it). */
function noteRequest(bytes: Buffer, ops: Map<number, number>): number | undefined {
  if (bytes.length < 12) return undefined;
  const len = bytes.readInt32BE(0);
  if (len < 8 || len + 4 !== bytes.length) return undefined;
  const h = RequestHeader.decode(new JuteReader(bytes, 4));
  ops.set(h.xid, h.type);
  return h.type;
}

/**
 * Replays one stream and returns every difference found (empty = identical up to
 * the documented normalisation).
 */
async function replayStream(port: number, file: string, st: ReplayState): Promise<string[]> {
  const records = readStream(`${STREAMS}/${file}`);
  const diffs: string[] = [];
  const ops = new Map<number, number>();
  let lastOp: number | undefined;
  const client = await RawClient.open(port);
  let expectedFrames = 0;
  try {
    for (const ex of exchanges(records)) {
      const payload: Buffer[] = [];
      for (const rec of ex.send) {
        let bytes: Buffer = Buffer.from(rec.hex, 'hex');
        if (rec.note.startsWith('ConnectRequest')) bytes = rewriteConnectRequest(bytes, st);
        else lastOp = noteRequest(bytes, ops) ?? lastOp;
        payload.push(bytes);
      }
      try {
        await client.writeRaw(Buffer.concat(payload));
      } catch (e) {
        // The capture server had also closed these connections (21: RST after its close);
        // whether zkts closed is checked at the end.
        if (ex.expect.length > 0) diffs.push(`write failed before an expected reply: ${(e as Error).message}`);
        break;
      }
      for (const want of ex.expect) {
        expectedFrames++;
        let got: Frame;
        try {
          got = await client.nextFrame(3000);
        } catch (e) {
          diffs.push(`missing frame (${want.note}): ${(e as Error).message}`);
          return diffs;
        }
        compareFrame(file, want, got, st, ops, diffs);
      }
    }
    // After replying to closeSession, ZooKeeper closes the connection itself (checked
    // by hand against 3.8.0); in 09 kazoo's own FIN merely won that race.
    const byServer = closedByServer(file) || lastOp === -11;
    if (byServer) {
      try {
        await client.waitClosed(3000);
      } catch {
        diffs.push('the capture server closed this connection, zkts kept it open');
      }
    } else {
      await new Promise((r) => setTimeout(r, 150));
      if (client.closed) diffs.push('zkts closed the connection; in the capture the client closed it');
    }
    if (client.frames.length !== expectedFrames) {
      const extra = client.frames.slice(expectedFrames).map((f) => f.frame.toString('hex'));
      diffs.push(`zkts sent ${client.frames.length - expectedFrames} unexpected extra frame(s): ${extra.join(', ')}`);
    }
    if (client.trailingBytes !== 0) diffs.push(`zkts sent ${client.trailingBytes} bytes that do not form a frame`);
  } finally {
    client.close();
  }
  return diffs;
}

function compareFrame(file: string, want: StreamRecord, got: Frame, st: ReplayState, ops: Map<number, number>, diffs: string[]): void {
  const wantBytes = Buffer.from(want.hex, 'hex');
  const where = `${file} [${want.note.slice(0, 80)}]`;
  if (got.frame.length !== wantBytes.length) {
    diffs.push(`${where}: frame length ${got.frame.length}, captured ${wantBytes.length} (zkts frame ${got.frame.toString('hex')})`);
  }
  if (got.kind === 'connect') {
    learnSession(wantBytes, st.capture, file);
    learnSession(got.frame, st.zkts, file);
    const a = normConnectResponse(got.frame, st.zkts);
    const b = normConnectResponse(wantBytes, st.capture);
    try {
      assert.deepStrictEqual(a, b);
    } catch {
      diffs.push(`${where}: ConnectResponse ${JSON.stringify(a)}, captured ${JSON.stringify(b)}`);
    }
    return;
  }
  const gh = ReplyHeader.decode(new JuteReader(got.frame, 4));
  const wh = ReplyHeader.decode(new JuteReader(wantBytes, 4));
  const header = (h: typeof gh, side: Side) => ({ xid: h.xid, zxid: side.zxid(h.zxid), err: h.err });
  const gHead = header(gh, st.zkts);
  const wHead = header(wh, st.capture);
  if (JSON.stringify(gHead) !== JSON.stringify(wHead)) {
    diffs.push(`${where}: header ${JSON.stringify(gHead)}, captured ${JSON.stringify(wHead)}`);
    return;
  }
  if (wh.xid === -1) {
    // Notifications carry no server-specific values: byte-for-byte.
    if (!got.frame.equals(wantBytes)) diffs.push(`${where}: notification ${got.frame.toString('hex')}, captured ${want.hex}`);
    return;
  }
  if (wh.err !== 0) return; // no body after an error header (the length check covers it)
  const op = wh.xid === -2 ? 11 : wh.xid === -4 ? 100 : (ops.get(wh.xid) ?? -999);
  const skip = STAT_FROM_EARLIER_PHASES.get(`${file}#xid=${wh.xid}`);
  const a = normBody(op, got.frame.subarray(20), st.zkts, skip);
  const b = normBody(op, wantBytes.subarray(20), st.capture, skip);
  try {
    assert.deepStrictEqual(a, b);
  } catch {
    const show = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
    diffs.push(`${where}: body ${show(a)}, captured ${show(b)}`);
  }
}

// ---------------------------------------------------------------------------

describe('replay of real ZooKeeper 3.8.0 client captures against zkts', () => {
  let server: RunningServer | undefined;
  let helper: RawClient | undefined;
  let st: ReplayState;
  let txns: CapturedTxn[] = [];

  /** The last zxid zkts has applied, read from a ping reply of the helper session. */
  async function zktsLastZxid(): Promise<bigint> {
    if (!helper) throw new Error('no helper session');
    return (await helper.ping()).zxid;
  }

  before(async () => {
    assert.ok(haveFixtures(), 'the golden fixtures (../shared/fixtures) are missing');
    txns = capturedTxns();
    server = await startStandaloneServer(captureConfig(), createLogger({ level: 'silent' }));
    // A helper session (40 s timeout, longer than the whole replay) reads zkts's last
    // zxid through ping replies. Stream 11 reads /fx, which the (not replayed) Java
    // phase had created: the helper creates it. Both happen before the anchor.
    helper = await RawClient.connect(server.port, { timeout: 40000 });
    const fx = await helper.create('/fx', { data: Buffer.from('root-v2') });
    assert.equal(fx.err, 0);
    const first = readStream(`${STREAMS}/${CHAIN[0]}`).find((r) => r.dir === 's2c');
    if (!first) throw new Error('no ConnectResponse in the first stream');
    const firstSession = ConnectResponse.decode(new JuteReader(Buffer.from(first.hex, 'hex'), 4)).sessionId;
    const created = txns.find((t) => t.type === -10 && t.clientId === firstSession);
    if (!created) throw new Error('createSession of the first replayed stream not found in the capture log');
    st = {
      capture: new Side(created.zxid - 1n),
      zkts: new Side(await zktsLastZxid()),
      captureMaxZxid: txns.reduce((m, t) => (t.zxid > m ? t.zxid : m), 0n),
    };
  });

  after(async () => {
    helper?.close();
    await server?.close();
  });

  for (const file of CHAIN) {
    test(file, async () => {
      if (!server) throw new Error('server not started');
      // Server-side txns the capture logged before this stream's own createSession
      // (e.g. 0x5c, the expiry of stream 11's session before stream 20) must have
      // happened on zkts too before the stream starts, or every zxid would shift.
      const records = readStream(`${STREAMS}/${file}`);
      const connect = records.find((r) => r.dir === 's2c' && r.note.startsWith('ConnectResponse'));
      if (connect) {
        const sid = ConnectResponse.decode(new JuteReader(Buffer.from(connect.hex, 'hex'), 4)).sessionId;
        const created = txns.find((t) => t.type === -10 && t.clientId === sid);
        if (created && file.includes('new-session')) {
          const want = created.zxid - 1n - st.capture.anchor + st.zkts.anchor;
          const deadline = Date.now() + 15000;
          let now = await zktsLastZxid();
          for (let i = 0; i < 200 && now < want && Date.now() < deadline; i++) {
            await new Promise((r) => setTimeout(r, 100));
            now = await zktsLastZxid();
          }
          assert.equal(now, want, `zkts's last zxid before ${file} (the capture had 0x${(created.zxid - 1n).toString(16)} here)`);
        }
      }
      const diffs = await replayStream(server.port, file, st);
      assert.deepStrictEqual(diffs, [], `zkts differs from the ZooKeeper 3.8.0 capture:\n  ${diffs.join('\n  ')}`);
    });
  }
});
