import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCsvFile } from '../../src/ingest/csv.js';
import { importFile } from '../../src/ingest/import-file.js';
import { openStore, type Store } from '../../src/store/store.js';

const SHOP = 'defects';
let store: Store;
let dir: string;

beforeEach(async () => {
  store = await openStore({ db: ':memory:' });
  dir = mkdtempSync(join(tmpdir(), 'nurture-defects-'));
});
afterEach(async () => {
  await store.close();
});

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('many rejected rows and huge fields', () => {
  it('lists 130,000 rejected rows without overflowing the stack', async () => {
    const path = file('m.csv', `Customer ID,Email\n${'x\n'.repeat(130_000)}`);
    const rejectsPath = join(dir, 'rejects.csv');
    await expect(
      importFile(store, { shopId: SHOP, format: 'shopify-customers', path, rejectsPath }),
    ).rejects.toMatchObject({
      code: 'invalid_file',
      message: expect.stringContaining('130000 row(s) rejected'),
    });
    const lines = readFileSync(rejectsPath, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(130_001);
    expect(lines[1]).toBe('2,Email,"row has 1 fields, the header has 2"');
  });

  it('reports a quoted field over 8 MiB with line breaks as too large, at its line, and reads on', async () => {
    const huge = 'ab\n'.repeat(4_000_000); // 12 MB, 4 million line breaks
    const path = file('big.csv', `a,b\n1,2\n3,"${huge}"\n5,6\n7,"x""y"\n`);
    const records = [];
    const problems = [];
    for await (const b of readCsvFile(path)) {
      records.push(...b.records);
      problems.push(...b.problems);
    }
    expect(problems).toEqual([{ line: 3, column: 2, reason: expect.stringMatching(/^field too large/) }]);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [4_000_004, ['5', '6']],
      [4_000_005, ['7', 'x"y']],
    ]);
  });
});
