/**
 * The 16-byte FileHeader that opens every txn-log and snapshot file:
 * int magic ("ZKLG" or "ZKSN"), int version (2), long dbid.
 */
import { FileHeader } from '../../protocol/generated/records.js';
import { JuteReader } from '../../protocol/jute-reader.js';
import { JuteWriter } from '../../protocol/jute-writer.js';

export const TXNLOG_MAGIC = 0x5a4b4c47; // "ZKLG"
export const SNAPSHOT_MAGIC = 0x5a4b534e; // "ZKSN"
/** The only format version ZooKeeper 3.x writes (and the `version-2` folder's name). */
export const FORMAT_VERSION = 2;
export const FILE_HEADER_BYTES = 16;

/** Thrown for a file that is not (or no longer) what ZooKeeper would accept. */
export class ZkFileFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZkFileFormatError';
  }
}

export function magicName(magic: number): string {
  const b = Buffer.alloc(4);
  b.writeInt32BE(magic | 0);
  return /^[\x20-\x7e]{4}$/.test(b.toString('latin1')) ? b.toString('latin1') : `0x${(magic >>> 0).toString(16)}`;
}

/** Reads the header and checks its magic, as ZooKeeper does (it does not check the version). */
export function readFileHeader(r: JuteReader, expectedMagic: number, what: string): FileHeader {
  if (r.remaining() < FILE_HEADER_BYTES) {
    throw new ZkFileFormatError(`${what}: ${r.remaining()} bytes, too short for the ${FILE_HEADER_BYTES}-byte file header`);
  }
  const h = FileHeader.decode(r);
  if (h.magic !== expectedMagic) {
    throw new ZkFileFormatError(`${what}: magic ${magicName(h.magic)}, expected ${magicName(expectedMagic)}`);
  }
  return h;
}

export function writeFileHeader(w: JuteWriter, magic: number, dbid: bigint, version = FORMAT_VERSION): void {
  FileHeader.encode(w, { magic, version, dbid });
}
