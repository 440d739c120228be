import { endianness } from 'node:os';
import { nodeDigestOfPersisted } from './node-digest.js';
import type { JuteWriter } from '../protocol/jute-writer.js';

/**
 * The persisted stat fields (ZooKeeper's StatPersisted) of every znode of a tree,
 * in pages of one buffer each: a slot per znode, laid out exactly as jute writes a
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

/** Bytes of a jute StatPersisted record: 6 longs and 3 ints. */
export const STAT_PERSISTED_BYTES = 60;
const SLOT_SHIFT = 6; // 64-byte slots
/**
 * Slots per page. The store grows a page at a time (4 MB): growing one buffer by
 * doubling meant allocating and copying 128 MB at once past a million znodes,
 * a stall of a few hundred milliseconds for whichever request came then.
 */
const PAGE_SHIFT = 16;
const PAGE_SLOTS = 1 << PAGE_SHIFT;
const IN_PAGE = PAGE_SLOTS - 1;

const scratch = new BigInt64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);
const littleEndian = endianness() === 'LE';

/** A released slot's ZNode has slot -1: using it is a bug that must not read another znode's slot. */
function live(slot: number): void {
  if (slot < 0) throw new Error('stat of a deleted znode');
}

export class StatStore {
  private readonly pages: Buffer[] = [];
  private used = 0;
  private free: number[] = [];

  /** A zeroed slot; returns its number. */
  allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) {
      const at = (reused & IN_PAGE) << SLOT_SHIFT;
      (this.pages[reused >>> PAGE_SHIFT] as Buffer).fill(0, at, at + (1 << SLOT_SHIFT));
      return reused;
    }
    if (this.used === this.pages.length * PAGE_SLOTS) this.pages.push(Buffer.alloc(PAGE_SLOTS << SLOT_SHIFT));
    return this.used++;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  /** Slots in use. */
  get size(): number {
    return this.used - this.free.length;
  }

  private page(slot: number): Buffer {
    live(slot);
    return this.pages[slot >>> PAGE_SHIFT] as Buffer;
  }

  getLong(slot: number, field: LongField): bigint {
    return this.page(slot).readBigInt64BE(((slot & IN_PAGE) << SLOT_SHIFT) + StatField[field]);
  }

  /** Writes a long without BigInt arithmetic (Buffer.writeBigInt64BE allocates intermediate BigInts). */
  setLong(slot: number, field: LongField, value: bigint): void {
    const b = this.page(slot);
    const at = ((slot & IN_PAGE) << SLOT_SHIFT) + StatField[field];
    scratch[0] = value;
    if (littleEndian) for (let i = 0; i < 8; i++) b[at + i] = scratchBytes[7 - i] as number;
    else for (let i = 0; i < 8; i++) b[at + i] = scratchBytes[i] as number;
  }

  /** Copies one long field to another of the same slot (a create sets czxid = mzxid = pzxid). */
  copyLong(slot: number, from: LongField, to: LongField): void {
    const b = this.page(slot);
    const at = (slot & IN_PAGE) << SLOT_SHIFT;
    b.copy(b, at + StatField[to], at + StatField[from], at + StatField[from] + 8);
  }

  getInt(slot: number, field: IntField): number {
    return this.page(slot).readInt32BE(((slot & IN_PAGE) << SLOT_SHIFT) + StatField[field]);
  }

  setInt(slot: number, field: IntField, value: number): void {
    this.page(slot).writeInt32BE(value, ((slot & IN_PAGE) << SLOT_SHIFT) + StatField[field]);
  }

  /** Is the stored ephemeralOwner zero (a persistent znode)? */
  ownerIsZero(slot: number): boolean {
    const b = this.page(slot);
    const at = ((slot & IN_PAGE) << SLOT_SHIFT) + StatField.ephemeralOwner;
    return b.readInt32BE(at) === 0 && b.readInt32BE(at + 4) === 0;
  }

  /** Fills a slot from a jute StatPersisted record at src[at]. */
  load(slot: number, src: Uint8Array, at: number): void {
    const b = this.page(slot);
    const to = (slot & IN_PAGE) << SLOT_SHIFT;
    for (let i = 0; i < STAT_PERSISTED_BYTES; i++) b[to + i] = src[at + i] as number;
  }

  /** Writes bytes [from, to) of a slot (field offsets of StatField) as they are. */
  writeTo(w: JuteWriter, slot: number, from: number, to: number): void {
    const at = (slot & IN_PAGE) << SLOT_SHIFT;
    w.writeBytesOf(this.page(slot), at + from, at + to);
  }

  /** A node's digest (node-digest.ts): its path and data, and the stat in this slot. */
  nodeDigest(slot: number, path: string, data: string | null): number {
    return nodeDigestOfPersisted(path, data, this.page(slot), (slot & IN_PAGE) << SLOT_SHIFT);
  }

  /** The first three bytes of the stored owner, which tell containers and TTL nodes (see ephemeral-owner.ts). */
  ownerHighBytes(slot: number): number {
    const b = this.page(slot);
    const at = ((slot & IN_PAGE) << SLOT_SHIFT) + StatField.ephemeralOwner;
    return ((b[at] as number) << 16) | ((b[at + 1] as number) << 8) | (b[at + 2] as number);
  }
}
