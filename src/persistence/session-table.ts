import { OpCode } from '../protocol/opcodes.js';
import type { Txn } from '../protocol/txn.js';

/**
 * Sessions and their timeouts as the txns say (ZooKeeper's sessionsWithTimeouts):
 * createSession adds one, closeSession removes it. Snapshots store this table and
 * recovery rebuilds it from a snapshot and the txns after it.
 */
export class SessionTable {
  readonly sessions: Map<bigint, number>;

  constructor(initial?: ReadonlyMap<bigint, number>) {
    this.sessions = new Map(initial);
  }

  observe(txn: Txn): void {
    switch (txn.body.type) {
      case OpCode.createSession:
        this.sessions.set(txn.hdr.clientId, txn.body.txn.timeOut);
        break;
      case OpCode.closeSession:
        this.sessions.delete(txn.hdr.clientId);
        break;
    }
  }
}
