/**
 * A latency histogram in microseconds with bounded relative error (HdrHistogram's
 * log-linear layout): values below 128 µs are exact, larger ones fall into one of
 * 64 buckets per power of two (≤ 1.6 % error). Recording is one index computation
 * and one increment, so the load generator can record every reply.
 * Histograms merge by adding counts, and travel between threads as plain arrays.
 */

const SUB_BUCKETS = 128;
const HALF = SUB_BUCKETS / 2;
/** Values are clamped here: 2^31 µs is 35 minutes, longer than any bounded run. */
const MAX_VALUE = 2 ** 31 - 1;
const BUCKETS = SUB_BUCKETS + 25 * HALF;

export interface HistogramData {
  counts: number[];
  count: number;
  min: number;
  max: number;
  sum: number;
}

export interface LatencySummary {
  count: number;
  /** All in microseconds. */
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

function indexOf(us: number): number {
  if (us < SUB_BUCKETS) return us;
  const shift = 31 - Math.clz32(us) - 6;
  return SUB_BUCKETS + (shift - 1) * HALF + ((us >>> shift) - HALF);
}

/** The highest value that falls into bucket `i` (reported percentiles never understate). */
function upperOf(i: number): number {
  if (i < SUB_BUCKETS) return i;
  const j = i - SUB_BUCKETS;
  const shift = Math.floor(j / HALF) + 1;
  const mant = (j % HALF) + HALF;
  return ((mant + 1) << shift) - 1;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  sum = 0;

  /** Records one latency given in microseconds (rounded, clamped to [0, 2^31)). */
  record(us: number): void {
    let v = Math.round(us);
    if (!(v >= 0)) v = 0;
    else if (v > MAX_VALUE) v = MAX_VALUE;
    this.counts[indexOf(v)]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** Records a latency given in milliseconds (performance.now() differences). */
  recordMs(ms: number): void {
    this.record(ms * 1000);
  }

  merge(other: Histogram | HistogramData): void {
    const oc = other instanceof Histogram ? other.counts : other.counts;
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += oc[i] ?? 0;
    this.count += other.count;
    this.sum += other.sum;
    if (other.count > 0) {
      this.min = Math.min(this.min, other.min);
      this.max = Math.max(this.max, other.max);
    }
  }

  /** The smallest recorded bucket bound at or above the q-quantile (0 < q ≤ 1); exact max for q = 1. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    if (q >= 1) return this.max;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] as number;
      if (seen >= rank) return Math.min(upperOf(i), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      mean: this.count === 0 ? 0 : this.sum / this.count,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      p999: this.quantile(0.999),
      max: this.count === 0 ? 0 : this.max,
    };
  }

  toData(): HistogramData {
    return { counts: Array.from(this.counts), count: this.count, min: this.min, max: this.max, sum: this.sum };
  }

  static fromData(d: HistogramData): Histogram {
    const h = new Histogram();
    h.merge(d);
    return h;
  }
}
