/**
 * The load generator against a real zkts (dist/ must be built): it counts only
 * replies it checked, and the server's own packet counter agrees with what it sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runLoad } from '../load.js';
import { BenchServer, HOST } from '../servers.js';
import { connectTo, packetsReceived, populateKeys } from '../workloads/common.js';

describe('load generator against zkts', () => {
  let server: BenchServer;
  let paths: string[];
  before(async () => {
    server = await BenchServer.create('zkts');
    await server.start(30_000);
    paths = await populateKeys(server, 50, 100);
  });
  after(async () => {
    await server?.destroy();
  });

  it('runs a read/write mix with every reply checked, and zkts counts the same requests', async () => {
    const before = await packetsReceived(server);
    const r = await runLoad(
      { host: HOST, port: server.port, sessions: 4, outstanding: 8, source: { kind: 'mix', paths, readRatio: 0.5, dataSize: 100, seed: 1 }, warmupMs: 100, measureMs: 500, workers: 2 },
      server.pid,
    );
    const after = await packetsReceived(server);
    assert.ok(r.ops > 100, `only ${r.ops} ops`);
    assert.deepEqual(r.errors, {});
    assert.equal(r.badReplies, 0);
    assert.equal(r.unanswered, 0);
    assert.equal(r.completed, r.sent);
    assert.ok(r.read.count > 0 && r.write.count > 0);
    assert.ok(r.serverCpuUsPerOp > 0);
    assert.ok(before !== null && after !== null);
    // Each session also sends a ConnectRequest and a closeSession; the mntr probe may count too.
    const delta = after - before;
    assert.ok(delta >= r.sent && delta <= r.sent + 2 * 4 + 2, `server saw ${delta} packets, generator sent ${r.sent}`);
  });

  it('creates and deletes a counted list of sequential znodes', async () => {
    const c = await connectTo(server);
    await c.ensure('/t');
    const base = { host: HOST, port: server.port, sessions: 3, outstanding: 4, capMs: 20_000 };
    const cr = await runLoad({ ...base, source: { kind: 'createSeq', prefix: '/t/n', dataSize: 10, count: 1000 } }, server.pid);
    assert.equal(cr.ops, 1000);
    assert.equal(cr.badReplies, 0);
    assert.equal(await c.childCount('/t'), 1000);
    const dr = await runLoad({ ...base, source: { kind: 'deleteSeq', prefix: '/t/n', count: 1000 } }, server.pid);
    assert.equal(dr.ops, 1000);
    assert.deepEqual(dr.errors, {});
    assert.equal(await c.childCount('/t'), 0);
    await c.close();
  });
});
