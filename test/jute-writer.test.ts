/**
 * JuteWriter's primitives: longs are written without Buffer.writeBigInt64BE
 * (through a scratch word), so their bytes are checked against it here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JuteReader } from '../src/protocol/jute-reader.js';
import { JuteWriter } from '../src/protocol/jute-writer.js';

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
