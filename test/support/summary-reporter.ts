import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { skipReasonOf, withoutSkipNote } from './skip.js';

/** A skipped suite (or test) as printed: where, how many tests, and why. */
interface SkippedGroup {
  where: string;
  tests: number;
  reason: string | undefined;
}

/**
 * Closes the run with what was skipped and why — once per skipped suite, with how to run it
 * (the reason its name carries: test/support/skip.ts) — and one plain line ("Tests: N passed,
 * N failed, N skipped") that CI reads (.ci/run requires 0 skipped).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const groups = new Map<string, SkippedGroup>();
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else {
          skipped++;
          const group = skippedGroupOf(mod, test);
          const seen = groups.get(group.where);
          if (seen) seen.tests++;
          else groups.set(group.where, group);
        }
      }
    }
    const lines = [...groups.values()].map(
      (g) =>
        `  ${g.where} (${g.tests} ${g.tests === 1 ? 'test' : 'tests'}): ${g.reason ?? 'no reason given (name one with skipNote)'}\n`,
    );
    const list = lines.length > 0 ? `\nSkipped, and how to run them:\n${lines.join('')}` : '';
    process.stdout.write(`${list}\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

/**
 * The test, or the nearest suite around it, whose name says why it was skipped (its tests are
 * counted together); a test skipped without a reason is grouped under its own suite.
 */
function skippedGroupOf(mod: TestModule, test: TestCase): SkippedGroup {
  const file = relative(process.cwd(), mod.moduleId);
  const names: string[] = [test.name];
  for (let node = test.parent; node.type === 'suite'; node = node.parent) names.push(node.name);
  for (const name of names) {
    const reason = skipReasonOf(name);
    if (reason !== undefined) return { where: `${file} › ${withoutSkipNote(name)}`, tests: 1, reason };
  }
  return { where: `${file} › ${names[names.length > 1 ? 1 : 0]}`, tests: 1, reason: undefined };
}
