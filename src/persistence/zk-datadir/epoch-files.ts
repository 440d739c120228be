/**
 * `currentEpoch` and `acceptedEpoch` of an ensemble member's `version-2` folder:
 * one decimal long, no newline. A standalone server neither needs nor writes
 * them; a quorum peer that finds none derives them from its last zxid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCEPTED_EPOCH_FILE, CURRENT_EPOCH_FILE } from './file-names.js';
import { ZkFileFormatError } from './file-header.js';
import { writeFileDurably } from './durable-file.js';

export interface Epochs {
  current: bigint | null;
  accepted: bigint | null;
}

/** The epoch part of a zxid (its high 32 bits). */
export function epochOf(zxid: bigint): bigint {
  return zxid >> 32n;
}

function readEpoch(dir: string, name: string): bigint | null {
  const path = join(dir, name);
  if (!existsSync(path)) return null;
  // QuorumPeer reads the first line with Long.parseLong.
  const line = readFileSync(path, 'utf8').split('\n')[0]!;
  if (!/^[+-]?\d+$/.test(line)) throw new ZkFileFormatError(`${path}: "${line}" is not a number`);
  return BigInt(line);
}

export function readEpochs(versionDir: string): Epochs {
  return { current: readEpoch(versionDir, CURRENT_EPOCH_FILE), accepted: readEpoch(versionDir, ACCEPTED_EPOCH_FILE) };
}

export function writeEpochs(versionDir: string, epoch: bigint): void {
  writeFileDurably(join(versionDir, CURRENT_EPOCH_FILE), Buffer.from(epoch.toString()));
  writeFileDurably(join(versionDir, ACCEPTED_EPOCH_FILE), Buffer.from(epoch.toString()));
}
