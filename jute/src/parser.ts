/**
 * Recursive-descent parser for the jute IDL:
 *
 *   file   := module* EOF
 *   module := 'module' qname '{' class* '}'
 *   class  := 'class' ident '{' field* '}'
 *   field  := type ident ';'
 *   type   := 'byte' | 'boolean' | 'int' | 'long' | 'float' | 'double'
 *           | 'ustring' | 'buffer'
 *           | 'vector' '<' type '>'
 *           | 'map' '<' type ',' type '>'
 *           | qname                      (a record, short or qualified name)
 *
 * parse() only builds the tree; resolve() checks names and links record
 * references. parseSchema() does both.
 */
import {
  PRIMITIVE_TYPES,
  type ClassDecl,
  type FieldDecl,
  type JuteFile,
  type JuteType,
  type ModuleDecl,
  type PrimitiveName,
  type SourcePos,
} from './ast.js';
import { JuteIdlError } from './errors.js';
import { lex, type Comment, type Token } from './lexer.js';

const PRIMITIVES = new Set<string>(PRIMITIVE_TYPES);
const KEYWORDS = new Set<string>(['module', 'class', 'include', 'vector', 'map', ...PRIMITIVE_TYPES]);

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of file';
    case 'string':
      return `string "${t.text}"`;
    default:
      return `'${t.text}'`;
  }
}

class Parser {
  private at = 0;
  private readonly trailingByLine = new Map<number, string>();
  private readonly leadingByEndLine = new Map<number, Comment>();

  constructor(
    private readonly tokens: Token[],
    comments: Comment[],
    private readonly source: string,
  ) {
    for (const c of comments) {
      if (c.trailing && c.startLine === c.endLine) this.trailingByLine.set(c.startLine, c.text);
      else if (!c.trailing) this.leadingByEndLine.set(c.endLine, c);
    }
  }

  private fail(pos: SourcePos, detail: string): never {
    throw new JuteIdlError(this.source, pos, detail);
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const t = this.tokens[this.at]!;
    if (t.kind !== 'eof') this.at++;
    return t;
  }

  private expectPunct(p: string, context: string): Token {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== p) this.fail(t.pos, `expected '${p}' ${context}, found ${describe(t)}`);
    return t;
  }

  private isPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }

  /** A plain (undotted) identifier that is not a keyword. */
  private expectSimpleName(what: string): Token {
    const t = this.next();
    if (t.kind !== 'ident') this.fail(t.pos, `expected ${what}, found ${describe(t)}`);
    if (t.text.includes('.')) this.fail(t.pos, `${what} must not contain '.', found '${t.text}'`);
    if (KEYWORDS.has(t.text)) this.fail(t.pos, `'${t.text}' is a reserved word and cannot be used as ${what}`);
    return t;
  }

  parseFile(): ModuleDecl[] {
    const modules: ModuleDecl[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return modules;
      if (t.kind === 'ident' && t.text === 'module') {
        modules.push(this.parseModule());
        continue;
      }
      if (t.kind === 'ident' && t.text === 'include') {
        this.fail(t.pos, "'include' is not supported: put all records in one file");
      }
      this.fail(t.pos, `expected 'module', found ${describe(t)}`);
    }
  }

  private parseModule(): ModuleDecl {
    const kw = this.next();
    const nameTok = this.next();
    if (nameTok.kind !== 'ident') this.fail(nameTok.pos, `expected a module name after 'module', found ${describe(nameTok)}`);
    for (const part of nameTok.text.split('.')) {
      if (KEYWORDS.has(part)) this.fail(nameTok.pos, `'${part}' is a reserved word and cannot be part of a module name`);
    }
    this.expectPunct('{', `to open module '${nameTok.text}'`);
    const mod: ModuleDecl = { name: nameTok.text, classes: [], pos: kw.pos };
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && t.text === '}') {
        this.next();
        return mod;
      }
      if (t.kind === 'ident' && t.text === 'class') {
        mod.classes.push(this.parseClass(mod.name));
        continue;
      }
      if (t.kind === 'eof') this.fail(t.pos, `module '${mod.name}' (line ${mod.pos.line}) is not closed: missing '}'`);
      this.fail(t.pos, `expected 'class' or '}' in module '${mod.name}', found ${describe(t)}`);
    }
  }

  private docAbove(line: number): string | undefined {
    const parts: string[] = [];
    let expect = line - 1;
    for (;;) {
      const c = this.leadingByEndLine.get(expect);
      if (c === undefined) break;
      parts.unshift(c.text);
      expect = c.startLine - 1;
    }
    const text = parts.join('\n').trim();
    return text === '' ? undefined : text;
  }

  private parseClass(moduleName: string): ClassDecl {
    const kw = this.next();
    const nameTok = this.expectSimpleName('a class name');
    this.expectPunct('{', `to open class '${nameTok.text}'`);
    const cls: ClassDecl = {
      name: nameTok.text,
      fullName: `${moduleName}.${nameTok.text}`,
      module: moduleName,
      fields: [],
      pos: nameTok.pos,
    };
    const doc = this.docAbove(kw.pos.line);
    if (doc !== undefined) cls.doc = doc;
    const seen = new Map<string, FieldDecl>();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && t.text === '}') {
        this.next();
        return cls;
      }
      if (t.kind === 'eof') this.fail(t.pos, `class '${cls.name}' (line ${cls.pos.line}) is not closed: missing '}'`);
      const field = this.parseField(cls.name);
      const dup = seen.get(field.name);
      if (dup !== undefined) {
        this.fail(field.pos, `duplicate field '${field.name}' in class '${cls.name}' (first declared at line ${dup.pos.line})`);
      }
      seen.set(field.name, field);
      cls.fields.push(field);
    }
  }

  private parseField(className: string): FieldDecl {
    const type = this.parseType();
    const nameTok = this.next();
    if (nameTok.kind !== 'ident') {
      this.fail(nameTok.pos, `expected a field name in class '${className}', found ${describe(nameTok)}`);
    }
    if (nameTok.text.includes('.')) this.fail(nameTok.pos, `field name must not contain '.', found '${nameTok.text}'`);
    if (KEYWORDS.has(nameTok.text)) {
      this.fail(nameTok.pos, `'${nameTok.text}' is a reserved word and cannot be used as a field name`);
    }
    if (nameTok.text === '__proto__') this.fail(nameTok.pos, "'__proto__' cannot be used as a field name");
    const semi = this.expectPunct(';', `after field '${nameTok.text}'`);
    const field: FieldDecl = { name: nameTok.text, type, pos: nameTok.pos };
    const doc = this.trailingByLine.get(semi.pos.line);
    if (doc !== undefined && doc !== '') field.doc = doc;
    return field;
  }

  private parseType(): JuteType {
    const t = this.next();
    if (t.kind !== 'ident') this.fail(t.pos, `expected a type, found ${describe(t)}`);
    if (PRIMITIVES.has(t.text)) return { kind: 'primitive', name: t.text as PrimitiveName, pos: t.pos };
    if (t.text === 'vector') {
      this.expectPunct('<', "after 'vector'");
      const element = this.parseType();
      this.expectPunct('>', 'to close vector<...>');
      return { kind: 'vector', element, pos: t.pos };
    }
    if (t.text === 'map') {
      this.expectPunct('<', "after 'map'");
      const key = this.parseType();
      this.expectPunct(',', 'between the key and value types of map<K, V>');
      const value = this.parseType();
      this.expectPunct('>', 'to close map<...>');
      return { kind: 'map', key, value, pos: t.pos };
    }
    if (KEYWORDS.has(t.text)) this.fail(t.pos, `expected a type, found keyword '${t.text}'`);
    return { kind: 'record', name: t.text, pos: t.pos };
  }
}

/** Parses IDL text into a tree; names are not checked yet (see resolve). */
export function parse(text: string, source = '<input>'): JuteFile {
  const { tokens, comments } = lex(text, source);
  const modules = new Parser(tokens, comments, source).parseFile();
  return { source, modules };
}
