/**
 * The overview and best-customers pages over HTTP, on both engines: the overview's analysis is
 * computed in the background and then shows the KPIs `runAnalysis` (the code of `analyze --json`)
 * gives, formatted; it is recomputed after new orders; the best customers are ranked right; and a
 * shop's user never sees another shop's figures or customers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalysis } from '../../src/app/analyze.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { addDays } from '../../src/domain/analytics/calendar.js';
import { formatKpi, HEADLINE_KPIS } from '../../src/report/labels.js';
import { buildServer } from '../../src/server/server.js';
import type { Store } from '../../src/store/store.js';
import { type Batch, idOf, importBatches, order, SHOP, vn } from '../analytics/fixtures.js';
import { A, B, BEST_SHOP, C, E, F, OTHER_SHOP } from '../analytics/period-fixtures.js';
import { DashboardClient, makeUser } from '../support/dashboard.js';
import { ENGINES, TestClock } from '../support/engines.js';

const OTHER = 'shop2';
const DAY = 86_400_000;

/**
 * The fixtures' days moved by whole days so that "today" (2 April 2026 in the fixtures) is today:
 * sessions expire by the wall clock. Ho Chi Minh has no daylight saving, so local times stay.
 */
const SHIFT = Math.floor((Date.now() - vn('2026-04-02').getTime()) / DAY);
const day = (d: string) => addDays(d, SHIFT);
const shifted = (batch: Batch): Batch => ({
  orders: (batch.orders ?? []).map((o) => ({
    ...o,
    createdAt: new Date(o.createdAt.getTime() + SHIFT * DAY),
  })),
});

/** The KPI cards of an overview page: key → shown value. */
function cards(page: string): Map<string, string> {
  const found = new Map<string, string>();
  const card =
    /data-kpi="(\w+)"[^>]*>\s*<div class="label">[^<]*<\/div>\s*<div class="value">([^<]*)<\/div>/g;
  for (const m of page.matchAll(card)) found.set(m[1] ?? '', m[2] ?? '');
  return found;
}

/** Polls a status part (as htmx does) until it asks for the page to reload: the result is there. */
async function waitUntilComputed(client: DashboardClient, path: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const answer = await client.get(path, { 'hx-request': 'true' });
    expect(answer.status).toBe(200);
    if (answer.headers.get('hx-refresh') === 'true') return;
    expect(answer.text).not.toContain('role="alert"');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} never finished`);
}

/** Asks for the overview of a period (as the page's POST on load does) and waits for it. */
async function computed(client: DashboardClient, query: Record<string, string>): Promise<string> {
  const params = new URLSearchParams(query);
  const started = await client.post('/overview/refresh', query);
  expect(started.status).toBe(303);
  expect(started.headers.get('location')).toBe(`/?${params}`);
  await waitUntilComputed(client, `/overview/status?${params}`);
  return (await client.get(`/?${params}`)).text;
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`dashboard overview and best customers (${engine.title})`, () => {
    let store: Store;
    let ctx: AppContext;
    let url = '';
    let close: () => Promise<void>;
    /** One signed-in client per user: sign-ins are rate limited per e-mail. */
    let client: DashboardClient;
    let otherClient: DashboardClient;
    beforeAll(async () => {
      store = await engine.open(new TestClock(vn('2026-04-02').getTime() + SHIFT * DAY));
      await importBatches(store, [shifted(BEST_SHOP)]);
      await importBatches(store, [shifted(OTHER_SHOP)], 'imp_other', OTHER);
      ctx = makeContext(store);
      const server = await buildServer({ ctx });
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const address = server.app.server.address();
      url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      close = () => server.app.close();
      client = new DashboardClient(url);
      await client.signIn(await makeUser(ctx, SHOP, 'staff'));
      otherClient = new DashboardClient(url);
      await otherClient.signIn(await makeUser(ctx, OTHER, 'owner'));
    });
    afterAll(async () => {
      await close?.();
      await store?.close();
    });

    it('computes the overview in the background, then shows the KPIs of analyze', async () => {
      const first = await client.get('/?preset=12m');
      expect(first.status).toBe(200);
      // Nothing computed yet: the page asks for it (htmx on load, a button without JavaScript).
      expect(first.text).toContain('hx-post="/overview/refresh"');
      expect(cards(first.text).size).toBe(0);

      const page = await computed(client, { preset: '12m' });
      const { report } = await runAnalysis({ kind: 'store', ctx }, { shopId: SHOP, lang: 'vi' });
      const shown = cards(page);
      expect(shown.size).toBe(HEADLINE_KPIS.length);
      for (const k of HEADLINE_KPIS)
        expect([k.key, shown.get(k.key)]).toEqual([
          k.key,
          formatKpi(report.kpis[k.key] as number | null, k.kind, 'VND', 'vi'),
        ]);
      expect(shown.get('revenue')).toBe('1.940.000 ₫');
      // Charts drawn on the server, groups with their recommended actions, definitions on hover.
      expect(page.match(/<svg/g)?.length ?? 0).toBeGreaterThanOrEqual(6);
      expect(page).toContain(report.lifecycle.groups[1]?.actions[0]?.vi ?? 'no action');
      expect(page).toContain('title="Tổng giá trị các đơn hợp lệ');
      expect(page).toContain('Số liệu tính lúc');

      // English one click away: the same figures, English labels and number formats.
      await client.get('/lang/en?back=/');
      const english = await client.get('/?preset=12m');
      expect(english.text).toContain('<div class="label">Revenue</div>');
      expect(cards(english.text).get('revenue')).toBe('1,940,000 ₫');
      expect(english.text).toContain('Recommended actions');
      await client.get('/lang/vi?back=/');
    });

    it('compares a chosen period with the one before it, lower-is-better KPIs read the right way', async () => {
      const page = await computed(client, { from: day('2026-03-01'), to: day('2026-03-31') });
      expect(cards(page).get('revenue')).toBe('940.000 ₫');
      // February had 1.000.000 ₫ (D's order): down 6 %, which is bad news.
      expect(page).toMatch(/data-kpi="revenue"[\s\S]*?<div class="delta bad">▼ −6,0 %/);
      const [from, to] = [day('2026-03-01'), day('2026-03-31')];
      expect(page).toContain(`Kỳ ${from} → ${to}, so với ${addDays(from, -31)} → ${addDays(from, -1)}`);
    });

    it('shows the moves between two chosen dates once computed', async () => {
      await computed(client, { preset: '12m' });
      const query = { preset: '12m', mfrom: day('2026-01-01'), mto: day('2026-03-31') };
      const params = new URLSearchParams(query);
      const before = await client.get(`/?${params}`);
      expect(before.text).toContain('hx-post="/overview/moves/refresh"');
      expect((await client.post('/overview/moves/refresh', query)).status).toBe(303);
      await waitUntilComputed(client, `/overview/moves/status?${params}`);
      const page = (await client.get(`/?${params}`)).text;
      expect(page.split(`${query.mfrom} → ${query.mto}`).length - 1).toBe(2);
    });

    it('recomputes after new orders, showing the older figures with their age meanwhile', async () => {
      await computed(client, { preset: '30d' });
      await importBatches(
        store,
        [
          {
            orders: [
              order({
                id: 'a9',
                phone: A,
                at: new Date(vn('2026-04-01').getTime() + SHIFT * DAY),
                total: 60_000,
              }),
            ],
          },
        ],
        'imp_new',
      );
      const stale = await client.get('/?preset=30d');
      expect(stale.text).toContain('Đang tính lại vì có dữ liệu mới');
      expect(stale.text).toContain('hx-post="/overview/refresh"');
      const before = cards(stale.text).get('revenue');
      const fresh = cards(await computed(client, { preset: '30d' })).get('revenue');
      expect(fresh).not.toBe(before);
      const { report } = await runAnalysis(
        { kind: 'store', ctx },
        { shopId: SHOP, lang: 'vi', period: { days: 30 } },
      );
      expect(fresh).toBe(formatKpi(report.kpis.revenue, 'money', 'VND', 'vi'));
    });

    it('ranks the best customers of a period by revenue and by orders, with a CSV', async () => {
      const ids = async (...phones: string[]) => Promise.all(phones.map((p) => idOf(store, p)));
      const rowsOf = (page: string) => [...page.matchAll(/<tr data-customer="([^"]+)">/g)].map((m) => m[1]);
      const byRevenue = await client.get(`/best?from=${day('2026-03-01')}&to=${day('2026-03-31')}`);
      expect(byRevenue.status).toBe(200);
      expect(rowsOf(byRevenue.text)).toEqual(await ids(B, A, C, E));
      expect(byRevenue.text).toContain('500.000 ₫');
      expect(byRevenue.text).toContain(`href="/customers/${await idOf(store, B)}"`);
      const byOrders = await client.get(`/best?from=${day('2026-03-01')}&to=${day('2026-03-31')}&by=orders`);
      expect(rowsOf(byOrders.text)).toEqual(await ids(C, A, B, E));
      const csv = await client.get(`/best.csv?from=${day('2026-03-01')}&to=${day('2026-03-31')}&by=orders`);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n');
      expect(lines[0]).toBe('rank,customer_id,name,phone,email,orders,revenue,last_order_at');
      expect(lines[1]?.startsWith(`1,${await idOf(store, C)},`)).toBe(true);
      expect(lines.length).toBe(5);
    });

    it('never shows a shop’s figures or customers to another shop’s user', async () => {
      await computed(client, { preset: '90d' });
      // Shop 1's overview of the same period is cached; shop 2 gets its own, not that one.
      const overview = await otherClient.get('/?preset=90d');
      expect(cards(overview.text).size).toBe(0);
      const own = cards(await computed(otherClient, { preset: '90d' }));
      expect(own.get('revenue')).toBe('9.000.000 ₫');
      const best = await otherClient.get(`/best?from=${day('2026-03-01')}&to=${day('2026-03-31')}`);
      const shopOne = await Promise.all([A, B, C, E].map((p) => idOf(store, p)));
      for (const id of shopOne) expect(best.text).not.toContain(id);
      const theirs = await store.findCustomerByKey(OTHER, 'phone', F);
      expect(best.text).toContain(`data-customer="${theirs?.customerId}"`);
      const csv = await otherClient.get(`/best.csv?from=${day('2026-03-01')}&to=${day('2026-03-31')}`);
      for (const id of shopOne) expect(csv.text).not.toContain(id);
    });
  });
}
