/**
 * One txn as ZooKeeper stores it in a log record (and sends it in a PROPOSAL):
 * TxnHeader, the txn record of its type, then a TxnDigest when the server had
 * digests enabled (3.6+; never after an error txn).
 */
import { TxnDigest, TxnHeader } from './generated/records.js';
import { JuteDecodeError, JuteReader } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import { OpCode } from './opcodes.js';
import { decodeTxnBody, encodeTxn, type Txn } from './txn.js';

/** int version + long treeDigest. */
const TXN_DIGEST_BYTES = 12;

export interface LoggedTxn {
  txn: Txn;
  /** The whole-tree digest after this txn, as the writing server computed it. */
  digest: TxnDigest | null;
}

/**
 * Decodes a log entry. Like ZooKeeper, a digest is read only when its 12 bytes
 * are there, and bytes after the digest are ignored; a closeSession without a
 * body (logs older than 3.5) has no paths to delete.
 */
export function decodeTxnEntry(entry: Buffer): LoggedTxn {
  const r = new JuteReader(entry);
  const hdr = TxnHeader.decode(r);
  const body =
    hdr.type === OpCode.closeSession && r.remaining() === 0
      ? { type: OpCode.closeSession, txn: { paths2Delete: null } }
      : decodeTxnBody(hdr.type, r);
  const digest = r.remaining() >= TXN_DIGEST_BYTES ? TxnDigest.decode(r) : null;
  return { txn: { hdr, body }, digest };
}

/**
 * Decodes an entry that must hold exactly a txn and, optionally, its digest
 * (zkts's own log, which writes nothing else).
 */
export function decodeExactTxnEntry(entry: Buffer): LoggedTxn {
  const r = new JuteReader(entry);
  const hdr = TxnHeader.decode(r);
  const body = decodeTxnBody(hdr.type, r);
  const digest = r.remaining() === TXN_DIGEST_BYTES ? TxnDigest.decode(r) : null;
  if (r.remaining() !== 0) throw new JuteDecodeError(`${r.remaining()} stray bytes after txn 0x${hdr.zxid.toString(16)}`);
  return { txn: { hdr, body }, digest };
}

/** Appends the entry bytes: TxnHeader + record + digest (when there is one). */
export function writeTxnEntry(w: JuteWriter, t: LoggedTxn): void {
  encodeTxn(w, t.txn);
  if (t.digest !== null) TxnDigest.encode(w, t.digest);
}

/** The entry bytes as a Buffer of their own. */
export function encodeTxnEntry(t: LoggedTxn, w = new JuteWriter(128)): Buffer {
  w.reset();
  writeTxnEntry(w, t);
  return w.toBuffer();
}
