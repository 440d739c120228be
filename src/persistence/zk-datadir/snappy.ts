/**
 * The snappy-java stream format ZooKeeper uses for `snapshot.<zxid>.snappy`
 * (xerial SnappyOutputStream): an 8-byte magic (0x82 "SNAPPY" 0x00), int version,
 * int compatible version, then blocks of int compressedLength + a raw snappy block.
 *
 * Reading handles any raw snappy block. Writing emits each block as one snappy
 * literal: a valid stream every snappy reader accepts, just not a smaller one.
 */
import { ZkFileFormatError } from './file-header.js';

const MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const STREAM_HEADER_BYTES = 16;
const STREAM_VERSION = 1;
/** snappy-java's default block size. */
const BLOCK_BYTES = 32 * 1024;

export function isSnappyStream(buf: Buffer): boolean {
  return buf.length >= MAGIC.length && buf.subarray(0, MAGIC.length).equals(MAGIC);
}

/** Decompresses one raw snappy block. */
export function snappyDecompressBlock(src: Buffer): Buffer {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= src.length || shift > 28) throw new ZkFileFormatError('snappy: bad length varint');
    const b = src[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  // A copy element turns at most 3 bytes into 64, so a larger claim is a lie (and must not allocate).
  if (length > src.length * 22 + 16) throw new ZkFileFormatError(`snappy: block of ${src.length} bytes claims ${length}`);
  const out = Buffer.alloc(length);
  let o = 0;
  while (pos < src.length) {
    const tag = src[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const n = len - 59;
        if (pos + n > src.length) throw new ZkFileFormatError('snappy: literal length cut off');
        len = src.readUIntLE(pos, n);
        pos += n;
      }
      len += 1;
      if (pos + len > src.length || o + len > length) throw new ZkFileFormatError('snappy: literal overruns');
      src.copy(out, o, pos, pos + len);
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (pos >= src.length) throw new ZkFileFormatError('snappy: copy cut off');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[pos++]!;
    } else {
      const n = kind === 2 ? 2 : 4;
      if (pos + n > src.length) throw new ZkFileFormatError('snappy: copy cut off');
      len = (tag >>> 2) + 1;
      offset = src.readUIntLE(pos, n);
      pos += n;
    }
    if (offset === 0 || offset > o || o + len > length) throw new ZkFileFormatError('snappy: bad copy');
    // Copies may overlap their own output (runs), so go byte by byte.
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset]!;
  }
  if (o !== length) throw new ZkFileFormatError(`snappy: block says ${length} bytes, holds ${o}`);
  return out;
}

/** One raw snappy block holding `data` as literals. */
function snappyLiteralBlock(data: Buffer): Buffer {
  const head: number[] = [];
  for (let n = data.length; ; n = Math.floor(n / 128)) {
    if (n < 128) {
      head.push(n);
      break;
    }
    head.push((n % 128) | 0x80);
  }
  if (data.length > 0) {
    const n = data.length - 1;
    if (n < 60) head.push(n << 2);
    else head.push(61 << 2, n & 0xff, n >>> 8); // two length bytes: blocks are at most 32 KiB
  }
  return Buffer.concat([Buffer.from(head), data]);
}

/** Undoes SnappyOutputStream (several concatenated streams are allowed, as snappy-java allows). */
export function snappyStreamDecode(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (isSnappyStream(buf.subarray(pos))) {
      if (pos + STREAM_HEADER_BYTES > buf.length) throw new ZkFileFormatError('snappy: stream header cut off');
      pos += STREAM_HEADER_BYTES;
      continue;
    }
    if (pos + 4 > buf.length) throw new ZkFileFormatError('snappy: block length cut off');
    const len = buf.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > buf.length) throw new ZkFileFormatError(`snappy: block of ${len} bytes cut off`);
    parts.push(snappyDecompressBlock(buf.subarray(pos, pos + len)));
    pos += len;
  }
  return Buffer.concat(parts);
}

export function snappyStreamEncode(data: Buffer): Buffer {
  const header = Buffer.alloc(STREAM_HEADER_BYTES);
  MAGIC.copy(header);
  header.writeInt32BE(STREAM_VERSION, 8);
  header.writeInt32BE(STREAM_VERSION, 12);
  const parts: Buffer[] = [header];
  for (let off = 0; off < data.length; off += BLOCK_BYTES) {
    const block = snappyLiteralBlock(data.subarray(off, off + BLOCK_BYTES));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}
