/**
 * The zoo.cfg the conformance suite and the bench start both servers with:
 * loopback only, no connection limit, no AdminServer, every four-letter word.
 */
export function testZooCfg(dataDir: string, port: number, extra: Record<string, string> = {}): string {
  const kv: Record<string, string> = {
    tickTime: '2000',
    initLimit: '10',
    syncLimit: '5',
    dataDir,
    clientPort: String(port),
    clientPortAddress: '127.0.0.1',
    maxClientCnxns: '0',
    'admin.enableServer': 'false',
    '4lw.commands.whitelist': '*',
    ...extra,
  };
  return Object.entries(kv).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}
