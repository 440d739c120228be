/** Running the python (kazoo) and Java client programs of the suite. */
import { strict as assert } from 'node:assert';
import { conformanceAsset, describeRun, jsonLines, run, startLong, type LongRunning, type RunResult } from './proc.js';

export const PYTHON = '/usr/bin/python3'; // the system python that has python3-kazoo

// JSON from the client programs is navigated freely in the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

const pyEnv = (): NodeJS.ProcessEnv => ({ ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' });

/** Run conformance/kazoo/<script>.py HOST:PORT BASE args...; it must exit 0 and print JSON lines. */
export async function kazoo(hostPort: string, script: string, base: string, ...args: string[]): Promise<{ lines: Json[]; run: RunResult }> {
  const r = await run(PYTHON, [conformanceAsset('kazoo', `${script}.py`), hostPort, base, ...args], {
    timeoutMs: 60_000,
    env: pyEnv(),
  });
  assert.equal(r.code, 0, `kazoo ${script}.py failed:\n${describeRun(r)}`);
  const lines = jsonLines(r.stdout);
  assert.ok(lines.length > 0, `kazoo ${script}.py printed no JSON:\n${describeRun(r)}`);
  return { lines, run: r };
}

/** The single JSON object a kazoo script prints. */
export async function kazooResult(hostPort: string, script: string, base: string, ...args: string[]): Promise<Json> {
  const { lines, run: r } = await kazoo(hostPort, script, base, ...args);
  assert.equal(lines.length, 1, `kazoo ${script}.py: expected one JSON line:\n${describeRun(r)}`);
  return lines[0];
}

export function kazooLong(hostPort: string, script: string, base: string, ...args: string[]): LongRunning {
  return startLong(PYTHON, [conformanceAsset('kazoo', `${script}.py`), hostPort, base, ...args], pyEnv());
}

/** "0x..." ids from the client programs (64-bit, so never JSON numbers). */
export function id(s: unknown): bigint {
  assert.ok(typeof s === 'string' && /^0x[0-9a-f]+$/i.test(s), `not a hex id: ${String(s)}`);
  return BigInt(s);
}
