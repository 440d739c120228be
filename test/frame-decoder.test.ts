import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameDecoder, FrameLengthError } from '../src/protocol/frame-decoder.js';

function frame(body: string): Buffer {
  const b = Buffer.from(body);
  const len = Buffer.alloc(4);
  len.writeInt32BE(b.length);
  return Buffer.concat([len, b]);
}

test('returns whole frames however the bytes were split', () => {
  const bytes = Buffer.concat([frame('hello'), frame(''), frame('world!')]);
  for (const size of [1, 2, 3, 5, 7, bytes.length]) {
    const d = new FrameDecoder(1024);
    const got: string[] = [];
    for (let i = 0; i < bytes.length; i += size) {
      d.push(bytes.subarray(i, i + size));
      for (let f = d.next(); f; f = d.next()) got.push(f.toString());
    }
    assert.deepEqual(got, ['hello', '', 'world!'], `chunk size ${size}`);
    assert.equal(d.bufferedBytes, 0);
  }
});

test('refuses negative lengths and lengths above the limit', () => {
  const d = new FrameDecoder(10);
  d.push(Buffer.from([0xff, 0xff, 0xff, 0xfb]));
  assert.throws(() => d.next(), FrameLengthError);
  const e = new FrameDecoder(10);
  e.push(frame('this is longer than ten'));
  assert.throws(() => e.next(), (err: unknown) => err instanceof FrameLengthError && err.length === 23);
});

test('peek shows the first bytes without consuming them', () => {
  const d = new FrameDecoder(1024);
  d.push(Buffer.from('ru'));
  assert.equal(d.peek(4), null);
  d.push(Buffer.from('ok'));
  assert.equal(d.peek(4)?.toString(), 'ruok');
  assert.equal(d.bufferedBytes, 4);
});

test('frames after the first of a chunk, and a frame split across chunks after them, come out whole', () => {
  const d = new FrameDecoder(1024);
  const tail = frame('split-across');
  d.push(Buffer.concat([frame('a'), frame('bb'), tail.subarray(0, 6)]));
  assert.equal(d.next()?.toString(), 'a');
  assert.equal(d.peek(4)?.readInt32BE(0), 2, 'peek starts at the unconsumed bytes');
  assert.equal(d.next()?.toString(), 'bb');
  assert.equal(d.next(), null);
  assert.equal(d.bufferedBytes, 6);
  d.push(tail.subarray(6));
  assert.equal(d.next()?.toString(), 'split-across');
  assert.equal(d.bufferedBytes, 0);
});
