/**
 * Does zkts keep what it acknowledged across a restart? A znode is created, the
 * server is stopped by SIGTERM and started again, and the znode is looked up.
 * Until the store lands it is not there, and the restart and snapshot workloads
 * say so instead of measuring an empty server.
 */
import { BenchServer } from '../servers.js';
import { connectTo } from './common.js';

export async function zktsPersists(): Promise<boolean> {
  const server = await BenchServer.create('zkts');
  try {
    await server.start();
    const c = await connectTo(server);
    await c.ensure('/bench-persistence-probe');
    await c.close();
    await server.stop();
    await server.start();
    const d = await connectTo(server);
    const r = await d.exists('/bench-persistence-probe');
    await d.close();
    return r.err === 0;
  } finally {
    await server.destroy();
  }
}
