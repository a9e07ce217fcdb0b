/**
 * The segment pages over real HTTP on both engines: the list, the live check with its positioned
 * error and suggestion, saving (create, update, rename), refresh, delete (the owner's), CSRF and
 * tenancy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { importFile } from '../../src/app/imports.js';
import {
  countSegmentQuery,
  createShopSegment,
  getShopSegment,
  listShopSegments,
} from '../../src/app/segments.js';
import { BUILTIN_SEGMENTS } from '../../src/domain/segments/builtins.js';
import { formatterFor } from '../../src/report/format.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { buildServer } from '../../src/server/server.js';
import {
  countAndFirstIds,
  countQuery,
  listMembers,
  queryCustomerIds,
} from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';
import { DashboardClient, makeUser } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';

const FIXTURES = new URL('../fixtures/import/', import.meta.url).pathname;
const A = 'shop-a';
const B = 'shop-b';

async function fillShop(ctx: AppContext, shopId: string): Promise<void> {
  for (const format of ['shopify-customers', 'shopify-orders'] as const)
    await importFile(ctx, { shopId, format, path: `${FIXTURES}${format}.csv`, skipInvalid: true });
}

const path = (name: string) => `/segments/${encodeURIComponent(name)}`;
const htmx = { 'hx-request': 'true' };
/** The count the page shows in its `data-count` attribute. */
const shownCount = (text: string) => Number(/data-count="(\d+)"/.exec(text)?.[1] ?? Number.NaN);

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`dashboard segments (${engine.title})`, () => {
    let store: Store;
    let ctx: AppContext;
    let url = '';
    let close: () => Promise<void>;
    let owner: DashboardClient;
    let staff: DashboardClient;

    beforeAll(async () => {
      store = await engine.open();
      ctx = makeContext(store);
      await fillShop(ctx, A);
      await fillShop(ctx, B);
      const server = await buildServer({
        ctx,
        signInLimits: {
          perIp: new RateLimiter({ perSecond: 1, burst: 1000 }),
          perEmail: new RateLimiter({ perSecond: 1, burst: 1000 }),
        },
      });
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const address = server.app.server.address();
      url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      close = () => server.app.close();
      owner = new DashboardClient(url);
      expect((await owner.signIn(await makeUser(ctx, A, 'owner'), undefined, '/segments')).status).toBe(303);
      staff = new DashboardClient(url);
      expect((await staff.signIn(await makeUser(ctx, A, 'staff'), undefined, '/segments')).status).toBe(303);
    }, 60_000);
    afterAll(async () => {
      await close();
      await store.close();
    });

    it('lists the built-in segments with their Vietnamese labels, counts and a new-segment button', async () => {
      const answer = await staff.get('/segments');
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('href="/segments/new"');
      for (const b of BUILTIN_SEGMENTS) {
        expect(answer.text).toContain(b.label.vi);
        expect(answer.text).toContain(`href="${path(b.name)}"`);
      }
      expect(answer.text).toContain('Phân khúc có sẵn');
      const english = new DashboardClient(url);
      await english.signIn(await makeUser(ctx, A, 'staff'));
      await english.get('/lang/en');
      const en = await english.get('/segments');
      expect(en.text).toContain('Built-in segments');
      expect(en.text).toContain(BUILTIN_SEGMENTS[0]?.label.en ?? '?');
    });

    it('checks a query as it is typed: the error at its place with the suggestion, then the count', async () => {
      const typo = await staff.get(`/segments/new/check?query=${encodeURIComponent('ordres > 2')}`, htmx);
      expect(typo.status).toBe(200);
      expect(typo.text).not.toContain('<html');
      expect(typo.text).toContain('data-line="1" data-column="1"');
      expect(typo.text).toContain('Lỗi ở dòng 1, cột 1');
      expect(typo.text).toContain('Có phải ý bạn là: number_of_orders?');
      expect(typo.text).toMatch(/<pre class="caret"[^>]*><mark>o<\/mark>rdres &gt; 2\n\^<\/pre>/);

      const later = await staff.get(
        `/segments/new/check?query=${encodeURIComponent('number_of_orders >= 1\n  AND lifecylce = loyal')}`,
        htmx,
      );
      expect(later.text).toContain('data-line="2" data-column="7"');
      expect(later.text).toContain('lifecycle?');

      const fixed = await staff.get(
        `/segments/new/check?query=${encodeURIComponent('number_of_orders >= 1')}`,
        htmx,
      );
      const expected = (await countSegmentQuery(ctx, { shopId: A, query: 'number_of_orders >= 1' })).count;
      expect(expected).toBeGreaterThan(0);
      expect(shownCount(fixed.text)).toBe(expected);
      expect(fixed.text).toMatch(/href="\/customers\/cus_/);
      const empty = await staff.get('/segments/new/check?query=', htmx);
      expect(empty.text).toContain('Nhập điều kiện');
    });

    it('refuses to save a query with a typo, keeps what was typed, and saves nothing', async () => {
      const before = (await listShopSegments(ctx, { shopId: A })).length;
      const answer = await staff.post('/segments/new', {
        name: 'Khách quen',
        description: 'x',
        query: 'ordres > 2',
      });
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('Có phải ý bạn là: number_of_orders?');
      expect(answer.text).toContain('value="Khách quen"');
      expect(answer.text).toContain('>ordres &gt; 2</textarea>');
      expect((await listShopSegments(ctx, { shopId: A })).length).toBe(before);
    });

    it('saves a segment from the form, then finds it in the list with its member count', async () => {
      const name = 'Khách mua nhiều / HN';
      const answer = await staff.post('/segments/new', {
        name,
        description: 'Mua từ 1 đơn',
        query: 'number_of_orders >= 1',
      });
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe(`${path(name)}?saved=1`);
      const saved = await getShopSegment(ctx, { shopId: A, name });
      const expected = (await countSegmentQuery(ctx, { shopId: A, query: 'number_of_orders >= 1' })).count;
      expect(saved.members).toBe(expected);

      const list = await staff.get('/segments');
      const row = list.text.slice(list.text.indexOf(`href="${path(name)}"`));
      expect(row).toContain(`<td class="num">${formatterFor('vi').count(expected)}</td>`);

      const pageAnswer = await staff.get(`${path(name)}?saved=1`);
      expect(pageAnswer.status).toBe(200);
      expect(pageAnswer.text).toContain('Đã lưu phân khúc.');
      expect(shownCount(pageAnswer.text)).toBe(expected);
      expect(pageAnswer.text).toContain('<svg');
      expect(pageAnswer.text).toContain(`Tổng: ${formatterFor('vi').count(expected)} vào, 0 ra`);
      const weekly = await staff.get(`${path(name)}?days=365`);
      expect(weekly.text).toContain('<option value="365" selected>');
      expect((await staff.get(`${path(name)}?days=7`)).status).toBe(400);

      const taken = await staff.post('/segments/new', {
        name,
        description: '',
        query: 'number_of_orders >= 2',
      });
      expect(taken.status).toBe(409);
      expect(taken.text).toContain('>number_of_orders &gt;= 2</textarea>');
    });

    it('updates and renames a segment, refusing a typo without changing it', async () => {
      await createShopSegment(ctx, { shopId: A, name: 'to-edit', query: 'number_of_orders >= 1' });
      const typo = await staff.post(path('to-edit'), {
        name: 'to-edit',
        description: '',
        query: 'number_of_orders >= 2 ANDD true',
      });
      expect(typo.status).toBe(400);
      expect(typo.text).toContain('Có phải ý bạn là: AND?');
      expect((await getShopSegment(ctx, { shopId: A, name: 'to-edit' })).query).toBe('number_of_orders >= 1');

      const answer = await staff.post(path('to-edit'), {
        name: 'edited',
        description: 'mô tả',
        query: 'number_of_orders >= 2',
      });
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe(`${path('edited')}?saved=1`);
      const edited = await getShopSegment(ctx, { shopId: A, name: 'edited' });
      expect(edited.query).toBe('number_of_orders >= 2');
      expect(edited.description).toBe('mô tả');
      expect(edited.members).toBe(
        (await countSegmentQuery(ctx, { shopId: A, query: 'number_of_orders >= 2' })).count,
      );
      expect((await staff.get(path('to-edit'))).status).toBe(404);

      const refreshed = await staff.post(`${path('edited')}/refresh`, {});
      expect(refreshed.status).toBe(303);
      expect(refreshed.headers.get('location')).toBe(`${path('edited')}?refreshed=0-0`);
    });

    it('shows a built-in segment read-only and refuses to change it', async () => {
      const builtin = BUILTIN_SEGMENTS[0];
      if (!builtin) throw new Error('no built-in segments');
      const answer = await staff.get(path(builtin.name));
      expect(answer.status).toBe(200);
      expect(answer.text).toContain(builtin.label.vi);
      expect(answer.text).toContain(builtin.description.vi);
      expect(answer.text).not.toContain('<textarea');
      expect(answer.text).not.toContain('/delete"');
      expect(
        (
          await staff.post(path(builtin.name), {
            name: builtin.name,
            description: '',
            query: 'number_of_orders > 1',
          })
        ).status,
      ).toBe(409);
      expect((await owner.post(`${path(builtin.name)}/delete`, {})).status).toBe(409);
    });

    it('lets only the owner delete a segment', async () => {
      await createShopSegment(ctx, { shopId: A, name: 'to-delete', query: 'number_of_orders >= 1' });
      const staffPage = await staff.get(path('to-delete'));
      expect(staffPage.text).not.toContain('/delete"');
      expect((await staff.post(`${path('to-delete')}/delete`, {})).status).toBe(403);
      const ownerPage = await owner.get(path('to-delete'));
      expect(ownerPage.text).toContain(`action="${path('to-delete')}/delete"`);
      const answer = await owner.post(`${path('to-delete')}/delete`, {});
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe('/segments?deleted=to-delete');
      expect((await owner.get('/segments?deleted=to-delete')).text).toContain(
        'Đã xoá phân khúc “to-delete”.',
      );
      expect((await owner.get(path('to-delete'))).status).toBe(404);
    });

    it('refuses a POST without the CSRF token and saves nothing', async () => {
      const answer = await staff.post('/segments/new', {
        _csrf: '',
        name: 'no-csrf',
        query: 'number_of_orders >= 1',
      });
      expect(answer.status).toBe(403);
      await expect(getShopSegment(ctx, { shopId: A, name: 'no-csrf' })).rejects.toThrow(/no segment/);
    });

    it('reads what the pages show in one pass each, agreeing with the plain reads', async () => {
      for (const query of [
        'number_of_orders >= 1',
        'number_of_orders >= 1000',
        "city = 'Hà Nội' OR amount_spent > 500000",
        'NOT (number_of_orders >= 2)',
      ]) {
        const both = await countAndFirstIds(store, A, query, { limit: 3 });
        expect(both.count).toBe(await countQuery(store, A, query));
        expect(both.ids).toEqual(await queryCustomerIds(store, A, query, { limit: 3 }));
      }
      const { segment } = await createShopSegment(ctx, {
        shopId: A,
        name: 'paged',
        query: 'number_of_orders >= 0',
      });
      const all = await listMembers(store.engine, A, segment.segmentId);
      expect(all.length).toBeGreaterThanOrEqual(4);
      expect(await listMembers(store.engine, A, segment.segmentId, { limit: 2, offset: 1 })).toEqual(
        all.slice(1, 3),
      );
      expect(await listMembers(store.engine, A, segment.segmentId, { limit: 200 })).toEqual(
        all.slice(0, 200),
      );
    });

    it("keeps shop B's segments out of shop A's pages", async () => {
      await createShopSegment(ctx, { shopId: B, name: 'b-private', query: 'number_of_orders >= 1' });
      expect((await owner.get(path('b-private'))).status).toBe(404);
      expect(
        (await owner.post(path('b-private'), { name: 'b-private', query: 'number_of_orders >= 5' })).status,
      ).toBe(404);
      expect((await owner.post(`${path('b-private')}/delete`, {})).status).toBe(404);
      expect((await owner.post(`${path('b-private')}/refresh`, {})).status).toBe(404);
      expect((await owner.get('/segments')).text).not.toContain('b-private');
      expect((await getShopSegment(ctx, { shopId: B, name: 'b-private' })).query).toBe(
        'number_of_orders >= 1',
      );
    });

    it('sends a visitor without a session to sign in', async () => {
      const visitor = new DashboardClient(url);
      const answer = await visitor.get('/segments/new');
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toMatch(/^\/sign-in\?next=/);
    });
  });
}
