import { existsSync, renameSync } from 'node:fs';

/**
 * Renames a damaged SQLite file (and its -wal and -shm) out of the way, keeping
 * it for the operator; returns the new name of the main file.
 */
export function moveAside(file: string, now: Date = new Date()): string {
  const suffix = `.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (const extra of ['-wal', '-shm', '']) {
    if (existsSync(file + extra)) renameSync(file + extra, file + suffix + extra);
  }
  return file + suffix;
}
