/**
 * JuteWriter's primitives: longs are written without Buffer.writeBigInt64BE
 * (through a scratch word), so their bytes are checked against it here; take()
 * hands out socket output without a copy; reply headers are written field by field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JuteReader } from '../src/protocol/jute-reader.js';
import { ReplyHeader } from '../src/protocol/generated/records.js';
import { JuteWriter } from '../src/protocol/jute-writer.js';
import { writeReplyHeader } from '../src/server/reply-body.js';

const LONGS = [
  0n,
  1n,
  -1n,
  255n,
  256n,
  0xffffffffn,
  0x100000000n,
  -0x100000000n,
  -0x100000001n,
  1732200000000n,
  0x0123456789abcdefn,
  -0x0123456789abcdefn,
  (1n << 63n) - 1n,
  -(1n << 63n),
];

test('writeLong writes the same big-endian bytes as Buffer.writeBigInt64BE', () => {
  const w = new JuteWriter(4);
  for (const v of LONGS) w.writeLong(v);
  const expected = Buffer.alloc(8 * LONGS.length);
  LONGS.forEach((v, i) => expected.writeBigInt64BE(v, 8 * i));
  assert.deepEqual(w.view(), expected);
});

test('longs written between ints read back unchanged, across buffer growth', () => {
  const w = new JuteWriter(8);
  for (const [i, v] of LONGS.entries()) {
    w.writeInt(i);
    w.writeLong(v);
  }
  const r = new JuteReader(w.toBuffer());
  for (const [i, v] of LONGS.entries()) {
    assert.equal(r.readInt(), i);
    assert.equal(r.readLong(), v);
  }
  assert.equal(r.remaining(), 0);
});

test('take() hands out what was written since the last take, and later writes leave it intact', () => {
  const w = new JuteWriter(2048);
  const taken: [Buffer, Buffer][] = [];
  for (let round = 0; round < 50; round++) {
    // Frames of varying size, some larger than the buffer, so takes meet both a fresh buffer and growth.
    const frame = Buffer.alloc(1 + ((round * 397) % 5000), round);
    const at = w.reserveLength();
    w.writeRaw(frame);
    w.patchLength(at);
    assert.equal(w.pendingBytes, 4 + frame.length);
    const expected = Buffer.alloc(4 + frame.length);
    expected.writeInt32BE(frame.length, 0);
    frame.copy(expected, 4);
    taken.push([w.take(), expected]);
    assert.equal(w.pendingBytes, 0);
  }
  for (const [got, expected] of taken) assert.deepEqual(got, expected);
});

test('reset() drops only what was written since the last take', () => {
  const w = new JuteWriter(64);
  w.writeInt(7);
  const first = w.take();
  w.writeInt(8);
  w.reset();
  assert.equal(w.pendingBytes, 0);
  w.writeInt(9);
  assert.deepEqual(first, Buffer.from([0, 0, 0, 7]));
  assert.deepEqual(w.view(), Buffer.from([0, 0, 0, 9]));
});

test('writeReplyHeader writes the bytes of ReplyHeader.encode', () => {
  for (const [xid, zxid, err] of [
    [7, 0x1234567890n, 0],
    [-1, -1n, 0],
    [-2, 0n, -101],
    [0x7fffffff, (1n << 63n) - 1n, -4],
  ] as const) {
    const a = new JuteWriter(8);
    writeReplyHeader(a, xid, zxid, err);
    const b = new JuteWriter(8);
    ReplyHeader.encode(b, { xid, zxid, err });
    assert.deepEqual(a.view(), b.view());
  }
});

test('writeString writes UTF-8 with an int length for ASCII, non-ASCII, empty and long strings alike', () => {
  const strings = ['', 'a', '/zookeeper/quota', 'n0000000042', 'abc\u00e9', '\u00fcber/caf\u00e9', 'x'.repeat(127) + '\u4e2d', 'y'.repeat(128), 'z'.repeat(129), '\ud83d\ude00 emoji', '\u007f\u0080'];
  for (const s of strings) {
    const w = new JuteWriter(2); // tiny: every string makes it grow
    w.writeInt(7);
    w.writeString(s);
    const bytes = Buffer.from(s, 'utf8');
    const expected = Buffer.alloc(8 + bytes.length);
    expected.writeInt32BE(7, 0);
    expected.writeInt32BE(bytes.length, 4);
    bytes.copy(expected, 8);
    assert.deepEqual(w.toBuffer(), expected, JSON.stringify(s));
    const r = new JuteReader(w.toBuffer());
    r.readInt();
    assert.equal(r.readString(), s);
  }
});
