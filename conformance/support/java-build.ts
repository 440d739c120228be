/**
 * Java client programs of the conformance suite: compiled with javac once per
 * test file (both targets share the classes), into a temp dir removed after the file.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { describeRun, run } from './proc.js';

/** A function giving the classes dir, compiling `sources` against `classpath` on its first call. */
export function javaBuild(name: string, classpath: readonly string[], sources: () => string[]): () => Promise<string> {
  let buildDir: string | undefined;
  let compiling: Promise<string> | undefined;
  after(() => {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });
  return () => {
    compiling ??= (async () => {
      const dir = mkdtempSync(join(tmpdir(), `zkconf-${name}-`));
      buildDir = dir;
      const r = await run('javac', ['-implicit:none', '-d', dir, '-cp', classpath.join(':'), ...sources()], { timeoutMs: 120_000 });
      assert.equal(r.code, 0, `javac failed:\n${describeRun(r)}`);
      return dir;
    })();
    return compiling;
  };
}
