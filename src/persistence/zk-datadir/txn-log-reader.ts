/**
 * Reads a ZooKeeper txn-log file (`version-2/log.<hex zxid>`):
 *
 *   FileHeader (magic "ZKLG", version 2, dbid)
 *   per record: long Adler32(entry) | int length | entry bytes | byte 0x42 ('B')
 *   then zeros up to the preallocated size (a zero length ends the records).
 *
 * Where the records stop, and why, is reported the way ZooKeeper would treat
 * it: a clean end or preallocated padding ends the file; a partial record (a
 * torn tail after a crash) also just ends the file for ZooKeeper; a checksum
 * mismatch or an undecodable txn makes ZooKeeper refuse to load the log.
 */
import type { FileHeader } from '../../protocol/generated/records.js';
import { JuteReader } from '../../protocol/jute-reader.js';
import { adler32 } from './checksums.js';
import { FILE_HEADER_BYTES, readFileHeader, TXNLOG_MAGIC } from './file-header.js';
import { decodeTxnEntry, type LoggedTxn } from '../../protocol/txn-entry.js';

/** The byte after every log entry. */
export const END_OF_RECORD = 0x42;
/** checksum (8) + length (4) before the entry, EOR (1) after it. */
export const RECORD_OVERHEAD = 13;

export interface LogRecordFrame {
  /** File offset of the record (its checksum field). */
  offset: number;
  /** The stored checksum (a long holding the Adler32). */
  checksum: bigint;
  /** The entry bytes (a view into the file's buffer). */
  entry: Buffer;
  checksumOk: boolean;
}

export type LogEnd =
  /** The last record ends exactly at the end of the file (e.g. a truncated, unpadded log). */
  | { kind: 'eof'; offset: number }
  /** A zero length: preallocated space. `allZero` is false if anything but zeros follows. */
  | { kind: 'padding'; offset: number; allZero: boolean }
  /**
   * A partial record: the file ends inside it, or its end-of-record byte is wrong
   * (then `entry` holds its bytes). ZooKeeper stops reading the file here too.
   */
  | { kind: 'torn'; offset: number; reason: string; entry?: Buffer }
  /** A record ZooKeeper would refuse (bad checksum, undecodable txn): the log cannot be loaded past it. */
  | { kind: 'corrupt'; offset: number; reason: string };

export interface LogFrames {
  header: FileHeader;
  /** Records in file order, up to where `end` says the records stop. */
  frames: LogRecordFrame[];
  end: LogEnd;
}

function allZero(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Splits a log file into its records without decoding them. Records with a bad
 * checksum are kept (flagged), as ZooKeeper's TxnLogToolkit shows them.
 */
export function frameTxnLog(bytes: Buffer, what = 'txn log'): LogFrames {
  const header = readFileHeader(new JuteReader(bytes), TXNLOG_MAGIC, what);
  const frames: LogRecordFrame[] = [];
  let offset = FILE_HEADER_BYTES;
  for (;;) {
    const left = bytes.length - offset;
    if (left === 0) return { header, frames, end: { kind: 'eof', offset } };
    if (left < 12) {
      const end: LogEnd = allZero(bytes, offset)
        ? { kind: 'padding', offset, allZero: true }
        : { kind: 'torn', offset, reason: `${left} bytes, too few for a record header` };
      return { header, frames, end };
    }
    const checksum = bytes.readBigInt64BE(offset);
    const len = bytes.readInt32BE(offset + 8);
    if (len === 0) return { header, frames, end: { kind: 'padding', offset, allZero: allZero(bytes, offset) } };
    if (len < 0) return { header, frames, end: { kind: 'torn', offset, reason: `record length ${len}` } };
    if (left < len + RECORD_OVERHEAD) {
      return { header, frames, end: { kind: 'torn', offset, reason: `record of ${len} bytes cut off by the end of the file` } };
    }
    const entry = bytes.subarray(offset + 12, offset + 12 + len);
    const eor = bytes[offset + 12 + len]!;
    if (eor !== END_OF_RECORD) {
      return { header, frames, end: { kind: 'torn', offset, reason: `end-of-record byte 0x${eor.toString(16)}, not 0x42`, entry } };
    }
    frames.push({ offset, checksum, entry, checksumOk: checksum === BigInt(adler32(entry)) });
    offset += len + RECORD_OVERHEAD;
  }
}

export interface LogRecord extends LogRecordFrame {
  logged: LoggedTxn;
}

export interface TxnLogContents {
  header: FileHeader;
  records: LogRecord[];
  end: LogEnd;
}

/**
 * Reads and decodes every record ZooKeeper would load. Stops at the first
 * record with a bad checksum or an undecodable txn (end kind 'corrupt').
 */
export function readTxnLog(bytes: Buffer, what = 'txn log'): TxnLogContents {
  const { header, frames, end } = frameTxnLog(bytes, what);
  const records: LogRecord[] = [];
  for (const f of frames) {
    if (!f.checksumOk) {
      return { header, records, end: { kind: 'corrupt', offset: f.offset, reason: `checksum mismatch (stored ${f.checksum}, computed ${adler32(f.entry)})` } };
    }
    let logged: LoggedTxn;
    try {
      logged = decodeTxnEntry(f.entry);
    } catch (e) {
      return { header, records, end: { kind: 'corrupt', offset: f.offset, reason: `undecodable txn: ${e instanceof Error ? e.message : String(e)}` } };
    }
    records.push({ ...f, logged });
  }
  return { header, records, end };
}
