import type { SourcePos } from './ast.js';

/** Any problem with a jute IDL file; the message carries `source:line:column`. */
export class JuteIdlError extends Error {
  readonly source: string;
  readonly line: number;
  readonly column: number;
  readonly detail: string;

  constructor(source: string, pos: SourcePos, detail: string) {
    super(`${source}:${pos.line}:${pos.column}: ${detail}`);
    this.name = 'JuteIdlError';
    this.source = source;
    this.line = pos.line;
    this.column = pos.column;
    this.detail = detail;
  }
}
