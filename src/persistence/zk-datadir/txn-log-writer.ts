/**
 * Writes txn-log files as ZooKeeper's FileTxnLog does: the header, then per
 * txn long Adler32 | int length | entry | 0x42, with the file grown in zeroed
 * steps of preAllocSize (FilePadding) so the bytes match a file ZooKeeper wrote.
 */
import { JuteWriter } from '../../protocol/jute-writer.js';
import { adler32 } from './checksums.js';
import { writeFileDurably } from './durable-file.js';
import { TXNLOG_MAGIC, writeFileHeader } from './file-header.js';
import { encodeTxnEntry, type LoggedTxn } from '../../protocol/txn-entry.js';
import { END_OF_RECORD } from './txn-log-reader.js';

/** ZooKeeper's default preAllocSize: 64 MiB (zoo.cfg `preAllocSize` is in KiB). */
export const DEFAULT_PREALLOC_BYTES = 64 * 1024 * 1024;

export interface TxnLogWriteOptions {
  dbid?: bigint;
  /** Bytes to grow the file by; 0 writes no padding at all. Default 64 MiB. */
  preAllocBytes?: number;
}

/**
 * FilePadding.calculateFileSizeWithPadding: before each record, once the write
 * position is within 4 KiB of the padded size, the file grows by another step.
 */
export function paddedSize(position: number, fileSize: number, preAlloc: number): number {
  if (preAlloc > 0 && position + 4096 >= fileSize) {
    if (position > fileSize) {
      const grown = position + preAlloc;
      return grown - (grown % preAlloc);
    }
    return fileSize + preAlloc;
  }
  return fileSize;
}

export interface EncodedTxnLog {
  /** Header and records. */
  bytes: Buffer;
  /** The file's length once padded (at least bytes.length). */
  size: number;
}

/** Header and records of a log holding `entries` (decoded txns or raw entry bytes), in order. */
export function encodeTxnLogRecords(entries: Iterable<LoggedTxn | Buffer>, opts: TxnLogWriteOptions = {}): EncodedTxnLog {
  const preAlloc = opts.preAllocBytes ?? DEFAULT_PREALLOC_BYTES;
  const w = new JuteWriter(4096);
  const entryWriter = new JuteWriter(256);
  writeFileHeader(w, TXNLOG_MAGIC, opts.dbid ?? 0n);
  let size = w.offset;
  for (const e of entries) {
    size = paddedSize(w.offset, size, preAlloc);
    const entry = Buffer.isBuffer(e) ? e : encodeTxnEntry(e, entryWriter);
    w.writeLong(BigInt(adler32(entry)));
    w.writeBuffer(entry);
    w.writeByte(END_OF_RECORD);
  }
  return { bytes: w.toBuffer(), size: Math.max(size, w.offset) };
}

/** The whole file in memory, padding included (for small preallocation sizes and tests). */
export function encodeTxnLog(entries: Iterable<LoggedTxn | Buffer>, opts: TxnLogWriteOptions = {}): Buffer {
  const { bytes, size } = encodeTxnLogRecords(entries, opts);
  const out = Buffer.alloc(size);
  bytes.copy(out);
  return out;
}

/** Writes the log to `path` durably (see writeFileDurably); padding is a sparse extension. */
export function writeTxnLogFile(path: string, entries: Iterable<LoggedTxn | Buffer>, opts: TxnLogWriteOptions = {}): void {
  const { bytes, size } = encodeTxnLogRecords(entries, opts);
  writeFileDurably(path, bytes, size);
}
