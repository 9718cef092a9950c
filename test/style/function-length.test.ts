// The run and the CLI stay readable one screen at a time: no function (declaration, method or
// arrow body) in runners/run/ or cli/ runs past 60 lines. Help texts and option tables
// are data, not functions, and are not counted.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const MAX_LINES = 60;
const DIRS = ['runners/run', 'cli'];

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

function longFunctions(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = (node as ts.FunctionDeclaration).name?.getText(source) ?? '(anonymous)';
      if (end - start + 1 > MAX_LINES) found.push(`${file}:${start + 1} ${name}: ${end - start + 1} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test(`no function in ${DIRS.join(' or ')} is longer than ${MAX_LINES} lines`, () => {
  const files = DIRS.flatMap(filesUnder);
  assert.ok(files.length > 10, `only ${files.length} files found`);
  assert.deepEqual(files.flatMap(longFunctions), []);
});
