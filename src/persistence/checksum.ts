import { crc32 } from 'node:zlib';

/**
 * The checksum stored beside every txn row and snapshot chunk: CRC-32 (zlib's,
 * native). It tells a torn or bit-rotted row from a good one; SQLite's own WAL
 * checksums only cover frames in the WAL, not pages once checkpointed.
 */
export function checksum(bytes: Uint8Array): number {
  return crc32(bytes);
}
