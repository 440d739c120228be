/**
 * The shared memory between the txn log and its writer thread, both ends driven
 * from one thread: what an append carries, errors, and sequence numbers that
 * wrap around.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ControlOp, Int32Slot, TxnLogChannel } from '../src/persistence/txn-log-channel.js';

describe('txn log channel', () => {
  it('carries an append (zxids, txn ends, bytes) to the writer and its commit time back', () => {
    const ch = TxnLogChannel.create();
    const bytes = Buffer.from('aaabbbbbc');
    const seq = ch.postAppend([5n, 6n, 7n], [3, 8, 9], bytes);
    assert.equal(ch.requested('append'), seq);
    const view = ch.readAppend();
    assert.deepEqual([...view.zxids], [5n, 6n, 7n]);
    assert.deepEqual([...view.ends], [3, 8, 9]);
    assert.equal(view.bytes.toString(), 'aaabbbbbc');
    assert.notEqual(ch.done('append'), seq);
    ch.finish('append', seq, { result: 1.5 });
    assert.equal(ch.done('append'), seq);
    assert.equal(ch.failure('append'), undefined);
    assert.equal(ch.result('append'), 1.5);
  });

  it('grows its data area for an append larger than 1 MiB', () => {
    const ch = TxnLogChannel.create();
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    ch.postAppend([1n], [bytes.length], bytes);
    const view = ch.readAppend();
    assert.equal(view.bytes.length, bytes.length);
    assert.ok(view.bytes.equals(bytes));
  });

  it('reports a failed request with its error text, and a later success clears it', () => {
    const ch = TxnLogChannel.create();
    const seq = ch.postControl(ControlOp.purge, 42n);
    assert.deepEqual(ch.readControl(), { op: ControlOp.purge, arg: 42n });
    ch.finish('control', seq, { error: 'SQLITE_FULL: database or disk is full' });
    assert.equal(ch.failure('control'), 'SQLITE_FULL: database or disk is full');
    const next = ch.postControl(ControlOp.close);
    ch.finish('control', next, { result: 3 });
    assert.equal(ch.failure('control'), undefined);
    assert.equal(ch.result('control'), 3);
  });

  it('sequence numbers wrap around int32 and still match what the writer reports', () => {
    const ch = TxnLogChannel.create();
    const i32 = new Int32Array(ch.buffers.control);
    i32[Int32Slot.appendReq] = 0x7fffffff;
    i32[Int32Slot.appendDone] = 0x7fffffff;
    const seq = ch.postAppend([1n], [1], Buffer.from('x'));
    assert.equal(seq, -0x80000000);
    assert.equal(ch.requested('append'), seq);
    ch.finish('append', seq, { result: 0.1 });
    assert.equal(ch.done('append'), seq);
  });

  it('changed() resolves once the done counter moves, and at once if it already has', async () => {
    const ch = TxnLogChannel.create();
    const seq = ch.postAppend([1n], [1], Buffer.from('x'));
    const waiting = ch.changed('append', ch.done('append'));
    ch.finish('append', seq, { result: 0.2 });
    await waiting;
    await ch.changed('append', 12345);
    assert.equal(ch.done('append'), seq);
  });
});
