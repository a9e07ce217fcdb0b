import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { runDemo } from '../../src/app/demo.js';
import { countSegmentQuery, createShopSegment, refreshShopSegments } from '../../src/app/segments.js';
import { formatterFor } from '../../src/report/format.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { buildServer } from '../../src/server/server.js';
import { queryCustomerIds } from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';
import { DashboardClient, makeUser } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';

/** `+84912345678` written as a seller types it: `0912 345 678`. */
function spacedLocal(e164: string): string {
  const national = `0${e164.slice(3)}`;
  return `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`;
}

const DAY = 86_400_000;

type Someone = {
  customer_id: string;
  first_name: string;
  last_name: string;
  phone: string;
  email: string;
};

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`dashboard customers (${engine.title})`, () => {
    let store: Store;
    let url = '';
    let close: () => Promise<void>;
    let owner: DashboardClient;
    let stranger: DashboardClient;
    let someone: Someone;

    beforeAll(async () => {
      store = await engine.open();
      const ctx = makeContext(store);
      await runDemo(ctx, { shopId: 'shop-a', customers: 40, seed: 7 });
      await runDemo(ctx, { shopId: 'shop-b', customers: 15, seed: 8 });
      // A segment whose members leave a year later: stays with an entry and an exit date.
      await createShopSegment(ctx, {
        shopId: 'shop-a',
        name: 'Mua gần đây',
        query: 'last_order_date > -90d',
      });
      const later = new Date(ctx.clock.now().getTime() + 400 * DAY).toISOString();
      await refreshShopSegments(ctx, { shopId: 'shop-a', names: ['Mua gần đây'], asOf: later });
      const rows = await store.engine.all<Someone>(
        `SELECT c.customer_id, c.first_name, c.last_name, c.phone, c.email
         FROM customers c JOIN customer_stats s ON s.shop_id = c.shop_id AND s.customer_id = c.customer_id
         WHERE c.shop_id = 'shop-a' AND c.phone LIKE '+84%' AND c.email IS NOT NULL AND c.first_name IS NOT NULL
           AND c.last_name IS NOT NULL AND s.orders >= 1
           AND c.customer_id IN (SELECT customer_id FROM segment_membership_history WHERE shop_id = 'shop-a')
         ORDER BY s.orders DESC, c.customer_id LIMIT 1`,
      );
      someone = rows[0] as Someone;
      expect(someone).toBeDefined();
      const server = await buildServer({
        ctx,
        signInLimits: {
          perIp: new RateLimiter({ perSecond: 0.001, burst: 1000 }),
          perEmail: new RateLimiter({ perSecond: 0.001, burst: 1000 }),
        },
      });
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const address = server.app.server.address();
      url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      close = () => server.app.close();
      owner = new DashboardClient(url);
      await owner.signIn(await makeUser(ctx, 'shop-a', 'staff'));
      stranger = new DashboardClient(url);
      await stranger.signIn(await makeUser(ctx, 'shop-b', 'owner'));
    }, 120_000);
    afterAll(async () => {
      await close();
      await store.close();
    });

    const link = (id: string) => `href="/customers/${id}"`;

    it('finds a customer by a phone typed with spaces and a leading 0, or +84 and spaces', async () => {
      const typed = spacedLocal(someone.phone);
      expect(typed).toMatch(/^0\d{3} \d{3} \d{3}$/);
      const page = await owner.get(`/customers?q=${encodeURIComponent(typed)}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(link(someone.customer_id));
      expect(page.text.match(/href="\/customers\/cus_/g)?.length).toBe(1);
      const plus = `+84 ${someone.phone.slice(3, 6)} ${someone.phone.slice(6)}`;
      const fragment = await owner.get(`/customers?q=${encodeURIComponent(plus)}`, { 'hx-request': 'true' });
      expect(fragment.text).toContain(link(someone.customer_id));
      expect(fragment.text).not.toContain('<html');
      // The start of a number finds every holder of a phone that starts so, this one among them.
      const start = await owner.get(`/customers?q=${encodeURIComponent(typed.slice(0, 8))}`);
      expect(start.text).toContain(link(someone.customer_id));
    });

    it('finds a customer by e-mail in any case, and by the start of the name', async () => {
      const byEmail = await owner.get(`/customers?q=${encodeURIComponent(someone.email.toUpperCase())}`);
      expect(byEmail.text).toContain(link(someone.customer_id));
      expect(byEmail.text.match(/href="\/customers\/cus_/g)?.length).toBe(1);
      const full = `${someone.last_name} ${someone.first_name}`;
      const byName = await owner.get(`/customers?q=${encodeURIComponent(full.toUpperCase())}`);
      expect(byName.text).toContain(link(someone.customer_id));
      const byGiven = await owner.get(`/customers?q=${encodeURIComponent(someone.first_name)}`);
      expect(byGiven.text).toContain(link(someone.customer_id));
      const nobody = await owner.get(`/customers?q=${encodeURIComponent('Không Ai Tên Này')}`);
      expect(nobody.text).not.toMatch(/href="\/customers\/cus_/);
    });

    it('counts a segment query as it is typed, the same as countSegmentQuery, and filters the list by it', async () => {
      const ctx = makeContext(store);
      const query = "lifecycle = 'loyal' OR number_of_orders >= 3";
      const { count } = await countSegmentQuery(ctx, { shopId: 'shop-a', query });
      expect(count).toBeGreaterThan(0);
      const shown = formatterFor('vi').count(count);
      const live = await owner.get(`/customers/count?segment=${encodeURIComponent(query)}`, {
        'hx-request': 'true',
      });
      expect(live.text).toContain(`${shown} khách khớp điều kiện`);
      const list = await owner.get(`/customers?segment=${encodeURIComponent(query)}&cols=orders`);
      expect(list.text).toContain(`${shown} khách khớp điều kiện`);
      const ids = await queryCustomerIds(store, 'shop-a', query, { asOf: ctx.clock.now() });
      const listed = [...list.text.matchAll(/href="\/customers\/(cus_[^"]+)"/g)].map((m) => m[1]);
      expect(listed).toEqual(ids.slice(0, 50));
    });

    it('shows a wrong query with its place, under the input', async () => {
      const live = await owner.get(`/customers/count?segment=${encodeURIComponent('number_of_ordrs >= 2')}`, {
        'hx-request': 'true',
      });
      expect(live.status).toBe(200);
      expect(live.text).toContain('role="alert"');
      expect(live.text).toContain('Lỗi ở dòng 1, cột 1');
      expect(live.text).toContain('number_of_orders');
      expect(live.text).toContain('^');
      const page = await owner.get(`/customers?segment=${encodeURIComponent('number_of_orders >= ')}`);
      expect(page.status).toBe(400);
      const form = page.text.indexOf('id="segment"');
      const alert = page.text.indexOf('role="alert"');
      expect(form).toBeGreaterThan(0);
      expect(alert).toBeGreaterThan(form);
      expect(page.text).toMatch(/ở dòng 1, cột \d+/);
    });

    it('exports the filtered customers with the chosen columns as CSV', async () => {
      const ctx = makeContext(store);
      const query = 'number_of_orders >= 2';
      const res = await fetch(
        `${url}/customers/export.csv?segment=${encodeURIComponent(query)}&cols=phone,orders,lifecycle`,
        {
          headers: { cookie: owner.cookieHeader() },
        },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/csv/);
      const lines = (await res.text()).trim().split('\n');
      expect(lines[0]).toBe('customer_id,name,phone,orders,lifecycle');
      const ids = await queryCustomerIds(store, 'shop-a', query, { asOf: ctx.clock.now() });
      expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ids);
      const mine = lines.find((l) => l.startsWith(`${someone.customer_id},`));
      expect(mine).toContain(someone.phone);
      // A search's export: the one customer.
      const one = await fetch(
        `${url}/customers/export.csv?q=${encodeURIComponent(someone.email)}&cols=email`,
        {
          headers: { cookie: owner.cookieHeader() },
        },
      );
      expect((await one.text()).trim().split('\n')).toEqual([
        'customer_id,name,email',
        `${someone.customer_id},${someone.last_name} ${someone.first_name},${someone.email}`,
      ]);
    });

    it('keeps the chosen columns in the links', async () => {
      const page = await owner.get('/customers?cols=email&cols=predicted_clv&cols=&after=cus_0');
      expect(page.text).toContain('<th scope="col">E-mail</th>');
      expect(page.text).toContain('CLV dự đoán</th>');
      expect(page.text).not.toContain('Số đơn</th>');
      expect(page.text).toContain('/customers/export.csv?cols=email%2Cpredicted_clv');
      // The pager's links keep them (here: back to the first page).
      expect(page.text).toContain('<a href="/customers?cols=email%2Cpredicted_clv">');
    });

    it("shows a customer's identities, consent, stats, groups, segment stays and timeline", async () => {
      const page = await owner.get(`/customers/${someone.customer_id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(someone.phone);
      expect(page.text).toContain(someone.email);
      expect(page.text).toContain('Đồng ý nhận tin');
      const [stats] = await store.engine.all<{ orders: number; lifecycle: string }>(
        "SELECT orders, lifecycle FROM customer_stats WHERE shop_id = 'shop-a' AND customer_id = $1",
        [someone.customer_id],
      );
      expect(page.text).toMatch(new RegExp(`Số đơn</div><div class="value">${stats?.orders}<`));
      const { groupInfo } = await import('../../src/domain/analytics/groups-catalog.js');
      expect(page.text).toContain(groupInfo('lifecycle', stats?.lifecycle ?? '').label.vi);
      // The stay in "Mua gần đây" ended a year on: an entry and an exit date.
      expect(page.text).toMatch(
        /<td>Mua gần đây<\/td><td>\d{4}-\d{2}-\d{2}<\/td><td>\d{4}-\d{2}-\d{2}<\/td>/,
      );
      expect(page.text).toContain('Đơn hàng</td>');
      const en = await owner.get(`/customers/${someone.customer_id}`, {
        cookie: `${owner.cookieHeader()}; nurture_lang=en`,
      });
      expect(en.text).toContain('Identities and consent');
    });

    it('pages the timeline after an entry', async () => {
      const first = await owner.get(`/customers/${someone.customer_id}/timeline`, { 'hx-request': 'true' });
      const times = [...first.text.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]);
      expect(times.length).toBeGreaterThan(1);
      const [entry] = await store.engine.all<{ created_at: Date; order_id: string }>(
        "SELECT created_at, order_id FROM orders WHERE shop_id = 'shop-a' AND customer_id = $1 ORDER BY created_at DESC, order_id DESC LIMIT 1",
        [someone.customer_id],
      );
      const before = `${entry?.created_at.toISOString()}|${entry?.order_id}`;
      const older = await owner.get(
        `/customers/${someone.customer_id}/timeline?before=${encodeURIComponent(before)}`,
        {
          'hx-request': 'true',
        },
      );
      const rows = [...older.text.matchAll(/<tr><td>/g)].length;
      expect(rows).toBeLessThan(times.length);
    });

    it("keeps another shop's customers out of sight", async () => {
      expect((await stranger.get(`/customers/${someone.customer_id}`)).status).toBe(404);
      expect((await stranger.get(`/customers/${someone.customer_id}/timeline`)).status).toBe(404);
      const search = await stranger.get(`/customers?q=${encodeURIComponent(spacedLocal(someone.phone))}`);
      expect(search.text).not.toContain(someone.customer_id);
      const res = await fetch(`${url}/customers/export.csv?cols=phone`, {
        headers: { cookie: stranger.cookieHeader() },
      });
      const ids = (await res.text())
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]);
      const [{ n } = { n: 0 }] = await store.engine.all<{ n: number }>(
        "SELECT COUNT(*) AS n FROM customers WHERE shop_id = 'shop-b' AND merged_into IS NULL",
      );
      expect(ids.length).toBe(Number(n));
      expect(ids).not.toContain(someone.customer_id);
      expect((await new DashboardClient(url).get('/customers')).status).toBe(303);
    });
  });
}
