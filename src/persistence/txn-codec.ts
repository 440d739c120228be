import type { JuteWriter } from '../protocol/jute-writer.js';
import { decodeExactTxnEntry, writeTxnEntry, type LoggedTxn } from '../protocol/txn-entry.js';

/**
 * A txn as stored: TxnHeader + txn record + TxnDigest (when digests are on),
 * jute-encoded exactly as ZooKeeper writes a log entry (without ZooKeeper's
 * length/checksum framing, which SQLite rows and our own checksum column replace).
 */
export function encodeStoredTxn(w: JuteWriter, txn: LoggedTxn): void {
  writeTxnEntry(w, txn);
}

/** Decodes one stored txn; the bytes must hold exactly one (and its digest, if any), nothing after it. */
export function decodeStoredTxn(bytes: Buffer): LoggedTxn {
  return decodeExactTxnEntry(bytes);
}
