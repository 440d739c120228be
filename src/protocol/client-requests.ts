import {
  AddWatchRequest,
  AuthPacket,
  CheckVersionRequest,
  CheckWatchesRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  ExistsRequest,
  GetACLRequest,
  GetAllChildrenNumberRequest,
  GetChildren2Request,
  GetChildrenRequest,
  GetDataRequest,
  GetEphemeralsRequest,
  GetSASLRequest,
  MultiHeader,
  ReconfigRequest,
  RemoveWatchesRequest,
  SetACLRequest,
  SetDataRequest,
  SetWatches,
  SetWatches2,
  SyncRequest,
} from './generated/records.js';
import { createModeFromFlag } from './create-mode.js';
import { JuteDecodeError, type JuteReader } from './jute-reader.js';
import { isWriteOp, OpCode } from './opcodes.js';

/** A write as the client sent it (multi holds its ops). */
export type WriteRequest =
  | { type: typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer; req: CreateRequest }
  | { type: typeof OpCode.createTTL; req: CreateTTLRequest }
  | { type: typeof OpCode.delete | typeof OpCode.deleteContainer; req: DeleteRequest }
  | { type: typeof OpCode.setData; req: SetDataRequest }
  | { type: typeof OpCode.setACL; req: SetACLRequest }
  | { type: typeof OpCode.check; req: CheckVersionRequest }
  | { type: typeof OpCode.multi; ops: WriteRequest[] }
  | { type: typeof OpCode.reconfig; req: ReconfigRequest }
  | { type: typeof OpCode.createSession; timeOut: number }
  | { type: typeof OpCode.closeSession };

export type ReadRequest =
  | { type: typeof OpCode.exists; req: ExistsRequest }
  | { type: typeof OpCode.getData; req: GetDataRequest }
  | { type: typeof OpCode.getChildren; req: GetChildrenRequest }
  | { type: typeof OpCode.getChildren2; req: GetChildren2Request }
  | { type: typeof OpCode.getACL; req: GetACLRequest }
  | { type: typeof OpCode.sync; req: SyncRequest }
  | { type: typeof OpCode.ping }
  | { type: typeof OpCode.multiRead; ops: MultiReadOp[] }
  | { type: typeof OpCode.setWatches; req: SetWatches }
  | { type: typeof OpCode.setWatches2; req: SetWatches2 }
  | { type: typeof OpCode.auth; req: AuthPacket }
  | { type: typeof OpCode.whoAmI }
  | { type: typeof OpCode.getEphemerals; req: GetEphemeralsRequest }
  | { type: typeof OpCode.getAllChildrenNumber; req: GetAllChildrenNumberRequest }
  | { type: typeof OpCode.addWatch; req: AddWatchRequest }
  | { type: typeof OpCode.checkWatches | typeof OpCode.removeWatches; req: CheckWatchesRequest | RemoveWatchesRequest }
  | { type: typeof OpCode.sasl; req: GetSASLRequest };

export type ClientRequest = WriteRequest | ReadRequest;

/**
 * One op of a multiRead. ZooKeeper decodes every op kind a multi may hold and only
 * refuses a write op when it reaches it, after answering the read ops before it.
 */
export type MultiReadOp =
  | { type: typeof OpCode.getData; req: GetDataRequest }
  | { type: typeof OpCode.getChildren; req: GetChildrenRequest }
  | { type: 'write'; opType: number };

/** Thrown for an opcode the server does not know: ZooKeeper answers Unimplemented and closes. */
export class UnknownOpcodeError extends Error {
  constructor(readonly type: number) {
    super(`unknown opcode ${type}`);
  }
}

function decodeMultiOps<T>(r: JuteReader, decodeOp: (type: number, r: JuteReader) => T): T[] {
  const ops: T[] = [];
  for (;;) {
    const h = MultiHeader.decode(r);
    if (h.done) return ops;
    ops.push(decodeOp(h.type, r));
  }
}

const MULTI_WRITE_OPS: ReadonlySet<number> = new Set([
  OpCode.create,
  OpCode.create2,
  OpCode.createContainer,
  OpCode.createTTL,
  OpCode.delete,
  OpCode.setData,
  OpCode.check,
]);
const MULTI_READ_OPS: ReadonlySet<number> = new Set([OpCode.getChildren, OpCode.getData]);

/**
 * Inside a multi, ZooKeeper rebuilds each create op from its flags, so the flags,
 * not the op's own opcode, decide between create, createContainer and createTTL.
 */
function multiCreateOp(req: CreateRequest | CreateTTLRequest): WriteRequest {
  const mode = createModeFromFlag(req.flags, req.path ?? '', 0);
  const { path, data, acl, flags } = req;
  if (mode.ttl) {
    // A TTL mode on a plain create op yields an op ZooKeeper cannot prep (it fails the
    // whole multi as MarshallingError).
    if (!('ttl' in req)) throw new JuteDecodeError('TTL create mode on a create op without a ttl');
    return { type: OpCode.createTTL, req: { path, data, acl, flags, ttl: req.ttl } };
  }
  return { type: mode.container ? OpCode.createContainer : OpCode.create, req: { path, data, acl, flags } };
}

function decodeMultiWriteOp(type: number, r: JuteReader): WriteRequest {
  const req = MULTI_WRITE_OPS.has(type) ? decodeClientRequest(type, r) : null;
  if (req === null || !isWriteRequest(req)) throw new JuteDecodeError(`invalid op type ${type} in multi`);
  switch (req.type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return multiCreateOp(req.req);
    default:
      return req;
  }
}

function decodeMultiReadOp(type: number, r: JuteReader): MultiReadOp {
  if (MULTI_WRITE_OPS.has(type)) {
    decodeClientRequest(type, r);
    return { type: 'write', opType: type };
  }
  const req = MULTI_READ_OPS.has(type) ? decodeClientRequest(type, r) : null;
  if (req?.type !== OpCode.getData && req?.type !== OpCode.getChildren) throw new JuteDecodeError(`invalid op type ${type} in multiRead`);
  return req;
}

/** Decodes the body that follows a RequestHeader. */
export function decodeClientRequest(type: number, r: JuteReader): ClientRequest {
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
      return { type, req: CreateRequest.decode(r) };
    case OpCode.createTTL:
      return { type, req: CreateTTLRequest.decode(r) };
    case OpCode.delete:
    case OpCode.deleteContainer:
      return { type, req: DeleteRequest.decode(r) };
    case OpCode.setData:
      return { type, req: SetDataRequest.decode(r) };
    case OpCode.setACL:
      return { type, req: SetACLRequest.decode(r) };
    case OpCode.check:
      return { type, req: CheckVersionRequest.decode(r) };
    case OpCode.multi:
      return { type, ops: decodeMultiOps(r, decodeMultiWriteOp) };
    case OpCode.reconfig:
      return { type, req: ReconfigRequest.decode(r) };
    case OpCode.closeSession:
      return { type };
    case OpCode.exists:
      return { type, req: ExistsRequest.decode(r) };
    case OpCode.getData:
      return { type, req: GetDataRequest.decode(r) };
    case OpCode.getChildren:
      return { type, req: GetChildrenRequest.decode(r) };
    case OpCode.getChildren2:
      return { type, req: GetChildren2Request.decode(r) };
    case OpCode.getACL:
      return { type, req: GetACLRequest.decode(r) };
    case OpCode.sync:
      return { type, req: SyncRequest.decode(r) };
    case OpCode.ping:
      return { type };
    case OpCode.multiRead:
      return { type, ops: decodeMultiOps(r, decodeMultiReadOp) };
    case OpCode.setWatches:
      return { type, req: SetWatches.decode(r) };
    case OpCode.setWatches2:
      return { type, req: SetWatches2.decode(r) };
    case OpCode.auth:
      return { type, req: AuthPacket.decode(r) };
    case OpCode.whoAmI:
      return { type };
    case OpCode.getEphemerals:
      return { type, req: GetEphemeralsRequest.decode(r) };
    case OpCode.getAllChildrenNumber:
      return { type, req: GetAllChildrenNumberRequest.decode(r) };
    case OpCode.addWatch:
      return { type, req: AddWatchRequest.decode(r) };
    case OpCode.checkWatches:
      return { type, req: CheckWatchesRequest.decode(r) };
    case OpCode.removeWatches:
      return { type, req: RemoveWatchesRequest.decode(r) };
    case OpCode.sasl:
      return { type, req: GetSASLRequest.decode(r) };
    default:
      throw new UnknownOpcodeError(type);
  }
}

export function isWriteRequest(req: ClientRequest): req is WriteRequest {
  return isWriteOp(req.type);
}
