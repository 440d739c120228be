/**
 * The iteration order of Java's ConcurrentHashMap-backed sets, which decides how
 * ZooKeeper lists a connection's auth ids (checked against ZooKeeper 3.8.0's whoAmI
 * in test/client-api.test.ts with ZK_ORACLE_PORT).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concurrentHashSetOrder, javaStringHash, juteRecordHash } from '../src/tree/java-hash-order.js';

test('String.hashCode matches Java, overflow included', () => {
  assert.equal(javaStringHash(''), 0);
  assert.equal(javaStringHash('hello'), 99162322);
  assert.equal(javaStringHash('digest'), -1331913276);
  assert.equal(javaStringHash('polygenelubricants'), -2147483648);
});

test('a jute record hash folds its fields with 17 and 37', () => {
  assert.equal(juteRecordHash([]), 17);
  assert.equal(juteRecordHash(['ip']), (37 * 17 + 3367) | 0);
});

test('items come out by bucket, insertion order within a bucket', () => {
  const items = [{ h: 33 }, { h: 2 }, { h: 17 }, { h: 1 }];
  assert.deepEqual(
    concurrentHashSetOrder(items, (x) => x.h).map((x) => x.h),
    [33, 17, 1, 2],
  );
});

test('the table grows past three quarters full', () => {
  const items = Array.from({ length: 13 }, (_, i) => ({ h: i === 0 ? 16 : 100 + i }));
  // 13 items > 12 = 0.75 * 16, so the table has 32 buckets and 16 no longer shares bucket 0.
  assert.equal(concurrentHashSetOrder(items, (x) => x.h)[0]?.h, 101);
});
