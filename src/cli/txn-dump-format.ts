/**
 * One txn as ZooKeeper's TxnLogToolkit prints it:
 *   <date> session 0x<id> cxid 0x<cxid> zxid 0x<zxid> <op> <txn>
 * where create/setData/createContainer/createTTL and multi get the toolkit's own
 * comma layout and every other record its jute toString().
 */
import type { ACL } from '../protocol/generated/records.js';
import { JuteWriter } from '../protocol/jute-writer.js';
import { OpCode } from '../protocol/opcodes.js';
import { encodeTxnBody, type Txn, type TxnBody } from '../protocol/txn.js';
import { javaHex, javaShortDateLongTime, JuteToString } from './java-text.js';

/** Request.op2String: ZooKeeper's names, which differ from ours in places (createTtl). */
const OP_NAMES = new Map<number, string>([
  [OpCode.notification, 'notification'],
  [OpCode.create, 'create'],
  [OpCode.delete, 'delete'],
  [OpCode.exists, 'exists'],
  [OpCode.getData, 'getData'],
  [OpCode.setData, 'setData'],
  [OpCode.getACL, 'getACL'],
  [OpCode.setACL, 'setACL'],
  [OpCode.getChildren, 'getChildren'],
  [OpCode.sync, 'sync'],
  [OpCode.ping, 'ping'],
  [OpCode.getChildren2, 'getChildren2'],
  [OpCode.check, 'check'],
  [OpCode.multi, 'multi'],
  [OpCode.create2, 'create2'],
  [OpCode.reconfig, 'reconfig'],
  [OpCode.checkWatches, 'checkWatches'],
  [OpCode.removeWatches, 'removeWatches'],
  [OpCode.createContainer, 'createContainer'],
  [OpCode.deleteContainer, 'deleteContainer'],
  [OpCode.createTTL, 'createTtl'],
  [OpCode.multiRead, 'multiRead'],
  [OpCode.auth, 'auth'],
  [OpCode.setWatches, 'setWatches'],
  [OpCode.setWatches2, 'setWatches2'],
  [OpCode.sasl, 'sasl'],
  [OpCode.getEphemerals, 'getEphemerals'],
  [OpCode.getAllChildrenNumber, 'getAllChildrenNumber'],
  [OpCode.createSession, 'createSession'],
  [OpCode.closeSession, 'closeSession'],
  [OpCode.error, 'error'],
  [OpCode.whoAmI, 'whoAmI'],
]);

export function zkOpName(type: number): string {
  return OP_NAMES.get(type) ?? `unknown ${type}`;
}

/** ACL.toString(): "31,s{'world,'anyone}\n". */
function aclToString(acl: ACL): string {
  return new JuteToString()
    .long(acl.perms)
    .record((a) => a.string(acl.id.scheme).string(acl.id.id))
    .toString();
}

/** java.util.List.toString() of ACLs: "[" + elements joined by ", " + "]" ("null" for none). */
function aclListToString(acls: readonly ACL[] | null): string {
  return acls === null ? 'null' : `[${acls.map(aclToString).join(', ')}]`;
}

/** The toolkit's checkNullToEmpty: bytes decoded as UTF-8, "" for null. */
function utf8(data: Buffer | null): string {
  return data === null ? '' : data.toString('utf8');
}

const subWriter = new JuteWriter(256);

function txnText(body: TxnBody): string {
  switch (body.type) {
    case OpCode.create:
    case OpCode.create2: {
      const t = body.txn;
      return `${t.path},${utf8(t.data)},${aclListToString(t.acl)},${t.ephemeral},${t.parentCVersion}`;
    }
    case OpCode.setData:
    case OpCode.reconfig: {
      const t = body.txn;
      return `${t.path},${utf8(t.data)},${t.version}`;
    }
    case OpCode.createContainer: {
      const t = body.txn;
      return `${t.path},${utf8(t.data)},${aclListToString(t.acl)},${t.parentCVersion}`;
    }
    case OpCode.createTTL: {
      const t = body.txn;
      return `${t.path},${utf8(t.data)},${aclListToString(t.acl)},${t.parentCVersion},${t.ttl}`;
    }
    case OpCode.multi:
      // The toolkit prints each member's raw record bytes as if they were UTF-8 text.
      return body.ops
        .map((op) => {
          subWriter.reset();
          encodeTxnBody(subWriter, op);
          return `${zkOpName(op.type)}:${subWriter.view().toString('utf8')}`;
        })
        .join(';');
    case OpCode.delete:
    case OpCode.deleteContainer:
      return new JuteToString().string(body.txn.path).toString();
    case OpCode.setACL: {
      const t = body.txn;
      return new JuteToString()
        .string(t.path)
        .vector(t.acl, (a, acl) => a.record((r) => r.long(acl.perms).record((i) => i.string(acl.id.scheme).string(acl.id.id))))
        .long(t.version)
        .toString();
    }
    case OpCode.check:
      return new JuteToString().string(body.txn.path).long(body.txn.version).toString();
    case OpCode.createSession:
      return new JuteToString().long(body.txn.timeOut).toString();
    case OpCode.closeSession:
      return new JuteToString().vector(body.txn.paths2Delete, (a, p) => a.string(p)).toString();
    case OpCode.error:
      return new JuteToString().long(body.txn.err).toString();
  }
}

/**
 * The toolkit's line for one txn, newline included (a record's toString() ends
 * with "\n" and the toolkit then adds none). `prefix` is e.g. "CRC ERROR".
 */
export function formatTxnLine(txn: Txn, prefix = ''): string {
  const h = txn.hdr;
  const line =
    `${javaShortDateLongTime(h.time)} session 0x${javaHex(h.clientId)} cxid 0x${javaHex(BigInt(h.cxid))} ` +
    `zxid 0x${javaHex(h.zxid)} ${zkOpName(h.type)} ${txnText(txn.body)}`;
  return `${prefix.trim() === '' ? '' : `${prefix} - `}${line.endsWith('\n') ? line : `${line}\n`}`;
}
