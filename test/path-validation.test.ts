import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invalidPathReason, parentOf } from '../src/tree/path-validation.js';

test('accepts ordinary absolute paths and the root', () => {
  for (const p of ['/', '/a', '/a/b', '/a.b', '/a/..b', '/a/.b/c', '/zookeeper/quota']) {
    assert.equal(invalidPathReason(p), null, p);
  }
});

test('rejects the paths ZooKeeper rejects, with its reasons', () => {
  assert.equal(invalidPathReason(null), 'Path cannot be null');
  assert.equal(invalidPathReason(''), 'Path length must be > 0');
  assert.equal(invalidPathReason('a'), 'Path must start with / character');
  assert.equal(invalidPathReason('/a/'), 'Path must not end with / character');
  assert.equal(invalidPathReason('/a//b'), 'empty node name specified @3');
  assert.equal(invalidPathReason('/a/./b'), 'relative paths not allowed @3');
  assert.equal(invalidPathReason('/a/..'), 'relative paths not allowed @4');
  assert.equal(invalidPathReason('/.'), 'relative paths not allowed @1');
  assert.equal(invalidPathReason('/a\0b'), 'null character not allowed @2');
  assert.equal(invalidPathReason('/a\u0001'), 'invalid character @2');
  assert.equal(invalidPathReason('/a\ud800'), 'invalid character @2');
});

test('a sequential create may end in a slash: the suffix follows it', () => {
  assert.equal(invalidPathReason('/a/', true), null);
  assert.equal(invalidPathReason('/a//', true), 'empty node name specified @3');
});

test('parentOf maps top-level nodes to the root', () => {
  assert.equal(parentOf('/a'), '/');
  assert.equal(parentOf('/a/b/c'), '/a/b');
});
