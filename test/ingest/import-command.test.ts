import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerImportCommand } from '../../src/cli/commands/import.js';
import type { CliDeps } from '../../src/cli/context.js';
import { progressBar, progressLine } from '../../src/cli/progress.js';
import { loadConfig } from '../../src/config.js';
import { formatterFor } from '../../src/report/format.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';
import { FIXTURES } from './read-all.js';

describe('nurture import', () => {
  it('imports a file and prints the one-line summary', async () => {
    const out: string[] = [];
    const deps: CliDeps = {
      config: (flags) => loadConfig({}, flags),
      openStore: () => openStore({ db: ':memory:' }),
      out: (t) => out.push(t),
      err: () => {},
    };
    const program = new Command('nurture').exitOverride();
    registerImportCommand(program, deps);
    await program.parseAsync(
      ['import', 'orders-csv', `${FIXTURES}shopee.csv`, '--mapping', 'shopee', '--skip-invalid'],
      {
        from: 'user',
      },
    );
    expect(out.join('')).toMatch(
      /^đã nhập orders-csv .*shopee\.csv: đọc 5 dòng, 2 đơn hàng, 2 khách mới, 0 sự kiện, 0 khách được gộp, 2 dòng bị loại trong \d+,\d giây\n$/,
    );
    await expect(program.parseAsync(['import', 'xml', 'f.xml'], { from: 'user' })).rejects.toThrow(
      /unknown import format "xml"/,
    );
    await expect(
      program.parseAsync(
        ['import', 'shopify-orders', `${FIXTURES}shopify-orders.csv`, '--mapping', 'haravan'],
        {
          from: 'user',
        },
      ),
    ).rejects.toMatchObject({
      // The use case names its input field; the CLI says it as the option (runCli, inCliTerms).
      code: 'invalid_input',
      message: 'mapping: a mapping is for orders-csv and products-csv, not shopify-orders',
      details: [{ path: 'mapping' }],
    });
  });

  it('draws a progress line on a TTY and nothing elsewhere', () => {
    const state = { bytesRead: 25e6, totalBytes: 50e6, rowsRead: 100_000 };
    expect(progressLine(state, 2, 120, formatterFor('en'))).toBe(
      '[###############---------------]  50%  25.0/50.0 MB  50,000 rows/s  ETA 2s',
    );
    expect(progressLine(state, 2, 120, formatterFor('vi'))).toBe(
      '[###############---------------]  50%  25,0/50,0 MB  50.000 dòng/giây  còn 2s',
    );
    const written: string[] = [];
    progressBar({ isTTY: false, write: (t) => written.push(t) }).update({
      bytesRead: 1,
      totalBytes: 2,
      rowsRead: 1,
    });
    expect(written).toEqual([]);
    let t = 0;
    const bar = progressBar(
      { isTTY: true, columns: 100, write: (s) => written.push(s) },
      formatterFor('en'),
      () => (t += 1000),
    );
    bar.update({ bytesRead: 1, totalBytes: 2, rowsRead: 10 });
    bar.done();
    expect(written[0]).toContain(' 50%');
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  it("says a use case error in the CLI's terms: the field becomes the option", async () => {
    const r = await cli(
      'import',
      'shopify-orders',
      `${FIXTURES}shopify-orders.csv`,
      '--mapping',
      'haravan',
      '--db',
      ':memory:',
    );
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'nurture: Dữ liệu không hợp lệ: --mapping: a mapping is for orders-csv and products-csv, not shopify-orders\n',
    );
  });
});
