/**
 * `npm run bench -- dashboard [--customers 100000,1000000] [--rounds N]`: every dashboard page,
 * signed in, against the bench shops (bench/serve-api.ts makes them once into bench-data/), served
 * by `startServer` as `nurture serve` runs it (read connections, no jobs). Per page: the first
 * answer (cold: caches empty), then `rounds` answers one after another (p50, max), and the page's
 * size. Baselines in the same run: the empty route (/healthz) and a page without data (the sign-in
 * form), and each page's own store work where it is one app call.
 */
import { createApiKey } from '../src/app/api-keys.js';
import { makeContext } from '../src/app/context.js';
import { createUser, signIn } from '../src/app/users.js';
import { startServer } from '../src/server/run.js';
import { openStore } from '../src/store/store.js';
import { SEGMENTS_SHOP } from './segments-data.js';
import { ensureShop } from './serve-api.js';
import { fmt, machine, markdownTable } from './util.js';

const PASSWORD = 'bench password 1';

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
}

/** What a page needs from the shop: a customer with a phone, a segment, an import job id. */
interface ShopIds {
  customerId: string;
  phone: string;
  segment: string;
}

/** The pages measured, as paths; `{…}` filled from the shop. */
export const DASHBOARD_PATHS: readonly {
  name: string;
  path: (ids: ShopIds) => string;
  htmx?: boolean;
  anonymous?: boolean;
}[] = [
  { name: 'baseline: a page without data (the sign-in form)', path: () => '/sign-in', anonymous: true },
  { name: 'overview (its analysis cached)', path: () => '/' },
  { name: 'customers: list', path: () => '/customers' },
  { name: 'customers: by phone as typed', path: (ids) => `/customers?q=${encodeURIComponent(ids.phone)}` },
  { name: 'customers: by name start', path: () => `/customers?q=${encodeURIComponent('Khách 12')}` },
  {
    name: 'customers: filtered by a segment query',
    path: () => `/customers?segment=${encodeURIComponent('number_of_orders >= 2')}`,
  },
  {
    name: 'customers: filter count as you type (htmx)',
    path: () => `/customers/count?segment=${encodeURIComponent('number_of_orders >= 2')}`,
    htmx: true,
  },
  { name: 'customer profile', path: (ids) => `/customers/${ids.customerId}` },
  { name: 'best customers, 12 months', path: () => '/best' },
  { name: 'segments: list', path: () => '/segments' },
  { name: 'segments: a saved segment (members, chart)', path: (ids) => `/segments/${ids.segment}` },
  {
    name: 'segments: live count as you type (htmx)',
    path: () =>
      `/segments/new/check?query=${encodeURIComponent('number_of_orders >= 2 AND amount_spent > 500000 AND last_order_date > -365d')}`,
    htmx: true,
  },
  { name: 'live visitors', path: () => '/live' },
  { name: 'live visitors: the panel htmx reloads every 10 s', path: () => '/live', htmx: true },
  { name: 'imports (form and history)', path: () => '/imports' },
  { name: 'settings', path: () => '/settings' },
];

async function prepare(db: string): Promise<{ ids: ShopIds; email: string; publishable: string }> {
  const store = await openStore({ db });
  try {
    const ctx = makeContext(store);
    const email = `owner-${Date.now()}@bench.example.vn`;
    await createUser(ctx, { shopId: SEGMENTS_SHOP, email, role: 'owner', password: PASSWORD });
    const publishable = (await createApiKey(ctx, { shopId: SEGMENTS_SHOP, kind: 'publishable' })).key;
    const all = await store.listCustomerIds(SEGMENTS_SHOP);
    const customerId = all[Math.floor(all.length / 3)] ?? '';
    const rows = await store.engine.all<{ phone: string }>(
      'SELECT phone FROM customers WHERE shop_id = $1 AND customer_id = $2',
      [SEGMENTS_SHOP, customerId],
    );
    const e164 = rows[0]?.phone ?? '+84900000000';
    // As a seller types it: 0912 345 678.
    const local = `0${e164.slice(3)}`;
    const phone = `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}`;
    return { ids: { customerId, phone, segment: 'bench-3' }, email, publishable };
  } finally {
    await store.close();
  }
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function measureShop(customers: number, rounds: number): Promise<(string | number)[][]> {
  const db = await ensureShop(customers);
  const { ids, email, publishable } = await prepare(db);
  const running = await startServer({
    config: { db, shopId: SEGMENTS_SHOP, lang: 'vi' },
    host: '127.0.0.1',
    port: 0,
    jobs: { enabled: false },
    log: (await import('pino')).pino({ level: 'silent' }),
  });
  const rows: (string | number)[][] = [];
  try {
    const { token, session } = await signIn(running.ctx, { email, password: PASSWORD });
    const cookie = `nurture_session=${token}`;
    // A few visitors on the site now, through the tracking endpoint, for the live page.
    await fetch(`${running.url}/t/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        writeKey: publishable,
        batch: Array.from({ length: 200 }, (_, i) => ({
          type: 'page',
          anonymousId: `anon-${i % 40}`,
          name: 'Sản phẩm',
          properties: { path: `/products/${i % 17}` },
        })),
      }),
    });
    const n = customers.toLocaleString('en-US');
    const get = async (path: string, htmx: boolean, anonymous: boolean) => {
      const t = performance.now();
      const res = await fetch(running.url + path, {
        headers: { ...(anonymous ? {} : { cookie }), ...(htmx ? { 'hx-request': 'true' } : {}) },
        redirect: 'manual',
      });
      const body = await res.text();
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      // The issue's size budget is "before charts' data": the inline SVG charts are left out.
      const withoutCharts = body.replace(/<svg[\s\S]*?<\/svg>/g, '');
      return { ms, bytes: Buffer.byteLength(body), pageBytes: Buffer.byteLength(withoutCharts) };
    };
    const empty: number[] = [];
    for (let i = 0; i < rounds + 5; i++) {
      const t = performance.now();
      await (await fetch(`${running.url}/healthz`)).arrayBuffer();
      if (i >= 5) empty.push(performance.now() - t);
    }
    empty.sort((a, b) => a - b);
    rows.push([
      `baseline: empty route /healthz (${n})`,
      '',
      fmt(quantile(empty, 0.5)),
      fmt(empty.at(-1) ?? 0),
      '',
    ]);
    rows.push(...(await overviewAnalysis(running.url, cookie, session.csrfToken, n)));
    for (const page of DASHBOARD_PATHS) {
      const path = page.path(ids);
      const cold = await get(path, page.htmx ?? false, page.anonymous ?? false);
      const warm: number[] = [];
      for (let i = 0; i < rounds; i++)
        warm.push((await get(path, page.htmx ?? false, page.anonymous ?? false)).ms);
      warm.sort((a, b) => a - b);
      rows.push([
        `${page.name}: \`${path.length > 60 ? `${path.slice(0, 57)}…` : path}\` (${n})`,
        fmt(cold.ms, 1),
        fmt(quantile(warm, 0.5), 1),
        fmt(warm.at(-1) ?? 0, 1),
        fmt(cold.bytes / 1024, 1),
        fmt(cold.pageBytes / 1024, 1),
      ]);
      process.stderr.write(
        `${page.name} at ${n}: cold ${fmt(cold.ms, 1)} ms, p50 ${fmt(quantile(warm, 0.5), 1)} ms\n`,
      );
    }
  } finally {
    await running.stop();
  }
  return rows;
}

/**
 * The overview before its analysis (the page with its status only), then the analysis the page
 * asks for, computed in the background: from the POST until the status part says it is there.
 */
async function overviewAnalysis(
  base: string,
  cookie: string,
  csrf: string,
  n: string,
): Promise<(string | number)[][]> {
  let t = performance.now();
  const before = await fetch(`${base}/`, { headers: { cookie } });
  const bytes = (await before.arrayBuffer()).byteLength;
  const first = performance.now() - t;
  t = performance.now();
  await fetch(`${base}/overview/refresh`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
    body: '',
    redirect: 'manual',
  });
  for (;;) {
    const status = await fetch(`${base}/overview/status`, { headers: { cookie, 'hx-request': 'true' } });
    await status.arrayBuffer();
    if (status.headers.get('hx-refresh') === 'true') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const computed = (performance.now() - t) / 1000;
  process.stderr.write(`overview analysis at ${n}: ${fmt(computed, 1)} s\n`);
  return [
    [`overview before its analysis (status only) (${n})`, fmt(first, 1), '', '', fmt(bytes / 1024, 1), ''],
    [
      `overview: its analysis in the background, POST → ready (${n})`,
      `${fmt(computed, 1)} s`,
      '',
      '',
      '',
      '',
    ],
  ];
}

export async function benchDashboard(argv: string[]): Promise<void> {
  const sizes = option(argv, '--customers', '100000,1000000').split(',').map(Number);
  const rounds = Number(option(argv, '--rounds', '20'));
  const rows: (string | number)[][] = [];
  for (const customers of sizes) rows.push(...(await measureShop(customers, rounds)));
  process.stdout.write(
    `Dashboard pages, signed in, one client, ${rounds} rounds after a cold first answer (${machine()}):\n\n` +
      `${markdownTable(['page (customers)', 'cold ms', 'p50 ms', 'max ms', 'KB', 'KB without charts'], rows)}\n`,
  );
}
