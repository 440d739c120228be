/** A length prefix the server refuses: negative, or above jute.maxbuffer. */
export class FrameLengthError extends Error {
  constructor(readonly length: number, readonly max: number) {
    super(`frame length ${length} is negative or above jute.maxbuffer=${max}`);
    this.name = 'FrameLengthError';
  }
}

/**
 * Splits a TCP byte stream into length-prefixed frames. A frame that arrives in
 * one chunk is returned as a view of that chunk (no copy).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
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
    return (this.chunks[0] as Buffer).subarray(0, n);
  }

  /** The next whole frame body (without its length prefix), or null if incomplete. */
  next(): Buffer | null {
    if (this.buffered < 4) return null;
    let head = this.chunks[0] as Buffer;
    if (head.length < 4) {
      this.coalesce();
      head = this.chunks[0] as Buffer;
    }
    const len = head.readInt32BE(0);
    if (len < 0 || len > this.maxLength) throw new FrameLengthError(len, this.maxLength);
    if (this.buffered < 4 + len) return null;
    if (head.length < 4 + len) {
      this.coalesce();
      head = this.chunks[0] as Buffer;
    }
    const frame = head.subarray(4, 4 + len);
    this.consume(4 + len);
    return frame;
  }

  private coalesce(): void {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
  }

  private consume(n: number): void {
    const head = this.chunks[0] as Buffer;
    this.buffered -= n;
    if (head.length === n) this.chunks.shift();
    else this.chunks[0] = head.subarray(n);
  }
}
