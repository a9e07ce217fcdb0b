/**
 * The flow and message pages over real HTTP on both engines: the list with one state per flow
 * and its figures, the state buttons (CSRF, conflicts), the graph's branches and the rules in
 * words, creating from a template (a bad parameter shown at its field, nothing created), the
 * message editor's live preview with a Liquid error's position, saving a new version (the rest
 * of the document unchanged, older runs named), the messages page with why each message is where
 * it is, and tenancy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listShopFlows, requireFlowView } from '../../src/app/flows/definitions.js';
import { previewFlowContent, previewFlowMessage } from '../../src/app/flows/preview.js';
import { formatterFor } from '../../src/report/format.js';
import { whyWords } from '../../src/server/dashboard/pages/messages-view.js';
import { listMessages } from '../../src/store/flows/messages.js';
import { SHOP } from '../flows/support.js';
import { DashboardClient, makeUser } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';
import { type FlowPagesShop, LAN, openFlowPagesShop } from './flows-fixture.js';

const htmx = { 'hx-request': 'true' };

const fromHtml = (t: string) =>
  t
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The editor form's fields as a browser would send them (inputs, checked boxes, textareas). */
function formFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="(text|checkbox)" ([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(m[2]!)?.[1];
    if (!name?.startsWith('c.')) continue;
    if (m[1] === 'checkbox') {
      if (/ checked/.test(m[2]!)) out[name] = 'on';
    } else out[name] = fromHtml(/value="([^"]*)"/.exec(m[2]!)?.[1] ?? '');
  }
  for (const m of page.matchAll(/<textarea [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    out[m[1]!] = fromHtml(m[2]!);
  return out;
}
const stateOf = (text: string, flow: string) =>
  new RegExp(`data-flow="${flow}"[\\s\\S]*?data-state="(\\w+)"`).exec(text)?.[1];

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`dashboard flows and messages (${engine.title})`, () => {
    let s: FlowPagesShop;
    let staff: DashboardClient;

    beforeAll(async () => {
      s = await openFlowPagesShop(engine);
      staff = new DashboardClient(s.url);
      expect(
        (await staff.signIn(await makeUser(s.shop.ctx, SHOP, 'staff'), undefined, '/flows')).status,
      ).toBe(303);
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    it('lists each flow with one state, its trigger in words and its figures', async () => {
      const a = await staff.get('/flows');
      expect(a.status).toBe(200);
      expect(stateOf(a.text, 'promos')).toBe('live');
      expect(stateOf(a.text, 'checkout')).toBe('draft');
      expect(a.text).toContain('Đơn hàng được đặt');
      expect(a.text).toContain('Khách thực hiện &quot;Checkout Started&quot;');
      expect(a.text).toContain('Nháp: chưa có khách nào vào.');
      // promos: 2 runs entered, 1 message sent (Lan's first; Mai has no consent).
      const promos = /data-flow="promos"[\s\S]*?<\/li>/.exec(a.text)?.[0] ?? '';
      expect(promos).toMatch(/<dt>Vào<\/dt><dd>2<\/dd>/);
      expect(promos).toMatch(/<dt>Tin đã gửi<\/dt><dd>1<\/dd>/);
      expect(promos).toContain('data-confirm="Lưu trữ flow này?');
      const en = await staff.get('/flows', { cookie: `${staff.cookieHeader()}; nurture_lang=en` });
      expect(en.text).toContain('An order is placed');
    });

    it('pauses and resumes through POSTs with the CSRF token; a wrong state is a conflict', async () => {
      expect((await staff.post('/flows/promos/pause', { back: '/flows' })).headers.get('location')).toBe(
        '/flows',
      );
      expect(stateOf((await staff.get('/flows')).text, 'promos')).toBe('paused');
      expect((await staff.post('/flows/promos/pause', {})).status).toBe(409);
      expect(
        (await staff.post('/flows/promos/resume', { back: '//evil.example' })).headers.get('location'),
      ).toBe('/flows/promos');
      expect(stateOf((await staff.get('/flows')).text, 'promos')).toBe('live');
      expect((await staff.post('/flows/promos/pause', { _csrf: 'wrong' })).status).toBe(403);
      expect(stateOf((await staff.get('/flows')).text, 'promos')).toBe('live');
    });

    it('draws the flow with its branches, and says the entry policy and exit conditions', async () => {
      const a = await staff.get('/flows/checkout');
      expect(a.status).toBe(200);
      expect([...a.text.matchAll(/data-branch="([^"]+)"/g)].map((m) => m[1])).toEqual([
        'onEvent',
        'onTimeout',
        'yes',
        'no',
        'sms',
        'email',
      ]);
      expect(a.text).toContain('Chờ &quot;Order Completed&quot; tối đa 1 giờ');
      expect(a.text).toContain('Chờ 7 ngày, đến 09:00');
      expect(a.text).toContain('Tạo mã giảm giá 10 %, dùng trong 24 giờ');
      expect(a.text).toContain('Mỗi lần xảy ra một lượt');
      expect(a.text).toContain('Khách đặt đơn hợp lệ');
      const promos = await staff.get('/flows/promos');
      expect(promos.text).toMatch(/2 lượt · 1 đã gửi · 1 không gửi/);
      expect((await staff.get('/flows/nope')).status).toBe(404);
    });

    it('creates a flow from a template; a bad parameter is shown at its field and creates nothing', async () => {
      const page = await staff.get('/flows/templates');
      expect(page.text).toContain('Khách mới (seed 000)');
      expect(page.text).toContain('name="p.coupon_percent" value="10"');
      expect(page.text).toContain('mã chào mừng, giảm bao nhiêu %');
      const bad = await staff.post('/flows/templates/welcome', { 'p.coupon_percent': 'abc', start: 'draft' });
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/id="t-welcome-coupon_percent-error" role="alert">[^<]+</);
      expect(bad.text).toContain('value="abc"');
      expect((await listShopFlows(s.shop.ctx, SHOP)).map((f) => f.name)).not.toContain('welcome');
      const good = await staff.post('/flows/templates/welcome', { 'p.coupon_percent': '15', start: 'draft' });
      expect(good.status).toBe(303);
      expect(good.headers.get('location')).toBe('/flows/welcome');
      const view = await requireFlowView(s.shop.ctx, SHOP, 'welcome');
      expect(view.state).toBe('draft');
      expect(JSON.stringify(view.document)).toContain('"value":15');
      expect((await staff.post('/flows/templates/welcome', {})).status).toBe(409);
    });

    it('previews unsaved content, puts a Liquid error at its field with line and column, and saves version 2', async () => {
      const form = await staff.get('/flows/slow/steps/paper');
      expect(form.text).toContain('Giấy in cho {{ customer.first_name }}?');
      expect(form.text).toContain('[QC] Giấy in cho Lan?');
      const fields = {
        'c.sms.text.vi': 'Chị {{ customer.first_name }} ơi, hết giấy chưa?',
        'c.sms.text.en': 'Paper?',
      };
      const ok = await staff.post('/flows/slow/steps/paper/preview', { ...fields, preview_lang: 'vi' }, htmx);
      expect(ok.text).toContain('[QC] Chị Lan ơi, hết giấy chưa?');
      expect(ok.text).toMatch(/1 tin · mã hoá Unicode/);
      expect(ok.text).toContain('id="f-c-sms-text-vi-error" hx-swap-oob="true"></p>');
      const en = await staff.post('/flows/slow/steps/paper/preview', { ...fields, preview_lang: 'en' }, htmx);
      expect(en.text).toContain('[QC] Paper?');
      const bad = await staff.post(
        '/flows/slow/steps/paper/preview',
        { ...fields, 'c.sms.text.en': 'Hi\n{{ customer.first_name | nope }}' },
        htmx,
      );
      expect(bad.text).toMatch(/id="f-c-sms-text-en-error" hx-swap-oob="true">dòng 2, cột \d+: [^<]*nope/);
      // The preview wrote nothing: the saved message renders as before.
      const saved = await previewFlowMessage(s.shop.ctx, { shopId: SHOP, name: 'slow', step: 'paper' });
      expect(saved.message).toMatchObject({ text: '[QC] Giấy in cho Lan?' });

      const refused = await staff.post('/flows/slow/steps/paper', { ...fields, 'c.sms.text.vi': '{% if %}' });
      expect(refused.status).toBe(400);
      expect((await requireFlowView(s.shop.ctx, SHOP, 'slow')).version).toBe(1);

      const before = await requireFlowView(s.shop.ctx, SHOP, 'slow');
      const save = await staff.post('/flows/slow/steps/paper', fields);
      expect(save.status).toBe(303);
      expect(save.headers.get('location')).toBe('/flows/slow?saved=2');
      const after = await requireFlowView(s.shop.ctx, SHOP, 'slow');
      expect(after).toMatchObject({ version: 2, liveVersion: 2 });
      expect({ ...after.document, steps: after.document.steps.slice(0, 1) }).toEqual({
        ...before.document,
        steps: before.document.steps.slice(0, 1),
      });
      expect(after.document.steps[1]).toMatchObject({
        id: 'paper',
        content: { sms: { text: { vi: fields['c.sms.text.vi'], en: 'Paper?' } } },
      });
      const page = await staff.get('/flows/slow?saved=2');
      expect(page.text).toContain('Khách mới vào phiên bản 2; khách đang trong flow đi hết phiên bản 1.');
      expect(page.text).toContain('2 khách còn đang đi phiên bản 1 (cũ hơn) cho đến hết.');
    });

    it('edits e-mail and popup content: fields, preview, and a save that keeps every message as it was', async () => {
      // The welcome template (made by the template test above): an e-mail and a popup.
      const before: unknown[] = [];
      for (const step of ['welcome-email', 'welcome-popup'])
        for (const lang of ['vi', 'en'] as const)
          before.push(
            (await previewFlowMessage(s.shop.ctx, { shopId: SHOP, name: 'welcome', step, lang })).message,
          );
      const email = await staff.get('/flows/welcome/steps/welcome-email');
      expect(email.status).toBe(200);
      expect(email.text).toContain('class="pv-subject"');
      expect(email.text).toMatch(/<iframe class="pv-html" sandbox="" title="Phần HTML" srcdoc="/);
      const popup = await staff.get('/flows/welcome/steps/welcome-popup');
      expect(popup.text).toContain('class="pv-popup"');
      expect((await staff.post('/flows/welcome/steps/welcome-email', formFields(email.text))).status).toBe(
        303,
      );
      expect((await staff.post('/flows/welcome/steps/welcome-popup', formFields(popup.text))).status).toBe(
        303,
      );
      expect((await requireFlowView(s.shop.ctx, SHOP, 'welcome')).version).toBe(3);
      const after: unknown[] = [];
      for (const step of ['welcome-email', 'welcome-popup'])
        for (const lang of ['vi', 'en'] as const)
          after.push(
            (await previewFlowMessage(s.shop.ctx, { shopId: SHOP, name: 'welcome', step, lang })).message,
          );
      expect(after).toEqual(before);
      expect((await staff.get('/flows/welcome/steps/coupon')).status).toBe(404);
    });

    it('previewFlowContent renders content without saving it', async () => {
      const p = await previewFlowContent(s.shop.ctx, {
        shopId: SHOP,
        name: 'promos',
        step: 'first',
        content: { text: 'Xin chào {{ customer.first_name }}' },
      });
      expect(p.message).toMatchObject({ channel: 'sms', text: '[QC] Xin chào Lan' });
      await expect(
        previewFlowContent(s.shop.ctx, {
          shopId: SHOP,
          name: 'promos',
          step: 'first',
          content: { text: '{{ x | nope }}' },
        }),
      ).rejects.toMatchObject({ code: 'invalid_input', details: [{ path: 'text', line: 1 }] });
      const saved = await previewFlowMessage(s.shop.ctx, { shopId: SHOP, name: 'promos', step: 'first' });
      expect(saved.message).toMatchObject({ text: '[QC] Chào Lan, cảm ơn bạn đã mua hàng' });
    });

    it('lists messages with why each was deferred, expired or not sent; filters by state, flow and customer', async () => {
      const all = await staff.get('/messages');
      expect(all.status).toBe(200);
      expect(all.text.match(/<tr data-message=/g)).toHaveLength(6);
      const queued = await staff.get('/messages?state=queued');
      expect(queued.text).toContain('Dời lịch vì đã đủ số tin khuyến mãi trong ngày');
      expect(queued.text).toContain('dự kiến 2027-03-02 08:00');
      const expired = await staff.get('/messages?state=expired');
      expect(expired.text).toContain(
        'Hết hạn: khung giờ trống đầu tiên (2027-03-02 08:00) sau thời hạn của tin.',
      );
      const suppressed = await staff.get('/messages?state=suppressed&flow=promos');
      expect(suppressed.text.match(/<tr data-message=/g)).toHaveLength(3);
      expect(suppressed.text).toContain('Không gửi: sms: no consent');
      const lan = await s.shop.idOf(LAN);
      for (const q of ['0912 000 001', '84912000001@example.vn', lan]) {
        const mine = await staff.get(`/messages?q=${encodeURIComponent(q)}`, {
          'hx-request': 'true',
          'hx-target': 'message-results',
        });
        expect(mine.text.startsWith('<div id="message-results">')).toBe(true);
        expect(mine.text.match(/<tr data-message=/g)).toHaveLength(3);
        expect(mine.text).toContain(`href="/customers/${lan}"`);
      }
      const profile = await staff.get(`/customers/${lan}`);
      expect(profile.text).toContain('Tin nhắn gần đây');
      expect(profile.text.match(/<tr data-message=/g)).toHaveLength(3);
      expect(profile.text).toContain(`href="/messages?q=${lan}"`);
      const none = await staff.get('/messages?q=0999999999');
      expect(none.text).toContain('Không tìm thấy khách');
      expect(none.text).not.toContain('<tr data-message=');
    });

    it('tells the seller to check a message a crash left unknown', async () => {
      const [m] = await listMessages(s.shop.store, SHOP, { state: 'sent' });
      const words = whyWords(
        { ...m!, state: 'unknown', provider: 'speedsms' },
        'vi',
        formatterFor('vi'),
        'Asia/Ho_Chi_Minh',
      );
      expect(words.join(' ')).toMatch(/speedsms.*Hãy kiểm tra.*không tự gửi lại/);
    });

    it("shows nothing of one shop's flows to another shop's user", async () => {
      await s.shop.store.ensureShop({ shopId: 'other-shop', name: 'Khác', timezone: 'Asia/Ho_Chi_Minh' });
      const other = new DashboardClient(s.url);
      await other.signIn(await makeUser(s.shop.ctx, 'other-shop', 'staff'), undefined, '/flows');
      expect((await other.get('/flows')).text).not.toContain('data-flow="promos"');
      expect((await other.get('/flows/promos')).status).toBe(404);
      expect((await other.post('/flows/promos/pause', {})).status).toBe(404);
      expect((await other.get('/messages')).text).not.toContain('<tr data-message=');
    });
  });
}
