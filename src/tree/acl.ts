import { createHash } from 'node:crypto';
import type { ACL, ClientInfo, Id } from '../protocol/generated/records.js';

export const Perms = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

export const OPEN_ACL_UNSAFE: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }];
export const READ_ACL_UNSAFE: ACL[] = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];

/**
 * String.split as Java does it: trailing empty strings are dropped. ZooKeeper's
 * digest provider judges ids by `id.split(":")`, so "a:b:" is valid and "a:" is not.
 */
function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '' && s.length > 0) return [];
  return parts;
}

/** Java's Integer.parseInt for the small decimal numbers of IP addresses and masks. */
function javaParseInt(s: string): number | null {
  if (!/^[+-]?\d{1,10}$/.test(s)) return null;
  const n = Number(s);
  return n >= -0x80000000 && n <= 0x7fffffff ? n : null;
}

/**
 * An IPv4 address as ZooKeeper's ip provider reads it (it knows no IPv6): four
 * dot-separated integers 0..255, leading zeros and '+' allowed as Integer.parseInt does.
 */
function ipv4Bytes(addr: string): number[] | null {
  const parts = addr.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    const v = javaParseInt(p);
    if (v === null || v < 0 || v > 255) return null;
    out.push(v);
  }
  return out;
}

/** "address" or "address/bits" → address bytes and mask bits, or null when ZooKeeper rejects it. */
function ipSpec(spec: string): { bytes: number[]; bits: number } | null {
  const slash = spec.indexOf('/');
  const bytes = ipv4Bytes(slash === -1 ? spec : spec.substring(0, slash));
  if (bytes === null) return null;
  if (slash === -1) return { bytes, bits: 32 };
  const bits = javaParseInt(spec.substring(slash + 1));
  if (bits === null || bits < 0 || bits > 32) return null;
  return { bytes, bits };
}

/** Does the client address `addr` fall in the ip-scheme ACL id `spec` (address or address/bits)? */
export function ipMatches(spec: string, addr: string): boolean {
  const acl = ipSpec(spec);
  const remote = ipv4Bytes(addr.replace(/^::ffff:/, ''));
  if (acl === null || remote === null) return false;
  for (let i = 0; i < 4; i++) {
    const keep = Math.max(0, Math.min(8, acl.bits - 8 * i));
    const mask = (0xff << (8 - keep)) & 0xff;
    if (((acl.bytes[i] as number) & mask) !== ((remote[i] as number) & mask)) return false;
  }
  return true;
}

/** The schemes a ZooKeeper server has providers for by default. */
interface SchemeProvider {
  isValid(id: string): boolean;
  /** Whether an id of this scheme proves who the client is (what an `auth` ACL expands to). */
  authenticated: boolean;
  userName(id: string): string;
}
const PROVIDERS = new Map<string, SchemeProvider>([
  ['ip', { isValid: (id) => ipSpec(id) !== null, authenticated: false, userName: (id) => id }],
  ['digest', { isValid: (id) => javaSplit(id, ':').length === 2, authenticated: true, userName: (id) => javaSplit(id, ':')[0] ?? '' }],
]);

function isSuper(authIds: readonly Id[]): boolean {
  for (let i = 0; i < authIds.length; i++) if ((authIds[i] as Id).scheme === 'super') return true;
  return false;
}

/**
 * ZooKeeper's permission check: allowed when any ACL entry grants `perm` to
 * world:anyone or to one of the caller's authenticated ids. Super users pass.
 */
export function aclAllows(acl: readonly ACL[], perm: number, authIds: readonly Id[]): boolean {
  const n = acl.length;
  if (n === 0) return true;
  // Hot path (every read and write checks): a world:anyone entry answers without
  // looking at the caller, so it is sought first, and with a plain loop (no
  // closure, no destructuring). The order of the checks does not change the answer.
  for (let i = 0; i < n; i++) {
    const entry = acl[i] as ACL;
    if ((entry.perms & perm) !== 0 && entry.id.scheme === 'world' && entry.id.id === 'anyone') return true;
  }
  if (isSuper(authIds)) return true;
  for (const entry of acl) {
    if ((entry.perms & perm) === 0) continue;
    const { scheme, id } = entry.id;
    if (scheme === null || id === null || !PROVIDERS.has(scheme)) continue;
    for (const auth of authIds) {
      if (auth.scheme !== scheme || auth.id === null) continue;
      if (scheme === 'ip' ? ipMatches(id, auth.id) : auth.id === id) return true;
    }
  }
  return false;
}

/**
 * Checks an ACL list a client sent and expands `auth` entries into the caller's
 * authenticated ids, as ZooKeeper's fixupACL does. Returns null when invalid.
 */
export function fixupAcl(acl: readonly ACL[] | null, authIds: readonly Id[]): ACL[] | null {
  if (acl === null || acl.length === 0) return null;
  const out: ACL[] = [];
  const seen = new Set<string>();
  for (const entry of acl) {
    const key = JSON.stringify([entry.perms, entry.id.scheme, entry.id.id]);
    if (seen.has(key)) continue;
    seen.add(key);
    const { scheme, id } = entry.id;
    if (scheme === null || id === null) return null;
    if (scheme === 'world' && id === 'anyone') {
      out.push(entry);
    } else if (scheme === 'auth') {
      // Only ids from providers that really authenticate (digest here; not ip) count.
      const mine = authIds.filter((a) => a.scheme !== null && PROVIDERS.get(a.scheme)?.authenticated === true);
      if (mine.length === 0) return null;
      for (const a of mine) out.push({ perms: entry.perms, id: a });
    } else if (PROVIDERS.get(scheme)?.isValid(id) === true) {
      out.push(entry);
    } else {
      return null;
    }
  }
  return out;
}

/** `user:base64(sha1(user:password))`, the id ZooKeeper's digest scheme gives "user:password". */
export function digestId(userPassword: string): string {
  const colon = userPassword.indexOf(':');
  const user = colon === -1 ? userPassword : userPassword.substring(0, colon);
  return `${user}:${createHash('sha1').update(userPassword, 'utf8').digest('base64')}`;
}

/**
 * The ids an auth packet adds to a connection, or null when ZooKeeper would answer
 * AuthFailed (no provider for the scheme). `superDigest` is the configured
 * DigestAuthenticationProvider.superDigest, whose owner also becomes super.
 */
export function authenticate(scheme: string | null, auth: Buffer | null, remoteAddress: string, superDigest: string | undefined): Id[] | null {
  switch (scheme) {
    case 'digest': {
      const id = digestId((auth ?? Buffer.alloc(0)).toString('utf8'));
      return id === superDigest ? [{ scheme: 'super', id: '' }, { scheme: 'digest', id }] : [{ scheme: 'digest', id }];
    }
    case 'ip':
      // ZooKeeper's ip provider ignores the data and vouches for the peer address.
      return [{ scheme: 'ip', id: remoteAddress }];
    default:
      return null;
  }
}

/** whoAmI: each id as scheme + the user name its provider gives ("" when none). */
export function clientInfos(authIds: readonly Id[]): ClientInfo[] {
  return authIds.map((id) => ({
    authScheme: id.scheme,
    user: id.scheme !== null && id.id !== null ? (PROVIDERS.get(id.scheme)?.userName(id.id) ?? '') : '',
  }));
}

/**
 * getACL without ADMIN: digest ids lose their password hash ("user:x"), as
 * ZooKeeper rewrites them with the regex ":.*" (whose '.' stops at line breaks).
 */
export function maskDigestIds(acl: readonly ACL[]): ACL[] {
  return acl.map((a) =>
    a.id.scheme === 'digest' && a.id.id !== null
      ? { perms: a.perms, id: { scheme: 'digest', id: a.id.id.replace(/:[^\n\r\u0085\u2028\u2029]*/g, ':x') } }
      : a,
  );
}
