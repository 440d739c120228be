/**
 * What the txn log has done so far: group-commit sizes and commit times, for
 * the `bench/` numbers and for logging. Batch sizes are counted in power-of-two
 * buckets (1, 2-3, 4-7, ...).
 */
export class CommitStats {
  commits = 0;
  txns = 0;
  maxBatch = 0;
  totalCommitMs = 0;
  maxCommitMs = 0;
  readonly batchBuckets: number[] = [];

  record(batch: number, commitMs: number): void {
    this.commits++;
    this.txns += batch;
    this.maxBatch = Math.max(this.maxBatch, batch);
    this.totalCommitMs += commitMs;
    this.maxCommitMs = Math.max(this.maxCommitMs, commitMs);
    const bucket = 31 - Math.clz32(Math.max(1, batch));
    while (this.batchBuckets.length <= bucket) this.batchBuckets.push(0);
    this.batchBuckets[bucket] = (this.batchBuckets[bucket] ?? 0) + 1;
  }

  summary(): { commits: number; txns: number; meanBatch: number; maxBatch: number; meanCommitMs: number; maxCommitMs: number; batches: Record<string, number> } {
    const batches: Record<string, number> = {};
    this.batchBuckets.forEach((n, b) => {
      if (n > 0) batches[b === 0 ? '1' : `${2 ** b}-${2 ** (b + 1) - 1}`] = n;
    });
    return {
      commits: this.commits,
      txns: this.txns,
      meanBatch: this.commits ? this.txns / this.commits : 0,
      maxBatch: this.maxBatch,
      meanCommitMs: this.commits ? this.totalCommitMs / this.commits : 0,
      maxCommitMs: this.maxCommitMs,
      batches,
    };
  }
}
