/**
 * `zkts 4lw <word>`: sends a four-letter word to a server and prints the reply,
 * like `echo ruok | nc 127.0.0.1 2181`.
 */
import { connect } from 'node:net';
import type { Command } from 'commander';

export interface FourLetterOptions {
  host: string;
  port: string;
  timeout: string;
}

/**
 * Connects, sends `word`, and resolves with everything the server writes before
 * it closes the connection. Rejects on connection errors or after `timeoutMs`.
 */
export function sendFourLetterWord(word: string, host: string, port: number, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete reply from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(word);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      socket.end();
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(`${host}:${port}: ${err.code ?? err.message}`));
    });
  });
}

function fail(message: string, code: number): never {
  process.stderr.write(`zkts 4lw: ${message}\n`);
  process.exit(code);
}

export async function runFourLetter(word: string, options: FourLetterOptions): Promise<void> {
  if (!/^[a-z]{4}$/.test(word)) fail(`"${word}" is not a four-letter word (e.g. ruok, srvr, stat, mntr)`, 2);
  const port = /^\d+$/.test(options.port) ? Number(options.port) : NaN;
  if (!(port >= 1 && port <= 65535)) fail(`--port: "${options.port}" is not a valid port (1-65535)`, 2);
  const timeout = /^\d+$/.test(options.timeout) ? Number(options.timeout) : NaN;
  if (!(timeout > 0)) fail(`--timeout: "${options.timeout}" is not a positive number of milliseconds`, 2);
  let reply: string;
  try {
    reply = await sendFourLetterWord(word, options.host, port, timeout);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err), 1);
  }
  process.stdout.write(reply.length === 0 || reply.endsWith('\n') ? reply : `${reply}\n`);
}

export function registerFourLetterCommand(program: Command): void {
  program
    .command('4lw')
    .description('send a four-letter word (ruok, srvr, stat, mntr, ...) to a server and print the reply')
    .argument('<word>', 'the four-letter word')
    .option('-H, --host <host>', 'server host', '127.0.0.1')
    .option('-p, --port <port>', 'server client port', '2181')
    .option('-t, --timeout <ms>', 'give up after this many milliseconds', '5000')
    .action(async (word: string, options: FourLetterOptions) => {
      await runFourLetter(word, options);
    });
}
