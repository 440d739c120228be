/** KeeperException codes as they travel in ReplyHeader.err. */
export const Err = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

export type ErrCode = (typeof Err)[keyof typeof Err];

/** A failed operation; prep and apply throw it, the pipeline turns it into an error reply. */
export class KeeperError extends Error {
  constructor(readonly code: number, readonly path?: string) {
    super(`${errName(code)}${path === undefined ? '' : ` for ${path}`}`);
    this.name = 'KeeperError';
  }
}

/**
 * An error ZooKeeper raises outside its per-op handling (a runtime exception in
 * prep): the whole request, even a multi, fails with it.
 */
export class WholeRequestError extends KeeperError {}

const names = new Map<number, string>(Object.entries(Err).map(([k, v]) => [v, k]));

export function errName(code: number): string {
  return names.get(code) ?? `error(${code})`;
}
