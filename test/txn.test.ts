/**
 * Txn records: a reconfig txn (type 16), which ZooKeeper logs as a SetDataTxn of
 * /zookeeper/config, reads from a log, applies to the tree and prints as one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTxnLine } from '../src/cli/txn-dump-format.js';
import { JuteReader } from '../src/protocol/jute-reader.js';
import { JuteWriter } from '../src/protocol/jute-writer.js';
import { OpCode } from '../src/protocol/opcodes.js';
import { decodeTxnBody, encodeTxn, type Txn } from '../src/protocol/txn.js';
import { TxnHeader } from '../src/protocol/generated/records.js';
import { CONFIG_PATH, DataTree } from '../src/tree/data-tree.js';

const CONFIG = 'server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181\nversion=100000002';

function reconfigTxn(zxid: bigint): Txn {
  return {
    hdr: { clientId: 0x1000001n, cxid: 7, zxid, time: 1795263935382n, type: OpCode.reconfig },
    body: { type: OpCode.reconfig, txn: { path: CONFIG_PATH, data: Buffer.from(CONFIG), version: -1 } },
  };
}

describe('reconfig txns', () => {
  it('decode from the bytes ZooKeeper logs: TxnHeader, then path, data, version', () => {
    const w = new JuteWriter();
    encodeTxn(w, reconfigTxn(0x100000002n));
    const bytes = w.toBuffer();
    // The body by hand: ustring path, buffer data, int version.
    const path = Buffer.from(CONFIG_PATH);
    const data = Buffer.from(CONFIG);
    const body = Buffer.alloc(4 + path.length + 4 + data.length + 4);
    let o = body.writeInt32BE(path.length, 0);
    o += path.copy(body, o);
    o = body.writeInt32BE(data.length, o);
    o += data.copy(body, o);
    body.writeInt32BE(-1, o);
    assert.deepEqual(bytes.subarray(bytes.length - body.length), body);

    const r = new JuteReader(bytes);
    const hdr = TxnHeader.decode(r);
    assert.equal(hdr.type, OpCode.reconfig);
    const decoded = decodeTxnBody(hdr.type, r);
    assert.equal(r.remaining(), 0);
    assert.deepEqual(decoded, reconfigTxn(0x100000002n).body);
  });

  it('applies as a setData of /zookeeper/config: new data, version and mzxid', () => {
    const tree = new DataTree();
    const result = tree.processTxn(reconfigTxn(0x100000002n));
    assert.equal(result.err, 0);
    const node = tree.getNode(CONFIG_PATH)!;
    assert.equal(node.data?.toString(), CONFIG);
    // ZooKeeper's leader logs reconfigs with version -1, and setData stores the txn's version.
    assert.equal(node.version, -1);
    assert.equal(node.mzxid, 0x100000002n);
    assert.equal(tree.lastProcessedZxid, 0x100000002n);
  });

  it('prints as the txn log toolkit prints it: the SetDataTxn fields after the op name', () => {
    const line = formatTxnLine(reconfigTxn(0x100000002n));
    assert.match(line, / zxid 0x100000002 reconfig \/zookeeper\/config,server\.1=127\.0\.0\.1:2888:3888:participant;0\.0\.0\.0:2181\nversion=100000002,-1\n$/);
  });
});
