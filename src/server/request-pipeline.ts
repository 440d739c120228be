import type { Id } from '../protocol/generated/records.js';
import type { WriteRequest } from '../protocol/client-requests.js';
import { KeeperError } from '../protocol/error-codes.js';
import { OpCode } from '../protocol/opcodes.js';
import type { TxnDigest } from '../protocol/generated/records.js';
import type { Txn, TxnBody } from '../protocol/txn.js';
import type { LoggedTxn } from '../protocol/txn-entry.js';
import { TREE_DIGEST_VERSION } from '../tree/node-digest.js';
import type { DataTree, TxnResult } from '../tree/data-tree.js';
import { ChangeSet, PendingChanges } from './pending-changes.js';
import { type PrepContext, prepWrite } from './prep.js';
import type { TxnLog } from './txn-log.js';

export interface WriteOrigin {
  sessionId: bigint;
  cxid: number;
  authIds: readonly Id[];
}

/** Called once the txn is durable and applied, in zxid order. */
export type WriteDone = (result: TxnResult, txn: Txn, error: KeeperError | undefined) => void;

export interface PipelineSettings {
  extendedTypesEnabled: boolean;
  reconfigEnabled: boolean;
  /** Hard quotas refuse creates and setData (ZooKeeper's zookeeper.enforceQuota). */
  enforceQuota?: boolean;
  /** A txn's logged digest differs from the tree's after applying it (ZooKeeper logs and counts these). */
  onDigestMismatch?: (zxid: bigint, logged: bigint, actual: bigint) => void;
}

/** A txn on its way through log and apply; it goes to the log as it is. */
interface Queued extends LoggedTxn {
  error: KeeperError | undefined;
  done: WriteDone;
}

/**
 * prep → log → apply. Prep runs at once, in arrival order, against pending state;
 * txns prepped in one event-loop turn go to the log as one batch (group commit);
 * batches are applied strictly in order once durable.
 */
export class RequestPipeline {
  readonly pending: PendingChanges;
  private readonly view: ChangeSet;
  private readonly prepContext: PrepContext;
  private lastTimeMs = -1;
  private lastTime = 0n;
  private lastZxid: bigint;
  private batch: Queued[] = [];
  private flushScheduled = false;
  private applied: Promise<void> = Promise.resolve();
  private inFlight = 0;
  /** Set once the log failed: nothing more is applied or acknowledged. */
  private failure: unknown;

  constructor(
    private readonly tree: DataTree,
    private readonly log: TxnLog,
    private readonly settings: PipelineSettings,
    private readonly onFatal: (err: unknown) => void,
  ) {
    this.pending = new PendingChanges(tree);
    this.view = new ChangeSet(this.pending);
    this.lastZxid = tree.lastProcessedZxid;
    this.prepContext = {
      sessionId: 0n,
      authIds: [],
      zxid: 0n,
      time: 0n,
      extendedTypesEnabled: settings.extendedTypesEnabled,
      reconfigEnabled: settings.reconfigEnabled,
      isSystemPath: (p) => tree.isSystemPath(p),
      ephemeralsOf: (s) => tree.ephemeralsOf(s),
      checkQuota: settings.enforceQuota ? (p, bytes, count) => tree.quotas.check(p, bytes, count) : undefined,
    };
  }

  /** The zxid of the last txn prepped (maybe not yet applied). */
  get lastPreppedZxid(): bigint {
    return this.lastZxid;
  }

  /** Writes prepped but not yet applied. */
  get outstanding(): number {
    return this.inFlight;
  }

  submit(origin: WriteOrigin, op: WriteRequest, done: WriteDone): void {
    // Prep is synchronous, so one view and one context serve every request in turn.
    const ctx = this.prepContext;
    ctx.sessionId = origin.sessionId;
    ctx.authIds = origin.authIds;
    ctx.zxid = this.lastZxid + 1n;
    ctx.time = this.nowBigInt();
    this.view.reset();
    const { body, error } = prepWrite(op, this.view, ctx);
    this.enqueue(origin, body, error, done, ctx.time, ctx.zxid);
  }

  /**
   * A write whose body could not be decoded: ZooKeeper still logs it, as an error
   * txn carrying `code`, so it consumes a zxid like any failed write.
   */
  submitFailed(origin: WriteOrigin, code: number, done: WriteDone): void {
    this.enqueue(origin, { type: OpCode.error, txn: { err: code } }, new KeeperError(code), done, this.nowBigInt());
  }

  private enqueue(
    origin: WriteOrigin,
    body: TxnBody,
    error: KeeperError | undefined,
    done: WriteDone,
    time: bigint,
    zxid = this.lastZxid + 1n,
  ): void {
    this.lastZxid = zxid;
    const txn: Txn = {
      hdr: { clientId: origin.sessionId, cxid: origin.cxid, zxid, time, type: body.type },
      body,
    };
    this.batch.push({ txn, digest: this.digestAfter(body), error, done });
    this.inFlight++;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * The TxnDigest ZooKeeper logs with a txn: the tree digest once it is applied,
   * none for an error txn (a failed multi has one: it changes nothing).
   */
  private digestAfter(body: TxnBody): TxnDigest | null {
    if (!this.pending.digesting || body.type === OpCode.error) return null;
    return { version: TREE_DIGEST_VERSION, treeDigest: this.pending.digestAfterPending() };
  }

  /** Date.now() as a BigInt; the same BigInt while the millisecond lasts (a batch shares it). */
  private nowBigInt(): bigint {
    const ms = Date.now();
    if (ms !== this.lastTimeMs) {
      this.lastTimeMs = ms;
      this.lastTime = BigInt(ms);
    }
    return this.lastTime;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const durable = this.log.append(batch);
    this.applied = this.applied
      .then(() => durable)
      .then(
        () => {
          if (this.failure === undefined) this.applyBatch(batch);
          else this.inFlight -= batch.length;
        },
        (err: unknown) => {
          // Not durable, so never applied nor acknowledged; the server stops.
          this.inFlight -= batch.length;
          if (this.failure !== undefined) return;
          this.failure = err;
          this.onFatal(err);
        },
      );
  }

  private applyBatch(batch: Queued[]): void {
    for (const q of batch) {
      const result = this.tree.processTxn(q.txn);
      if (q.digest !== null && q.digest.treeDigest !== this.tree.digest) {
        this.settings.onDigestMismatch?.(q.txn.hdr.zxid, q.digest.treeDigest, this.tree.digest ?? 0n);
      }
      this.pending.releaseThrough(q.txn.hdr.zxid);
      this.inFlight--;
      q.done(result, q.txn, q.error);
    }
  }

  /** Resolves when everything submitted so far is applied. */
  async drain(): Promise<void> {
    // Every submitted txn is either in the scheduled batch or on the `applied` chain.
    while (this.inFlight > 0 && this.failure === undefined) {
      if (this.flushScheduled) this.flush();
      await this.applied;
    }
  }
}
