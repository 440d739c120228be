/**
 * The two checksums of ZooKeeper's data files: Adler32 guards every txn-log
 * record and seals a snapshot; CRC32 is the per-znode hash summed into the
 * tree digest. Both as java.util.zip computes them.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';

const ADLER_MOD = 65521;
/** Bytes that can be summed before the 32-bit sums must be reduced (zlib's NMAX). */
const ADLER_NMAX = 5552;

/** Adler32 of buf[start, end), continuing from `prev` (1 starts a new sum). */
export function adler32(buf: Uint8Array, start = 0, end = buf.length, prev = 1): number {
  let a = prev & 0xffff;
  let b = (prev >>> 16) & 0xffff;
  let i = start;
  while (i < end) {
    const stop = Math.min(end, i + ADLER_NMAX);
    for (; i < stop; i++) {
      a += buf[i]!;
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return ((b << 16) | a) >>> 0;
}

/** CRC32 (the zip/zlib polynomial) of the parts one after another. */
export function crc32(...parts: Uint8Array[]): number {
  let c = 0;
  // zlib restarts at 0 when handed a null data pointer, which an empty buffer may have.
  for (const p of parts) if (p.length > 0) c = zlibCrc32(p, c);
  return c;
}
