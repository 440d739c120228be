/**
 * Round-trips REAL bytes through the generated records: every frame captured
 * from ZooKeeper 3.8.0 (client connections, quorum ZAB packets) and every
 * txn-log record it wrote is decoded with src/protocol/generated/records.ts,
 * re-encoded, and compared byte for byte. The decoded values are also checked
 * against the fixture decoder's own `fields`, which catches two same-typed
 * fields swapped symmetrically in encode and decode (bytes alone would not).
 *
 * Frames that are not jute at all are listed in EXPECTED_EXCEPTIONS with the
 * reason; any other frame that fails is a test failure, and every listed
 * exception must actually occur.
 */
import { test, type TestContext } from 'node:test';
import { OpCode } from '../src/protocol/opcodes.js';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { JuteReader } from '../src/protocol/jute-reader.js';
import { JuteWriter } from '../src/protocol/jute-writer.js';
import * as R from '../src/protocol/generated/records.js';
import { frameTxnLog } from '../src/persistence/zk-datadir/txn-log-reader.js';
import { fixturePath, fixturesDir, haveFixtures, listFixtureFiles, readStream, recordBytes } from './support/fixtures.js';

// ---------------------------------------------------------------------------
// What is expected NOT to decode, and why.

interface ExpectedException {
  /** Which test the frame belongs to. */
  group: 'client/streams' | 'quorum/readonly/streams' | 'quorum/streams';
  /** Matches the frame id `<path relative to fixtures>#<0-based record index>`. */
  where: RegExp;
  reason: string;
}

const EXPECTED_EXCEPTIONS: ExpectedException[] = [
  {
    group: 'client/streams',
    where: /^client\/streams\/01_startup-probes_4lw-ruok\.jsonl#[01]$/,
    reason: "four-letter word 'ruok' and its 'imok' answer: raw ASCII with no framing, not jute",
  },
  {
    group: 'client/streams',
    where: /^client\/streams\/19_raw_unframed\.jsonl#0$/,
    reason: 'a deliberate frame length of -5: not a frame (the server closes without replying)',
  },
  {
    group: 'client/streams',
    where: /^client\/streams\/16_raw_new-session-readonly-flag\.jsonl#2$/,
    reason: 'request with unknown opcode 999: its RequestHeader round-trips, but its 4-byte body has no record',
  },
  {
    group: 'quorum/readonly/streams',
    where: /^quorum\/readonly\/streams\/\d+_4lw-(?:srvr|isro)\.jsonl#[01]$/,
    reason: 'four-letter-word probes (srvr/isro) and their text answers: raw ASCII, not jute',
  },
  {
    group: 'quorum/streams',
    where: /^quorum\/streams\/zab_18_s1-to-s2\.jsonl#4$/,
    reason: 'the raw SNAP body (serialized data tree) that follows a SNAP QuorumPacket: not a QuorumPacket',
  },
];

/** Thrown for a frame that is recognisably not a jute record (see EXPECTED_EXCEPTIONS). */
class NotJute extends Error {}

// ---------------------------------------------------------------------------
// Opcodes and which record follows each header.

const OP = OpCode;

const XID_NOTIFICATION = -1;
const QP_PROPOSAL = 2;
const QP_FOLLOWERINFO = 11;
const QP_OBSERVERINFO = 16;
const QP_SNAP = 15;

interface Codec<T> {
  encode(w: JuteWriter, v: T): void;
  decode(r: JuteReader): T;
}

/** A record codec, or null for "no body". */
type Body = Codec<unknown> | null;

const REQUEST_BODY = new Map<number, Body>([
  [OP.create, R.CreateRequest],
  [OP.create2, R.CreateRequest],
  [OP.createContainer, R.CreateRequest],
  [OP.createTTL, R.CreateTTLRequest],
  [OP.delete, R.DeleteRequest],
  [OP.exists, R.ExistsRequest],
  [OP.getData, R.GetDataRequest],
  [OP.setData, R.SetDataRequest],
  [OP.getACL, R.GetACLRequest],
  [OP.setACL, R.SetACLRequest],
  [OP.getChildren, R.GetChildrenRequest],
  [OP.getChildren2, R.GetChildren2Request],
  [OP.sync, R.SyncRequest],
  [OP.ping, null],
  [OP.check, R.CheckVersionRequest],
  [OP.reconfig, R.ReconfigRequest],
  [OP.checkWatches, R.CheckWatchesRequest],
  [OP.removeWatches, R.RemoveWatchesRequest],
  [OP.auth, R.AuthPacket],
  [OP.setWatches, R.SetWatches],
  [OP.setWatches2, R.SetWatches2],
  [OP.sasl, R.GetSASLRequest],
  [OP.getEphemerals, R.GetEphemeralsRequest],
  [OP.getAllChildrenNumber, R.GetAllChildrenNumberRequest],
  [OP.addWatch, R.AddWatchRequest],
  [OP.whoAmI, null],
  [OP.closeSession, null],
]);

/** Body of a successful (err = 0) reply, by the request's opcode. */
const REPLY_BODY = new Map<number, Body>([
  [OP.create, R.CreateResponse],
  [OP.create2, R.Create2Response],
  [OP.createContainer, R.Create2Response],
  [OP.createTTL, R.Create2Response],
  [OP.delete, null],
  [OP.exists, R.ExistsResponse],
  [OP.getData, R.GetDataResponse],
  [OP.setData, R.SetDataResponse],
  [OP.getACL, R.GetACLResponse],
  [OP.setACL, R.SetACLResponse],
  [OP.getChildren, R.GetChildrenResponse],
  [OP.getChildren2, R.GetChildren2Response],
  [OP.sync, R.SyncResponse],
  [OP.ping, null],
  [OP.check, null],
  [OP.reconfig, R.GetDataResponse],
  [OP.checkWatches, null],
  [OP.removeWatches, null],
  [OP.auth, null],
  [OP.setWatches, null],
  [OP.setWatches2, null],
  [OP.sasl, R.SetSASLResponse],
  [OP.getEphemerals, R.GetEphemeralsResponse],
  [OP.getAllChildrenNumber, R.GetAllChildrenNumberResponse],
  [OP.addWatch, R.ErrorResponse],
  [OP.whoAmI, R.WhoAmIResponse],
  [OP.closeSession, null],
]);

const MULTI_OP_BODY = new Map<number, Body>([
  [OP.create, R.CreateRequest],
  [OP.create2, R.CreateRequest],
  [OP.createContainer, R.CreateRequest],
  [OP.createTTL, R.CreateTTLRequest],
  [OP.delete, R.DeleteRequest],
  [OP.setData, R.SetDataRequest],
  [OP.check, R.CheckVersionRequest],
  [OP.getChildren, R.GetChildrenRequest],
  [OP.getData, R.GetDataRequest],
]);

const MULTI_RESULT_BODY = new Map<number, Body>([
  [OP.create, R.CreateResponse],
  [OP.create2, R.Create2Response],
  [OP.setData, R.SetDataResponse],
  [OP.delete, null],
  [OP.check, null],
  [OP.error, R.ErrorResponse],
  [OP.getChildren, R.GetChildrenResponse],
  [OP.getData, R.GetDataResponse],
]);

/** Txn record by TxnHeader.type (multi is handled separately). */
const TXN_BODY = new Map<number, Codec<unknown>>([
  [OP.createSession, R.CreateSessionTxn],
  [OP.closeSession, R.CloseSessionTxn],
  [OP.create, R.CreateTxn],
  [OP.create2, R.CreateTxn],
  [OP.createContainer, R.CreateContainerTxn],
  [OP.createTTL, R.CreateTTLTxn],
  [OP.delete, R.DeleteTxn],
  [OP.deleteContainer, R.DeleteTxn],
  [OP.setData, R.SetDataTxn],
  [OP.reconfig, R.SetDataTxn],
  [OP.setACL, R.SetACLTxn],
  [OP.check, R.CheckVersionTxn],
  [OP.error, R.ErrorTxn],
]);

// ---------------------------------------------------------------------------
// Comparing decoded values with the fixture decoder's JSON.

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function get(v: unknown, ...keys: (string | number)[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (typeof k === 'number') cur = Array.isArray(cur) ? cur[k] : undefined;
    else cur = isObject(cur) ? cur[k] : undefined;
  }
  return cur;
}

/** The fixtures render longs (and some ints) as "0x1f", "-1", or plain numbers. */
function toBigInt(v: unknown, where: string): bigint | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined;
  if (typeof v === 'string') {
    const m = /^(-?)(0x[0-9a-f]+|\d+)$/i.exec(v);
    assert.ok(m, `${where}: cannot read ${JSON.stringify(v)} as an integer`);
    const mag = BigInt(m[2]!);
    return m[1] === '-' ? -mag : mag;
  }
  assert.fail(`${where}: expected an integer, fixture has ${JSON.stringify(v)}`);
}

class Checker {
  /** Leaf values compared with the fixture decoder's output. */
  leaves = 0;

  same(actual: unknown, expected: unknown, where: string): void {
    if (expected === undefined) return;
    if (actual === null || actual === undefined) {
      assert.equal(expected, null, `${where}: decoded null, fixture has ${JSON.stringify(expected)}`);
      this.leaves++;
      return;
    }
    if (Buffer.isBuffer(actual)) {
      if (typeof expected === 'string') {
        assert.equal(actual.toString('hex'), expected.toLowerCase(), where);
      } else {
        assert.ok(isObject(expected), `${where}: fixture buffer is ${JSON.stringify(expected)}`);
        if (expected['len'] !== undefined) assert.equal(actual.length, expected['len'], `${where}.len`);
        if (typeof expected['utf8'] === 'string') assert.equal(actual.toString('utf8'), expected['utf8'], `${where}.utf8`);
        if (typeof expected['hex'] === 'string') assert.equal(actual.toString('hex'), expected['hex'].toLowerCase(), `${where}.hex`);
      }
      this.leaves++;
      return;
    }
    if (typeof actual === 'bigint' || typeof actual === 'number') {
      if (typeof actual === 'number' && typeof expected === 'number') {
        assert.equal(actual, expected, where);
      } else {
        const want = toBigInt(expected, where);
        if (want === undefined) return;
        assert.equal(BigInt(actual), want, where);
      }
      this.leaves++;
      return;
    }
    if (typeof actual === 'string' || typeof actual === 'boolean') {
      assert.equal(actual, expected, where);
      this.leaves++;
      return;
    }
    if (Array.isArray(actual)) {
      assert.ok(Array.isArray(expected), `${where}: decoded a list, fixture has ${JSON.stringify(expected)}`);
      assert.equal(actual.length, expected.length, `${where}: list length`);
      actual.forEach((item, i) => this.same(item, expected[i], `${where}[${i}]`));
      return;
    }
    if (isObject(actual)) {
      assert.ok(isObject(expected), `${where}: decoded a record, fixture has ${JSON.stringify(expected)}`);
      for (const [k, v] of Object.entries(actual)) this.same(v, expected[k], `${where}.${k}`);
      return;
    }
    assert.fail(`${where}: unexpected decoded value ${String(actual)}`);
  }
}

// ---------------------------------------------------------------------------
// Round-trip machinery: decode from `r` and immediately re-encode into `w`.

class RoundTrip {
  readonly r: JuteReader;
  readonly w = new JuteWriter();
  private readonly lengthAt: number | undefined;

  /** `framed`: the bytes start with an int length of the rest (client protocol). */
  constructor(
    readonly bytes: Buffer,
    readonly id: string,
    readonly check: Checker,
    framed: boolean,
  ) {
    if (framed) {
      if (bytes.length < 4 || bytes.readInt32BE(0) !== bytes.length - 4) {
        throw new NotJute(`not a length-prefixed frame (prefix ${bytes.length >= 4 ? bytes.readInt32BE(0) : 'missing'})`);
      }
      this.r = new JuteReader(bytes, 4);
      this.lengthAt = this.w.reserveLength();
    } else {
      this.r = new JuteReader(bytes);
      this.lengthAt = undefined;
    }
  }

  rec<T>(codec: Codec<T>, expected: unknown, label: string): T {
    const v = codec.decode(this.r);
    codec.encode(this.w, v);
    this.check.same(v, expected, `${this.id} ${label}`);
    return v;
  }

  body(codec: Body, expected: unknown, label: string): void {
    if (codec !== null) this.rec(codec, expected, label);
  }

  /** All input consumed and the re-encoding is byte-identical. */
  finish(): void {
    assert.equal(this.r.remaining(), 0, `${this.id}: ${this.r.remaining()} bytes left undecoded`);
    if (this.lengthAt !== undefined) this.w.patchLength(this.lengthAt);
    assert.equal(this.w.view().toString('hex'), this.bytes.toString('hex'), `${this.id}: re-encoding differs`);
  }
}

// ---------------------------------------------------------------------------
// Txn entries (txn-log records and PROPOSAL payloads).

interface TxnStats {
  entries: number;
  multiInner: number;
  digests: number;
}

function txnBody(rt: RoundTrip, type: number, expected: unknown, stats: TxnStats): void {
  if (type === OP.multi) {
    const multi = rt.rec(R.MultiTxn, expected, 'MultiTxn');
    assert.ok(multi.txns !== null, `${rt.id}: null txn vector in multi`);
    multi.txns.forEach((txn, i) => {
      const codec = TXN_BODY.get(txn.type);
      assert.ok(codec !== undefined, `${rt.id}: multi member ${i} has txn type ${txn.type} with no known record`);
      assert.ok(txn.data !== null, `${rt.id}: multi member ${i} has null data`);
      const inner = new RoundTrip(txn.data, `${rt.id} multi[${i}]`, rt.check, false);
      inner.rec(codec, get(expected, 'txns', i, 'txn'), `type ${txn.type}`);
      inner.finish();
      stats.multiInner++;
    });
    return;
  }
  const codec = TXN_BODY.get(type);
  assert.ok(codec !== undefined, `${rt.id}: txn type ${type} has no known record`);
  rt.rec(codec, expected, `txn type ${type}`);
}

/** TxnHeader + txn record + optional TxnDigest, the whole of `bytes`. */
function roundTripTxnEntry(bytes: Buffer, id: string, expected: unknown, check: Checker, stats: TxnStats): void {
  const rt = new RoundTrip(bytes, id, check, false);
  const hdr = rt.rec(R.TxnHeader, get(expected, 'TxnHeader'), 'TxnHeader');
  txnBody(rt, hdr.type, get(expected, 'txn'), stats);
  if (rt.r.remaining() > 0) {
    assert.notEqual(hdr.type, OP.error, `${id}: an error txn carries no digest`);
    rt.rec(R.TxnDigest, get(expected, 'TxnDigest'), 'TxnDigest');
    stats.digests++;
  }
  rt.finish();
  stats.entries++;
}

// ---------------------------------------------------------------------------
// Client protocol connections.

interface ClientStats {
  frames: number;
  connectRequests: number;
  connectResponses: number;
  connectRefusals: number;
  readOnlyBytes: number;
  requests: number;
  replies: number;
  errorReplies: number;
  notifications: number;
  multiOps: number;
  multiResults: number;
  opcodes: Set<number>;
}

function newClientStats(): ClientStats {
  return {
    frames: 0,
    connectRequests: 0,
    connectResponses: 0,
    connectRefusals: 0,
    readOnlyBytes: 0,
    requests: 0,
    replies: 0,
    errorReplies: 0,
    notifications: 0,
    multiOps: 0,
    multiResults: 0,
    opcodes: new Set<number>(),
  };
}

/** ConnectRequest/ConnectResponse may carry one trailing readOnly byte; it is not in the record. */
function optionalReadOnly(rt: RoundTrip, expected: unknown, stats: ClientStats): void {
  if (rt.r.remaining() === 1) {
    const readOnly = rt.r.readBool();
    rt.w.writeBool(readOnly);
    rt.check.same(readOnly, get(expected, 'readOnly'), `${rt.id} readOnly`);
    stats.readOnlyBytes++;
  }
}

class ClientConnection {
  private sawConnectRequest = false;
  private sawConnectResponse = false;
  /** Opcode of each request by xid, to pick the reply body. */
  private readonly pending = new Map<number, number>();

  constructor(private readonly stats: ClientStats) {}

  frame(rt: RoundTrip, dir: 'c2s' | 's2c', fields: Record<string, unknown>): void {
    const s = this.stats;
    const isC2s = dir === 'c2s';
    if (isC2s && !this.sawConnectRequest) {
      this.sawConnectRequest = true;
      rt.rec(R.ConnectRequest, fields['ConnectRequest'], 'ConnectRequest');
      optionalReadOnly(rt, fields['ConnectRequest'], s);
      s.connectRequests++;
      return;
    }
    if (!isC2s && !this.sawConnectResponse) {
      this.sawConnectResponse = true;
      // A read-only server that refuses to create a session answers with a bare
      // 16-byte ReplyHeader instead; a ConnectResponse is at least 20 bytes.
      if (rt.r.remaining() === 16) {
        rt.rec(R.ReplyHeader, fields['ReplyHeader'], 'ReplyHeader (connect refused)');
        s.connectRefusals++;
        return;
      }
      rt.rec(R.ConnectResponse, fields['ConnectResponse'], 'ConnectResponse');
      optionalReadOnly(rt, fields['ConnectResponse'], s);
      s.connectResponses++;
      return;
    }
    if (isC2s) this.request(rt, fields);
    else this.reply(rt, fields);
  }

  private request(rt: RoundTrip, fields: Record<string, unknown>): void {
    const s = this.stats;
    const hdr = rt.rec(R.RequestHeader, fields['RequestHeader'], 'RequestHeader');
    this.pending.set(hdr.xid, hdr.type);
    const expected = fields['request'];
    if (hdr.type === OP.multi || hdr.type === OP.multiRead) {
      for (let i = 0; ; i++) {
        const mh = rt.rec(R.MultiHeader, get(expected, 'ops', i, 'hdr'), `op[${i}] MultiHeader`);
        if (mh.done) break;
        const codec = MULTI_OP_BODY.get(mh.type);
        assert.ok(codec !== undefined, `${rt.id}: multi op type ${mh.type} has no known record`);
        rt.body(codec, get(expected, 'ops', i, 'body'), `op[${i}] body`);
        s.multiOps++;
      }
    } else {
      const codec = REQUEST_BODY.get(hdr.type);
      if (codec === undefined) {
        // The header itself must still round-trip; only the body is undecodable.
        assert.equal(rt.w.view().subarray(4).toString('hex'), rt.bytes.subarray(4, 12).toString('hex'));
        throw new NotJute(`unknown opcode ${hdr.type} (${rt.r.remaining()} body bytes)`);
      }
      rt.body(codec, expected, 'request');
    }
    s.requests++;
    s.opcodes.add(hdr.type);
  }

  private reply(rt: RoundTrip, fields: Record<string, unknown>): void {
    const s = this.stats;
    const hdr = rt.rec(R.ReplyHeader, fields['ReplyHeader'], 'ReplyHeader');
    if (hdr.xid === XID_NOTIFICATION) {
      rt.rec(R.WatcherEvent, fields['WatcherEvent'], 'WatcherEvent');
      s.notifications++;
      return;
    }
    s.replies++;
    if (hdr.err !== 0) {
      s.errorReplies++;
      return; // no body after an error
    }
    const op = this.pending.get(hdr.xid);
    assert.ok(op !== undefined, `${rt.id}: reply xid ${hdr.xid} matches no request`);
    const expected = fields['response'];
    if (op === OP.multi || op === OP.multiRead) {
      for (let i = 0; ; i++) {
        const mh = rt.rec(R.MultiHeader, get(expected, 'results', i, 'hdr'), `result[${i}] MultiHeader`);
        if (mh.done) break;
        const codec = MULTI_RESULT_BODY.get(mh.type);
        assert.ok(codec !== undefined, `${rt.id}: multi result type ${mh.type} has no known record`);
        rt.body(codec, get(expected, 'results', i, 'body'), `result[${i}] body`);
        s.multiResults++;
      }
      return;
    }
    const codec = REPLY_BODY.get(op);
    assert.ok(codec !== undefined, `${rt.id}: no reply record for opcode ${op}`);
    rt.body(codec, expected, 'response');
  }
}

// ---------------------------------------------------------------------------

interface Outcome {
  checked: number;
  exceptions: Map<string, string>;
  failures: string[];
}

function newOutcome(): Outcome {
  return { checked: 0, exceptions: new Map(), failures: [] };
}

function attempt(outcome: Outcome, id: string, fn: () => void): void {
  try {
    fn();
    outcome.checked++;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const expected = EXPECTED_EXCEPTIONS.find((e) => e.where.test(id));
    if (expected !== undefined) outcome.exceptions.set(id, `${expected.reason} [${message}]`);
    else outcome.failures.push(`${id}: ${message}`);
  }
}

function assertOutcome(outcome: Outcome, total: number, label: string, group?: ExpectedException['group']): void {
  assert.deepEqual(outcome.failures, [], `${label}: frames that failed to round-trip`);
  assert.ok(outcome.checked > 0, `${label}: nothing was checked`);
  assert.equal(outcome.checked + outcome.exceptions.size, total, `${label}: every frame is checked or an expected exception`);
  // Each expected exception in this group must really occur (no stale entries).
  for (const e of EXPECTED_EXCEPTIONS) {
    if (e.group !== group) continue;
    assert.ok(
      [...outcome.exceptions.keys()].some((id) => e.where.test(id)),
      `${label}: expected exception ${e.where} did not occur`,
    );
  }
}

/** One diagnostic line per expected-exception rule: how many frames, which ones, why. */
function reportExceptions(t: TestContext, outcome: Outcome): void {
  for (const e of EXPECTED_EXCEPTIONS) {
    const ids = [...outcome.exceptions.keys()].filter((id) => e.where.test(id));
    if (ids.length === 0) continue;
    const shown = ids.length > 4 ? [...ids.slice(0, 4), `... ${ids.length - 4} more`] : ids;
    t.diagnostic(`not decoded (expected), ${ids.length} frame(s): ${e.reason}: ${shown.join(', ')}`);
  }
}

function runClientStreams(subdir: string, files: string[], stats: ClientStats, check: Checker): { outcome: Outcome; total: number } {
  const outcome = newOutcome();
  let total = 0;
  for (const file of files) {
    const rel = `${subdir}/${file}`;
    const conn = new ClientConnection(stats);
    readStream(fixturePath(subdir, file)).forEach((rec, i) => {
      total++;
      const id = `${rel}#${i}`;
      attempt(outcome, id, () => {
        const rt = new RoundTrip(recordBytes(rec), id, check, true);
        conn.frame(rt, rec.dir, rec.fields);
        rt.finish();
        stats.frames++;
      });
    });
  }
  return { outcome, total };
}

test('fixtures folder is present', () => {
  assert.ok(haveFixtures(), `fixtures not found at ${fixturesDir}`);
});

test('client streams: every frame round-trips through the generated records', (t) => {
  const files = listFixtureFiles('client/streams', /\.jsonl$/);
  assert.ok(files.length >= 20, `expected the client stream files, found ${files.length}`);
  const stats = newClientStats();
  const check = new Checker();
  const { outcome, total } = runClientStreams('client/streams', files, stats, check);

  reportExceptions(t, outcome);
  t.diagnostic(
    `client/streams: ${outcome.checked}/${total} frames byte-identical (${stats.connectRequests} ConnectRequest, ` +
      `${stats.connectResponses} ConnectResponse, ${stats.requests} requests, ${stats.replies} replies ` +
      `(${stats.errorReplies} errors), ${stats.notifications} notifications, ${stats.multiOps} multi ops, ` +
      `${stats.multiResults} multi results); ${check.leaves} values matched the fixture decode`,
  );
  assertOutcome(outcome, total, 'client/streams', 'client/streams');
  assert.equal(outcome.exceptions.size, 4, 'client/streams: exceptions are exactly the 4lw pair, the unframed bytes, opcode 999');

  // Every opcode the README lists as covered was actually decoded.
  const covered = [
    OP.create, OP.delete, OP.exists, OP.getData, OP.setData, OP.getACL, OP.setACL, OP.getChildren, OP.sync,
    OP.ping, OP.getChildren2, OP.multi, OP.create2, OP.reconfig, OP.checkWatches, OP.removeWatches,
    OP.createContainer, OP.createTTL, OP.multiRead, OP.auth, OP.setWatches, OP.sasl, OP.getEphemerals,
    OP.getAllChildrenNumber, OP.setWatches2, OP.addWatch, OP.whoAmI, OP.closeSession,
  ];
  for (const op of covered) assert.ok(stats.opcodes.has(op), `opcode ${op} was never decoded`);
  assert.ok(stats.notifications > 0 && stats.multiOps > 0 && stats.multiResults > 0 && stats.readOnlyBytes > 0);
  assert.ok(
    stats.readOnlyBytes < stats.connectRequests + stats.connectResponses,
    'the old-client connect form without the readOnly byte occurs (client/streams/15)',
  );
  assert.ok(check.leaves > 1000, `only ${check.leaves} values were compared with the fixture decode`);
});

test('ensemble client streams (quorum/client-streams, quorum/readonly/streams) round-trip', (t) => {
  const stats = newClientStats();
  const check = new Checker();
  const a = runClientStreams('quorum/client-streams', listFixtureFiles('quorum/client-streams', /\.jsonl$/), stats, check);
  const b = runClientStreams('quorum/readonly/streams', listFixtureFiles('quorum/readonly/streams', /\.jsonl$/), stats, check);
  reportExceptions(t, b.outcome);
  t.diagnostic(
    `quorum/client-streams: ${a.outcome.checked}/${a.total}; quorum/readonly/streams: ${b.outcome.checked}/${b.total} ` +
      `(${stats.connectRefusals} NotReadOnly connect refusal); ${check.leaves} values matched`,
  );
  assertOutcome(a.outcome, a.total, 'quorum/client-streams');
  assert.equal(a.outcome.exceptions.size, 0);
  assertOutcome(b.outcome, b.total, 'quorum/readonly/streams', 'quorum/readonly/streams');
  assert.equal(stats.connectRefusals, 1, 'the read-only server refuses one session with a bare ReplyHeader');
});

test('txn logs: FileHeader and every record round-trip', (t) => {
  const check = new Checker();
  const stats: TxnStats = { entries: 0, multiInner: 0, digests: 0 };
  const outcome = newOutcome();
  const datadirs = listFixtureFiles('datadir', /./);
  let files = 0;
  let total = 0;
  for (const d of datadirs) {
    for (const name of listFixtureFiles(`datadir/${d}/version-2`, /^log\.[0-9a-f]+$/)) {
      files++;
      const rel = `datadir/${d}/version-2/${name}`;
      const path = fixturePath(rel);
      const bytes = readFileSync(path);
      assert.equal(bytes.length, statSync(path).size);
      const decodedJson: unknown = JSON.parse(readFileSync(`${path}.decoded.json`, 'utf8'));

      // File header: its own 16-byte round trip.
      total++;
      attempt(outcome, `${rel}#header`, () => {
        const rt = new RoundTrip(bytes.subarray(0, 16), `${rel}#header`, check, false);
        const fh = rt.rec(R.FileHeader, get(decodedJson, 'FileHeader'), 'FileHeader');
        assert.equal(fh.magic, 0x5a4b4c47, 'magic ZKLG');
        rt.finish();
      });

      // Records (long checksum, int len, entry, byte 0x42) up to the zero padding; split by the reader in src.
      const { frames, end } = frameTxnLog(bytes, rel);
      assert.ok(end.kind === 'padding' || end.kind === 'eof', `${rel}: records end in a ${end.kind} at ${end.offset}`);
      if (end.kind === 'padding') assert.ok(end.allZero, `${rel}: padding after the last record is all zero`);
      frames.forEach((f, i) => {
        total++;
        const id = `${rel}#${i}`;
        attempt(outcome, id, () => {
          assert.ok(f.checksumOk, `${id}: Adler32 checksum`);
          roundTripTxnEntry(f.entry, id, get(decodedJson, 'records', i), check, stats);
        });
      });
      const records = frames.length;
      const expectedRecords = get(decodedJson, 'records');
      assert.ok(Array.isArray(expectedRecords), `${rel}.decoded.json has no records`);
      assert.equal(records, expectedRecords.length, `${rel}: record count`);
    }
  }
  t.diagnostic(
    `txn logs: ${files} files, ${outcome.checked}/${total} items byte-identical (${stats.entries} txn records, ` +
      `${stats.multiInner} multi members, ${stats.digests} digests); ${check.leaves} values matched`,
  );
  assert.ok(files >= 10, `expected the 10 log files, found ${files}`);
  assertOutcome(outcome, total, 'txn logs');
  assert.equal(outcome.exceptions.size, 0);
  assert.ok(stats.multiInner > 0 && stats.digests > 0);
});

test('quorum ZAB streams: every QuorumPacket round-trips (PROPOSAL txns and LearnerInfo too)', (t) => {
  const check = new Checker();
  const txnStats: TxnStats = { entries: 0, multiInner: 0, digests: 0 };
  const outcome = newOutcome();
  const files = listFixtureFiles('quorum/streams', /^zab_.*\.jsonl$/);
  assert.ok(files.length > 0, 'no zab_*.jsonl files');
  let total = 0;
  let packets = 0;
  const types = new Set<number>();
  for (const file of files) {
    const rel = `quorum/streams/${file}`;
    /** Set when the leader sent SNAP: its next packet is the raw snapshot. */
    let snapBodyNext = false;
    readStream(fixturePath('quorum/streams', file)).forEach((rec, i) => {
      total++;
      const id = `${rel}#${i}`;
      attempt(outcome, id, () => {
        if (rec.dir === 's2c' && snapBodyNext) {
          snapBodyNext = false;
          throw new NotJute(`raw SNAP body of ${rec.hex.length / 2} bytes (${rec.note})`);
        }
        const bytes = recordBytes(rec);
        const rt = new RoundTrip(bytes, id, check, false);
        const qp = rt.rec(R.QuorumPacket, rec.fields['QuorumPacket'], 'QuorumPacket');
        rt.finish();
        check.same(qp.data === null ? null : qp.data.length, get(rec.fields, 'QuorumPacket', 'dataLength'), `${id} dataLength`);
        if (qp.type === QP_PROPOSAL) {
          assert.ok(qp.data !== null, `${id}: PROPOSAL without data`);
          roundTripTxnEntry(qp.data, `${id} PROPOSAL`, get(rec.fields, 'data', 'txn'), check, txnStats);
        } else if ((qp.type === QP_FOLLOWERINFO || qp.type === QP_OBSERVERINFO) && qp.data !== null) {
          const inner = new RoundTrip(qp.data, `${id} LearnerInfo`, check, false);
          inner.rec(R.LearnerInfo, get(rec.fields, 'data', 'LearnerInfo'), 'LearnerInfo');
          inner.finish();
        }
        if (rec.dir === 's2c' && qp.type === QP_SNAP) snapBodyNext = true;
        types.add(qp.type);
        packets++;
      });
    });
  }
  reportExceptions(t, outcome);
  t.diagnostic(
    `quorum/streams: ${packets}/${total} QuorumPackets byte-identical, ${txnStats.entries} PROPOSAL txns ` +
      `(${txnStats.multiInner} multi members); packet types ${[...types].sort((x, y) => x - y).join(',')}; ` +
      `${check.leaves} values matched`,
  );
  assertOutcome(outcome, total, 'quorum/streams', 'quorum/streams');
  assert.equal(outcome.exceptions.size, 1, 'only the SNAP body is not a QuorumPacket');
  assert.ok(txnStats.entries > 0);
});
