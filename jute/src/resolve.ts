/**
 * Name checking for a parsed jute file: class short names must be unique
 * (the generated TypeScript is flat), record references must name a class,
 * and no record may contain itself by value (it would be infinitely large).
 */
import type { ClassDecl, JuteFile, JuteType, RecordRef, Schema } from './ast.js';
import { JuteIdlError } from './errors.js';
import { parse } from './parser.js';

/**
 * Names a class may not take because the generated file needs them, or because
 * TypeScript cannot declare an interface/const with that name.
 */
const RESERVED_CLASS_NAMES = new Set<string>([
  // identifiers the generated module itself uses
  'JuteReader', 'JuteWriter', 'JuteDecodeError', 'Buffer', 'Array',
  // TypeScript built-in type names
  'any', 'unknown', 'never', 'number', 'string', 'boolean', 'bigint', 'symbol', 'object', 'undefined', 'null',
  // JavaScript / TypeScript reserved words
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'return',
  'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let',
  'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'arguments', 'eval',
]);

/** Suffix of the per-class field-name list the generator emits. */
export const FIELDS_SUFFIX = 'Fields';

function refsIn(t: JuteType, out: RecordRef[]): void {
  switch (t.kind) {
    case 'primitive':
      return;
    case 'vector':
      refsIn(t.element, out);
      return;
    case 'map':
      refsIn(t.key, out);
      refsIn(t.value, out);
      return;
    case 'record':
      out.push(t);
      return;
  }
}

export function resolve(file: JuteFile): Schema {
  const fail = (pos: { line: number; column: number }, detail: string): never => {
    throw new JuteIdlError(file.source, pos, detail);
  };

  const classes: ClassDecl[] = [];
  const byFullName = new Map<string, ClassDecl>();
  const byShortName = new Map<string, ClassDecl>();

  for (const mod of file.modules) {
    for (const cls of mod.classes) {
      if (RESERVED_CLASS_NAMES.has(cls.name)) {
        fail(cls.pos, `class name '${cls.name}' is reserved in the generated TypeScript`);
      }
      const first = byShortName.get(cls.name);
      if (first !== undefined) {
        fail(
          cls.pos,
          `duplicate class name '${cls.name}' (already defined as ${first.fullName} at line ${first.pos.line}); ` +
            'class short names must be unique across all modules',
        );
      }
      byShortName.set(cls.name, cls);
      byFullName.set(cls.fullName, cls);
      classes.push(cls);
    }
  }

  // `Foo` emits both `Foo` and `FooFields`; a class literally named FooFields would clash.
  for (const cls of classes) {
    const other = byShortName.get(cls.name + FIELDS_SUFFIX);
    if (other !== undefined) {
      fail(
        other.pos,
        `class name '${other.name}' clashes with the generated '${other.name}' list of class '${cls.name}' (line ${cls.pos.line})`,
      );
    }
  }

  for (const cls of classes) {
    for (const field of cls.fields) {
      const refs: RecordRef[] = [];
      refsIn(field.type, refs);
      for (const ref of refs) {
        const target = ref.name.includes('.') ? byFullName.get(ref.name) : byShortName.get(ref.name);
        if (target === undefined) {
          const hint = ref.name.includes('.') ? byShortName.get(ref.name.slice(ref.name.lastIndexOf('.') + 1)) : undefined;
          fail(
            ref.pos,
            `unknown record type '${ref.name}' in field '${field.name}' of class '${cls.name}'` +
              (hint !== undefined ? ` (did you mean '${hint.fullName}'?)` : ''),
          );
        }
        ref.target = target;
      }
    }
  }

  // A record field is always present (never null), so a by-value cycle can
  // never end. Vectors and maps may be empty, so cycles through them are fine.
  const state = new Map<ClassDecl, 'visiting' | 'done'>();
  const visit = (cls: ClassDecl, path: ClassDecl[]): void => {
    const s = state.get(cls);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(cls)), cls].map((c) => c.name).join(' -> ');
      fail(cls.pos, `record '${cls.name}' contains itself by value (${cycle}); use a vector to break the cycle`);
    }
    state.set(cls, 'visiting');
    for (const field of cls.fields) {
      if (field.type.kind === 'record' && field.type.target !== undefined) visit(field.type.target, [...path, cls]);
    }
    state.set(cls, 'done');
  };
  for (const cls of classes) visit(cls, []);

  return { file, classes, byFullName, byShortName };
}

/** parse() + resolve(). */
export function parseSchema(text: string, source = '<input>'): Schema {
  return resolve(parse(text, source));
}
