import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { ConnectRequest, GetDataRequest, RequestHeader } from '../src/protocol/generated/records.js';
import { JuteWriter } from '../src/protocol/jute-writer.js';
import { OpCode } from '../src/protocol/opcodes.js';
import { createLogger } from '../src/server/logger.js';
import { defaultServerConfig } from '../src/server/server-config.js';
import { StandaloneServer } from '../src/server/standalone-server.js';

function frame(write: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter();
  const at = w.reserveLength();
  write(w);
  w.patchLength(at);
  return w.toBuffer();
}

const handshake = frame((w) => {
  ConnectRequest.encode(w, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30000, sessionId: 0n, passwd: Buffer.alloc(16) });
  w.writeBool(false);
});

function getData(xid: number): Buffer {
  return frame((w) => {
    RequestHeader.encode(w, { xid, type: OpCode.getData });
    GetDataRequest.encode(w, { path: '/zookeeper/config', watch: false });
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves with the reply xids seen once `count` replies (after the handshake) arrived. */
function collectReplies(s: Socket, count: number, timeoutMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let handshakeSeen = false;
    const xids: number[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${xids.length} of ${count} replies in ${timeoutMs} ms`)), timeoutMs);
    s.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const len = buf.readInt32BE(0);
        if (handshakeSeen) xids.push(buf.readInt32BE(4));
        handshakeSeen = true;
        buf = buf.subarray(4 + len);
      }
      if (xids.length >= count) {
        clearTimeout(timer);
        resolve(xids);
      }
    });
  });
}

test('a client that floods requests and never reads is paused, and other clients are still served', async (t) => {
  const config = defaultServerConfig({ clientPort: 0, globalOutstandingLimit: 200, maxClientCnxns: 0 });
  const server = new StandaloneServer(config, createLogger({ level: 'silent' }));
  await server.listen();
  const sockets: Socket[] = [];
  try {
    const flooder = await open(server.port);
    sockets.push(flooder);
    flooder.pause(); // never reads its replies
    flooder.write(handshake);
    const flood = Buffer.concat(Array.from({ length: 20_000 }, (_, i) => getData(i + 1)));
    let maxOutstanding = 0;
    const sampler = setInterval(() => (maxOutstanding = Math.max(maxOutstanding, server.globalOutstanding)), 1);
    const rounds = 20;
    for (let round = 0; round < rounds; round++) flooder.write(flood);
    await new Promise((r) => setTimeout(r, 500));

    const polite = await open(server.port);
    sockets.push(polite);
    const replies = collectReplies(polite, 3, 10_000);
    polite.write(Buffer.concat([handshake, getData(1), getData(2), getData(3)]));
    assert.deepEqual(await replies, [1, 2, 3]);
    clearInterval(sampler);

    // The flooder's replies back up, so the server stopped reading from it
    // instead of queueing 100k requests.
    const flooderConn = [...server.connections].find((c) => c.remotePort === flooder.localPort);
    assert.ok(flooderConn, 'the flooding connection is still open');
    const read = flooderConn.stats.packetsReceived;
    t.diagnostic(`flooder: ${read} requests read, max outstanding ${maxOutstanding}`);
    assert.ok(read < rounds * 20_000, `the server read ${read} of ${rounds * 20_000} requests, then stopped reading`);
    assert.ok(maxOutstanding <= 1000 + 200, `outstanding stayed bounded (max seen ${maxOutstanding})`);
  } finally {
    for (const s of sockets) s.destroy();
    await server.close();
  }
});
