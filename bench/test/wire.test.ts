import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateRequest, GetDataRequest, RequestHeader, SetDataRequest } from '../../src/protocol/generated/records.js';
import { JuteReader } from '../../src/protocol/jute-reader.js';
import { OpCode } from '../../src/protocol/opcodes.js';
import { CreateFlag, createFrame, FrameSplitter, getDataFrame, replyErr, replyXid, sequentialName, setDataFrame } from '../wire.js';

function body(frame: Buffer): JuteReader {
  assert.equal(frame.readInt32BE(0), frame.length - 4, 'length prefix');
  return new JuteReader(frame, 4);
}

describe('bench wire frames', () => {
  it('encodes getData, setData and create as the jute records say', () => {
    let r = body(getDataFrame(7, '/a/b', true));
    assert.deepEqual(RequestHeader.decode(r), { xid: 7, type: OpCode.getData });
    assert.deepEqual(GetDataRequest.decode(r), { path: '/a/b', watch: true });
    assert.equal(r.remaining(), 0);

    r = body(setDataFrame(8, '/x', Buffer.from('hello')));
    assert.deepEqual(RequestHeader.decode(r), { xid: 8, type: OpCode.setData });
    const sd = SetDataRequest.decode(r);
    assert.equal(sd.path, '/x');
    assert.equal(sd.data?.toString(), 'hello');
    assert.equal(sd.version, -1);

    r = body(createFrame(9, '/q/n', Buffer.alloc(3), CreateFlag.persistentSequential));
    assert.deepEqual(RequestHeader.decode(r), { xid: 9, type: OpCode.create });
    const cr = CreateRequest.decode(r);
    assert.equal(cr.flags, 2);
    assert.deepEqual(cr.acl, [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]);
  });

  it('names sequential children with a 10-digit counter', () => {
    assert.equal(sequentialName('/p/n', 42), '/p/n0000000042');
  });
});

function reply(xid: number, err: number, bodyBytes: number): Buffer {
  const b = Buffer.alloc(4 + 16 + bodyBytes, 0xab);
  b.writeInt32BE(16 + bodyBytes, 0);
  b.writeInt32BE(xid, 4);
  b.writeBigInt64BE(5n, 8);
  b.writeInt32BE(err, 16);
  return b;
}

describe('FrameSplitter', () => {
  it('finds every frame whatever the chunk boundaries', () => {
    const frames = Array.from({ length: 50 }, (_, i) => reply(i, i % 3 === 0 ? -101 : 0, (i * 37) % 300));
    const stream = Buffer.concat([...frames, reply(99, 0, 70_000)]);
    for (const chunkSize of [1, 3, 4, 5, 17, 1000, stream.length]) {
      const s = new FrameSplitter();
      const seen: Array<[number, number, number]> = [];
      for (let off = 0; off < stream.length; off += chunkSize) {
        s.push(stream.subarray(off, off + chunkSize), (buf, start, end) => seen.push([replyXid(buf, start), replyErr(buf, start), end - start]));
      }
      assert.equal(seen.length, 51, `chunk size ${chunkSize}`);
      seen.forEach(([xid, err, len], i) => {
        const want = i < 50 ? (frames[i] as Buffer) : reply(99, 0, 70_000);
        assert.equal(xid, want.readInt32BE(4));
        assert.equal(err, want.readInt32BE(16));
        assert.equal(len, want.length);
      });
    }
  });

  it('refuses a negative frame length', () => {
    const b = Buffer.alloc(8);
    b.writeInt32BE(-5, 0);
    assert.throws(() => new FrameSplitter().push(b, () => {}), /bad frame length/);
  });
});
