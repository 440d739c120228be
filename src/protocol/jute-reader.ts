/**
 * Reads jute primitives (big-endian) from one Buffer without copying: buffers
 * returned by readBuffer are views into the frame, valid while the frame is.
 */
export class JuteDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JuteDecodeError';
  }
}

export class JuteReader {
  offset: number;
  readonly end: number;

  constructor(readonly buf: Buffer, offset = 0, end = buf.length) {
    this.offset = offset;
    this.end = end;
  }

  remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): void {
    if (n < 0 || this.offset + n > this.end) {
      throw new JuteDecodeError(`need ${n} bytes at offset ${this.offset}, frame ends at ${this.end}`);
    }
  }

  readInt(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  readLong(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  readBool(): boolean {
    this.need(1);
    return this.buf[this.offset++] !== 0;
  }

  readByte(): number {
    this.need(1);
    const v = this.buf.readInt8(this.offset);
    this.offset += 1;
    return v;
  }

  readFloat(): number {
    this.need(4);
    const v = this.buf.readFloatBE(this.offset);
    this.offset += 4;
    return v;
  }

  readDouble(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  /** A length of -1 is null on the wire. */
  readBuffer(): Buffer | null {
    const len = this.readInt();
    if (len === -1) return null;
    if (len < -1) throw new JuteDecodeError(`negative buffer length ${len}`);
    this.need(len);
    const v = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return v;
  }

  /** jute ustring; null on the wire (length -1) decodes as null. */
  readString(): string | null {
    const len = this.readInt();
    if (len === -1) return null;
    if (len < -1) throw new JuteDecodeError(`negative string length ${len}`);
    this.need(len);
    const v = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return v;
  }

  /** Vector count; -1 is a null vector. Guards against counts the frame cannot hold. */
  readVectorLength(minElementBytes = 1): number {
    const n = this.readInt();
    if (n < -1) throw new JuteDecodeError(`negative vector length ${n}`);
    if (n > 0 && n * minElementBytes > this.remaining()) {
      throw new JuteDecodeError(`vector length ${n} exceeds the ${this.remaining()} bytes left`);
    }
    return n;
  }
}
