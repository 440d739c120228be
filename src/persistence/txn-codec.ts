import { TxnHeader } from '../protocol/generated/records.js';
import { JuteDecodeError, JuteReader } from '../protocol/jute-reader.js';
import { JuteWriter } from '../protocol/jute-writer.js';
import { decodeTxnBody, encodeTxn, type Txn } from '../protocol/txn.js';

/**
 * A txn as stored: TxnHeader + txn record, jute-encoded exactly as ZooKeeper
 * writes them into its log (without ZooKeeper's length/checksum framing, which
 * SQLite rows and our own checksum column replace).
 */
export function encodeStoredTxn(w: JuteWriter, txn: Txn): void {
  encodeTxn(w, txn);
}

/** Decodes one stored txn; the bytes must hold exactly one, nothing after it. */
export function decodeStoredTxn(bytes: Buffer): Txn {
  const r = new JuteReader(bytes);
  const hdr = TxnHeader.decode(r);
  const body = decodeTxnBody(hdr.type, r);
  if (r.remaining() !== 0) throw new JuteDecodeError(`${r.remaining()} stray bytes after txn 0x${hdr.zxid.toString(16)}`);
  return { hdr, body };
}
