/**
 * jute-ts-codegen on small IDL snippets: lexer/parser/resolver behaviour,
 * error messages with line numbers, and the generated TypeScript (which is
 * type-checked under strict settings and then executed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import {
  GENERATED_HEADER,
  JuteIdlError,
  generateTypeScript,
  parse,
  parseSchema,
  type JuteType,
} from '../jute/src/index.js';
import { JuteDecodeError, JuteReader } from '../src/protocol/jute-reader.js';
import { JuteWriter } from '../src/protocol/jute-writer.js';
import { repoRoot } from './support/fixtures.js';

/** Asserts that `fn` throws a JuteIdlError at `line` whose message matches `pattern`. */
function assertIdlError(fn: () => unknown, line: number, pattern: RegExp): JuteIdlError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof JuteIdlError, `expected a JuteIdlError, got ${String(caught)}`);
  assert.equal(caught.line, line, `wrong line in: ${caught.message}`);
  assert.match(caught.message, pattern);
  assert.match(caught.message, new RegExp(`^[^:]+:${line}:\\d+: `), 'message starts with source:line:column');
  return caught;
}

function typeText(t: JuteType): string {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'vector':
      return `vector<${typeText(t.element)}>`;
    case 'map':
      return `map<${typeText(t.key)},${typeText(t.value)}>`;
    case 'record':
      return `@${t.target?.fullName ?? `?${t.name}`}`;
  }
}

// ---------------------------------------------------------------------------
// Parsing

const SAMPLE = `/* A sample with every kind of type.
 * Multi-line block comment. */
module demo.base {
    // A pair of strings.
    class Pair { ustring left; ustring right; }
}

module demo.app {
    class Everything {
        byte b;          // one signed byte
        boolean flag;
        int i;
        long l;
        float f;
        double d;
        ustring s;
        buffer buf;
        vector<int> ints;
        vector<ustring> names;
        vector<vector<long>> grid;
        vector<demo.base.Pair> pairs;   // qualified reference
        Pair pair;                       // short reference
        map<ustring, vector<int>> index;
        Later later;                     // forward reference
    }
    class Later { int x; }
    class Empty { }
    class Ints { vector<int> v; }
    class Names { vector<ustring> v; }
}
`;

test('parser: modules, classes, all field types, references and comments', () => {
  const schema = parseSchema(SAMPLE, 'sample.jute');
  assert.deepEqual(
    schema.file.modules.map((m) => [m.name, m.classes.map((c) => c.name)]),
    [
      ['demo.base', ['Pair']],
      ['demo.app', ['Everything', 'Later', 'Empty', 'Ints', 'Names']],
    ],
  );
  const every = schema.byShortName.get('Everything');
  assert.ok(every);
  assert.equal(every.fullName, 'demo.app.Everything');
  assert.deepEqual(
    every.fields.map((f) => `${typeText(f.type)} ${f.name}`),
    [
      'byte b',
      'boolean flag',
      'int i',
      'long l',
      'float f',
      'double d',
      'ustring s',
      'buffer buf',
      'vector<int> ints',
      'vector<ustring> names',
      'vector<vector<long>> grid',
      'vector<@demo.base.Pair> pairs',
      '@demo.base.Pair pair',
      'map<ustring,vector<int>> index',
      '@demo.app.Later later',
    ],
  );
  assert.equal(every.fields[0]?.doc, 'one signed byte');
  assert.equal(every.fields[11]?.doc, 'qualified reference');
  assert.equal(every.fields[1]?.doc, undefined);
  assert.equal(schema.byShortName.get('Pair')?.doc, 'A pair of strings.');
  assert.equal(every.pos.line, 9);
  assert.equal(every.fields[2]?.pos.line, 12);
  assert.equal(schema.byShortName.get('Empty')?.fields.length, 0);
  assert.equal(schema.byFullName.get('demo.base.Pair')?.name, 'Pair');
});

test('parser: a module may appear twice; comments anywhere; CRLF line ends', () => {
  const text = 'module m { class A { int x; } }\r\n// c\r\nmodule m { /* inline */ class B { A a; /* trailing */ } }\r\n';
  const schema = parseSchema(text);
  assert.deepEqual(
    schema.classes.map((c) => c.fullName),
    ['m.A', 'm.B'],
  );
});

test('errors: syntax problems are reported with their line number', () => {
  assertIdlError(() => parse('module m {\n  class A {\n    int x\n  }\n}\n', 'bad.jute'), 4, /expected ';' after field 'x', found '}'/);
  assertIdlError(() => parse('module m {\n  class A {\n    int;\n  }\n}'), 3, /expected a field name in class 'A', found ';'/);
  assertIdlError(() => parse('module m {\n  class A {\n    vector<int x;\n  }\n}'), 3, /expected '>' to close vector/);
  assertIdlError(() => parse('module m {\n  class A {\n    map<int> x;\n  }\n}'), 3, /expected ',' between the key and value types/);
  assertIdlError(() => parse('\n\nclass A { int x; }'), 3, /expected 'module', found 'class'/);
  assertIdlError(() => parse('module m {\n  class A {\n    int x;\n'), 4, /class 'A' \(line 2\) is not closed/);
  assertIdlError(() => parse('module m {\n  class A { int x; }\n'), 3, /module 'm' \(line 1\) is not closed/);
  assertIdlError(() => parse('module m {\n\n  /* never closed\n  class A {}\n}'), 3, /unterminated \/\* comment/);
  assertIdlError(() => parse('module m {\n  class A {\n    int x = 3;\n  }\n}'), 3, /unexpected character '='/);
  assertIdlError(() => parse('module m {\n  class A {\n    int x..y;\n  }\n}'), 3, /malformed qualified name/);
  assertIdlError(() => parse('include "other.jute"\n'), 1, /'include' is not supported/);
  assertIdlError(() => parse('module m {\n  class int { }\n}'), 2, /'int' is a reserved word/);
  assertIdlError(() => parse('module m {\n  class A {\n    int vector;\n  }\n}'), 3, /'vector' is a reserved word/);
  assertIdlError(() => parse('module m {\n  class A {\n    int __proto__;\n  }\n}'), 3, /'__proto__' cannot be used/);
  assertIdlError(() => parse('module m {\n  class a.B { }\n}'), 2, /class name must not contain '\.'/);
  const e = assertIdlError(() => parse('module m {\n  class A {\n    int x\n  }\n}', 'named.jute'), 4, /./);
  assert.equal(e.source, 'named.jute');
  assert.equal(e.column, 3);
  assert.match(e.message, /^named\.jute:4:3: /);
});

test('errors: name resolution problems are reported with their line number', () => {
  assertIdlError(
    () => parseSchema('module a {\n  class Dup { int x; }\n}\nmodule b {\n  class Other { }\n  class Dup { long y; }\n}'),
    6,
    /duplicate class name 'Dup' \(already defined as a\.Dup at line 2\)/,
  );
  assertIdlError(
    () => parseSchema('module m {\n  class A {\n    int x;\n    long x;\n  }\n}'),
    4,
    /duplicate field 'x' in class 'A' \(first declared at line 3\)/,
  );
  assertIdlError(() => parseSchema('module m {\n  class A {\n    Missing x;\n  }\n}'), 3, /unknown record type 'Missing'/);
  assertIdlError(
    () => parseSchema('module m {\n  class B { }\n  class A {\n    vector<wrong.B> x;\n  }\n}'),
    4,
    /unknown record type 'wrong\.B'.*did you mean 'm\.B'/,
  );
  assertIdlError(
    () => parseSchema('module m {\n  class A { B b; }\n  class B { C c; }\n  class C { A a; }\n}'),
    2,
    /record 'A' contains itself by value \(A -> B -> C -> A\)/,
  );
  assertIdlError(() => parseSchema('module m {\n  class Buffer { }\n}'), 2, /class name 'Buffer' is reserved/);
  assertIdlError(() => parseSchema('module m {\n  class A { }\n  class AFields { }\n}'), 3, /'AFields' clashes/);
  // Recursion through a vector is fine: the vector can be empty.
  const tree = parseSchema('module m {\n  class Node { ustring name; vector<Node> kids; }\n}');
  assert.equal(tree.classes.length, 1);
});

// ---------------------------------------------------------------------------
// Generated TypeScript

test('generator: header, declarations and type mapping', () => {
  const code = generateTypeScript(parseSchema(SAMPLE, 'sample.jute'));
  assert.ok(code.startsWith(`${GENERATED_HEADER}\n`), 'starts with the do-not-edit header');
  assert.match(code, /^\/\/ generated by jute\/ — do not edit$/m);
  assert.match(code, /^import \{ JuteDecodeError, type JuteReader \} from '\.\.\/jute-reader\.js';$/m);
  assert.match(code, /^import type \{ JuteWriter \} from '\.\.\/jute-writer\.js';$/m);
  const expectLines = [
    'export interface Everything {',
    '  b: number;',
    '  flag: boolean;',
    '  i: number;',
    '  l: bigint;',
    '  f: number;',
    '  d: number;',
    '  s: string | null;',
    '  buf: Buffer | null;',
    '  ints: number[] | null;',
    '  names: string[] | null;',
    '  grid: bigint[][] | null;',
    '  pairs: Pair[] | null;',
    '  pair: Pair;',
    '  index: Array<[string, number[]]> | null;',
    '  later: Later;',
    'export const Everything = {',
    '  encode(w: JuteWriter, v: Everything): void {',
    '  decode(r: JuteReader): Everything {',
    "export const EverythingFields = ['b', 'flag', 'i', 'l', 'f', 'd', 's', 'buf', 'ints', 'names', 'grid', 'pairs', 'pair', 'index', 'later'] as const;",
    'export interface Empty {}',
    "export const EmptyFields = [] as const;",
    '  /** one signed byte */',
  ];
  const lines = new Set(code.split('\n'));
  for (const l of expectLines) assert.ok(lines.has(l), `missing line: ${l}`);
  // Only the records are exported: interface + const + Fields per class.
  const exported = code.split('\n').filter((l) => l.startsWith('export '));
  assert.equal(exported.length, 6 * 3);
  assert.doesNotMatch(code, /:\s*any\b|<any>|\bas any\b/);
});

test('generator: output is deterministic and honours import options', () => {
  const a = generateTypeScript(parseSchema(SAMPLE, 'sample.jute'));
  const b = generateTypeScript(parseSchema(SAMPLE, 'sample.jute'));
  assert.equal(a, b);
  const c = generateTypeScript(parseSchema(SAMPLE, 'sample.jute'), {
    readerImport: './r.js',
    writerImport: './w.js',
    sourceName: 'x.jute',
  });
  assert.match(c, /from '\.\/r\.js';/);
  assert.match(c, /from '\.\/w\.js';/);
  assert.match(c, /^\/\/ Source: x\.jute \(6 records\)\.$/m);
  // A schema without vectors or maps needs no helpers and no JuteDecodeError.
  const plain = generateTypeScript(parseSchema('module m { class P { int a; ustring b; } }'));
  assert.doesNotMatch(plain, /\$readVector|\$nonNull|JuteDecodeError/);
  assert.match(plain, /^import \{ type JuteReader \} from/m);
});

/** The shape of the SAMPLE module once generated and loaded. */
interface Codec<T> {
  encode(w: JuteWriter, v: T): void;
  decode(r: JuteReader): T;
}
interface PairV {
  left: string | null;
  right: string | null;
}
interface EverythingV {
  b: number;
  flag: boolean;
  i: number;
  l: bigint;
  f: number;
  d: number;
  s: string | null;
  buf: Buffer | null;
  ints: number[] | null;
  names: string[] | null;
  grid: bigint[][] | null;
  pairs: PairV[] | null;
  pair: PairV;
  index: Array<[string, number[]]> | null;
  later: { x: number };
}
interface SampleModule {
  Pair: Codec<PairV>;
  Everything: Codec<EverythingV>;
  Empty: Codec<Record<string, never>>;
  Ints: Codec<{ v: number[] | null }>;
  Names: Codec<{ v: string[] | null }>;
  EverythingFields: readonly string[];
}

function withTempDir<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'jute-codegen-'));
  return Promise.resolve()
    .then(() => fn(dir))
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('generated code type-checks under strict TypeScript (no implicit any, no unused locals)', async () => {
  await withTempDir((dir) => {
    const file = join(dir, 'records.mts');
    const toProtocol = relative(dir, join(repoRoot, 'src', 'protocol')).split('\\').join('/');
    const schemas = [
      parseSchema(SAMPLE, 'sample.jute'),
      parseSchema(readFileSync(join(repoRoot, 'jute', 'zookeeper.jute'), 'utf8'), 'zookeeper.jute'),
    ];
    for (const schema of schemas) {
      writeFileSync(
        file,
        generateTypeScript(schema, {
          readerImport: `${toProtocol}/jute-reader.js`,
          writerImport: `${toProtocol}/jute-writer.js`,
        }),
      );
      const program = ts.createProgram([file], {
        strict: true,
        noImplicitAny: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        noImplicitReturns: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(repoRoot, 'node_modules', '@types')],
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        return `${d.file?.fileName ?? ''}:${where ? where.line + 1 : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      assert.deepEqual(diagnostics, [], `generated code for ${schema.file.source} has type errors`);
    }
  });
});

test('generated code runs: round trip of every type, nulls, nesting, and checked decoding', async () => {
  await withTempDir(async (dir) => {
    const distProtocol = join(repoRoot, 'dist', 'src', 'protocol');
    const code = generateTypeScript(parseSchema(SAMPLE, 'sample.jute'), {
      readerImport: pathToFileURL(join(distProtocol, 'jute-reader.js')).href,
      writerImport: pathToFileURL(join(distProtocol, 'jute-writer.js')).href,
    });
    const js = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const file = join(dir, 'sample.mjs');
    writeFileSync(file, js);
    const mod = (await import(pathToFileURL(file).href)) as SampleModule;

    const value: EverythingV = {
      b: -7,
      flag: true,
      i: -123456,
      l: -(2n ** 62n),
      f: 1.5,
      d: Math.PI,
      s: 'héllo',
      buf: Buffer.from([1, 2, 3]),
      ints: [1, -1, 2147483647],
      names: ['a', '', 'ü'],
      grid: [[1n, 2n], [], [3n]],
      pairs: [{ left: 'l', right: null }],
      pair: { left: null, right: 'r' },
      index: [
        ['k1', [1, 2]],
        ['k2', []],
      ],
      later: { x: 42 },
    };
    const w = new JuteWriter(8);
    mod.Everything.encode(w, value);
    const bytes = w.toBuffer();
    const r = new JuteReader(bytes);
    const back = mod.Everything.decode(r);
    assert.equal(r.remaining(), 0);
    assert.deepEqual(back, value);

    // Exact bytes of a small record: int length + UTF-8, -1 for null.
    const pw = new JuteWriter();
    mod.Pair.encode(pw, { left: 'ab', right: null });
    assert.equal(pw.toBuffer().toString('hex'), '000000026162' + 'ffffffff');

    // Nulls at the top level of a field.
    const nulls: EverythingV = { ...value, s: null, buf: null, ints: null, names: null, grid: null, pairs: null, index: null };
    const nw = new JuteWriter();
    mod.Everything.encode(nw, nulls);
    assert.deepEqual(mod.Everything.decode(new JuteReader(nw.toBuffer())), nulls);

    // Empty record: zero bytes.
    const ew = new JuteWriter();
    mod.Empty.encode(ew, {});
    assert.equal(ew.toBuffer().length, 0);
    assert.deepEqual(mod.Empty.decode(new JuteReader(Buffer.alloc(0))), {});
    assert.deepEqual([...mod.EverythingFields].slice(0, 3), ['b', 'flag', 'i']);

    // Every truncation of a valid encoding is rejected, never read past.
    for (let cut = 0; cut < bytes.length; cut++) {
      assert.throws(() => mod.Everything.decode(new JuteReader(bytes, 0, cut)), JuteDecodeError, `cut at ${cut}`);
    }

    // Vector wire form, null vector, and a count larger than the bytes left (rejected up front).
    const iw = new JuteWriter();
    mod.Ints.encode(iw, { v: [5, -1] });
    assert.equal(iw.toBuffer().toString('hex'), '00000002' + '00000005' + 'ffffffff');
    assert.deepEqual(mod.Ints.decode(new JuteReader(Buffer.from('ffffffff', 'hex'))), { v: null });
    assert.throws(() => mod.Ints.decode(new JuteReader(Buffer.from('0000000300000001', 'hex'))), /vector length 3 exceeds/);
    assert.throws(() => mod.Ints.decode(new JuteReader(Buffer.from('fffffffe', 'hex'))), /negative vector length/);

    // A null element inside a vector is a decode error (vector<ustring> is string[] | null).
    assert.throws(
      () => mod.Names.decode(new JuteReader(Buffer.from('00000001ffffffff', 'hex'))),
      (err: unknown) => err instanceof JuteDecodeError && /null ustring inside a vector or map/.test(err.message),
    );
  });
});

// ---------------------------------------------------------------------------
// The real IDL

const REQUIRED_RECORDS = [
  // data
  'Id', 'ACL', 'Stat', 'StatPersisted', 'ClientInfo',
  // proto
  'ConnectRequest', 'ConnectResponse', 'SetWatches', 'SetWatches2', 'RequestHeader', 'MultiHeader', 'AuthPacket',
  'ReplyHeader', 'GetDataRequest', 'GetDataResponse', 'SetDataRequest', 'SetDataResponse', 'GetSASLRequest',
  'SetSASLRequest', 'SetSASLResponse', 'CreateRequest', 'CreateTTLRequest', 'DeleteRequest', 'GetChildrenRequest',
  'GetChildrenResponse', 'GetChildren2Request', 'GetChildren2Response', 'CheckVersionRequest', 'GetMaxChildrenRequest',
  'GetMaxChildrenResponse', 'SetMaxChildrenRequest', 'SyncRequest', 'SyncResponse', 'GetACLRequest', 'GetACLResponse',
  'SetACLRequest', 'SetACLResponse', 'AddWatchRequest', 'WatcherEvent', 'ErrorResponse', 'CreateResponse',
  'Create2Response', 'ExistsRequest', 'ExistsResponse', 'GetEphemeralsRequest', 'GetEphemeralsResponse',
  'GetAllChildrenNumberRequest', 'GetAllChildrenNumberResponse', 'CheckWatchesRequest', 'RemoveWatchesRequest',
  'WhoAmIResponse', 'ReconfigRequest',
  // server.quorum, server.persistence
  'LearnerInfo', 'QuorumPacket', 'QuorumAuthPacket', 'FileHeader',
  // txn
  'TxnDigest', 'TxnHeader', 'CreateTxnV0', 'CreateTxn', 'CreateTTLTxn', 'CreateContainerTxn', 'DeleteTxn', 'SetDataTxn',
  'CheckVersionTxn', 'SetACLTxn', 'SetMaxChildrenTxn', 'CreateSessionTxn', 'CloseSessionTxn', 'ErrorTxn', 'Txn', 'MultiTxn',
];

test('zookeeper.jute: parses, defines every record, and the build output is current', () => {
  const idlPath = join(repoRoot, 'jute', 'zookeeper.jute');
  const schema = parseSchema(readFileSync(idlPath, 'utf8'), 'jute/zookeeper.jute');
  const names = new Set(schema.classes.map((c) => c.name));
  for (const n of REQUIRED_RECORDS) assert.ok(names.has(n), `zookeeper.jute lacks ${n}`);
  assert.equal(schema.classes.length, REQUIRED_RECORDS.length, 'no unexpected extra records');

  const fieldsOf = (name: string): string[] =>
    (schema.byShortName.get(name)?.fields ?? []).map((f) => `${typeText(f.type)} ${f.name}`);
  // The readOnly byte is NOT part of the connect records (the connection codec handles it).
  assert.deepEqual(fieldsOf('ConnectRequest'), [
    'int protocolVersion', 'long lastZxidSeen', 'int timeOut', 'long sessionId', 'buffer passwd',
  ]);
  assert.deepEqual(fieldsOf('ConnectResponse'), ['int protocolVersion', 'int timeOut', 'long sessionId', 'buffer passwd']);
  assert.deepEqual(fieldsOf('QuorumPacket'), [
    'int type', 'long zxid', 'buffer data', 'vector<@org.apache.zookeeper.data.Id> authinfo',
  ]);
  assert.equal(schema.byShortName.get('Stat')?.module, 'org.apache.zookeeper.data');
  assert.equal(schema.byShortName.get('TxnHeader')?.module, 'org.apache.zookeeper.txn');

  const generatedPath = join(repoRoot, 'src', 'protocol', 'generated', 'records.ts');
  assert.ok(existsSync(generatedPath), 'run `npm run codegen` first');
  const expected = generateTypeScript(schema, { sourceName: 'zookeeper.jute' });
  assert.equal(readFileSync(generatedPath, 'utf8'), expected, 'src/protocol/generated/records.ts is stale: run `npm run codegen`');
});

test('cli: writes the module, reports bad IDL with file:line:column, prints usage', async () => {
  const cli = join(repoRoot, 'jute', 'dist', 'cli.js');
  assert.ok(existsSync(cli), 'jute/dist/cli.js missing: run `npm run codegen`');
  await withTempDir((dir) => {
    const good = join(dir, 'good.jute');
    const out = join(dir, 'out', 'records.ts');
    writeFileSync(good, 'module m { class P { int a; } }\n');
    const ok = spawnSync(process.execPath, [cli, good, out], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const text = readFileSync(out, 'utf8');
    assert.ok(text.startsWith(GENERATED_HEADER));
    assert.match(text, /^\/\/ Source: good\.jute \(1 records\)\.$/m);

    const bad = join(dir, 'bad.jute');
    writeFileSync(bad, 'module m {\n  class P {\n    int a\n  }\n}\n');
    const fail = spawnSync(process.execPath, [cli, bad, join(dir, 'never.ts')], { encoding: 'utf8' });
    assert.equal(fail.status, 1);
    assert.match(fail.stderr, /bad\.jute:4:3: expected ';' after field 'a'/);
    assert.ok(!existsSync(join(dir, 'never.ts')), 'no output on error');

    const usage = spawnSync(process.execPath, [cli], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /usage: jute-ts-codegen <input\.jute> <output\.ts>/);
  });
});
