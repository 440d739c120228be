/**
 * jute-ts-codegen command line:
 *
 *   node jute/dist/cli.js <input.jute> <output.ts>
 *
 * Parses and checks the IDL, then writes the generated module (creating its
 * directory). The file is only rewritten when its content changes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { JuteIdlError } from './errors.js';
import { generateTypeScript } from './generate-ts.js';
import { parseSchema } from './resolve.js';

function main(argv: string[]): number {
  if (argv.length !== 2 || argv[0] === undefined || argv[1] === undefined) {
    process.stderr.write('usage: jute-ts-codegen <input.jute> <output.ts>\n');
    return 2;
  }
  const [input, output] = argv;
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (err) {
    process.stderr.write(`jute-ts-codegen: cannot read ${input}: ${(err as Error).message}\n`);
    return 1;
  }

  let code: string;
  try {
    const schema = parseSchema(text, input);
    code = generateTypeScript(schema, { sourceName: basename(input) });
  } catch (err) {
    if (err instanceof JuteIdlError) {
      process.stderr.write(`jute-ts-codegen: ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  const outPath = resolvePath(output);
  let current: string | undefined;
  try {
    current = readFileSync(outPath, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== code) {
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, code);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
