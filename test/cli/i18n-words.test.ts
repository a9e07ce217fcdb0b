import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/program.js';
import { cli } from '../support/cli.js';

/**
 * Issue 13, 5e: the words of the CLI's text outputs were English whatever the language. Each
 * command's sentences and table headers now exist in Vietnamese (the default) and English, chosen
 * by --lang or NURTURE_LANG; JSON keeps its keys. Every check below runs a command in both languages
 * and looks for key phrases of the one and the absence of the other's.
 */
const dir = mkdtempSync(join(tmpdir(), 'nurture-i18n-words-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'shop.duckdb');
const UNTIL = '2026-10-31';
let demoVi: string;
let demoEn: string;

beforeAll(async () => {
  const vi = await cli('demo', '--db', db, '--customers', '200', '--until', UNTIL);
  expect(vi.code, vi.err).toBe(0);
  demoVi = vi.out;
  const en = await cli('demo', '--db', ':memory:', '--customers', '200', '--until', UNTIL, '--lang', 'en');
  expect(en.code, en.err).toBe(0);
  demoEn = en.out;
}, 120_000);

/** Runs the CLI with its own environment (NURTURE_LANG). */
async function cliWithEnv(env: Record<string, string>, ...argv: string[]) {
  let out = '';
  const deps = {
    ...defaultDeps(env),
    out: (t: string) => {
      out += t;
    },
    err: () => {},
  };
  const code = await runCli(argv, deps);
  return { code, out };
}

/** Each phrase appears in `text`. */
function expectAll(text: string, phrases: readonly string[]): void {
  for (const p of phrases) expect(text, p).toContain(p);
}

/** No phrase appears in `text` (no sentence of the other language left over). */
function expectNone(text: string, phrases: readonly string[]): void {
  for (const p of phrases) expect(text, p).not.toContain(p);
}

describe('demo and import', () => {
  const english = [
    'demo shop',
    'rows read',
    'new customers',
    'rejected',
    'segments:',
    'scores and groups',
    'revenue',
  ];
  const vietnamese = ['shop demo', 'đọc', 'khách mới', 'dòng bị loại', 'phân khúc: làm mới', 'doanh thu'];

  it('demo: the summary in Vietnamese by default, in English with --lang en', () => {
    expectAll(demoVi, [...vietnamese, 'lần gộp khách', 'đã tính điểm và phân nhóm']);
    expect(demoVi).toMatch(/^ {2}đơn hàng\s+[\d.]+ \(.*đã giao [\d.]+/m);
    expectNone(demoVi, english);
    expectAll(demoEn, [...english, 'merges']);
    expect(demoEn).toMatch(/^ {2}orders\s+[\d,]+ \(.*delivered [\d,]+/m);
    expectNone(demoEn, vietnamese);
  });

  it('import: the one-line summary in the language of NURTURE_LANG, --lang over it', async () => {
    const files = join(dir, 'files');
    expect((await cli('generate', '--customers', '30', '--out', files, '--until', UNTIL)).code).toBe(0);
    const orders = join(files, 'orders.csv');
    const vi = await cliWithEnv(
      { NURTURE_LANG: 'en' },
      'import',
      'shopify-orders',
      orders,
      '--db',
      ':memory:',
      '--lang',
      'vi',
    );
    expect(vi.code).toBe(0);
    expect(vi.out).toMatch(
      /^đã nhập shopify-orders .*orders\.csv: đọc [\d.]+ dòng, [\d.]+ đơn hàng, [\d.]+ khách mới, 0 sự kiện, [\d.]+ khách được gộp, 0 dòng bị loại trong \d+,\d giây$/m,
    );
    const en = await cliWithEnv(
      { NURTURE_LANG: 'en' },
      'import',
      'shopify-orders',
      orders,
      '--db',
      ':memory:',
    );
    expect(en.out).toMatch(
      /^imported shopify-orders .*orders\.csv: [\d,]+ rows read, [\d,]+ orders, [\d,]+ new customers, 0 events, [\d,]+ merged, 0 rejected in \d+\.\d s$/m,
    );
  });

  it('generate: the files it wrote', async () => {
    const vi = await cli('generate', '--customers', '20', '--out', join(dir, 'gen-vi'), '--until', UNTIL);
    expect(vi.out).toMatch(/^shop demo: 20 khách hàng, seed \d+, lịch sử /);
    expect(vi.out).toMatch(/products\.csv {2}\d+ sản phẩm, /);
    const en = await cli(
      'generate',
      '--customers',
      '20',
      '--out',
      join(dir, 'gen-en'),
      '--until',
      UNTIL,
      '--lang',
      'en',
    );
    expect(en.out).toMatch(/^demo shop: 20 customers, seed \d+, history /);
    expect(en.out).toMatch(/products\.csv {2}\d+ products, /);
  });
});

describe('segment commands', () => {
  beforeAll(async () => {
    const r = await cli('segment', 'create', 'late', '--query', 'last_order_date < -1000d', '--db', db);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^đã tạo\nphân khúc\s+late\ntruy vấn\s+last_order_date < -1000d\n/);
    expect(r.out).toMatch(/^thành viên: [\d.]+ vào, 0 ra$/m);
  });

  it('list, show, count, refresh, members, history', async () => {
    const run = (lang: string, ...args: string[]) => cli('segment', ...args, '--db', db, '--lang', lang);
    const refreshVi = await run('vi', 'refresh', 'late', '--as-of', '2031-01-01');
    expect(refreshVi.out).toMatch(/^phân khúc\s+vào\s+ra$/m);
    expect(refreshVi.out).toMatch(/^thành viên: [\d.]+ vào, 0 ra$/m);
    const refreshEn = await run('en', 'refresh', 'late', '--as-of', '2031-01-01');
    expect(refreshEn.out).toMatch(/^segment\s+entered\s+left$/m);

    const listVi = await run('vi', 'list');
    expect(listVi.out).toMatch(/^phân khúc\s+thành viên\s+làm mới \(Asia\/Ho_Chi_Minh\)\s+truy vấn$/m);
    expect((await run('en', 'list')).out).toMatch(
      /^segment\s+members\s+refreshed \(Asia\/Ho_Chi_Minh\)\s+query$/m,
    );

    const showVi = await run('vi', 'show', 'rfm:champions');
    expect(showVi.out).toMatch(/^phân khúc\s+rfm:champions \(có sẵn\)$/m);
    expect(showVi.out).toMatch(/^thành viên\s+[\d.]+$/m);
    expectNone(showVi.out, ['built-in', 'members ', 'refreshed ', 'query ']);
    const showEn = await run('en', 'show', 'rfm:champions');
    expect(showEn.out).toMatch(/^segment\s+rfm:champions \(built-in\)$/m);

    expect((await run('vi', 'count', '--query', 'number_of_orders >= 1')).out).toMatch(
      /^[\d.]+ khách hàng\n$/,
    );
    expect((await run('en', 'count', '--query', 'number_of_orders >= 1')).out).toMatch(
      /^[\d,]+ customers\n$/,
    );

    const explainVi = await run('vi', 'explain', '--query', 'last_order_date < -90d');
    expectAll(explainVi.out, ['truy vấn: ', 'tính đến: ', 'cây cú pháp:', 'tham số:']);
    expectNone(explainVi.out, ['as of:', 'tree:', 'params:']);
    expectAll((await run('en', 'explain', '--query', 'last_order_date < -90d')).out, [
      'as of: ',
      'tree:',
      'params:',
    ]);

    const membersVi = await run('vi', 'members', 'late', '--limit', '2', '--as-of', '2031-01-01');
    expect(membersVi.out).toMatch(/^late: [\d.]+ thành viên$/m);
    expect(membersVi.out).toMatch(
      /^khách hàng\s+tên\s+điện thoại\s+email\s+đơn\s+đã chi\s+đơn gần nhất\s+vào lúc \(Asia\/Ho_Chi_Minh\)$/m,
    );
    const membersEn = await run('en', 'members', 'late', '--limit', '2', '--as-of', '2031-01-01');
    expect(membersEn.out).toMatch(
      /^customer\s+name\s+phone\s+email\s+orders\s+spent\s+last order\s+entered/m,
    );
  });

  it('export and delete', async () => {
    const vi = await cli(
      'segment',
      'export',
      'late',
      '--format',
      'ads',
      '--out',
      join(dir, 'a.csv'),
      '--db',
      db,
    );
    expect(vi.out).toMatch(
      /^đã ghi .*a\.csv: [\d.]+ dòng \(ads\); bỏ ra [\d.]+ khách chưa đồng ý nhận tiếp thị, [\d.]+ khách không có điện thoại hay e-mail$/m,
    );
    const en = await cli(
      'segment',
      'export',
      'late',
      '--format',
      'ads',
      '--out',
      join(dir, 'b.csv'),
      '--db',
      db,
      '--lang',
      'en',
    );
    expect(en.out).toMatch(
      /^wrote .*b\.csv: [\d,]+ rows \(ads\); left out [\d,]+ without marketing consent, /m,
    );
    expect((await cli('segment', 'delete', 'late', '--db', db)).out).toBe('đã xoá late\n');
  });
});

describe('analyze and predict', () => {
  it('analyze: the text report has no English heading in Vietnamese', async () => {
    const vi = await cli('analyze', '--db', db, '--as-of', UNTIL);
    expectAll(vi.out, ['Báo cáo khách hàng', 'Chỉ số chính', 'Khách hàng tốt nhất', 'Mục tiêu']);
    expectNone(vi.out, ['Customer report', 'Key figures', 'Best customers', 'Goal', 'Revenue']);
    const en = await cli('analyze', '--db', db, '--as-of', UNTIL, '--lang', 'en');
    expectAll(en.out, ['Customer report', 'Key figures', 'Best customers', 'Goal']);
  });

  it('predict: the report and its unit in the language, the HTML line on stderr', async () => {
    const html = join(dir, 'clv.html');
    const args = [
      'predict',
      '--db',
      db,
      '--as-of',
      UNTIL,
      '--validate',
      '--holdout-from',
      '2026-08-01',
      '--html',
      html,
    ];
    const vi = await cli(...args);
    expect(vi.code, vi.err).toBe(0);
    expectAll(vi.out, [
      'Mô hình:',
      '(đơn vị ngày)',
      'Co rút cho cửa hàng nhỏ',
      'đã ghi vào customer_predictions',
    ]);
    expectNone(vi.out, ['Model:', '(unit day)', 'Small-shop prior', 'written to']);
    expect(vi.err).toContain(`đã ghi ${html}`);
    const en = await cli(...args, '--lang', 'en');
    expectAll(en.out, ['Model:', '(unit day)', 'Small-shop prior']);
    expect(en.err).toContain(`wrote ${html}`);
  }, 120_000);

  it('clv fit: the fit report', async () => {
    const args = [
      'clv',
      'fit',
      resolve('test/fixtures/clv/donations.csv'),
      '--summary',
      ...['--frequency', 'frequency', '--recency', 'recency', '--periods', 'periods'],
      ...['--weights', 'weights', '--model', 'bgbb'],
    ];
    const vi = await cli(...args);
    expect(vi.out).toMatch(/^BG\/BB trên 11\.104 khách hàng \(22 bộ giá trị khác nhau\)$/m);
    expect(vi.out).toMatch(/^ {2}log hợp lý -\d+(\.\d{3})*,\d\d$/m);
    expect(vi.out).toMatch(/^bảng tổng hợp, đọc 22 dòng, khớp trong \d+,\d{3} giây/m);
    expectNone(vi.out, ['customers', 'rows read', 'log-likelihood']);
    const en = await cli(...args, '--lang', 'en');
    expect(en.out).toMatch(/^ {2}log-likelihood -\d+(,\d{3})*\.\d\d$/m);
  });
});

describe('products, jobs, keys, shop settings and users', () => {
  it('products: counts through the formatter', async () => {
    const vi = await cli('products', 'categories', '--db', db);
    expect(vi.out).toMatch(/^Danh mục\s+Sản phẩm\s+Tiêu hao\s+Chu kỳ mua lại$/m);
    const en = await cli('products', 'categories', '--db', db, '--lang', 'en');
    expect(en.out).toMatch(/^Category\s+Products\s+Consumable\s+Reorder cycle$/m);
  });

  it('jobs list and worker', async () => {
    const vi = await cli('jobs', 'list', '--db', db);
    expect(vi.out).toMatch(/^đang chờ \d+, đang chạy \d+, xong \d+, lỗi \d+$/m);
    const worker = await cli('worker', '--db', db, '--drain', '--poll-ms', '10');
    expect(worker.out).toMatch(/^(không có việc nào đến hạn|\d+ xong, \d+ sẽ chạy lại, \d+ lỗi)$/m);
    const en = await cli('worker', '--db', db, '--drain', '--poll-ms', '10', '--lang', 'en');
    expect(en.out).toBe('no job due\n');
  });

  it('apikey and shop: the key once, its list and the settings in the language', async () => {
    const made = await cli('apikey', 'create', '--kind', 'secret', '--label', 'test', '--db', db);
    expect(made.out).toMatch(/^sk_\S+\n\(khóa bí mật key_\S+ của shop default: chỉ hiện một lần này, /);
    const listVi = await cli('apikey', 'list', '--db', db);
    expect(listVi.out).toMatch(/^mã\s+loại\s+khóa\s+nhãn\s+tạo lúc \(Asia\/Ho_Chi_Minh\)\s+thu hồi lúc/m);
    expect(listVi.out).not.toContain('UTC');
    const listEn = await cli('apikey', 'list', '--db', db, '--lang', 'en');
    expect(listEn.out).toMatch(/^id\s+kind\s+key\s+label\s+created \(Asia\/Ho_Chi_Minh\)\s+revoked/m);
    const showVi = await cli('shop', 'show', '--db', db);
    expect(showVi.out).toMatch(/^thiết lập\s+giá trị\s+ý nghĩa$/m);
    expect(showVi.out).toMatch(/^shopify\.webhook_secret\s+\(chưa đặt\)\s+khóa bí mật/m);
    expectNone(showVi.out, ['IANA time zone of dates', '(not set)']);
    const showEn = await cli('shop', 'show', '--db', db, '--lang', 'en');
    expect(showEn.out).toMatch(/^timezone\s+Asia\/Ho_Chi_Minh\s+IANA time zone of dates and schedules$/m);
    const set = await cli('shop', 'set', 'haravan.webhook_secret', 'whsec-12345678', '--db', db);
    expect(set.out).toBe('haravan.webhook_secret = (đã đặt)\n');
  });

  it('user: created, listed and reset, the link valid until a time of the shop', async () => {
    const made = await cli('user', 'create', '--email', 'nv@shop.vn', '--db', db);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toMatch(
      /^Đã tạo nhân viên nv@shop\.vn của shop default\.\nĐể đặt mật khẩu, mở liên kết sau \(một lần, trước \d{4}-\d\d-\d\d \d\d:\d\d \(Asia\/Ho_Chi_Minh\)\):\nhttp:\/\//,
    );
    const listVi = await cli('user', 'list', '--db', db);
    expect(listVi.out).toMatch(/^e-mail\s+vai trò\s+đặt mật khẩu lúc \(Asia\/Ho_Chi_Minh\)\s+tạo lúc/m);
    expect(listVi.out).toMatch(/^nv@shop\.vn\s+nhân viên\s+\(đang chờ\)\s+\d{4}-/m);
    const listEn = await cli('user', 'list', '--db', db, '--lang', 'en');
    expect(listEn.out).toMatch(/^nv@shop\.vn\s+staff\s+\(waiting\)\s+\d{4}-/m);
    const reset = await cli('user', 'reset', '--email', 'nv@shop.vn', '--db', db, '--lang', 'en');
    expect(reset.out).toMatch(
      /^Open \(once, before \d{4}-\d\d-\d\d \d\d:\d\d \(Asia\/Ho_Chi_Minh\)\):\nhttp/,
    );
  });
});
