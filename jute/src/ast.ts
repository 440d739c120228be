/**
 * Syntax tree of a jute IDL file, as produced by the parser and completed by
 * the resolver (record references get their `target`).
 */

/** Where something starts in the source: 1-based line and column. */
export interface SourcePos {
  line: number;
  column: number;
}

export const PRIMITIVE_TYPES = ['byte', 'boolean', 'int', 'long', 'float', 'double', 'ustring', 'buffer'] as const;
export type PrimitiveName = (typeof PRIMITIVE_TYPES)[number];

export interface PrimitiveType {
  kind: 'primitive';
  name: PrimitiveName;
  pos: SourcePos;
}

export interface VectorType {
  kind: 'vector';
  element: JuteType;
  pos: SourcePos;
}

export interface MapType {
  kind: 'map';
  key: JuteType;
  value: JuteType;
  pos: SourcePos;
}

export interface RecordRef {
  kind: 'record';
  /** The name as written: short (`Stat`) or qualified (`org.apache.zookeeper.data.Stat`). */
  name: string;
  pos: SourcePos;
  /** Filled in by resolve(). */
  target?: ClassDecl;
}

export type JuteType = PrimitiveType | VectorType | MapType | RecordRef;

export interface FieldDecl {
  name: string;
  type: JuteType;
  pos: SourcePos;
  /** A `//` comment on the same line as the field, if any. */
  doc?: string;
}

export interface ClassDecl {
  name: string;
  /** module name + '.' + class name */
  fullName: string;
  module: string;
  fields: FieldDecl[];
  pos: SourcePos;
  /** Comment lines immediately above the class, if any. */
  doc?: string;
}

export interface ModuleDecl {
  name: string;
  classes: ClassDecl[];
  pos: SourcePos;
}

export interface JuteFile {
  /** Name used in error messages. */
  source: string;
  modules: ModuleDecl[];
}

/** A resolved file: every class, in declaration order, and lookups by name. */
export interface Schema {
  file: JuteFile;
  classes: ClassDecl[];
  byFullName: Map<string, ClassDecl>;
  byShortName: Map<string, ClassDecl>;
}
