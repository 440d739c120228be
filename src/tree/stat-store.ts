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
/**
 * The slot's last 4 bytes cache the node's digest (node-digest.ts, a CRC-32), 0
 * meaning not known: every write to the slot (or the node's data) clears it, and
 * the digest is computed again when asked for. Each write of a digest-keeping
 * tree otherwise hashed every node it touched twice (before and after) and prep
 * once more.
 */
const DIGEST_CACHE = STAT_PERSISTED_BYTES;
const SLOT_SHIFT = 6; // 64-byte slots
/**
 * Slots per page. The store grows a page at a time (4 MB): growing one buffer by
 * doubling meant allocating and copying 128 MB at once past a million znodes,
 * a stall of a few hundred milliseconds for whichever request came then.
 */
const PAGE_SHIFT = 16;
const PAGE_SLOTS = 1 << PAGE_SHIFT;
const IN_PAGE = PAGE_SLOTS - 1;


/** A released slot's ZNode has slot -1: using it is a bug that must not read another znode's slot. */
function live(slot: number): void {
  if (slot < 0) throw new Error('stat of a deleted znode');
}

export class StatStore {
  private readonly pages: Buffer[] = [];
  /** One DataView per page: its BigInt accessors cost a fifth of Buffer's. */
  private readonly views: DataView[] = [];
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
    if (this.used === this.pages.length * PAGE_SLOTS) {
      const page = Buffer.alloc(PAGE_SLOTS << SLOT_SHIFT);
      this.pages.push(page);
      this.views.push(new DataView(page.buffer, page.byteOffset, page.byteLength));
    }
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

  private view(slot: number): DataView {
    live(slot);
    return this.views[slot >>> PAGE_SHIFT] as DataView;
  }

  getLong(slot: number, field: LongField): bigint {
    return this.view(slot).getBigInt64(((slot & IN_PAGE) << SLOT_SHIFT) + StatField[field]);
  }

  setLong(slot: number, field: LongField, value: bigint): void {
    const v = this.view(slot);
    const at = (slot & IN_PAGE) << SLOT_SHIFT;
    v.setBigInt64(at + StatField[field], value);
    v.setUint32(at + DIGEST_CACHE, 0);
  }

  /** Copies one long field to another of the same slot (a create sets czxid = mzxid = pzxid). */
  copyLong(slot: number, from: LongField, to: LongField): void {
    const v = this.view(slot);
    const at = (slot & IN_PAGE) << SLOT_SHIFT;
    v.setBigInt64(at + StatField[to], v.getBigInt64(at + StatField[from]));
    v.setUint32(at + DIGEST_CACHE, 0);
  }

  getInt(slot: number, field: IntField): number {
    return this.view(slot).getInt32(((slot & IN_PAGE) << SLOT_SHIFT) + StatField[field]);
  }

  setInt(slot: number, field: IntField, value: number): void {
    const v = this.view(slot);
    const at = (slot & IN_PAGE) << SLOT_SHIFT;
    v.setInt32(at + StatField[field], value);
    v.setUint32(at + DIGEST_CACHE, 0);
  }

  /** The node's data changed (it lives outside the slot): its cached digest no longer holds. */
  dataChanged(slot: number): void {
    this.view(slot).setUint32(((slot & IN_PAGE) << SLOT_SHIFT) + DIGEST_CACHE, 0);
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
    this.dataChanged(slot);
  }

  /** Writes bytes [from, to) of a slot (field offsets of StatField) as they are. */
  writeTo(w: JuteWriter, slot: number, from: number, to: number): void {
    const at = (slot & IN_PAGE) << SLOT_SHIFT;
    w.writeBytesOf(this.page(slot), at + from, at + to);
  }

  /** A node's digest (node-digest.ts): its path and data, and the stat in this slot. Cached in the slot. */
  nodeDigest(slot: number, path: string, data: string | null): number {
    const v = this.view(slot);
    const at = (slot & IN_PAGE) << SLOT_SHIFT;
    const cached = v.getUint32(at + DIGEST_CACHE);
    if (cached !== 0) return cached;
    const digest = nodeDigestOfPersisted(path, data, this.page(slot), at);
    v.setUint32(at + DIGEST_CACHE, digest);
    return digest;
  }

  /** The first three bytes of the stored owner, which tell containers and TTL nodes (see ephemeral-owner.ts). */
  ownerHighBytes(slot: number): number {
    const b = this.page(slot);
    const at = ((slot & IN_PAGE) << SLOT_SHIFT) + StatField.ephemeralOwner;
    return ((b[at] as number) << 16) | ((b[at + 1] as number) << 8) | (b[at + 2] as number);
  }
}
