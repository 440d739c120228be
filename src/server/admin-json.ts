/**
 * JSON as ZooKeeper's AdminServer writes it. ZooKeeper serialises command
 * responses with Jackson's default pretty printer, so monitoring scripts that
 * diff or grep its output see: two-space indentation per object level,
 * `"key" : value`, arrays on one line as `[ a, b ]`, empty containers as `{ }`
 * and `[ ]`, no trailing newline. Numbers are Java longs (printed exactly, so
 * 64-bit session ids survive) or doubles (Double.toString: always a fraction).
 */
import { javaDouble } from '../protocol/four-letter-format.js';

/** A value Java prints as a double: "0.0", "3.5", "1.0E7". */
export class JsonDouble {
  constructor(readonly value: number) {}
}

/**
 * A JSON value. Objects are Maps, so key order is insertion order (ZooKeeper's
 * responses are LinkedHashMaps). An integer number or bigint prints as a Java
 * long; a non-integer number prints as a double.
 */
export type JsonValue = null | boolean | string | number | bigint | JsonDouble | readonly JsonValue[] | JsonObject;
export type JsonObject = ReadonlyMap<string, JsonValue>;

function isObject(v: JsonValue): v is JsonObject {
  return v instanceof Map;
}

function numberText(n: number): string {
  // Jackson writes NaN and the infinities as strings (WRITE_NAN_AS_STRINGS).
  if (!Number.isFinite(n)) return JSON.stringify(javaDouble(n));
  return Number.isInteger(n) ? BigInt(n).toString() : javaDouble(n);
}

function write(v: JsonValue, depth: number): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // JSON.stringify escapes exactly what Jackson escapes: '"', '\\' and control characters.
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return BigInt.asIntN(64, v).toString();
  if (typeof v === 'number') return numberText(v);
  if (v instanceof JsonDouble) return Number.isFinite(v.value) ? javaDouble(v.value) : JSON.stringify(javaDouble(v.value));
  if (isObject(v)) {
    if (v.size === 0) return '{ }';
    const inner = '  '.repeat(depth + 1);
    const fields = [...v].map(([k, x]) => `${inner}${JSON.stringify(k)} : ${write(x, depth + 1)}`);
    return `{\n${fields.join(',\n')}\n${'  '.repeat(depth)}}`;
  }
  // Arrays do not indent: their elements stay at the enclosing object's depth.
  if (v.length === 0) return '[ ]';
  return `[ ${v.map((x) => write(x, depth)).join(', ')} ]`;
}

/** The text Jackson's INDENT_OUTPUT mapper writes for `value`. */
export function jacksonJson(value: JsonValue): string {
  return write(value, 0);
}

/** Builds a JsonObject from entries, keeping their order. */
export function jsonObject(entries: Iterable<readonly [string, JsonValue]>): JsonObject {
  return new Map(entries);
}
