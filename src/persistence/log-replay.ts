import type Database from 'better-sqlite3';
import { decodeExactTxnEntry, type LoggedTxn } from '../protocol/txn-entry.js';
import { checksum } from './checksum.js';
import { RecoveryError } from './recovery-error.js';
import { followsDirectly, hex } from './zxid.js';

export interface TxnRow {
  zxid: bigint;
  txn: Buffer;
  crc: bigint;
}

/** Where and why the readable log ends early. */
export interface BadTail {
  /** First zxid that could not be used (undefined when SQLite could not say). */
  zxid: bigint | undefined;
  reason: string;
  /** SQLite itself failed to read (a damaged file), as opposed to a bad row. */
  unreadable: boolean;
}

export interface ReplayOutcome {
  replayed: number;
  lastZxid: bigint;
  badTail: BadTail | undefined;
}

/** Checks one row; returns the txn or why it is unusable. */
function checkRow(row: TxnRow): LoggedTxn | string {
  // A damaged page can hand back anything, NULLs included.
  if (!Buffer.isBuffer(row.txn) || typeof row.crc !== 'bigint' || typeof row.zxid !== 'bigint') return 'malformed row';
  if (checksum(row.txn) !== Number(row.crc)) return 'checksum mismatch';
  let txn: LoggedTxn;
  try {
    txn = decodeExactTxnEntry(row.txn);
  } catch (err) {
    return `undecodable: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (txn.txn.hdr.zxid !== row.zxid) return `row key ${hex(row.zxid)} holds txn ${hex(txn.txn.hdr.zxid)}`;
  return txn;
}

/** Whether a row holds a well-formed txn under its own zxid and checksum. */
export function isSoundRow(row: TxnRow): boolean {
  return typeof checkRow(row) !== 'string';
}

/**
 * Applies every txn after `afterZxid`, in zxid order, each checked against its
 * checksum. Stops at the first unusable row and reports it as the bad tail.
 * A gap (a missing zxid) is no tail: the store is inconsistent, and recovery
 * refuses it.
 */
export function replayLog(db: Database.Database, afterZxid: bigint, apply: (txn: LoggedTxn) => void): ReplayOutcome {
  let prev = afterZxid;
  let replayed = 0;
  const rows = db.prepare('SELECT zxid, txn, crc FROM txns WHERE zxid > ? ORDER BY zxid').iterate(afterZxid) as IterableIterator<TxnRow>;
  try {
    for (const row of rows) {
      const txn = checkRow(row);
      if (typeof txn === 'string') return { replayed, lastZxid: prev, badTail: { zxid: row.zxid, reason: txn, unreadable: false } };
      if (!followsDirectly(prev, row.zxid)) {
        throw new RecoveryError(
          `the txn log has a gap: after zxid ${hex(prev)} comes ${hex(row.zxid)}` +
            (replayed === 0 ? ` (the snapshot ends at ${hex(afterZxid)}; the txns between were purged or lost)` : '') +
            '; refusing to start with a tree that would miss those writes',
        );
      }
      apply(txn);
      prev = row.zxid;
      replayed++;
    }
  } catch (err) {
    if (err instanceof RecoveryError || !isSqliteError(err)) throw err;
    return { replayed, lastZxid: prev, badTail: { zxid: undefined, reason: `${err.code}: ${err.message}`, unreadable: true } };
  }
  return { replayed, lastZxid: prev, badTail: undefined };
}

/**
 * Counts usable txns after a bad row. Any means the damage is not at the tail:
 * acknowledged writes follow it, and dropping them would be silent data loss.
 */
export function intactTxnsAfter(db: Database.Database, zxid: bigint): { intact: number; first?: bigint } {
  const rows = db.prepare('SELECT zxid, txn, crc FROM txns WHERE zxid > ? ORDER BY zxid').iterate(zxid) as IterableIterator<TxnRow>;
  let intact = 0;
  let first: bigint | undefined;
  for (const row of rows) {
    if (typeof checkRow(row) !== 'string') {
      intact++;
      first ??= row.zxid;
    }
  }
  return first === undefined ? { intact } : { intact, first };
}

export function isSqliteError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && err.name === 'SqliteError' && typeof (err as { code?: unknown }).code === 'string';
}
