/**
 * The client side of ZooKeeper's public protocol, as the load generator needs it:
 * requests are encoded once with our jute codec (src/protocol) into whole frames
 * whose xid is patched in place, and replies are split into frames and read only
 * as far as the 16-byte reply header (xid, zxid, err).
 */
import {
  type ACL,
  ConnectRequest,
  CreateRequest,
  DeleteRequest,
  ExistsRequest,
  GetChildrenRequest,
  GetDataRequest,
  RequestHeader,
  SetDataRequest,
} from '../src/protocol/generated/records.js';
import { JuteWriter } from '../src/protocol/jute-writer.js';
import { OpCode, Xid } from '../src/protocol/opcodes.js';

export const OPEN_ACL_UNSAFE: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** CreateMode flags. */
export const CreateFlag = { persistent: 0, ephemeral: 1, persistentSequential: 2 } as const;

/** Offset of the xid inside a framed request or reply (after the 4-byte length). */
export const XID_OFFSET = 4;
/** A reply frame's length prefix + header: len, xid, zxid, err. */
export const REPLY_HEADER_BYTES = 4 + 16;

const writer = new JuteWriter(1024);

/** One length-prefixed frame, written by `body`; a fresh Buffer the caller may keep. */
export function frame(body: (w: JuteWriter) => void): Buffer {
  const w = writer.reset();
  const at = w.reserveLength();
  body(w);
  w.patchLength(at);
  return w.toBuffer();
}

export function connectFrame(timeoutMs: number): Buffer {
  return frame((w) => {
    ConnectRequest.encode(w, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: timeoutMs, sessionId: 0n, passwd: Buffer.alloc(16) });
    w.writeBool(false); // readOnly
  });
}

export function requestFrame(xid: number, type: number, body?: (w: JuteWriter) => void): Buffer {
  return frame((w) => {
    RequestHeader.encode(w, { xid, type });
    body?.(w);
  });
}

export const getDataFrame = (xid: number, path: string, watch = false): Buffer =>
  requestFrame(xid, OpCode.getData, (w) => GetDataRequest.encode(w, { path, watch }));

export const existsFrame = (xid: number, path: string, watch = false): Buffer =>
  requestFrame(xid, OpCode.exists, (w) => ExistsRequest.encode(w, { path, watch }));

export const getChildrenFrame = (xid: number, path: string, watch = false): Buffer =>
  requestFrame(xid, OpCode.getChildren, (w) => GetChildrenRequest.encode(w, { path, watch }));

export const setDataFrame = (xid: number, path: string, data: Buffer, version = -1): Buffer =>
  requestFrame(xid, OpCode.setData, (w) => SetDataRequest.encode(w, { path, data, version }));

export const createFrame = (xid: number, path: string, data: Buffer, flags: number = CreateFlag.persistent): Buffer =>
  requestFrame(xid, OpCode.create, (w) => CreateRequest.encode(w, { path, data, acl: OPEN_ACL_UNSAFE, flags }));

export const deleteFrame = (xid: number, path: string, version = -1): Buffer =>
  requestFrame(xid, OpCode.delete, (w) => DeleteRequest.encode(w, { path, version }));

export const pingFrame = (): Buffer => requestFrame(Xid.ping, OpCode.ping);

export const closeSessionFrame = (xid: number): Buffer => requestFrame(xid, OpCode.closeSession);

/** The name ZooKeeper gives the n-th sequential child created under `prefix` (10-digit counter). */
export function sequentialName(prefix: string, n: number): string {
  return prefix + String(n).padStart(10, '0');
}

/**
 * Splits a byte stream into frames without copying when a frame lies within one
 * chunk. `onFrame` gets the buffer and the frame's bounds including its length
 * prefix (so header fields sit at fixed offsets from `start`).
 */
export class FrameSplitter {
  /** Bytes of an unfinished frame, kept until the whole frame is here (one concat per frame). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxFrame = 64 * 1024 * 1024) {}

  /** Feeds one chunk; returns how many frames were completed. */
  push(chunk: Buffer, onFrame: (buf: Buffer, start: number, end: number) => void): number {
    let buf = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.neededBytes()) return 0;
      buf = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let off = 0;
    let n = 0;
    const len = buf.length;
    while (len - off >= 4) {
      const size = buf.readInt32BE(off);
      if (size < 0 || size > this.maxFrame) throw new Error(`bad frame length ${size}`);
      const end = off + 4 + size;
      if (end > len) break;
      onFrame(buf, off, end);
      n++;
      off = end;
    }
    if (off < len) {
      this.pending.push(buf.subarray(off));
      this.pendingBytes = len - off;
    }
    return n;
  }

  /** Bytes the unfinished frame needs in all (4 while its length prefix is incomplete). */
  private neededBytes(): number {
    if (this.pendingBytes < 4) return 4;
    if ((this.pending[0] as Buffer).length < 4) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
    return 4 + (this.pending[0] as Buffer).readInt32BE(0);
  }
}

/** Reply header fields of a frame handed out by FrameSplitter. */
export const replyXid = (buf: Buffer, start: number): number => buf.readInt32BE(start + 4);
export const replyZxid = (buf: Buffer, start: number): bigint => buf.readBigInt64BE(start + 8);
export const replyErr = (buf: Buffer, start: number): number => buf.readInt32BE(start + 16);
