import {
  ACL,
  ClientInfo,
  Create2Response,
  CreateResponse,
  ErrorResponse,
  GetAllChildrenNumberResponse,
  GetChildrenResponse,
  GetEphemeralsResponse,
  MultiHeader,
  SetACLResponse,
  SetDataResponse,
  SetSASLResponse,
  Stat,
  SyncResponse,
  WhoAmIResponse,
} from '../protocol/generated/records.js';
import type { JuteWriter } from '../protocol/jute-writer.js';
import { OpCode } from '../protocol/opcodes.js';
import type { TxnResult } from '../tree/data-tree.js';

/**
 * A Stat to write: a record, or a znode that writes its own stat straight from
 * its slot (reads: their replies are encoded at once, before the node can change).
 */
export type StatOf = Stat | { writeStat(w: JuteWriter): void };

/** The body of a successful reply (or of one multi result), by the op it answers. */
export type ReplyBody =
  | { type: typeof OpCode.create; path: string }
  | { type: typeof OpCode.create2; path: string; stat: Stat }
  | { type: typeof OpCode.setData | typeof OpCode.setACL; stat: Stat }
  | { type: typeof OpCode.exists; stat: StatOf }
  /** data: one char per byte, as a znode keeps it. */
  | { type: typeof OpCode.getData; data: string | null; stat: StatOf }
  | { type: typeof OpCode.getChildren; children: string[] }
  | { type: typeof OpCode.getChildren2; children: string[]; stat: StatOf }
  | { type: typeof OpCode.getACL; acl: ACL[]; stat: StatOf }
  | { type: typeof OpCode.sync; path: string | null }
  | { type: typeof OpCode.whoAmI; clientInfo: ClientInfo[] }
  | { type: typeof OpCode.getEphemerals; ephemerals: string[] }
  | { type: typeof OpCode.getAllChildrenNumber; totalNumber: number }
  | { type: typeof OpCode.multi | typeof OpCode.multiRead; results: (ReplyBody | { type: typeof OpCode.error; err: number })[] }
  | { type: typeof OpCode.error; err: number }
  | { type: typeof OpCode.sasl; token: Buffer | null }
  | { type: typeof OpCode.addWatch }
  | {
      type:
        | typeof OpCode.delete
        | typeof OpCode.check
        | typeof OpCode.ping
        | typeof OpCode.setWatches
        | typeof OpCode.closeSession
        | typeof OpCode.checkWatches
        | typeof OpCode.removeWatches
        | typeof OpCode.createSession;
    };

/**
 * A ReplyHeader (xid, zxid, err) written field by field: the same bytes as
 * ReplyHeader.encode without building the record, once per reply.
 */
export function writeReplyHeader(w: JuteWriter, xid: number, zxid: bigint, err: number): void {
  w.writeInt(xid);
  w.writeLong(zxid);
  w.writeInt(err);
}

/** The reply body ZooKeeper builds from an applied txn. */
export function replyForTxn(result: TxnResult): ReplyBody {
  switch (result.type) {
    case OpCode.create:
      return { type: OpCode.create, path: result.path ?? '' };
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      // create2, createTTL and createContainer all answer path + Stat.
      return { type: OpCode.create2, path: result.path ?? '', stat: result.stat as Stat };
    case OpCode.delete:
    case OpCode.deleteContainer:
      return { type: OpCode.delete };
    case OpCode.setData:
      return { type: OpCode.setData, stat: result.stat as Stat };
    case OpCode.setACL:
      return { type: OpCode.setACL, stat: result.stat as Stat };
    case OpCode.check:
      return { type: OpCode.check };
    case OpCode.multi:
      return {
        type: OpCode.multi,
        results: (result.multi ?? []).map((r) => (r.type === OpCode.error ? { type: OpCode.error, err: r.err } : replyForTxn(r))),
      };
    case OpCode.error:
      return { type: OpCode.error, err: result.err };
    case OpCode.closeSession:
      return { type: OpCode.closeSession };
    case OpCode.createSession:
      return { type: OpCode.createSession };
    default:
      // Every txn type the pipeline can apply is listed above.
      throw new Error(`no reply for txn type ${result.type}`);
  }
}

function writeStat(w: JuteWriter, stat: StatOf): void {
  if ('writeStat' in stat) stat.writeStat(w);
  else Stat.encode(w, stat);
}

/** Writes a reply body. Bodies with nothing on the wire write nothing. */
export function encodeReplyBody(w: JuteWriter, body: ReplyBody): void {
  switch (body.type) {
    case OpCode.create:
      return CreateResponse.encode(w, { path: body.path });
    case OpCode.create2:
      return Create2Response.encode(w, { path: body.path, stat: body.stat });
    case OpCode.exists:
      // ExistsResponse, GetDataResponse, GetChildren2Response and GetACLResponse,
      // field by field, so that a znode can write its own stat.
      return writeStat(w, body.stat);
    case OpCode.setData:
      return SetDataResponse.encode(w, { stat: body.stat });
    case OpCode.setACL:
      return SetACLResponse.encode(w, { stat: body.stat });
    case OpCode.getData:
      w.writeByteString(body.data);
      return writeStat(w, body.stat);
    case OpCode.getChildren:
      return GetChildrenResponse.encode(w, { children: body.children });
    case OpCode.getChildren2:
      w.writeInt(body.children.length);
      for (const c of body.children) w.writeString(c);
      return writeStat(w, body.stat);
    case OpCode.getACL:
      w.writeInt(body.acl.length);
      for (const a of body.acl) ACL.encode(w, a);
      return writeStat(w, body.stat);
    case OpCode.sync:
      return SyncResponse.encode(w, { path: body.path });
    case OpCode.whoAmI:
      return WhoAmIResponse.encode(w, { clientInfo: body.clientInfo });
    case OpCode.getEphemerals:
      return GetEphemeralsResponse.encode(w, { ephemerals: body.ephemerals });
    case OpCode.getAllChildrenNumber:
      return GetAllChildrenNumberResponse.encode(w, { totalNumber: body.totalNumber });
    case OpCode.error:
      return ErrorResponse.encode(w, { err: body.err });
    case OpCode.addWatch:
      // ZooKeeper answers addWatch with an ErrorResponse carrying 0.
      return ErrorResponse.encode(w, { err: 0 });
    case OpCode.sasl:
      return SetSASLResponse.encode(w, { token: body.token });
    case OpCode.multi:
    case OpCode.multiRead:
      for (const r of body.results) {
        MultiHeader.encode(w, { type: r.type, done: false, err: r.type === OpCode.error ? r.err : 0 });
        encodeReplyBody(w, r);
      }
      return MultiHeader.encode(w, { type: -1, done: true, err: -1 });
    default:
      return;
  }
}
