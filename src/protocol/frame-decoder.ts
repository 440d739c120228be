/** A length prefix the server refuses: negative, or above jute.maxbuffer. */
export class FrameLengthError extends Error {
  constructor(readonly length: number, readonly max: number) {
    super(`frame length ${length} is negative or above jute.maxbuffer=${max}`);
    this.name = 'FrameLengthError';
  }
}

/**
 * Splits a TCP byte stream into length-prefixed frames. A frame that arrives in
 * one chunk is returned as a view of that chunk (no copy); the chunk itself is
 * read through an offset, so consuming a frame makes no new Buffer.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already consumed. */
  private headOffset = 0;
  private buffered = 0;

  constructor(private readonly maxLength: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  /** The first `n` buffered bytes without consuming them, or null if fewer are here. */
  peek(n: number): Buffer | null {
    if (this.buffered < n) return null;
    this.coalesce();
    return (this.chunks[0] as Buffer).subarray(this.headOffset, this.headOffset + n);
  }

  /** The next whole frame body (without its length prefix), or null if incomplete. */
  next(): Buffer | null {
    if (this.buffered < 4) return null;
    let head = this.chunks[0] as Buffer;
    if (head.length - this.headOffset < 4) {
      this.coalesce();
      head = this.chunks[0] as Buffer;
    }
    const len = head.readInt32BE(this.headOffset);
    if (len < 0 || len > this.maxLength) throw new FrameLengthError(len, this.maxLength);
    if (this.buffered < 4 + len) return null;
    if (head.length - this.headOffset < 4 + len) {
      this.coalesce();
      head = this.chunks[0] as Buffer;
    }
    const start = this.headOffset + 4;
    const frame = head.subarray(start, start + len);
    this.consume(4 + len);
    return frame;
  }

  /** Joins the unconsumed bytes into one chunk (when they span several). */
  private coalesce(): void {
    if (this.chunks.length <= 1) return;
    const first = (this.chunks[0] as Buffer).subarray(this.headOffset);
    this.chunks[0] = first;
    this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    this.headOffset = 0;
  }

  private consume(n: number): void {
    const head = this.chunks[0] as Buffer;
    this.buffered -= n;
    this.headOffset += n;
    if (this.headOffset === head.length) {
      this.chunks.shift();
      this.headOffset = 0;
    }
  }
}
