import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sendFourLetterWord } from '../src/cli/four-letter-command.js';
import { createLogger } from '../src/server/logger.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ZKTS_LOG_LEVEL: 'info' };
}

/** Runs `node main.js ...args` to completion (killed after timeoutMs). */
function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zkts-cli-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('zkts version', () => {
  it('prints the package version', async () => {
    const r = await runCli(['version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^zkts \d+\.\d+\.\d+\S* \(node v\d+/);
    const v = await runCli(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  });
});

describe('zkts start: configuration errors exit 2', () => {
  it('names file, line and key, without a stack trace', async () => {
    const cfg = join(dir, 'bad.cfg');
    writeFileSync(cfg, '# bad port below\ndataDir=./data\nclientPort=70000\n');
    const r = await runCli(['start', '--config', cfg], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `zkts: ${cfg}:3: clientPort: "70000" is not a valid port (0-65535)\n`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(r.stdout, '');
  });

  it('a missing config file', async () => {
    const r = await runCli(['start', '--config', join(dir, 'nope.cfg')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nope\.cfg: cannot read config file: file not found/);
  });

  it('a bad --port', async () => {
    const r = await runCli(['start', '--port', '99999']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port: "99999" is not a valid port/);
  });

  it('a quorum configuration (not supported by zkts start yet)', async () => {
    const cfg = join(dir, 'quorum.cfg');
    writeFileSync(cfg, 'dataDir=./q\ninitLimit=5\nsyncLimit=2\nserver.1=127.0.0.1:1:2\nserver.2=127.0.0.1:3:4\nserver.3=127.0.0.1:5:6\n');
    const r = await runCli(['start', '--config', cfg]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /quorum of 3 participant/);
  });
});

describe('zkts 4lw', () => {
  it('sends the word and prints the reply', async () => {
    const received: string[] = [];
    const server = createServer((socket) => {
      socket.once('data', (d: Buffer) => {
        received.push(d.toString());
        socket.end(d.toString() === 'ruok' ? 'imok' : '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      assert.equal(await sendFourLetterWord('ruok', '127.0.0.1', port), 'imok');
      const r = await runCli(['4lw', 'ruok', '--host', '127.0.0.1', '--port', String(port)]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, 'imok\n');
      assert.deepEqual(received, ['ruok', 'ruok']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports a refused connection with exit 1 and a bad word with exit 2', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const refused = await runCli(['4lw', 'ruok', '--port', String(port)]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /ECONNREFUSED/);
    const bad = await runCli(['4lw', 'toolong']);
    assert.equal(bad.code, 2);
  });
});

describe('logger', () => {
  it('writes JSON lines with level filtering', () => {
    const file = join(dir, 'logs', 'zkts.log');
    const log = createLogger({ level: 'warn', destination: file, name: 'test' });
    log.info('hidden');
    log.warn({ port: 1 }, 'shown');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.['msg'], 'shown');
    assert.equal(lines[0]?.['name'], 'test');
    assert.equal(lines[0]?.['port'], 1);
    assert.throws(() => createLogger({ level: 'loud' }), /unknown log level/);
  });
});

describe('zkts start: serving (needs the standalone server)', () => {
  it('logs "zkts serving" and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zkts-start-'));
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, [MAIN, 'start', '--port', '0', '--data-dir', dataDir], {
        cwd: dataDir,
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const proc = child;
      let stdout = '';
      let stderr = '';
      proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        proc.on('exit', (code, signal) => resolve({ code, signal })));

      const serving = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "zkts serving" line within 10 s\nstdout:\n${stdout}\nstderr:\n${stderr}`)), 10_000);
        proc.stdout?.on('data', (d: Buffer) => {
          stdout += d.toString();
          for (const line of stdout.split('\n')) {
            if (!line.includes('"zkts serving"')) continue;
            clearTimeout(timer);
            resolve(JSON.parse(line) as Record<string, unknown>);
            return;
          }
        });
        void exited.then(({ code }) => {
          clearTimeout(timer);
          reject(new Error(`zkts start exited with ${code} before serving\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        });
      });
      assert.equal(serving['msg'], 'zkts serving');
      assert.equal(typeof serving['port'], 'number');
      assert.ok((serving['port'] as number) > 0);
      assert.equal(serving['pid'], proc.pid);

      process.kill(proc.pid as number, 'SIGTERM');
      const result = await Promise.race([
        exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no exit within 10 s of SIGTERM')), 10_000)),
      ]);
      assert.deepEqual(result, { code: 0, signal: null });
    } finally {
      if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
