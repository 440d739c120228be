/**
 * Text the way ZooKeeper's Java tools print it, so `zkts dump-*` output can be
 * read (and diffed) like TxnLogToolkit's and SnapshotFormatter's: Java's date
 * formats, `%#016x`, jute's toString() (ToStringOutputArchive), and the
 * iteration order of Java hash sets and maps.
 */
import { javaStringHash } from '../tree/java-hash-order.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
  zone: string;
}

let partsFormat: { tz: string | undefined; format: Intl.DateTimeFormat } | undefined;

/** One formatter per TZ setting (Node re-reads TZ when it changes): building one per date would dominate a large dump. */
function formatter(): Intl.DateTimeFormat {
  const tz = process.env['TZ'];
  if (partsFormat === undefined || partsFormat.tz !== tz) {
    const format = new Intl.DateTimeFormat('en-US', {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    partsFormat = { tz, format };
  }
  return partsFormat.format;
}

/** The time in the process's time zone (TZ), with its short zone name ("UTC", "GMT+1"...). */
function localTime(ms: bigint): LocalTime {
  const parts = formatter().formatToParts(new Date(Number(ms)));
  const get = (t: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === t)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    weekday: DAYS.indexOf(get('weekday')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    zone: get('timeZoneName'),
  };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** java.util.Date.toString(): "Sat Nov 21 12:34:04 UTC 2026". */
export function javaDateString(ms: bigint): string {
  const t = localTime(ms);
  return `${DAYS[t.weekday]} ${MONTHS[t.month - 1]} ${pad2(t.day)} ${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)} ${t.zone} ${t.year}`;
}

/** DateFormat.getDateTimeInstance(SHORT, LONG) in en_US: "11/21/26, 12:34:04 PM UTC". */
export function javaShortDateLongTime(ms: bigint): string {
  const t = localTime(ms);
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  return `${t.month}/${t.day}/${pad2(t.year % 100)}, ${h12}:${pad2(t.minute)}:${pad2(t.second)} ${t.hour < 12 ? 'AM' : 'PM'} ${t.zone}`;
}

/** Long.toHexString. */
export function javaHex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}

/** String.format("%#016x", v): "0x" and zero padding to 16 characters in all. */
export function javaHex016(v: bigint): string {
  return `0x${javaHex(v).padStart(14, '0')}`;
}

/** Integer.toHexString of a signed byte: no padding, and ffffff.. for negative bytes. */
function javaByteHex(b: number): string {
  return ((b << 24) >> 24 >>> 0).toString(16);
}

/**
 * jute's ToStringOutputArchive, which every generated record's toString() uses:
 * fields separated by commas, strings as 'text with %XX escapes, buffers as #hex,
 * nested records as s{...}, vectors as v{...}; a top-level record ends with "\n".
 */
export class JuteToString {
  private out = '';
  private first = true;

  private comma(): void {
    if (!this.first) this.out += ',';
    this.first = false;
  }

  long(v: bigint | number): this {
    this.comma();
    this.out += String(v);
    return this;
  }

  bool(v: boolean): this {
    this.comma();
    this.out += v ? 'T' : 'F';
    return this;
  }

  string(s: string | null): this {
    this.comma();
    if (s === null) return this;
    let e = "'";
    for (const c of s) {
      switch (c) {
        case '\0':
          e += '%00';
          break;
        case '\n':
          e += '%0A';
          break;
        case '\r':
          e += '%0D';
          break;
        case ',':
          e += '%2C';
          break;
        case '}':
          e += '%7D';
          break;
        case '%':
          e += '%25';
          break;
        default:
          e += c;
      }
    }
    this.out += e;
    return this;
  }

  buffer(b: Buffer | null): this {
    this.comma();
    if (b === null || b.length === 0) return this;
    let e = '#';
    for (const byte of b) e += javaByteHex(byte);
    this.out += e;
    return this;
  }

  /** A nested record (a field of record type, or a vector element). */
  record(fill: (a: this) => void): this {
    this.comma();
    this.out += 's{';
    this.first = true;
    fill(this);
    this.out += '}';
    this.first = false;
    return this;
  }

  vector<T>(items: readonly T[] | null, each: (a: this, item: T) => void): this {
    this.comma();
    this.out += 'v{';
    this.first = true;
    for (const item of items ?? []) each(this, item);
    this.out += '}';
    this.first = false;
    return this;
  }

  /** The text of a top-level record: what its toString() returns. */
  toString(): string {
    return `${this.out}\n`;
  }
}

/**
 * The order a java.util.HashSet/HashMap iterates keys inserted in `items`' order:
 * by bucket of the spread hash in a table that starts at `initialCapacity` and
 * doubles whenever it is more than 3/4 full; insertion order within a bucket.
 */
export function javaHashOrder<T>(items: readonly T[], hashOf: (item: T) => number, initialCapacity = 16): T[] {
  let size = initialCapacity;
  while (items.length > size * 0.75) size *= 2;
  return items
    .map((item, i) => {
      const h = hashOf(item);
      return { item, i, b: (h ^ (h >>> 16)) & (size - 1) };
    })
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.item);
}

export function javaLongHash(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  return Number(BigInt.asIntN(32, u ^ (u >> 32n)));
}

export { javaStringHash };
