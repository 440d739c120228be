/**
 * ZooKeeper's rules for znode paths. Returns why a path is invalid, or null when
 * it is valid. Sequential creates are checked with a digit appended, as the
 * suffix makes a trailing '/' legal there.
 */
export function invalidPathReason(path: string | null, sequential = false): string | null {
  if (path === null) return 'Path cannot be null';
  const p = sequential ? `${path}1` : path;
  if (p.length === 0) return 'Path length must be > 0';
  if (p.charCodeAt(0) !== 0x2f) return 'Path must start with / character';
  if (p.length === 1) return null;
  if (p.charCodeAt(p.length - 1) === 0x2f) return 'Path must not end with / character';
  let last = 0x2f;
  for (let i = 1; i < p.length; last = p.charCodeAt(i), i++) {
    const c = p.charCodeAt(i);
    const atComponentEnd = i + 1 === p.length || p.charCodeAt(i + 1) === 0x2f;
    if (c === 0) return `null character not allowed @${i}`;
    if (c === 0x2f && last === 0x2f) return `empty node name specified @${i}`;
    if (c === 0x2e && last === 0x2e) {
      if (p.charCodeAt(i - 2) === 0x2f && atComponentEnd) return `relative paths not allowed @${i}`;
    } else if (c === 0x2e) {
      if (p.charCodeAt(i - 1) === 0x2f && atComponentEnd) return `relative paths not allowed @${i}`;
    } else if (
      (c > 0 && c <= 0x1f) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      (c >= 0xfff0 && c <= 0xffff)
    ) {
      return `invalid character @${i}`;
    }
  }
  return null;
}

/** Parent of an absolute path; '/' for top-level nodes. */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.substring(0, i);
}

export function baseName(path: string): string {
  return path.substring(path.lastIndexOf('/') + 1);
}
