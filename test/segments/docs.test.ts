import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SEGMENTS, FIELDS, FUNCTIONS, parseSegmentQuery } from '../../src/domain/segments/index.js';

function errorOf(query: string): string | null {
  try {
    parseSegmentQuery(query);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** docs/segments.md stays true to the language: every field and function is in it, every example parses. */
describe('docs/segments.md', () => {
  it('documents every field and function', async () => {
    const doc = await readFile('docs/segments.md', 'utf8');
    for (const f of FIELDS) expect(doc).toContain(`| \`${f.name}\` |`);
    for (const f of FUNCTIONS) expect(doc).toContain(`\`${f.name}(`);
    for (const f of FIELDS) expect(() => parseSegmentQuery(f.example)).not.toThrow();
    for (const f of FUNCTIONS) for (const e of f.examples) expect(() => parseSegmentQuery(e)).not.toThrow();
    for (const b of BUILTIN_SEGMENTS) expect(() => parseSegmentQuery(b.query)).not.toThrow();
  });

  it('has examples from the seeds that all parse', async () => {
    const doc = await readFile('docs/segments.md', 'utf8');
    const examples = [...doc.matchAll(/```query\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(examples.length).toBeGreaterThanOrEqual(15);
    for (const q of examples) expect({ q, error: errorOf(q) }).toEqual({ q, error: null });
  });
});
