import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { OpCode } from '../src/protocol/opcodes.js';
import { createLogger } from '../src/server/logger.js';
import { defaultServerConfig } from '../src/server/server-config.js';
import { StandaloneServer } from '../src/server/standalone-server.js';

/** Sends raw bytes on a fresh connection and returns everything until the server closes. */
function ask(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(bytes));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('server did not close the connection'));
    }, 5000);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

async function withServer(whitelist: string[], run: (server: StandaloneServer) => Promise<void>, digestEnabled = true): Promise<void> {
  const config = defaultServerConfig({ clientPort: 0, fourLetterWordWhitelist: new Set(whitelist), digestEnabled });
  const server = new StandaloneServer(config, createLogger({ level: 'silent' }));
  await server.listen();
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

test('four-letter words are answered unframed on a fresh connection, then it is closed', async () => {
  await withServer(['ruok', 'srvr', 'isro', 'wchs', 'stmk', 'gtmk'], async (server) => {
    assert.equal(await ask(server.port, Buffer.from('ruok')), 'imok');
    assert.equal(await ask(server.port, Buffer.from('isro')), 'rw');
    const srvr = await ask(server.port, Buffer.from('srvr'));
    assert.match(srvr, /^Zookeeper version: 3\.8\.0-zkts-[^\n]+, built on [^\n]+\n/);
    assert.match(srvr, /\nMode: standalone\nNode count: 4\n$/);
    // stmk takes an 8-byte big-endian mask and echoes it.
    const mask = Buffer.alloc(12);
    mask.write('stmk', 0, 'latin1');
    mask.writeBigInt64BE(338n, 4);
    assert.equal(await ask(server.port, mask), '338'); // fourlw/stmk.txt: no newline
    assert.equal(await ask(server.port, Buffer.from('gtmk')), '338');
  });
});

test('a word outside the whitelist gets ZooKeeper\'s refusal text', async () => {
  await withServer(['ruok'], async (server) => {
    assert.equal(await ask(server.port, Buffer.from('cons')), 'cons is not executed because it is not in the whitelist.\n');
    // srvr is always allowed, as in ZooKeeper.
    assert.match(await ask(server.port, Buffer.from('srvr')), /^Zookeeper version/);
  });
});

test('wchs counts the data watches of live sessions', async () => {
  await withServer(['wchs'], async (server) => {
    const watcher = { sessionId: 0x42n, process: () => undefined };
    server.tree.statNode('/absent', watcher);
    server.tree.getData('/zookeeper', watcher);
    assert.equal(await ask(server.port, Buffer.from('wchs')), '1 connections watching 2 paths\nTotal watches:2\n');
  });
});

test('four bytes that are no word are read as a frame length and the connection is dropped', async () => {
  await withServer(['ruok'], async (server) => {
    assert.equal(await ask(server.port, Buffer.from('xyzw')), '');
    assert.equal(await ask(server.port, Buffer.from('ruok')), 'imok', 'the server goes on');
  });
});

/** Writes through the server's own pipeline (as a client's setData would go). */
async function setRootData(server: StandaloneServer, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await new Promise<void>((resolve) =>
      server.pipeline.submit({ sessionId: 0n, cxid: i, authIds: [] }, { type: OpCode.setData, req: { path: '/', data: Buffer.from(`v${i}`), version: -1 } }, () =>
        resolve(),
      ),
    );
  }
}

test('hash lists the tree digest every 128 zxids, as ZooKeeper\'s DataTree logs it; mntr counts no mismatch', async () => {
  await withServer(['hash', 'mntr'], async (server) => {
    assert.equal(await ask(server.port, Buffer.from('hash')), '');
    await setRootData(server, 300);
    const lines = (await ask(server.port, Buffer.from('hash'))).split('\n').filter((l) => l !== '');
    // Long.toHexString of the zxid, then the digest as a Java long.
    assert.deepEqual(
      lines.map((l) => l.split(': ')[0]),
      ['80', '100'],
    );
    assert.match(lines[1] as string, /^100: -?\d+$/);
    assert.match(await ask(server.port, Buffer.from('mntr')), /\nzk_digest_mismatches_count\t0\n/);
  });
});

test('with digest.enabled=false, hash stays empty', async () => {
  await withServer(['hash'], async (server) => {
    await setRootData(server, 130);
    assert.equal(server.tree.digest, null);
    assert.equal(await ask(server.port, Buffer.from('hash')), '');
  }, false);
});
