import type { ChannelBuffers } from './txn-log-channel.js';

/** What SqliteTxnLog hands its writer thread; requests then go through the channel (txn-log-channel.ts). */
export interface TxnLogWorkerData {
  file: string;
  forceSync: boolean;
  channel: ChannelBuffers;
}
