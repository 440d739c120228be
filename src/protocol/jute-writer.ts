import { endianness } from 'node:os';

/**
 * A long goes through this scratch word and out byte by byte: Buffer's
 * writeBigInt64BE builds intermediate BigInts (`v & 0xffffffffn`, `v >> 32n`) for
 * every call, and Stats carry five longs. Measured on Node 20: ~6-11 ns a long
 * this way, ~9-15 ns with DataView.setBigInt64, ~55-60 ns with writeBigInt64BE.
 */
const scratch64 = new BigInt64Array(1);
const scratchBytes = new Uint8Array(scratch64.buffer);
const LITTLE_ENDIAN = endianness() === 'LE';

/** Strings up to this long are tried as ASCII first (see writeString). */
const SHORT_STRING = 128;

/** take() replaces a full buffer by one twice its size, at most this big. */
const TAKE_SIZE_CAP = 64 * 1024;

/**
 * Writes jute primitives (big-endian) into a growable buffer. One writer can be
 * reused for many frames: reset() keeps the allocation.
 */
export class JuteWriter {
  private buf: Buffer;
  /** Where the next byte goes in the current buffer. */
  offset = 0;
  /** Start of the bytes not yet handed out by take() (0 for a writer that never takes). */
  private start = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Drops the bytes written since the last take() (all of them, for a writer that never takes). */
  reset(): this {
    this.offset = this.start;
    return this;
  }

  /** Bytes written since the last take(). */
  get pendingBytes(): number {
    return this.offset - this.start;
  }

  private ensure(n: number): void {
    const need = this.offset + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    // Bytes already taken stay where they are (their owner holds the old buffer);
    // the rest keep their offsets, so positions from reserveLength() stay valid.
    this.buf.copy(next, this.start, this.start, this.offset);
    this.buf = next;
  }

  /**
   * Hands out the bytes written since the last take() without copying them: later
   * writes never touch them (they go after them, or into a fresh buffer of the same
   * size once this one is nearly full). For a socket's output: what was handed to
   * socket.write stays intact however long the write takes.
   */
  take(): Buffer {
    const out = this.buf.subarray(this.start, this.offset);
    const size = this.buf.length;
    if (size - this.offset < Math.max(1024, size >>> 3)) {
      // A fresh ArrayBuffer costs about as much as copying 4 KB, so a writer that keeps
      // filling its buffer gets bigger ones, up to the cap; one grown for a huge frame
      // is not kept up as the size of every next one.
      this.buf = Buffer.allocUnsafe(Math.min(size * 2, TAKE_SIZE_CAP));
      this.offset = 0;
    }
    this.start = this.offset;
    return out;
  }

  writeInt(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.offset);
    this.offset += 4;
  }

  writeLong(v: bigint): void {
    this.ensure(8);
    const b = this.buf;
    const o = this.offset;
    scratch64[0] = v;
    const s = scratchBytes;
    if (LITTLE_ENDIAN) {
      b[o] = s[7] as number;
      b[o + 1] = s[6] as number;
      b[o + 2] = s[5] as number;
      b[o + 3] = s[4] as number;
      b[o + 4] = s[3] as number;
      b[o + 5] = s[2] as number;
      b[o + 6] = s[1] as number;
      b[o + 7] = s[0] as number;
    } else {
      for (let i = 0; i < 8; i++) b[o + i] = s[i] as number;
    }
    this.offset = o + 8;
  }

  writeBool(v: boolean): void {
    this.ensure(1);
    this.buf[this.offset++] = v ? 1 : 0;
  }

  writeByte(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.offset);
    this.offset += 1;
  }

  writeFloat(v: number): void {
    this.ensure(4);
    this.buf.writeFloatBE(v, this.offset);
    this.offset += 4;
  }

  writeDouble(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.offset);
    this.offset += 8;
  }

  writeBuffer(v: Buffer | null): void {
    if (v === null) {
      this.writeInt(-1);
      return;
    }
    this.writeInt(v.length);
    this.ensure(v.length);
    v.copy(this.buf, this.offset);
    this.offset += v.length;
  }

  /** Bytes [start, end) of src as they are (no length prefix): a record already in jute form. */
  writeBytesOf(src: Buffer, start: number, end: number): void {
    this.ensure(end - start);
    this.offset += src.copy(this.buf, this.offset, start, end);
  }

  /** A jute buffer held as a byte string (one char per byte, as ZNode keeps data). */
  writeByteString(v: string | null): void {
    if (v === null) {
      this.writeInt(-1);
      return;
    }
    this.writeInt(v.length);
    this.ensure(v.length);
    this.offset += this.buf.write(v, this.offset, v.length, 'latin1');
  }

  writeString(v: string | null): void {
    if (v === null) {
      this.writeInt(-1);
      return;
    }
    // Paths and child names are short and ASCII: copied char by char they cost no
    // native call (Buffer.byteLength + write are two, ~0.3 µs per name; a 100k-child
    // getChildren writes 100k names).
    const n = v.length;
    if (n <= SHORT_STRING) {
      this.ensure(4 + n);
      const b = this.buf;
      const at = this.offset + 4;
      let i = 0;
      for (; i < n; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0x80) break;
        b[at + i] = c;
      }
      if (i === n) {
        b.writeInt32BE(n, this.offset);
        this.offset = at + n;
        return;
      }
    }
    const len = Buffer.byteLength(v, 'utf8');
    this.writeInt(len);
    this.ensure(len);
    this.buf.write(v, this.offset, len, 'utf8');
    this.offset += len;
  }

  writeRaw(v: Buffer): void {
    this.ensure(v.length);
    v.copy(this.buf, this.offset);
    this.offset += v.length;
  }

  /** Reserves 4 bytes for a length prefix; patch it with patchLength. */
  reserveLength(): number {
    const at = this.offset;
    this.writeInt(0);
    return at;
  }

  patchLength(at: number): void {
    this.buf.writeInt32BE(this.offset - at - 4, at);
  }

  /** A copy of the bytes written since the last take(), safe to keep after reset(). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(this.start, this.offset));
  }

  /** A view of the bytes written since the last take(), valid only until the next write or reset(). */
  view(): Buffer {
    return this.buf.subarray(this.start, this.offset);
  }
}
