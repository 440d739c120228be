/** The public face of the folder: what import/export and the dump commands use. */
export type { ZkImage, ZkImageNode, ZkImageSession } from './zk-image.js';
export { readZkDataDir, newestValidSnapshot, loadSnapshotFile, logFilesFrom } from './data-dir-reader.js';
export type { ZkDataDirContents, ZkDataDirLocation, LoadedSnapshot, LogFileSummary } from './data-dir-reader.js';
export { writeZkDataDir } from './data-dir-writer.js';
export type { ZkDataDirWrite, ZkDataDirWritten } from './data-dir-writer.js';
export { ZkTreeReplay, replayDataDir, imageOfTree, treeFromImage } from './tree-replay.js';
export type { DigestMismatch } from './tree-replay.js';
export type { LoggedTxn } from '../../protocol/txn-entry.js';
export { ZkFileFormatError } from './file-header.js';
export type { SnapshotCompression } from './file-names.js';
