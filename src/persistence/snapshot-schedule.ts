/**
 * When to snapshot, as ZooKeeper decides it: after more than snapCount/2 + r
 * logged txns, r drawn afresh in [0, snapCount/2) each time, so the servers of
 * an ensemble do not all snapshot at once.
 */
export class SnapshotSchedule {
  private readonly snapCount: number;
  private threshold = 0;
  private logged = 0;

  constructor(snapCount: number, private readonly random: () => number = Math.random) {
    // ZooKeeper's floor: a snapCount below 2 is taken as 2.
    this.snapCount = Math.max(2, Math.floor(snapCount));
    this.roll();
  }

  private roll(): void {
    const half = Math.floor(this.snapCount / 2);
    this.threshold = half + Math.floor(this.random() * half);
    this.logged = 0;
  }

  /** Counts logged txns; true when a snapshot is due (the count then starts over). */
  countLogged(n: number): boolean {
    this.logged += n;
    if (this.logged <= this.threshold) return false;
    this.roll();
    return true;
  }

  /** Txns logged since the last snapshot was due. */
  get sinceLast(): number {
    return this.logged;
  }

  get currentThreshold(): number {
    return this.threshold;
  }
}
