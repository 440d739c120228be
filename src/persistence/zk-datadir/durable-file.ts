/** Writing a whole file so that a crash leaves either no file or the complete one. */
import { closeSync, fsyncSync, ftruncateSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `bytes` (then zeros up to `length`, as a sparse extension) to a temporary
 * file, fsyncs it, renames it to `path` and fsyncs the folder. The temporary name
 * starts with a dot: ZooKeeper takes `snapshot.<zxid>.tmp` or `log.<zxid>.tmp` for
 * its own files, but not `.snapshot.<zxid>.tmp`.
 */
export function writeFileDurably(path: string, bytes: Buffer, length = bytes.length): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    if (length > bytes.length) ftruncateSync(fd, length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
