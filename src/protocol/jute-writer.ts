/**
 * Writes jute primitives (big-endian) into a growable buffer. One writer can be
 * reused for many frames: reset() keeps the allocation.
 */
export class JuteWriter {
  private buf: Buffer;
  offset = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  reset(): this {
    this.offset = 0;
    return this;
  }

  private ensure(n: number): void {
    const need = this.offset + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  writeInt(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.offset);
    this.offset += 4;
  }

  writeLong(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.offset);
    this.offset += 8;
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

  /** A copy of the written bytes, safe to keep after reset(). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.offset));
  }

  /** A view of the written bytes, valid only until the next write or reset(). */
  view(): Buffer {
    return this.buf.subarray(0, this.offset);
  }
}
