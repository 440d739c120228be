import { isIP } from 'node:net';
import type { ACL, Id } from '../protocol/generated/records.js';

export const Perms = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

export const OPEN_ACL_UNSAFE: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }];
export const READ_ACL_UNSAFE: ACL[] = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];

/** Does `addr` fall in the ip-scheme id `spec` (an address or address/bits)? */
export function ipMatches(spec: string, addr: string): boolean {
  const [base, bitsText] = spec.split('/');
  if (base === undefined) return false;
  const a = ipv4ToInt(addr.replace(/^::ffff:/, ''));
  const b = ipv4ToInt(base);
  if (a === null || b === null) return spec === addr;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

function ipv4ToInt(s: string): number | null {
  if (isIP(s) !== 4) return null;
  return s.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/**
 * ZooKeeper's permission check: allowed when any ACL entry grants `perm` to
 * world:anyone or to one of the caller's authenticated ids. Super users pass.
 */
export function aclAllows(acl: readonly ACL[], perm: number, authIds: readonly Id[]): boolean {
  if (authIds.some((id) => id.scheme === 'super')) return true;
  if (acl.length === 0) return true;
  for (const entry of acl) {
    if ((entry.perms & perm) === 0) continue;
    const { scheme, id } = entry.id;
    if (scheme === 'world' && id === 'anyone') return true;
    for (const auth of authIds) {
      if (auth.scheme !== scheme) continue;
      if (scheme === 'ip' ? id !== null && auth.id !== null && ipMatches(id, auth.id) : auth.id === id) return true;
    }
  }
  return false;
}

const AUTHENTICATING_SCHEMES = new Set(['digest', 'sasl', 'x509', 'super']);

function idIsValid(scheme: string, id: string): boolean {
  switch (scheme) {
    case 'digest':
      return id.split(':').length === 2;
    case 'ip': {
      const [addr, bits] = id.split('/');
      if (addr === undefined || isIP(addr) === 0) return false;
      return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (isIP(addr) === 4 ? 32 : 128));
    }
    case 'sasl':
    case 'x509':
      return true;
    default:
      return false;
  }
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
    const key = `${entry.perms}|${entry.id.scheme}|${entry.id.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { scheme, id } = entry.id;
    if (scheme === null || id === null) return null;
    if (scheme === 'world' && id === 'anyone') {
      out.push(entry);
    } else if (scheme === 'auth') {
      const mine = authIds.filter((a) => a.scheme !== null && AUTHENTICATING_SCHEMES.has(a.scheme));
      if (mine.length === 0) return null;
      for (const a of mine) out.push({ perms: entry.perms, id: a });
    } else if (idIsValid(scheme, id)) {
      out.push(entry);
    } else {
      return null;
    }
  }
  return out;
}
