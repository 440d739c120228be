/**
 * The wrapping of a snapshot file, chosen by its name's extension as ZooKeeper
 * does (SnapStream): none, gzip (`.gz`) or snappy-java (`.snappy`). The seals
 * inside are checksums of the unwrapped stream.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ZkFileFormatError } from './file-header.js';
import type { SnapshotCompression } from './file-names.js';
import { isSnappyStream, snappyStreamDecode, snappyStreamEncode } from './snappy.js';

export function unwrapSnapshot(file: Buffer, compression: SnapshotCompression, what = 'snapshot'): Buffer {
  switch (compression) {
    case 'none':
      return file;
    case 'gz':
      try {
        return gunzipSync(file);
      } catch (e) {
        throw new ZkFileFormatError(`${what}: not a complete gzip stream (${e instanceof Error ? e.message : String(e)})`);
      }
    case 'snappy':
      if (!isSnappyStream(file)) throw new ZkFileFormatError(`${what}: no snappy stream header`);
      return snappyStreamDecode(file);
  }
}

export function wrapSnapshot(stream: Buffer, compression: SnapshotCompression): Buffer {
  switch (compression) {
    case 'none':
      return stream;
    case 'gz':
      return gzipSync(stream);
    case 'snappy':
      return snappyStreamEncode(stream);
  }
}
