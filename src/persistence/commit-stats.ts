const COMMIT_MS_BOUNDS = [0.125, 0.25, 0.5, 1, 2, 4, 8, 16];

/**
 * What the txn log has done so far: group-commit sizes and commit times, for
 * the `bench/` numbers and for logging. Batch sizes are counted in power-of-two
 * buckets (1, 2-3, 4-7, ...), commit times in power-of-two millisecond buckets
 * from 1/8 ms (<0.125, 0.125-0.25, ..., >=16).
 * WAL checkpoints run by the writer between commits are counted apart (their
 * time is not in any commit's).
 */
export class CommitStats {
  commits = 0;
  txns = 0;
  maxBatch = 0;
  totalCommitMs = 0;
  maxCommitMs = 0;
  readonly batchBuckets: number[] = [];
  readonly commitMsBuckets: number[] = new Array<number>(COMMIT_MS_BOUNDS.length + 1).fill(0);
  checkpoints = { count: 0, totalMs: 0, maxMs: 0 };

  record(batch: number, commitMs: number): void {
    this.commits++;
    this.txns += batch;
    this.maxBatch = Math.max(this.maxBatch, batch);
    this.totalCommitMs += commitMs;
    this.maxCommitMs = Math.max(this.maxCommitMs, commitMs);
    const bucket = 31 - Math.clz32(Math.max(1, batch));
    while (this.batchBuckets.length <= bucket) this.batchBuckets.push(0);
    this.batchBuckets[bucket] = (this.batchBuckets[bucket] ?? 0) + 1;
    let b = 0;
    while (b < COMMIT_MS_BOUNDS.length && commitMs >= (COMMIT_MS_BOUNDS[b] as number)) b++;
    this.commitMsBuckets[b] = (this.commitMsBuckets[b] ?? 0) + 1;
  }

  summary(): {
    commits: number;
    txns: number;
    meanBatch: number;
    maxBatch: number;
    meanCommitMs: number;
    maxCommitMs: number;
    batches: Record<string, number>;
    commitMs: Record<string, number>;
    checkpoints: { count: number; meanMs: number; maxMs: number };
  } {
    const batches: Record<string, number> = {};
    this.batchBuckets.forEach((n, b) => {
      if (n > 0) batches[b === 0 ? '1' : `${2 ** b}-${2 ** (b + 1) - 1}`] = n;
    });
    const commitMs: Record<string, number> = {};
    this.commitMsBuckets.forEach((n, b) => {
      if (n === 0) return;
      const lo = COMMIT_MS_BOUNDS[b - 1];
      const hi = COMMIT_MS_BOUNDS[b];
      commitMs[lo === undefined ? `<${hi}` : hi === undefined ? `>=${lo}` : `${lo}-${hi}`] = n;
    });
    return {
      commits: this.commits,
      txns: this.txns,
      meanBatch: this.commits ? this.txns / this.commits : 0,
      maxBatch: this.maxBatch,
      meanCommitMs: this.commits ? this.totalCommitMs / this.commits : 0,
      maxCommitMs: this.maxCommitMs,
      batches,
      commitMs,
      checkpoints: {
        count: this.checkpoints.count,
        meanMs: this.checkpoints.count ? this.checkpoints.totalMs / this.checkpoints.count : 0,
        maxMs: this.checkpoints.maxMs,
      },
    };
  }
}
