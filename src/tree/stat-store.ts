import { endianness } from 'node:os';
import type { JuteWriter } from '../protocol/jute-writer.js';

/**
 * The persisted stat fields (ZooKeeper's StatPersisted) of every znode of a tree,
 * in one growing buffer: a slot per znode, laid out exactly as jute writes a
 * StatPersisted (big-endian, in record order). A million znodes then cost 64 MB
 * the garbage collector never walks, instead of a million objects and two million
 * BigInts; snapshots copy a slot as it is, and replies copy its pieces.
 */
export const StatField = {
  czxid: 0,
  mzxid: 8,
  ctime: 16,
  mtime: 24,
  version: 32,
  cversion: 36,
  aversion: 40,
  ephemeralOwner: 44,
  pzxid: 52,
} as const;

export type LongField = 'czxid' | 'mzxid' | 'ctime' | 'mtime' | 'ephemeralOwner' | 'pzxid';
export type IntField = 'version' | 'cversion' | 'aversion';

/** Bytes of a jute StatPersisted record. */
export const STAT_PERSISTED_BYTES = 60;
const SLOT_BYTES = 64;
const INITIAL_SLOTS = 1024;

const scratch = new BigInt64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);
const littleEndian = endianness() === 'LE';

/** A released slot's ZNode has offset -1: using it is a bug that must not read another znode's slot. */
function live(offset: number): void {
  if (offset < 0) throw new Error('stat of a deleted znode');
}

export class StatStore {
  private buf = Buffer.alloc(INITIAL_SLOTS * SLOT_BYTES);
  private used = 0;
  private free: number[] = [];

  /** A zeroed slot; returns its byte offset. */
  allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) {
      this.buf.fill(0, reused, reused + SLOT_BYTES);
      return reused;
    }
    if ((this.used + 1) * SLOT_BYTES > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(bigger);
      this.buf = bigger;
    }
    return this.used++ * SLOT_BYTES;
  }

  release(offset: number): void {
    this.free.push(offset);
  }

  /** Slots in use. */
  get size(): number {
    return this.used - this.free.length;
  }

  getLong(offset: number, field: LongField): bigint {
    live(offset);
    return this.buf.readBigInt64BE(offset + StatField[field]);
  }

  /** Writes a long without BigInt arithmetic (Buffer.writeBigInt64BE allocates intermediate BigInts). */
  setLong(offset: number, field: LongField, value: bigint): void {
    live(offset);
    scratch[0] = value;
    const at = offset + StatField[field];
    const b = this.buf;
    if (littleEndian) for (let i = 0; i < 8; i++) b[at + i] = scratchBytes[7 - i] as number;
    else for (let i = 0; i < 8; i++) b[at + i] = scratchBytes[i] as number;
  }

  /** Copies one long field from another slot (a create sets czxid = mzxid = pzxid). */
  copyLong(offset: number, from: LongField, to: LongField): void {
    live(offset);
    this.buf.copy(this.buf, offset + StatField[to], offset + StatField[from], offset + StatField[from] + 8);
  }

  getInt(offset: number, field: IntField): number {
    live(offset);
    return this.buf.readInt32BE(offset + StatField[field]);
  }

  setInt(offset: number, field: IntField, value: number): void {
    live(offset);
    this.buf.writeInt32BE(value, offset + StatField[field]);
  }

  /** Is the stored ephemeralOwner zero (a persistent znode)? */
  ownerIsZero(offset: number): boolean {
    live(offset);
    const at = offset + StatField.ephemeralOwner;
    return this.buf.readInt32BE(at) === 0 && this.buf.readInt32BE(at + 4) === 0;
  }

  /** Fills a slot from a jute StatPersisted record at src[at]. */
  load(offset: number, src: Uint8Array, at: number): void {
    live(offset);
    for (let i = 0; i < STAT_PERSISTED_BYTES; i++) this.buf[offset + i] = src[at + i] as number;
  }

  /** Writes bytes [from, to) of a slot (field offsets of StatField) as they are. */
  writeTo(w: JuteWriter, offset: number, from: number, to: number): void {
    live(offset);
    w.writeBytesOf(this.buf, offset + from, offset + to);
  }

  /** The first three bytes of the stored owner, which tell containers and TTL nodes (see ephemeral-owner.ts). */
  ownerHighBytes(offset: number): number {
    live(offset);
    const at = offset + StatField.ephemeralOwner;
    return (this.buf[at]! << 16) | (this.buf[at + 1]! << 8) | this.buf[at + 2]!;
  }
}
