/**
 * `nurture serve` as a process, on a DuckDB file: the CLI's commands are carried out by the
 * running server with the same output and exit code; a webhook acknowledged by a server killed
 * with SIGKILL before processing it is processed after the restart; SIGTERM stops it gracefully.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient } from '../support/dashboard.js';
import { transpileSources } from '../support/transpile.js';

const BUILD = resolve('test-artifacts/serve-build');
let main = '';
const dir = mkdtempSync(join(tmpdir(), 'nurture-serve-'));
const db = join(dir, 'shop.duckdb');
const children: ChildProcess[] = [];

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  return cliWithInput(undefined, ...args);
}

function cliWithInput(
  input: string | undefined,
  ...args: string[]
): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [main, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NURTURE_DB: '' },
    ...(input === undefined ? {} : { input }),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Served {
  child: ChildProcess;
  url: string;
  /** What it printed on stderr so far. */
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function serve(...extra: string[]): Promise<Served> {
  const child = spawn(process.execPath, [main, 'serve', '--db', db, '--port', '0', ...extra], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  const url = await new Promise<string>((done, fail) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /đang chạy tại (http:\/\/\S+) /.exec(err);
      if (m) done(m[1]!);
    });
    void exited.then(() => fail(new Error(`serve exited: ${err}`)));
  });
  return { child, url, exited, stderr: () => err };
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const order = JSON.stringify({
  id: 9001,
  name: '#9001',
  email: 'lan@example.vn',
  phone: '0912 345 678',
  created_at: '2026-11-20T10:00:00+07:00',
  currency: 'VND',
  financial_status: 'pending',
  fulfillment_status: null,
  payment_gateway_names: ['Cash on Delivery (COD)'],
  subtotal_price: '500000',
  total_price: '530000',
  total_tax: '0',
  total_discounts: '0',
  total_shipping_price_set: { shop_money: { amount: '30000', currency_code: 'VND' } },
  customer: {
    id: 77,
    email: 'lan@example.vn',
    phone: '+84912345678',
    first_name: 'Lan',
    last_name: 'Nguyễn',
  },
  line_items: [{ id: 1, title: 'Giấy in A4', sku: 'PAPER-A4', quantity: 2, price: '250000' }],
  refunds: [],
});

describe('nurture serve as a process (DuckDB file)', () => {
  let key = '';

  beforeAll(() => {
    main = transpileSources(BUILD);
    expect(cli('demo', '--customers', '200', '--db', db).code).toBe(0);
    key = cli('apikey', 'create', '--kind', 'secret', '--db', db).out.split('\n')[0]!;
    expect(cli('shop', 'set', 'shopify.webhook_secret', 'whsec-12345678', '--db', db).code).toBe(0);
  }, 300_000);

  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('carries out CLI commands given its file, with the same output and exit code', async () => {
    const query = ['segment', 'count', '--query', 'number_of_orders >= 2', '--db', db];
    const direct = cli(...query);
    const bad = cli('segment', 'count', '--query', 'number_of_orderz >= 2', '--db', db);
    const served = await serve();
    try {
      expect(existsSync(`${db}.serve.json`)).toBe(true);
      const through = cli(...query);
      expect(through).toEqual(direct);
      const badThrough = cli('segment', 'count', '--query', 'number_of_orderz >= 2', '--db', db);
      expect(badThrough).toEqual(bad);
      expect(badThrough.code).toBe(2);
      // A relative path is the caller's: the server reads it from the caller's folder.
      expect(
        cli('segment', 'export', 'lifecycle:new', '--format', 'csv', '--out', 'new.csv', '--db', db).code,
      ).toBe(0);
      expect(existsSync(join(dir, 'new.csv'))).toBe(true);
      // No dashboard user yet: the server prints the welcome link that creates the owner.
      const welcomeLine = /mở (http:\/\/\S+\/welcome\?code=\S+) để tạo chủ shop/;
      await until('the welcome link is printed', async () => welcomeLine.test(served.stderr()));
      const welcome = welcomeLine.exec(served.stderr())?.[1];
      expect(welcome).toBeDefined();
      expect((await fetch(welcome ?? '')).status).toBe(200);
      // A password on standard input goes along with the command; the user signs in to the dashboard.
      const made = cliWithInput(
        'chủ shop mật khẩu 1\n',
        'user',
        'create',
        '--email',
        'chu@shop.vn',
        '--role',
        'owner',
        '--password-stdin',
        '--db',
        db,
      );
      expect(made.err).toBe('');
      expect(made.out).toContain(
        'Đã tạo chủ shop chu@shop.vn của shop default; người này đăng nhập được ngay',
      );
      const dashboard = new DashboardClient(served.url);
      expect((await dashboard.signIn('chu@shop.vn', 'chủ shop mật khẩu 1', '/settings')).status).toBe(303);
      expect((await dashboard.get('/settings')).text).toContain(`${served.url}/webhooks/shopify/default`);
      const setup = cli('user', 'create', '--email', 'nv@shop.vn', '--url', served.url, '--db', db);
      expect(setup.out).toContain(`${served.url}/setup?email=nv%40shop.vn&code=`);
      expect(cli('user', 'create', '--email', 'nv@shop.vn', '--db', db).code).toBe(5);
      // The storefront widget is served by the process too.
      const widget = await fetch(`${served.url}/widget.js`);
      expect(widget.status).toBe(200);
      expect(await widget.text()).toContain('/t/v1/config');
    } finally {
      served.child.kill('SIGTERM');
      expect(await served.exited).toEqual({ code: 0, signal: null });
    }
    expect(existsSync(`${db}.serve.json`)).toBe(false);
    // Released: the CLI opens the file itself again.
    expect(cli(...query)).toEqual(direct);
  });

  it('processes after a restart a webhook acknowledged just before a kill -9', async () => {
    const first = await serve('--no-worker');
    const signature = createHmac('sha256', 'whsec-12345678').update(order).digest('base64');
    const ack = await fetch(`${first.url}/webhooks/shopify/default`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-webhook-id': 'kill-9-test',
        'x-shopify-hmac-sha256': signature,
      },
      body: order,
    });
    expect(ack.status).toBe(200);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await serve();
    try {
      const orders = async () => {
        const r = await fetch(`${second.url}/api/v1/orders?limit=500`, {
          headers: { authorization: `Bearer ${key}` },
        });
        const body = (await r.json()) as { orders: { externalId: string }[] };
        return body.orders.filter((o) => o.externalId === '9001').length;
      };
      await until('the webhook is processed', async () => (await orders()) === 1);
      const lookup = await fetch(`${second.url}/api/v1/customers/lookup?phone=0912345678`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(lookup.status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
