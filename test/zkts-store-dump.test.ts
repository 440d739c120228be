/**
 * `zkts dump-log` / `zkts dump-snapshot` on a zkts store: the same ZooKeeper tool
 * formats as for ZooKeeper's own files. The fixture data dir is imported into a
 * store and exported back; both snapshots print identically, and the store's log
 * lists the txns a durable server wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSnapshotDetails } from '../src/cli/snapshot-dump-format.js';
import { zkSnapshotFiles } from '../src/cli/dump-sources.js';
import { zktsStoreLog, zktsStoreSnapshot } from '../src/cli/zkts-store-dump-sources.js';
import { exportToZkDataDir, importZkDataDir } from '../src/persistence/zk-migration.js';
import { createLogger } from '../src/server/logger.js';
import { defaultServerConfig } from '../src/server/server-config.js';
import { startStandaloneServer, storeSettings } from '../src/server/standalone-server.js';
import { fixturePath } from './support/fixtures.js';
import { RawClient } from './support/raw-client.js';

const silent = createLogger({ level: 'silent' });

test('a zkts snapshot prints like the ZooKeeper snapshot exported from it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-dump-'));
  try {
    const settings = storeSettings(defaultServerConfig({ dataDir: join(dir, 'store'), dataLogDir: join(dir, 'store') }));
    await importZkDataDir({ dataDir: fixturePath('datadir', 'standalone') }, settings, silent);
    exportToZkDataDir(settings, { dataDir: join(dir, 'zk') }, silent);
    assert.equal(zktsStoreSnapshot.accepts(join(dir, 'store')), true);
    assert.equal(zktsStoreSnapshot.accepts(join(dir, 'zk')), false);
    const ours = zktsStoreSnapshot.snapshot(join(dir, 'store'));
    const theirs = zkSnapshotFiles.snapshot(join(dir, 'zk'));
    assert.equal(ours.zxid, theirs.zxid);
    assert.ok(ours.nodes.length > 3);
    assert.equal(formatSnapshotDetails(ours, true), formatSnapshotDetails(theirs, true));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a zkts txn log lists the durable server's txns in zxid order with good checksums", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-dump-'));
  try {
    const config = defaultServerConfig({ clientPort: 0, dataDir: dir, dataLogDir: dir });
    const server = await startStandaloneServer(config, silent, { durable: true });
    try {
      const c = await RawClient.connect(server.port);
      for (let i = 0; i < 5; i++) assert.equal((await c.create(`/d${i}`)).err, 0);
      c.close();
    } finally {
      await server.close();
    }
    const events = [...zktsStoreLog.logs(dir)];
    assert.equal(events[0]?.kind, 'log');
    assert.equal(events.at(-1)?.kind, 'end');
    const txns = events.flatMap((e) => (e.kind === 'txn' ? [e] : []));
    assert.ok(txns.every((t) => t.checksumOk));
    const zxids = txns.map((t) => t.txn.hdr.zxid);
    assert.deepEqual(zxids, [...zxids].sort((a, b) => (a < b ? -1 : 1)));
    assert.equal(txns.filter((t) => t.txn.body.type === 1).length, 5, 'five creates');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
