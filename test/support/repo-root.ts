/**
 * Where the repository is, for tests, conformance cases and the bench alike (it
 * imports nothing from node:test, so the bench can use it too).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json found above ${start}`);
    dir = parent;
  }
}

let root: string | undefined;

/** The nearest directory above this (source or compiled) file holding package.json. */
export function repoRoot(): string {
  root ??= findRepoRoot(dirname(fileURLToPath(import.meta.url)));
  return root;
}
