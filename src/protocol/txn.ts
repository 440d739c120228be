import {
  CheckVersionTxn,
  CloseSessionTxn,
  CreateContainerTxn,
  CreateSessionTxn,
  CreateTTLTxn,
  CreateTxn,
  DeleteTxn,
  ErrorTxn,
  MultiTxn,
  SetACLTxn,
  SetDataTxn,
  TxnHeader,
} from './generated/records.js';
import { JuteReader, JuteDecodeError } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import { OpCode } from './opcodes.js';

/**
 * A txn body tagged by the type that goes into TxnHeader.type. Multi keeps its
 * sub-txns decoded; on the wire they are MultiTxn { vector<Txn{type, data}> }.
 */
export type TxnBody =
  | { type: typeof OpCode.create | typeof OpCode.create2; txn: CreateTxn }
  | { type: typeof OpCode.createContainer; txn: CreateContainerTxn }
  | { type: typeof OpCode.createTTL; txn: CreateTTLTxn }
  | { type: typeof OpCode.delete | typeof OpCode.deleteContainer; txn: DeleteTxn }
  | { type: typeof OpCode.setData; txn: SetDataTxn }
  /** A dynamic reconfiguration: ZooKeeper logs it as a setData of /zookeeper/config. */
  | { type: typeof OpCode.reconfig; txn: SetDataTxn }
  | { type: typeof OpCode.setACL; txn: SetACLTxn }
  | { type: typeof OpCode.check; txn: CheckVersionTxn }
  | { type: typeof OpCode.createSession; txn: CreateSessionTxn }
  | { type: typeof OpCode.closeSession; txn: CloseSessionTxn }
  | { type: typeof OpCode.error; txn: ErrorTxn }
  | { type: typeof OpCode.multi; ops: TxnBody[] };

export interface Txn {
  hdr: TxnHeader;
  body: TxnBody;
}

export function encodeTxnBody(w: JuteWriter, body: TxnBody): void {
  switch (body.type) {
    case OpCode.create:
    case OpCode.create2:
      return CreateTxn.encode(w, body.txn);
    case OpCode.createContainer:
      return CreateContainerTxn.encode(w, body.txn);
    case OpCode.createTTL:
      return CreateTTLTxn.encode(w, body.txn);
    case OpCode.delete:
    case OpCode.deleteContainer:
      return DeleteTxn.encode(w, body.txn);
    case OpCode.setData:
    case OpCode.reconfig:
      return SetDataTxn.encode(w, body.txn);
    case OpCode.setACL:
      return SetACLTxn.encode(w, body.txn);
    case OpCode.check:
      return CheckVersionTxn.encode(w, body.txn);
    case OpCode.createSession:
      return CreateSessionTxn.encode(w, body.txn);
    case OpCode.closeSession:
      return CloseSessionTxn.encode(w, body.txn);
    case OpCode.error:
      return ErrorTxn.encode(w, body.txn);
    case OpCode.multi: {
      const sub = new JuteWriter(64);
      const txns = body.ops.map((op) => {
        sub.reset();
        encodeTxnBody(sub, op);
        return { type: op.type, data: sub.toBuffer() };
      });
      return MultiTxn.encode(w, { txns });
    }
  }
}

export function decodeTxnBody(type: number, r: JuteReader): TxnBody {
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
      return { type, txn: CreateTxn.decode(r) };
    case OpCode.createContainer:
      return { type, txn: CreateContainerTxn.decode(r) };
    case OpCode.createTTL:
      return { type, txn: CreateTTLTxn.decode(r) };
    case OpCode.delete:
    case OpCode.deleteContainer:
      return { type, txn: DeleteTxn.decode(r) };
    case OpCode.setData:
    case OpCode.reconfig:
      return { type, txn: SetDataTxn.decode(r) };
    case OpCode.setACL:
      return { type, txn: SetACLTxn.decode(r) };
    case OpCode.check:
      return { type, txn: CheckVersionTxn.decode(r) };
    case OpCode.createSession:
      return { type, txn: CreateSessionTxn.decode(r) };
    case OpCode.closeSession:
      return { type, txn: CloseSessionTxn.decode(r) };
    case OpCode.error:
      return { type, txn: ErrorTxn.decode(r) };
    case OpCode.multi: {
      const m = MultiTxn.decode(r);
      const ops = (m.txns ?? []).map((t) => decodeTxnBody(t.type, new JuteReader(t.data ?? Buffer.alloc(0))));
      return { type, ops };
    }
    default:
      throw new JuteDecodeError(`unknown txn type ${type}`);
  }
}

/** TxnHeader + body, the form a txn has in the log and in a PROPOSAL. */
export function encodeTxn(w: JuteWriter, txn: Txn): void {
  TxnHeader.encode(w, txn.hdr);
  encodeTxnBody(w, txn.body);
}
