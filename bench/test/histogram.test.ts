import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram } from '../histogram.js';

/** The exact q-quantile (nearest rank) of a sorted array. */
const exact = (sorted: number[], q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;

describe('latency histogram', () => {
  it('reports values below 128 µs exactly', () => {
    const h = new Histogram();
    for (let v = 0; v < 100; v++) h.record(v);
    assert.equal(h.quantile(0.5), 49);
    assert.equal(h.quantile(0.99), 98);
    assert.equal(h.summary().max, 99);
    assert.equal(h.count, 100);
  });

  it('keeps percentiles within 1.6 % above the exact value over a wide range', () => {
    const h = new Histogram();
    const values: number[] = [];
    let x = 12345;
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const v = Math.floor(Math.exp((x / 2 ** 31) * Math.log(5e6))); // 1 µs .. 5 s, log-uniform
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99, 0.999]) {
      const e = exact(values, q);
      const got = h.quantile(q);
      assert.ok(got >= e, `q=${q}: ${got} < exact ${e}`);
      assert.ok(got <= e * 1.016 + 1, `q=${q}: ${got} more than 1.6 % above ${e}`);
    }
    assert.equal(h.quantile(1), values.at(-1));
  });

  it('merges by adding counts, also through its plain-data form', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 1; i <= 1000; i++) (i % 2 ? a : b).record(i * 10);
    const m = Histogram.fromData(a.toData());
    m.merge(b.toData());
    assert.equal(m.count, 1000);
    assert.equal(m.min, 10);
    assert.equal(m.max, 10000);
    assert.ok(Math.abs(m.quantile(0.5) - 5000) <= 5000 * 0.016);
    assert.equal(m.summary().mean, 5005);
  });

  it('records milliseconds as microseconds and clamps nonsense', () => {
    const h = new Histogram();
    h.recordMs(1.5);
    h.record(-3);
    h.record(Number.NaN);
    assert.equal(h.max, 1500);
    assert.equal(h.min, 0);
    assert.equal(h.count, 3);
  });

  it('summarizes an empty histogram as zeros', () => {
    assert.deepEqual(new Histogram().summary(), { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });
});
