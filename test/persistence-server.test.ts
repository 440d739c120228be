/**
 * A durable standalone server across restarts: sessions are kept (not closed on
 * shutdown), come back with the store, expire if their clients stay away, and
 * zxids go on from the store.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { createLogger } from '../src/server/logger.js';
import { defaultServerConfig, type ServerConfig } from '../src/server/server-config.js';
import { StandaloneServer, startStandaloneServer, type RunningServer } from '../src/server/standalone-server.js';
import type { TxnLog } from '../src/server/txn-log.js';
import { DataTree } from '../src/tree/data-tree.js';
import { RecoveryError } from '../src/persistence/recovery-error.js';
import { storeLayout } from '../src/persistence/store-layout.js';
import { Stat } from '../src/protocol/generated/records.js';
import { JuteReader } from '../src/protocol/jute-reader.js';
import { RawClient } from './support/raw-client.js';
import { removeDir, tempDir } from './persistence-support.js';

const dirs: string[] = [];
const clients: RawClient[] = [];
const servers: RunningServer[] = [];
after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.close().catch(() => undefined);
  dirs.forEach(removeDir);
});

function newDir(): string {
  const d = tempDir('zkts-server-');
  dirs.push(d);
  return d;
}

async function start(dataDir: string, overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
  const config = defaultServerConfig({ clientPort: 0, dataDir, ...overrides });
  const s = await startStandaloneServer(config, createLogger({ level: 'silent' }), { durable: true });
  servers.push(s);
  return s;
}

async function stop(s: RunningServer): Promise<void> {
  await s.close();
  servers.splice(servers.indexOf(s), 1);
}

async function connect(port: number, opts: Parameters<typeof RawClient.connect>[1] = {}): Promise<RawClient> {
  const c = await RawClient.connect(port, opts);
  clients.push(c);
  return c;
}

/** ephemeralOwner of the Stat an exists reply carries. */
function ownerOf(body: Buffer): bigint {
  return Stat.decode(new JuteReader(body)).ephemeralOwner;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('durable standalone server', () => {
  it('keeps sessions through a shutdown: the client reconnects with its id and password to its ephemerals', async () => {
    const dir = newDir();
    const s1 = await start(dir);
    const c = await connect(s1.port, { timeout: 30_000 });
    assert.equal((await c.create('/svc')).err, 0);
    const eph = await c.create('/svc/member', { flags: 1 });
    assert.equal(eph.err, 0);
    const sid = c.sessionId;
    const passwd = c.session?.passwd ?? null;
    await stop(s1);
    await c.waitClosed(3000);

    const s2 = await start(dir);
    const again = await connect(s2.port, { timeout: 30_000, sessionId: sid, passwd, lastZxidSeen: eph.zxid });
    assert.equal(again.sessionId, sid);
    const ex = await again.exists('/svc/member');
    assert.equal(ex.err, 0);
    assert.equal(ownerOf(ex.body), sid);
    // zxids go on from the store.
    assert.equal((await again.create('/svc/next')).zxid, eph.zxid + 1n);
    await stop(s2);
  });

  it('after a restart, a session whose client stays away expires within its timeout and its ephemerals go', async () => {
    const dir = newDir();
    const cfg = { tickTime: 100, minSessionTimeout: 200, maxSessionTimeout: 2000 };
    const s1 = await start(dir, cfg);
    const c = await connect(s1.port, { timeout: 800 });
    c.startKeepAlive(100);
    assert.equal((await c.create('/lock', { flags: 1 })).err, 0);
    await stop(s1);

    const restarted = Date.now();
    const s2 = await start(dir, cfg);
    const watcher = await connect(s2.port, { timeout: 2000 });
    watcher.startKeepAlive(200);
    assert.equal((await watcher.exists('/lock')).err, 0, 'the ephemeral came back with its session');
    let goneAfter = -1;
    for (let i = 0; i < 100; i++) {
      if ((await watcher.exists('/lock')).err === -101) {
        goneAfter = Date.now() - restarted;
        break;
      }
      await sleep(50);
    }
    assert.ok(goneAfter >= 700, `expired ${goneAfter} ms after the restart, before its 800 ms timeout`);
    assert.ok(goneAfter < 3000, `not expired ${goneAfter} ms after the restart`);
    // The expiry was a logged closeSession: neither session nor ephemeral come back.
    await stop(s2);
    const s3 = await start(dir, cfg);
    const late = await RawClient.open(s3.port);
    clients.push(late);
    const res = await late.handshake({ sessionId: c.sessionId, passwd: c.session?.passwd ?? null });
    assert.equal(res.sessionId, 0n, 'the expired session is refused');
    const fresh = await connect(s3.port);
    assert.equal((await fresh.exists('/lock')).err, -101);
    await stop(s3);
  });

  it('a myid file, even one that is not a number, does not trouble a standalone start', async () => {
    for (const content of ['3\n', 'not-a-number', '']) {
      const dir = newDir();
      writeFileSync(join(dir, 'myid'), content);
      const s = await start(dir);
      const c = await connect(s.port);
      assert.equal((await c.create('/x')).err, 0);
      await stop(s);
    }
  });

  it('a txn log that fails stops the server: nothing is acknowledged and shutting down does not hang', async () => {
    let appends = 0;
    const failing: TxnLog = {
      append: () => {
        appends++;
        return Promise.reject(new Error('disk full'));
      },
      close: () => Promise.resolve(),
    };
    const server = new StandaloneServer(defaultServerConfig({ clientPort: 0 }), createLogger({ level: 'silent' }), {
      tree: new DataTree(),
      txnLog: failing,
      sessions: new Map(),
    });
    await server.listen();
    const saved = process.exitCode;
    try {
      const c = await RawClient.open(server.port);
      clients.push(c);
      // The handshake's createSession txn cannot be logged: no session, the connection goes.
      await assert.rejects(c.handshake({ timeout: 4000 }, 2000));
      await c.waitClosed(3000);
      assert.equal(process.exitCode, 1);
      assert.ok(appends >= 1);
      await server.close();
      assert.equal(server.serving, false);
    } finally {
      process.exitCode = saved;
    }
  });

  it('a store that cannot be recovered stops the start with the reason, and nothing is left listening', async () => {
    const dir = newDir();
    const layout = storeLayout(dir);
    mkdirSync(layout.logDir, { recursive: true });
    writeFileSync(layout.logFile, Buffer.alloc(8192, 0x41));
    await assert.rejects(start(dir), (err: unknown) => err instanceof RecoveryError && /cannot be read/.test(err.message));
  });

  it('zkts start on a store it cannot recover exits 1 and says why on stderr', async () => {
    const dir = newDir();
    const layout = storeLayout(dir);
    mkdirSync(layout.logDir, { recursive: true });
    writeFileSync(layout.logFile, Buffer.alloc(8192, 0x41));
    const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
    const child = spawn(process.execPath, [main, 'start', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    assert.equal(code, 1);
    assert.match(stderr, /^zkts: the txn log .*txnlog\.db cannot be read .*refusing to start/m);
  });
});
