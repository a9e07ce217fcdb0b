import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CsvParser,
  type CsvProblem,
  type CsvRecord,
  csvLine,
  parseCsvText,
  readCsvFile,
} from '../../src/ingest/csv.js';

function pieces(
  text: string,
  sizes: (i: number) => number,
): { records: CsvRecord[]; problems: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const parser = new CsvParser(
    (r) => records.push(r),
    (p) => problems.push(p),
  );
  for (let i = 0, k = 0; i < text.length; k++) {
    const n = Math.max(1, sizes(k));
    parser.push(text.slice(i, i + n));
    i += n;
  }
  parser.end();
  return { records, problems };
}

async function readFile(content: string | Buffer) {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-csv-'));
  const path = join(dir, 'f.csv');
  writeFileSync(path, content);
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  for await (const b of readCsvFile(path, { batchSize: 2 })) {
    records.push(...b.records);
    problems.push(...b.problems);
  }
  return { records, problems };
}

const SAMPLE =
  'Name,Note,Price\r\n#1,"Áo dài, lụa ""Hà Nội""",1.250.000 ₫\r\n#2,"hai\ndòng",\r\n\r\n#3,,"1,250,000"\n#4,Nguyễn Thị Hồng,5';

describe('csv', () => {
  it('reads quoted delimiters, doubled quotes, quoted newlines, CRLF and blank lines with their lines', () => {
    const { records, problems } = parseCsvText(SAMPLE);
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['Name', 'Note', 'Price'] },
      { line: 2, fields: ['#1', 'Áo dài, lụa "Hà Nội"', '1.250.000 ₫'] },
      { line: 3, fields: ['#2', 'hai\ndòng', ''] },
      { line: 6, fields: ['#3', '', '1,250,000'] },
      { line: 7, fields: ['#4', 'Nguyễn Thị Hồng', '5'] },
    ]);
  });

  it('gives the same result fed one character at a time, or in random pieces', () => {
    const whole = parseCsvText(SAMPLE);
    expect(pieces(SAMPLE, () => 1)).toEqual(whole);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }), (sizes) => {
        expect(pieces(SAMPLE, (k) => sizes[k % sizes.length]!)).toEqual(whole);
      }),
    );
  });

  it('round-trips any table written with csvLine', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'ễ', ',', '"', '\n', ' ', 'x', '\r\n') });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const text = ['h1,h2', ...rows.map((r) => csvLine(r).slice(0, -1))].join('\n');
          const parsed = parseCsvText(text)
            .records.slice(1)
            .map((r) => r.fields);
          expect(parsed).toEqual(rows);
        },
      ),
    );
  });

  it('reports broken quoting with line and column and goes on', () => {
    const text = 'a,b,c\n1,x"y,3\n2,"ok"z,3\n4,5,6\n7,"never closed,8\n9,9,9\n';
    const { records, problems } = parseCsvText(text);
    expect(problems).toEqual([
      {
        line: 2,
        column: 2,
        reason: 'a quote inside an unquoted field (quote the field and double the quote)',
        fields: ['1'],
      },
      { line: 3, column: 2, reason: 'text after a closing quote', fields: ['2'] },
      {
        line: 5,
        column: 2,
        reason: 'unterminated quoted field (a quote opened here is never closed)',
        fields: ['7'],
      },
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 4, 6]);
    expect(records[2]!.fields).toEqual(['9', '9', '9']);
  });

  it('reads a file with a BOM, multi-byte characters across chunk boundaries and no final newline', async () => {
    const body = `Tên,Ghi chú\n${Array.from({ length: 3000 }, (_, i) => `Nguyễn ${i},"Hà Nội, ${'ễ'.repeat(i % 500)}"`).join('\n')}`;
    const { records, problems } = await readFile(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]),
    );
    expect(problems).toEqual([]);
    expect(records).toHaveLength(3001);
    expect(records[0]!.fields).toEqual(['Tên', 'Ghi chú']);
    expect(records[2999]!.fields).toEqual(['Nguyễn 2998', `Hà Nội, ${'ễ'.repeat(2998 % 500)}`]);
    expect(records[3000]!.line).toBe(3001);
  });

  it('refuses invalid UTF-8 (Windows-1258) naming the line, and UTF-16', async () => {
    const latin = Buffer.concat([
      Buffer.from('a,b\n1,2\n3,Nguy'),
      Buffer.from([0xea, 0xf2]),
      Buffer.from('n\n'),
    ]);
    await expect(readFile(latin)).rejects.toMatchObject({ code: 'invalid_file', details: [{ line: 3 }] });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le')]);
    await expect(readFile(utf16)).rejects.toThrow(/UTF-16/);
  });

  it('says when the file is missing', async () => {
    const gen = readCsvFile('/nonexistent/nope.csv');
    await expect(gen.next()).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
