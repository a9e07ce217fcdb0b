import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The domain is pure (DESIGN.md §2): no I/O, no SQL, no node: imports, so that it also runs in a
 * browser. This reads every file under src/domain with the TypeScript parser, so comments and
 * prose are not mistaken for code: only import specifiers and string or template literals count.
 */

const DOMAIN = fileURLToPath(new URL('../../src/domain', import.meta.url));

/** Statements and clauses that only SQL text contains (upper case, as the store writes SQL). */
const SQL_TEXT =
  /\bSELECT\s|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\bCREATE\s+(TEMPORARY\s+|UNIQUE\s+)?(TABLE|INDEX)\b|\bCOALESCE\(|\bCASE\s+WHEN\b/;

const BUILTINS = new Set(builtinModules);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface Impurity {
  kind: 'node import' | 'SQL';
  text: string;
  line: number;
}

/** The node: (or bare built-in) imports and the SQL-looking literals of one source text. */
function impuritiesOf(fileName: string, text: string): Impurity[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: Impurity[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const checkSpecifier = (node: ts.Node | undefined) => {
    if (!node || !ts.isStringLiteralLike(node)) return;
    const spec = node.text;
    if (spec.startsWith('node:') || BUILTINS.has(spec))
      found.push({ kind: 'node import', text: spec, line: lineOf(node) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      checkSpecifier(node.moduleSpecifier);
      return;
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      checkSpecifier(node.moduleReference.expression);
      return;
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const loads =
        callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
      if (loads) checkSpecifier(node.arguments[0]);
    }
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      if (SQL_TEXT.test(node.text)) found.push({ kind: 'SQL', text: node.text.trim(), line: lineOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('src/domain is pure', () => {
  it('the check finds node: imports and SQL text (and not prose in comments)', () => {
    const sample = [
      "import { createHash } from 'node:crypto';",
      "import { readFile } from 'fs';",
      'const load = () => import("node:path");',
      '// SELECT in a comment is prose',
      "const q = 'SELECT 1 FROM t';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of a template literal
      'const w = (t: string) => `INSERT INTO ${t} VALUES (1)`;',
      "const e = 'CASE WHEN x THEN 1 END';",
    ].join('\n');
    expect(impuritiesOf('sample.ts', sample).map((i) => [i.kind, i.line])).toEqual([
      ['node import', 1],
      ['node import', 2],
      ['node import', 3],
      ['SQL', 5],
      ['SQL', 6],
      ['SQL', 7],
    ]);
  });

  it('no file under src/domain imports a node: module or holds SQL', () => {
    const files = sourceFiles(DOMAIN);
    expect(files.length).toBeGreaterThan(20);
    const impurities = files.flatMap((path) =>
      impuritiesOf(path, readFileSync(path, 'utf8')).map(
        (i) => `${relative(DOMAIN, path)}:${i.line}: ${i.kind}: ${i.text.slice(0, 80)}`,
      ),
    );
    expect(impurities).toEqual([]);
  });
});
