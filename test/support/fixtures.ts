/**
 * Access to the golden fixtures captured from a real ZooKeeper
 * (`../shared/fixtures` next to the repository root; see its README.md).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot as findRepoRoot } from './repo-root.js';

/** Repository root: the nearest directory above this (compiled) file holding package.json. */
export const repoRoot: string = findRepoRoot();

/** Absolute path of the shared fixtures folder that sits beside the repository root. */
export const fixturesDir: string = resolve(repoRoot, '..', 'shared', 'fixtures');

/** Path of a file or folder inside the fixtures folder. */
export function fixturePath(...parts: string[]): string {
  return join(fixturesDir, ...parts);
}

/** Whether the fixtures folder is present (it lives outside the repository). */
export function haveFixtures(): boolean {
  return existsSync(join(fixturesDir, 'README.md'));
}

/** One framed message of a captured TCP connection (a line of a `*.jsonl` stream file). */
export interface StreamRecord {
  /** c2s: from the side that opened the connection. */
  dir: 'c2s' | 's2c';
  /** Every byte of the message, including its length prefix where the protocol has one. */
  hex: string;
  /** Human-readable summary written by the fixture decoder. */
  note: string;
  /** Seconds since the connection's first packet. */
  t: number;
  /** The fixture decoder's full decode ({} when it gave none). */
  fields: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a JSONL stream file (absolute, or relative to fixturesDir). */
export function readStream(file: string): StreamRecord[] {
  const path = resolve(fixturesDir, file);
  const out: StreamRecord[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const raw: unknown = JSON.parse(line);
    if (!isObject(raw)) throw new Error(`${path}:${i + 1}: not a JSON object`);
    const { dir, hex, note, t, fields } = raw;
    if (dir !== 'c2s' && dir !== 's2c') throw new Error(`${path}:${i + 1}: bad dir ${String(dir)}`);
    if (typeof hex !== 'string' || !/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new Error(`${path}:${i + 1}: bad hex`);
    out.push({
      dir,
      hex,
      note: typeof note === 'string' ? note : '',
      t: typeof t === 'number' ? t : 0,
      fields: isObject(fields) ? fields : {},
    });
  });
  return out;
}

/** The bytes of a stream record. */
export function recordBytes(rec: StreamRecord): Buffer {
  return Buffer.from(rec.hex, 'hex');
}

/** Sorted names of the files in a fixtures sub-folder that match `pattern`. */
export function listFixtureFiles(subdir: string, pattern: RegExp): string[] {
  const dir = fixturePath(subdir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => pattern.test(name))
    .sort();
}
