/**
 * One load-generator thread: `sessions` ZooKeeper sessions, each keeping
 * `outstanding` requests in flight. The generator shares two cores with the
 * server, so it stays cheap: requests are pre-encoded frames copied into one
 * buffer per refill (xid patched), replies are only split into frames and their
 * header read, and the clock is read once per socket chunk.
 */
import { connect, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { seededRandom } from '../test/support/seeded-random.js';
import { Histogram } from './histogram.js';
import type { FromWorker, OpSource, ToWorker, WorkerInit, WorkerResult } from './load-spec.js';
import {
  closeSessionFrame,
  connectFrame,
  createFrame,
  CreateFlag,
  deleteFrame,
  FrameSplitter,
  getDataFrame,
  REPLY_HEADER_BYTES,
  sequentialName,
  setDataFrame,
} from './wire.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('load-worker runs only as a worker thread');
const post = (m: FromWorker): void => port.postMessage(m);

const READ = 0;
/** A Stat on the wire. */
const STAT_BYTES = 68;
const WRITE = 1;
/** Length of each session's pre-drawn op sequence (cycled). */
const SEQ_LEN = 8192;

/** The frames this worker sends and their kinds. */
interface Plan {
  templates: Buffer[];
  kinds: Uint8Array;
  /** The whole reply frame's length each template must get back when it succeeds. */
  replyBytes: Int32Array;
  /** mix: per-session template index sequences; lists: null. */
  sequences: Uint32Array[] | null;
  /** lists: how many requests this worker sends in all. */
  listCount: number;
}

function plan(source: OpSource): Plan {
  switch (source.kind) {
    case 'mix': {
      const data = Buffer.alloc(source.dataSize, 0x62);
      const n = source.paths.length;
      const templates = [...source.paths.map((p) => getDataFrame(0, p)), ...source.paths.map((p) => setDataFrame(0, p, data))];
      const kinds = new Uint8Array(2 * n).fill(WRITE, n);
      // getData: header, data, stat; setData: header, stat.
      const replyBytes = new Int32Array(2 * n).fill(REPLY_HEADER_BYTES + 4 + source.dataSize + STAT_BYTES).fill(REPLY_HEADER_BYTES + STAT_BYTES, n);
      const sequences: Uint32Array[] = [];
      for (let s = 0; s < init.sessions; s++) {
        const rnd = seededRandom(source.seed * 7919 + init.workerIndex * 104729 + s);
        const seq = new Uint32Array(SEQ_LEN);
        for (let i = 0; i < SEQ_LEN; i++) {
          const key = Math.floor(rnd() * n);
          seq[i] = rnd() < source.readRatio ? key : n + key;
        }
        sequences.push(seq);
      }
      return { templates, kinds, replyBytes, sequences, listCount: 0 };
    }
    case 'createSeq': {
      const share = listShare(source.count);
      const frame = createFrame(0, source.prefix, Buffer.alloc(source.dataSize, 0x63), CreateFlag.persistentSequential);
      // create: header, then the created path (prefix + 10 digits).
      const replyBytes = new Int32Array([REPLY_HEADER_BYTES + 4 + Buffer.byteLength(source.prefix) + 10]);
      return { templates: [frame], kinds: new Uint8Array([WRITE]), replyBytes, sequences: null, listCount: share.count };
    }
    case 'deleteSeq': {
      const share = listShare(source.count);
      const templates: Buffer[] = [];
      for (let i = 0; i < share.count; i++) templates.push(deleteFrame(0, sequentialName(source.prefix, share.from + i)));
      const replyBytes = new Int32Array(templates.length).fill(REPLY_HEADER_BYTES);
      return { templates, kinds: new Uint8Array(templates.length).fill(WRITE), replyBytes, sequences: null, listCount: share.count };
    }
  }
}

/** This worker's contiguous slice of a count-bounded list. */
function listShare(count: number): { from: number; count: number } {
  const base = Math.floor(count / init.workers);
  const extra = count % init.workers;
  const from = init.workerIndex * base + Math.min(init.workerIndex, extra);
  return { from, count: base + (init.workerIndex < extra ? 1 : 0) };
}

const thePlan = plan(init.source);
const K = init.outstanding;
const hists: [Histogram, Histogram] = [new Histogram(), new Histogram()];
const errors = new Map<number, number>();
let completed = 0;
let sent = 0;
/** Successful replies whose size is not what the request must get back. */
let badReplies = 0;
let listNext = 0;
let totalInflight = 0;
let firstSend = 0;
let lastReply = 0;
/** Local (performance.now()) window; set by the run command. */
let t0 = Infinity;
let t1 = -Infinity;
let sendUntil = -Infinity;
let running = false;
let finished = false;
const sessions: LoadSession[] = [];

class LoadSession {
  readonly socket: Socket;
  private readonly splitter = new FrameSplitter();
  private readonly sent = new Float64Array(K);
  private readonly kind = new Uint8Array(K);
  private readonly expect = new Int32Array(K);
  private head = 0;
  private tail = 0;
  inflight = 0;
  private xid = 1;
  private cursor = 0;
  private connected = false;
  private closing: (() => void) | null = null;
  private readonly frames: Buffer[] = [];
  private readonly frameKinds: number[] = [];
  private readonly frameExpect: number[] = [];

  constructor(
    private readonly index: number,
    onReady: () => void,
    onFail: (e: Error) => void,
  ) {
    this.socket = connect({ host: init.host, port: init.port });
    this.socket.setNoDelay(true);
    this.socket.once('connect', () => this.socket.write(connectFrame(init.sessionTimeoutMs)));
    this.socket.on('error', (e) => onFail(e));
    this.socket.on('close', () => {
      if (this.closing) this.closing();
      else if (!finished) onFail(new Error(`session ${this.index}: connection closed by the server`));
    });
    this.socket.on('data', (chunk: Buffer) => {
      if (this.connected) {
        this.onReplies(chunk);
        return;
      }
      this.splitter.push(chunk, (buf, start) => {
        // ConnectResponse: protocolVersion, timeOut, sessionId, ...
        if (buf.readInt32BE(start + 8) <= 0) onFail(new Error(`session ${this.index}: refused`));
        this.connected = true;
        onReady();
      });
    });
  }

  /** Fills the pipeline up to K requests. */
  start(now: number): void {
    this.refill(K, now);
  }

  private onReplies(chunk: Buffer): void {
    const now = performance.now();
    let done = 0;
    this.splitter.push(chunk, (buf, start, end) => {
      const xid = buf.readInt32BE(start + 4);
      if (xid < 0) return; // notification or ping reply
      if (this.closing) {
        this.closing();
        return;
      }
      const err = buf.readInt32BE(start + 16);
      const k = this.kind[this.head] as number;
      const sentAt = this.sent[this.head] as number;
      const expected = this.expect[this.head] as number;
      this.head = this.head + 1 === K ? 0 : this.head + 1;
      this.inflight--;
      totalInflight--;
      done++;
      if (err !== 0) errors.set(err, (errors.get(err) ?? 0) + 1);
      else if (end - start !== expected) badReplies++;
      if (now >= t0 && now <= t1) hists[k]?.recordMs(now - sentAt);
    });
    if (done === 0) return;
    completed += done;
    lastReply = now;
    if (running && now < sendUntil) this.refill(done, now);
    if (totalInflight === 0 && (now >= sendUntil || listExhausted())) finish();
  }

  private refill(n: number, now: number): void {
    const p = thePlan;
    const frames = this.frames;
    const fk = this.frameKinds;
    const fe = this.frameExpect;
    fe.length = 0;
    frames.length = 0;
    fk.length = 0;
    let total = 0;
    const want = Math.min(n, K - this.inflight);
    if (p.sequences) {
      const seq = p.sequences[this.index] as Uint32Array;
      for (let i = 0; i < want; i++) {
        const t = seq[this.cursor] as number;
        this.cursor = this.cursor + 1 === SEQ_LEN ? 0 : this.cursor + 1;
        const f = p.templates[t] as Buffer;
        frames.push(f);
        fk.push(p.kinds[t] as number);
        fe.push(p.replyBytes[t] as number);
        total += f.length;
      }
    } else {
      for (let i = 0; i < want && listNext < p.listCount; i++) {
        const t = p.templates.length === 1 ? 0 : listNext;
        listNext++;
        const f = p.templates[t] as Buffer;
        frames.push(f);
        fk.push(p.kinds[t] as number);
        fe.push(p.replyBytes[t] as number);
        total += f.length;
      }
    }
    if (frames.length === 0) return;
    if (firstSend === 0) firstSend = now;
    const out = Buffer.allocUnsafe(total);
    let off = 0;
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i] as Buffer;
      out.set(f, off);
      out.writeInt32BE(this.xid++, off + 4);
      off += f.length;
      this.sent[this.tail] = now;
      this.kind[this.tail] = fk[i] as number;
      this.expect[this.tail] = fe[i] as number;
      this.tail = this.tail + 1 === K ? 0 : this.tail + 1;
    }
    this.inflight += frames.length;
    sent += frames.length;
    totalInflight += frames.length;
    this.socket.write(out);
  }

  /** closeSession (replies still in flight are skipped), then the TCP close; bounded. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), 3000);
      const done = (): void => {
        clearTimeout(timer);
        this.closing = () => {};
        this.socket.destroy();
        resolve();
      };
      if (this.socket.destroyed) {
        done();
        return;
      }
      // Every reply still due arrives before the closeSession reply; the first one
      // seen after the pipeline empties is taken as the end.
      let left = this.inflight + 1;
      this.closing = () => {
        if (--left <= 0) done();
      };
      this.socket.write(closeSessionFrame(this.xid++));
    });
  }
}

function listExhausted(): boolean {
  return thePlan.sequences === null && listNext >= thePlan.listCount;
}

function finish(): void {
  if (finished) return;
  finished = true;
  running = false;
  const errs: Record<string, number> = {};
  for (const [k, v] of errors) errs[String(k)] = v;
  const toEpoch = (t: number): number => (t === 0 ? 0 : performance.timeOrigin + t);
  const result: WorkerResult = {
    type: 'result',
    hist: [hists[0].toData(), hists[1].toData()],
    completed,
    sent,
    badReplies,
    unanswered: totalInflight,
    errors: errs,
    firstSend: toEpoch(firstSend),
    lastReply: toEpoch(lastReply),
  };
  post(result);
}

let readyCount = 0;
let failed = false;
const fail = (e: Error): void => {
  if (failed) return;
  failed = true;
  post({ type: 'error', message: e.message });
};
for (let i = 0; i < init.sessions; i++) {
  sessions.push(
    new LoadSession(
      i,
      () => {
        if (++readyCount === init.sessions) post({ type: 'ready' });
      },
      fail,
    ),
  );
}

port.on('message', (m: ToWorker) => {
  if (m.cmd === 'run') {
    const origin = performance.timeOrigin;
    t0 = m.t0 - origin;
    t1 = m.t1 - origin;
    sendUntil = m.sendUntil - origin;
    // Load starts now (warm-up); the measurement window opens at t0.
    running = true;
    const now = performance.now();
    for (const s of sessions) s.start(now);
    setTimeout(() => {
      if (totalInflight === 0) finish();
    }, Math.max(0, sendUntil - performance.now()) + 1).unref();
    setTimeout(() => finish(), Math.max(0, sendUntil - performance.now()) + m.drainMs).unref();
  } else if (m.cmd === 'close') {
    void Promise.all(sessions.map((s) => s.close())).then(() => post({ type: 'closed' }));
  }
});
