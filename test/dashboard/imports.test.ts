/**
 * The imports pages over real HTTP on both engines: a Shopify orders CSV with one bad row
 * uploaded through the multipart form becomes an import job; its page polls while it waits, and
 * once a real dispatcher ran it shows the summary and the rejected row by line and column; the
 * history lists it. A refused file shows its bad line. No CSRF token, no job; another shop's job
 * (or a job that is not an import) is a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImportJob } from '../../src/app/import-history.js';
import { appJobContext, applicationJobs, Dispatcher } from '../../src/engine/index.js';
import { BUILTIN_MAPPINGS } from '../../src/ingest/formats/mapping.js';
import { BUILTIN_PRODUCT_MAPPINGS } from '../../src/ingest/formats/product-mapping.js';
import { IMPORT_FORMATS } from '../../src/ingest/records.js';
import { IMPORT_CHOICES } from '../../src/server/dashboard/pages/import-choices.js';
import { countJobs, enqueueJob } from '../../src/store/jobs/index.js';
import type { Store } from '../../src/store/store.js';
import { startTestServer, type TestServer } from '../server/support.js';
import { DashboardClient, makeUser, type PageAnswer } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';
import { ORDERS_WITH_A_BAD_ROW } from './import-fixture.js';

const SHOP = 'shop-imports';
const OTHER = 'shop-imports-other';

/** The form as a browser sends it: fields first, the file last; the token in the action's query. */
async function upload(
  client: DashboardClient,
  options: { csrf?: string | undefined; skipInvalid?: boolean; fileName?: string; body?: string },
): Promise<PageAnswer> {
  const form = new FormData();
  form.append('format', 'shopify-orders');
  if (options.skipInvalid ?? true) form.append('skipInvalid', '1');
  form.append(
    'file',
    new Blob([options.body ?? ORDERS_WITH_A_BAD_ROW], { type: 'text/csv' }),
    options.fileName ?? 'don-hang.csv',
  );
  const query = options.csrf === undefined ? '' : `?_csrf=${encodeURIComponent(options.csrf)}`;
  const res = await fetch(`${client.baseUrl}/imports${query}`, {
    method: 'POST',
    headers: { cookie: client.cookieHeader() },
    body: form,
    redirect: 'manual',
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`imports pages (${engine.title})`, () => {
    let store: Store;
    let server: TestServer;
    let client: DashboardClient;
    let otherClient: DashboardClient;
    let jobUrl = '';

    const drain = () =>
      new Dispatcher({
        store,
        registry: applicationJobs(),
        context: appJobContext(server.ctx.config),
      }).drain();

    beforeAll(async () => {
      store = await engine.open();
      server = await startTestServer(store);
      await store.ensureShop({ shopId: SHOP });
      await store.ensureShop({ shopId: OTHER });
      client = new DashboardClient(server.url);
      await client.signIn(await makeUser(server.ctx, SHOP, 'staff'));
      otherClient = new DashboardClient(server.url);
      await otherClient.signIn(await makeUser(server.ctx, OTHER, 'owner'));
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('shows the form with every file type, labelled inputs and the token in its action', async () => {
      const answer = await client.get('/imports');
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('enctype="multipart/form-data"');
      expect(answer.text).toContain(`action="/imports?_csrf=${client.csrf}"`);
      for (const id of ['format', 'skipInvalid', 'file'])
        expect(answer.text).toContain(`<label for="${id}">`);
      expect(answer.text).toContain('<option value="orders-csv:haravan">Đơn hàng Haravan (CSV)</option>');
      expect(answer.text).toContain('Chưa nhập tệp nào.');
      await client.get('/lang/en?back=/imports');
      const english = await client.get('/imports');
      expect(english.text).toContain('<option value="orders-csv:tiktok">TikTok Shop orders (CSV)</option>');
      expect(english.text).toContain('No imports yet.');
      await client.get('/lang/vi?back=/imports');
    });

    it('offers every import format, the mapped ones once per built-in mapping', () => {
      const values = IMPORT_CHOICES.map((c) => c.value);
      for (const format of IMPORT_FORMATS)
        if (format === 'orders-csv')
          for (const m of Object.keys(BUILTIN_MAPPINGS)) expect(values).toContain(`orders-csv:${m}`);
        else if (format === 'products-csv')
          for (const m of Object.keys(BUILTIN_PRODUCT_MAPPINGS))
            expect(values).toContain(`products-csv:${m}`);
        else expect(values).toContain(format);
      expect(new Set(values).size).toBe(values.length);
    });

    it('refuses an upload without the CSRF token, or with a wrong one, and enqueues nothing', async () => {
      const before = await countJobs(store, SHOP);
      expect((await upload(client, { csrf: undefined })).status).toBe(403);
      expect((await upload(client, { csrf: 'forged-token-forged-token' })).status).toBe(403);
      expect(await countJobs(store, SHOP)).toEqual(before);
    });

    it('asks for a file when none was chosen', async () => {
      const answer = await upload(client, { csrf: client.csrf, fileName: '', body: '' });
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('Hãy chọn một tệp để nhập.');
    });

    it('turns an upload into a job whose page polls, then shows the rejected row by line and column', async () => {
      const posted = await upload(client, { csrf: client.csrf });
      expect(posted.status).toBe(303);
      jobUrl = posted.headers.get('location') ?? '';
      expect(jobUrl).toMatch(/^\/imports\/job_/);

      const waiting = await client.get(jobUrl);
      expect(waiting.status).toBe(200);
      expect(waiting.text).toContain('Đang chờ');
      expect(waiting.text).toContain('<progress id="import-progress">');
      expect(waiting.text).toContain(`hx-get="${jobUrl}" hx-trigger="every 1s"`);
      expect(waiting.text).toContain('don-hang.csv');

      expect(await drain()).toMatchObject({ claimed: 1, done: 1, failed: 0 });

      const done = await client.get(jobUrl, { 'hx-request': 'true' });
      expect(done.text.startsWith('<section id="import-status"')).toBe(true);
      expect(done.text).toContain('data-state="done"');
      expect(done.text).not.toContain('hx-trigger');
      expect(done.text).toContain('Hoàn tất');
      // Line 6, the "Created at" column: the month 13.
      expect(done.text).toMatch(/<tr><td class="num">6<\/td><td>Created at<\/td><td>[^<]+<\/td><\/tr>/);
      expect(done.text).toMatch(/Đơn hàng<\/div><div class="value">3</);
    });

    it('lists the import in the history with its counts', async () => {
      const answer = await client.get('/imports');
      expect(answer.text).toContain(`<a href="${jobUrl}">`);
      const start = answer.text.indexOf(`<a href="${jobUrl}">`);
      const row = answer.text.slice(start, answer.text.indexOf('</tr>', start));
      expect(row).toMatch(
        /don-hang\.csv[\s\S]*Đơn hàng Shopify \(CSV\)[\s\S]*Hoàn tất[\s\S]*3 đơn hàng[\s\S]*<td class="num">1<\/td>/,
      );
    });

    it('shows why a file was refused, with its bad line, when invalid rows are not skipped', async () => {
      const posted = await upload(client, { csrf: client.csrf, skipInvalid: false, fileName: 'tu-choi.csv' });
      expect(posted.status).toBe(303);
      const url = posted.headers.get('location') ?? '';
      await drain();
      const answer = await client.get(url);
      // Trying again would refuse it again: the page says refused, and stops polling.
      expect(answer.text).toContain('data-state="refused"');
      expect(answer.text).not.toContain('hx-trigger');
      expect(answer.text).toContain('role="alert"');
      expect(answer.text).toContain('Tệp bị từ chối vì có 1 dòng lỗi; không có dữ liệu nào được nhập.');
      expect(answer.text).toMatch(
        /<tr><td class="num">6<\/td><td>Created at<\/td><td>bad date [^<]+<\/td><\/tr>/,
      );
      const history = await client.get('/imports');
      expect(history.text).toMatch(/tu-choi\.csv[\s\S]*?Bị từ chối[\s\S]*?<td class="num">1<\/td>\s*<\/tr>/);
      // The error as kept names the file, not where the server kept it.
      const view = await getImportJob(server.ctx, { shopId: SHOP, jobId: url.split('/').pop() ?? '' });
      expect(view.error).toContain('tu-choi.csv: 1 row(s) rejected');
      expect(view.error).not.toMatch(/uploads|\/tmp\//);
      expect(view.error).not.toMatch(/^\s+at /m);
    });

    it("is a 404 for another shop's import and for a job that is not an import", async () => {
      expect((await otherClient.get(jobUrl)).status).toBe(404);
      expect((await otherClient.get(jobUrl, { 'hx-request': 'true' })).status).toBe(404);
      expect((await otherClient.get('/imports')).text).not.toContain('don-hang.csv');
      const { jobId } = await enqueueJob(
        store,
        { shopId: SHOP, kind: 'test.not-an-import', runAt: new Date(0) },
        new Date(),
      );
      expect((await client.get(`/imports/${jobId}`)).status).toBe(404);
    });
  });
}
