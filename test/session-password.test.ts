import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passwordMatches, sessionPassword } from '../src/server/session-password.js';

// client/streams/02: the real server gave session 0x100000813970000 this password.
test('derives the password a real ZooKeeper 3.8 server issued for the same session id', () => {
  assert.equal(sessionPassword(0x0100000813970000n).toString('hex'), 'fbe416156c32721ad14b7da79556c59a');
});

test('checks a presented password', () => {
  const id = 0x0100000813970005n;
  assert.ok(passwordMatches(id, sessionPassword(id)));
  assert.ok(!passwordMatches(id, Buffer.alloc(16)));
  assert.ok(!passwordMatches(id, null));
  assert.ok(!passwordMatches(id + 1n, sessionPassword(id)));
});
