import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type MyidFile =
  | { kind: 'absent'; file: string }
  | { kind: 'id'; file: string; id: number }
  | { kind: 'invalid'; file: string; content: string };

/**
 * Reads `<dataDir>/myid`, the server id ZooKeeper keeps there (a number, maybe
 * followed by a newline). A standalone server has no use for it; it is read so
 * that a data dir carried over from an ensemble member does not trouble it.
 */
export function readMyid(dataDir: string): MyidFile {
  const file = join(dataDir, 'myid');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { kind: 'absent', file };
  }
  const trimmed = text.trim();
  if (/^\d{1,10}$/.test(trimmed) && Number(trimmed) <= 2 ** 31 - 1) return { kind: 'id', file, id: Number(trimmed) };
  return { kind: 'invalid', file, content: trimmed.slice(0, 40) };
}
