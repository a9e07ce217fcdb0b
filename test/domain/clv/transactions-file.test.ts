import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { epochDay } from '../../../src/domain/clv/index.js';
import { NurtureError } from '../../../src/errors.js';
import {
  compileDateFormat,
  detectDelimiter,
  parseDay,
  parseNumber,
  readTransactionsFile,
} from '../../../src/ingest/transactions-file.js';
import { samplePath } from './cdnow-data.js';

const dir = mkdtempSync(join(tmpdir(), 'nurture-tx-'));
let n = 0;
function file(content: string | Buffer): string {
  const p = join(dir, `f${n++}.csv`);
  writeFileSync(p, content);
  return p;
}

async function expectFileError(
  p: string,
  opts: object,
  line: number | undefined,
  column: string | undefined,
  text: RegExp,
) {
  const err = await readTransactionsFile({
    path: p,
    customerColumn: 'customer',
    dateColumn: 'date',
    ...opts,
  }).catch((e) => e);
  expect(err).toBeInstanceOf(NurtureError);
  const e = err as NurtureError;
  expect(e.code).toBe('invalid_file');
  expect(e.message).toMatch(text);
  expect(e.details[0]?.line).toBe(line);
  expect(e.details[0]?.column).toBe(column);
}

describe('readTransactionsFile', () => {
  it('reads a CSV with BOM, CRLF, quotes, embedded delimiters and line breaks', async () => {
    const p = file(
      '\uFEFFcustomer,date,amount\r\n"Nguyễn, An",2024-01-05,"1,250,000"\r\nb,2024-01-06,12.5\r\n"multi\nline",2024-01-07,3\r\n\r\n',
    );
    const f = await readTransactionsFile({
      path: p,
      customerColumn: 'customer',
      dateColumn: 'date',
      amountColumn: 'amount',
    });
    expect(f.customerIds).toEqual(['Nguyễn, An', 'b', 'multi\nline']);
    expect(Array.from(f.log.day)).toEqual([epochDay(2024, 1, 5), epochDay(2024, 1, 6), epochDay(2024, 1, 7)]);
    expect(Array.from(f.log.amount ?? [])).toEqual([1250000, 12.5, 3]);
    expect(f.rows).toBe(3);
  });

  it('detects semicolons and tabs, and maps repeated customers to one index', async () => {
    const semi = await readTransactionsFile({
      path: file('customer;date\nx;2024-02-01\ny;2024-02-02\nx;2024-02-03\n'),
      customerColumn: 'customer',
      dateColumn: 'date',
    });
    expect(Array.from(semi.log.customer)).toEqual([0, 1, 0]);
    expect(semi.log.customerCount).toBe(2);
    const tab = await readTransactionsFile({
      path: file('Customer\tDate\nx\t2024-02-01\n'),
      customerColumn: 'customer',
      dateColumn: 'DATE',
    });
    expect(tab.rows).toBe(1);
  });

  it('reads the raw whitespace-separated CDNOW sample with --columns', async () => {
    const f = await readTransactionsFile({
      path: samplePath(),
      customerColumn: 'sampleid',
      dateColumn: 'date',
      amountColumn: 'sales',
      dateFormat: 'yyyyMMdd',
      delimiter: 'whitespace',
      columns: ['masterid', 'sampleid', 'date', 'cds', 'sales'],
    });
    expect(f.rows).toBe(6919);
    expect(f.log.customerCount).toBe(2357);
    expect(f.customerIds[0]).toBe('0001');
    expect(f.log.amount?.[0]).toBe(29.33);
    expect(f.firstDay).toBe(epochDay(1997, 1, 1));
    expect(f.lastDay).toBe(epochDay(1998, 6, 30));
  });

  it('names the line and column of a bad date, a bad amount, a missing field', async () => {
    await expectFileError(
      file('customer,date\na,2024-01-01\nb,2024-13-01\n'),
      {},
      3,
      'date',
      /line 3, column date: cannot read "2024-13-01"/,
    );
    await expectFileError(
      file('customer,date,amount\na,2024-01-01,abc\n'),
      { amountColumn: 'amount' },
      2,
      'amount',
      /cannot read "abc" as an amount/,
    );
    await expectFileError(file('customer,date\n,2024-01-01\n'), {}, 2, 'customer', /customer id is empty/);
    await expectFileError(
      file('customer,date,amount\na\n'),
      { amountColumn: 'amount' },
      2,
      'amount',
      /1 fields, 3 expected/,
    );
    await expectFileError(
      file('id,day\na,2024-01-01\n'),
      {},
      1,
      'customer',
      /no column "customer".*"id", "day"/,
    );
    await expectFileError(file('customer,date\n"a,2024-01-01\n'), {}, 2, undefined, /never closed/);
  });

  it('reports a missing file as invalid_file', async () => {
    const err = await readTransactionsFile({
      path: join(dir, 'nope.csv'),
      customerColumn: 'c',
      dateColumn: 'd',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(NurtureError);
    expect((err as NurtureError).message).toMatch(/ENOENT/);
  });

  it('reports a directory given as the file as invalid input naming it', async () => {
    const err = await readTransactionsFile({ path: dir, customerColumn: 'c', dateColumn: 'd' }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'invalid_input', message: `${dir} is a directory, not a file` });
  });
});

describe('dates and numbers', () => {
  it('parses ISO, compact and slash dates by default and refuses ambiguous ones', () => {
    expect(parseDay('2024-03-05')).toBe(epochDay(2024, 3, 5));
    expect(parseDay('2024-03-05T23:59:00+07:00')).toBe(epochDay(2024, 3, 5));
    expect(parseDay('20240305')).toBe(epochDay(2024, 3, 5));
    expect(parseDay('2024/03/05')).toBe(epochDay(2024, 3, 5));
    expect(parseDay('05/03/2024')).toBeNull();
    expect(parseDay('2023-02-29')).toBeNull();
  });

  it('compiles explicit formats', () => {
    expect(compileDateFormat('dd/MM/yyyy')('05/03/2024')).toBe(epochDay(2024, 3, 5));
    expect(compileDateFormat('M/d/yyyy')('3/5/2024')).toBe(epochDay(2024, 3, 5));
    expect(compileDateFormat('dd-MM-yyyy HH:mm')('31-12-2023 18:30')).toBe(epochDay(2023, 12, 31));
    expect(() => compileDateFormat('MM/yyyy')).toThrow(NurtureError);
  });

  it('parses plain and shop-formatted amounts', () => {
    expect(parseNumber('29.33')).toBe(29.33);
    expect(parseNumber('-5')).toBe(-5);
    expect(parseNumber('1.250.000 ₫')).toBe(1250000);
    expect(parseNumber('1,250,000.50')).toBe(1250000.5);
    expect(parseNumber('1.250')).toBe(1250);
    expect(parseNumber('12.3456')).toBe(12.3456);
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('abc')).toBeNull();
  });

  it('detects delimiters', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a;b;"c;d"')).toBe(';');
    expect(detectDelimiter('a\tb')).toBe('\t');
    expect(detectDelimiter(' 00004 0001 19970101  2   29.33')).toBe('whitespace');
  });
});
