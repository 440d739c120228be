/**
 * Tokenizer for the jute IDL. Identifiers may be dotted (`org.apache.x.Y`);
 * punctuation is single characters, so `vector<vector<int>>` yields two
 * separate `>` tokens. Comments are not tokens, but they are kept on the side
 * so the parser can turn them into doc comments.
 */
import type { SourcePos } from './ast.js';
import { JuteIdlError } from './errors.js';

export type Punct = '{' | '}' | '<' | '>' | ',' | ';';

export type Token =
  | { kind: 'ident'; text: string; pos: SourcePos }
  | { kind: 'punct'; text: Punct; pos: SourcePos }
  | { kind: 'string'; text: string; pos: SourcePos }
  | { kind: 'eof'; text: ''; pos: SourcePos };

export interface Comment {
  /** Comment text without the markers, trimmed. */
  text: string;
  /** Line on which the comment starts and ends. */
  startLine: number;
  endLine: number;
  /** True when code precedes the comment on its first line. */
  trailing: boolean;
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
}

const PUNCT = new Set<string>(['{', '}', '<', '>', ',', ';']);

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}

export function lex(text: string, source: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  /** Whether a token has been produced on the current line. */
  let codeOnLine = false;

  const pos = (at: number): SourcePos => ({ line, column: at - lineStart + 1 });
  const newline = (at: number): void => {
    line++;
    lineStart = at + 1;
    codeOnLine = false;
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      newline(i);
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF') {
      i++;
      continue;
    }

    if (c === '/' && text[i + 1] === '/') {
      let end = text.indexOf('\n', i);
      if (end === -1) end = text.length;
      comments.push({ text: text.slice(i + 2, end).trim(), startLine: line, endLine: line, trailing: codeOnLine });
      i = end;
      continue;
    }

    if (c === '/' && text[i + 1] === '*') {
      const start = pos(i);
      const startLine = line;
      const trailing = codeOnLine;
      const close = text.indexOf('*/', i + 2);
      if (close === -1) throw new JuteIdlError(source, start, 'unterminated /* comment');
      const body = text.slice(i + 2, close);
      for (let k = i; k < close; k++) {
        if (text[k] === '\n') newline(k);
      }
      comments.push({
        text: body
          .split('\n')
          .map((l) => l.replace(/^\s*\*?\s?/, '').trimEnd())
          .join('\n')
          .replace(/^\*+/, '')
          .trim(),
        startLine,
        endLine: line,
        trailing,
      });
      i = close + 2;
      continue;
    }

    if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c as Punct, pos: pos(i) });
      codeOnLine = true;
      i++;
      continue;
    }

    if (c === '"') {
      const start = pos(i);
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j++;
      if (text[j] !== '"') throw new JuteIdlError(source, start, 'unterminated string literal');
      tokens.push({ kind: 'string', text: text.slice(i + 1, j), pos: start });
      codeOnLine = true;
      i = j + 1;
      continue;
    }

    if (isIdentStart(c)) {
      const start = pos(i);
      let j = i;
      for (;;) {
        while (j < text.length && isIdentPart(text[j]!)) j++;
        // A dot continues a qualified name only when an identifier follows it.
        if (text[j] === '.' && j + 1 < text.length && isIdentStart(text[j + 1]!)) {
          j++;
          continue;
        }
        break;
      }
      if (text[j] === '.') {
        throw new JuteIdlError(source, pos(j), `malformed qualified name '${text.slice(i, j + 1)}'`);
      }
      tokens.push({ kind: 'ident', text: text.slice(i, j), pos: start });
      codeOnLine = true;
      i = j;
      continue;
    }

    const shown = c < ' ' || c > '~' ? `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `'${c}'`;
    throw new JuteIdlError(source, pos(i), `unexpected character ${shown}`);
  }

  tokens.push({ kind: 'eof', text: '', pos: pos(i) });
  return { tokens, comments };
}
