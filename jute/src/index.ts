/** jute-ts-codegen: jute IDL parser and TypeScript record generator. */
export * from './ast.js';
export { JuteIdlError } from './errors.js';
export { lex, type Token, type Comment, type LexResult } from './lexer.js';
export { parse } from './parser.js';
export { resolve, parseSchema, FIELDS_SUFFIX } from './resolve.js';
export { generateTypeScript, GENERATED_HEADER, type GenerateOptions } from './generate-ts.js';
