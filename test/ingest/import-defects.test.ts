import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { importFile } from '../../src/app/imports.js';
import { readCsvFile } from '../../src/ingest/csv.js';
import { openStore, type Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';
import { readAll } from './read-all.js';

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
      importFile(makeContext(store), { shopId: SHOP, format: 'shopify-customers', path, rejectsPath }),
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
    expect(problems).toEqual([
      { line: 3, column: 2, reason: expect.stringMatching(/^field too large/), fields: ['3'] },
    ]);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [4_000_004, ['5', '6']],
      [4_000_005, ['7', 'x"y']],
    ]);
  });
});

const ORDERS_HEADER =
  'Name,Email,Financial Status,Created at,Subtotal,Total,Lineitem quantity,Lineitem name,Lineitem price\n';

describe('amounts beyond DECIMAL(18,2)', () => {
  it('rejects an amount of 1e16 or more in the parser, with line and column', async () => {
    const path = file(
      'b.csv',
      `${ORDERS_HEADER}#1,a@b.vn,paid,2024-03-05 10:00:00 +0700,,10000000000000000,1,X,1\n` +
        `#2,a@b.vn,paid,2024-03-05 10:00:00 +0700,,9999999999999999.99,1,X,1\n` +
        `#3,a@b.vn,paid,2024-03-05 10:00:00 +0700,,1,1,X,"12.345.678.901.234.567"\n` +
        `#4,a@b.vn,paid,2024-03-05 10:00:00 +0700,,1,2,X,9000000000000000\n`,
    );
    const r = await readAll('shopify-orders', path);
    expect(r.orders.map((o) => o.value.name)).toEqual(['#2']);
    expect(r.rejects).toEqual([
      { line: 2, column: 'Total', reason: expect.stringMatching(/^amount too large: "10000000000000000"/) },
      { line: 4, column: 'Lineitem price', reason: expect.stringMatching(/^amount too large/) },
      { line: 5, column: 'Subtotal', reason: expect.stringMatching(/^the lines add up to more than/) },
    ]);
  });

  for (const engine of ENGINES)
    it.skipIf(engine.skipped)(`imports the valid orders with --skip-invalid on ${engine.title}`, async () => {
      const db = await engine.open();
      try {
        const path = file(
          'b.csv',
          `${ORDERS_HEADER}#1,a@b.vn,paid,2024-03-05 10:00:00 +0700,,10000000000000000,1,X,1\n` +
            `#2,a@b.vn,paid,2024-03-05 10:00:00 +0700,,9999999999999999.99,1,X,9999999999999999.99\n`,
        );
        const s = await importFile(makeContext(db), {
          shopId: SHOP,
          format: 'shopify-orders',
          path,
          skipInvalid: true,
        });
        expect(s).toMatchObject({ orders: 1, rejected: 1 });
        const rows = await db.engine.all<{ t: string }>('SELECT CAST(total AS VARCHAR) AS t FROM orders');
        expect(rows.map((r) => r.t)).toEqual(['9999999999999999.99']);
      } finally {
        await db.close();
      }
    });
});

describe('NUL bytes', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i},c${i}@example.vn\n`).join('');

  it('refuses a NUL byte anywhere in a CSV file, naming its line', async () => {
    const late = file('late.csv', `Customer ID,Email\n${rows(4998)}9999,x\0y@example.vn\n${rows(3)}`);
    await expect(readAll('shopify-customers', late)).rejects.toMatchObject({
      code: 'invalid_file',
      message: expect.stringContaining('line 5000'),
      details: [{ file: late, line: 5000, reason: expect.stringContaining('NUL') }],
    });
    const early = file('early.csv', `Customer ID,Email\n1,a@b.vn\n2,a\0@b.vn\n`);
    await expect(readAll('shopify-customers', early)).rejects.toMatchObject({
      code: 'invalid_file',
      message: expect.stringContaining('line 3'),
      details: [{ line: 3 }],
    });
    // Inside a quoted field that spans the 1 MB pieces the file is read in.
    const spanning = file(
      'spanning.csv',
      `Customer ID,Email,Note\n1,a@b.vn,"${'x\n'.repeat(700_000)}"\n2,b@b.vn,\0\n`,
    );
    await expect(readAll('shopify-customers', spanning)).rejects.toMatchObject({
      details: [{ line: 700_003 }],
    });
  });

  it('refuses a NUL byte in an events file, naming its line', async () => {
    const ev = (i: number) =>
      `{"event":"Product Viewed","userId":"u${i}","timestamp":"2024-03-05T10:00:00+07:00"}\n`;
    const path = file('e.jsonl', `${ev(1)}${ev(2)}${ev(3).replace('u3', 'u\0')}`);
    await expect(readAll('events-jsonl', path)).rejects.toMatchObject({
      code: 'invalid_file',
      details: [{ line: 3 }],
    });
    // Written as the JSON escape \u0000: the line is rejected, naming the key.
    const escaped = file('escaped.jsonl', `${ev(1)}${ev(2).replace('u2', 'u\\u0000')}`);
    const r = await readAll('events-jsonl', escaped);
    expect(r.events).toHaveLength(1);
    expect(r.rejects).toEqual([
      { line: 2, column: 'userId', reason: 'a NUL character (\\u0000) in a string' },
    ]);
  });
});

describe('column labels in messages', () => {
  it('names a broken row of the first chunk by its header, and says "column 3" once', async () => {
    const path = file('q.csv', 'Customer ID,Email\n1,a"b@x.vn\n2,b@x.vn,extra\n');
    const error = await importFile(makeContext(store), {
      shopId: SHOP,
      format: 'shopify-customers',
      path,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_file' });
    const message = (error as Error).message;
    expect(message).toContain('line 2, column Email: a quote inside an unquoted field');
    expect(message).toContain('line 3, column 3: row has 3 fields, the header has 2');
    expect(message).not.toContain('column column');
  });
});

describe('a failed import does not create the shop', () => {
  for (const engine of ENGINES)
    it.skipIf(engine.skipped)(`on ${engine.title}`, async () => {
      const db = await engine.open();
      try {
        const bad = file(
          'bad.csv',
          `${ORDERS_HEADER}#1,a@b.vn,paid,2024-03-05 10:00:00 +0700,,100,-1,X,100\n`,
        );
        await expect(
          importFile(makeContext(db), { shopId: 'bad', format: 'shopify-orders', path: bad }),
        ).rejects.toMatchObject({ code: 'invalid_file' });
        await expect(
          importFile(makeContext(db), {
            shopId: 'bad',
            format: 'shopify-orders',
            path: join(dir, 'nope.csv'),
          }),
        ).rejects.toMatchObject({ code: 'invalid_input' });
        expect(await db.getShop('bad')).toBeUndefined();
      } finally {
        await db.close();
      }
    });
});

describe('events-jsonl edge cases', () => {
  const ev = (fields: string) =>
    `{"event":"Product Viewed","userId":"u1","timestamp":"2024-03-05T10:00:00+07:00",${fields}}\n`;

  it('checks the date range of epoch-millisecond timestamps too', async () => {
    const path = file(
      'epoch.jsonl',
      `${ev('"messageId":"m1"').replace('"2024-03-05T10:00:00+07:00"', '1709607600000')}` +
        `${ev('"messageId":"m2"').replace('"2024-03-05T10:00:00+07:00"', '-99999999999999')}` +
        `${ev('"messageId":"m3"').replace('"2024-03-05T10:00:00+07:00"', '1e300')}`,
    );
    const r = await readAll('events-jsonl', path);
    expect(r.events.map((e) => e.value.timestamp.toISOString())).toEqual(['2024-03-05T03:00:00.000Z']);
    expect(r.rejects.map((x) => [x.line, x.column])).toEqual([
      [2, 'timestamp'],
      [3, 'timestamp'],
    ]);
    expect(r.rejects[0]!.reason).toMatch(/1900/);
  });

  it('refuses an empty file', async () => {
    for (const content of ['', '\n\n  \n'])
      await expect(
        importFile(makeContext(store), {
          shopId: SHOP,
          format: 'events-jsonl',
          path: file('empty.jsonl', content),
        }),
      ).rejects.toMatchObject({ code: 'invalid_file', message: expect.stringContaining('empty') });
    expect(await store.getShop(SHOP)).toBeUndefined();
  });

  it('imports and counts a messageId repeated within the file once', async () => {
    const path = file(
      'repeat.jsonl',
      `${ev('"messageId":"m1"')}${ev('"messageId":"m2"')}${ev('"messageId":"m1"')}`,
    );
    const s = await importFile(makeContext(store), {
      shopId: SHOP,
      format: 'events-jsonl',
      path,
      batchSize: 1,
    });
    expect(s).toMatchObject({ rowsRead: 3, events: 2, rejected: 0 });
    const [row] = await store.engine.all<{ n: number }>('SELECT COUNT(*) AS n FROM events');
    expect(Number(row?.n)).toBe(2);
  });
});

describe('an unreadable row inside an order', () => {
  const row = (name: string, first: boolean, item: string) =>
    first
      ? `${name},a@b.vn,paid,2024-03-05 10:00:00 +0700,,300,1,${item},100\n`
      : `${name},,,,,,1,${item},100\n`;

  it('rejects the whole order when its last row cannot be read, and only that order', async () => {
    const path = file(
      'last.csv',
      ORDERS_HEADER +
        row('#1', true, 'A') + // 2
        row('#1', false, 'B') + // 3
        row('#1', false, '"C"x') + // 4: broken, the last row of #1
        row('#2', true, 'D') + // 5
        row('#3', true, 'E') + // 6
        row('#4', true, '"F"x') + // 7: broken, the first row of #4
        row('#4', false, 'G') + // 8
        row('#5', true, 'H') + // 9
        row('"#5"x', false, 'I') + // 10: broken in the Name itself: #5 or #6?
        row('#6', true, 'J'), // 11
    );
    const r = await readAll('shopify-orders', path);
    expect(r.orders.map((o) => o.value.name)).toEqual(['#2', '#3']);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([
      [2, 'a row of this order (line 4) could not be read'],
      [3, 'a row of this order (line 4) could not be read'],
      [4, 'text after a closing quote'],
      [7, 'text after a closing quote'],
      [8, 'a row of this order (line 7) could not be read'],
      [9, 'line 10, next to this order, could not be read: it may be one of its rows'],
      [10, 'text after a closing quote'],
      [11, 'line 10, next to this order, could not be read: it may be one of its rows'],
    ]);
    const s = await importFile(makeContext(store), {
      shopId: SHOP,
      format: 'shopify-orders',
      path,
      skipInvalid: true,
    });
    expect(s).toMatchObject({ orders: 2, rejected: 8 });
  });
});
