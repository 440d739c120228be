import { Err, KeeperError } from './error-codes.js';

/** CreateMode as encoded in the create request's flags. */
export interface CreateMode {
  readonly flag: number;
  readonly ephemeral: boolean;
  readonly sequential: boolean;
  readonly container: boolean;
  readonly ttl: boolean;
}

const modes: readonly CreateMode[] = [
  { flag: 0, ephemeral: false, sequential: false, container: false, ttl: false },
  { flag: 1, ephemeral: true, sequential: false, container: false, ttl: false },
  { flag: 2, ephemeral: false, sequential: true, container: false, ttl: false },
  { flag: 3, ephemeral: true, sequential: true, container: false, ttl: false },
  { flag: 4, ephemeral: false, sequential: false, container: true, ttl: false },
  { flag: 5, ephemeral: false, sequential: false, container: false, ttl: true },
  { flag: 6, ephemeral: false, sequential: true, container: false, ttl: true },
];

/** The mode for `flag`; an unknown flag is BadArguments, or `fallback`'s mode when given. */
export function createModeFromFlag(flag: number, path: string, fallback?: number): CreateMode {
  const mode = modes[flag] ?? (fallback === undefined ? undefined : modes[fallback]);
  if (mode === undefined) throw new KeeperError(Err.BADARGUMENTS, path);
  return mode;
}
