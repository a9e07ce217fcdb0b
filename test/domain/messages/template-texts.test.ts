import { describe, expect, it } from 'vitest';
import { checkLocalisedText, parseContent } from '../../../src/domain/messages/content.js';
import {
  type RenderedMessage,
  renderContent,
  renderText,
  type TemplateVars,
} from '../../../src/domain/messages/render.js';
import { smsLength } from '../../../src/domain/messages/sms.js';
import {
  TEMPLATE_TASKS,
  TEMPLATE_TEXTS,
  type TemplateMessage,
} from '../../../src/domain/messages/template-texts.js';

const HCM = 'Asia/Ho_Chi_Minh';

const sample: TemplateVars = {
  customer: {
    first_name: 'Lan',
    last_name: 'Nguyễn',
    name: 'Nguyễn Thị Lan',
    phone: '+84912345678',
    email: 'lan@example.vn',
    orders_count: 7,
    total_spent: 8400000,
  },
  order: {
    name: '#1042',
    total: 1250000,
    created_at: new Date('2026-12-07T02:30:00Z'),
    status_url: 'https://shoptida.vn/orders/1042',
    lines: [{ title: 'Giấy in nhiệt 2000 tờ', sku: 'PAP-2000', quantity: 2, price: 300000 }],
  },
  products: [
    { title: 'Băng dính đóng hàng', url: 'https://shoptida.vn/p/bang-dinh', price: 45000 },
    { title: 'Túi niêm phong', url: 'https://shoptida.vn/p/tui', price: 99000 },
  ],
  coupon: {
    code: 'SHOPTIDA7Q2',
    kind: 'fixed',
    value: 50000,
    min_order: 300000,
    expires_at: '2026-12-08 09:00',
  },
  shop: { name: 'Shoptida', url: 'https://shoptida.vn', phone: '0902282206' },
  unsubscribe_url: 'https://n.example/u/tok',
  account_url: 'https://shoptida.vn/account/activate/xyz',
  survey_url: 'https://shoptida.vn/pages/survey',
  nps_url: 'https://n.example/nps/tok?m=1',
  checkout_url: 'https://shoptida.vn/checkouts/abc',
  referral_code: 'GT7KQ4M2',
  referral_url: 'https://shoptida.vn/?ref=GT7KQ4M2',
  review_url: 'https://g.page/shoptida/review',
  delivery: { date: '2026-12-09', carrier: 'GHTK', tracking_code: 'S123' },
  event: { name: 'Points Expiring', properties: { points: 350, expiresOn: '2027-01-07', days: 30 } },
};

/** Facts each rendered message must state (checked in both languages; SMS without tone marks). */
const FACTS: Record<string, Record<string, string[]>> = {
  welcome: { email: ['Shoptida', 'SHOPTIDA7Q2', '50.000 ₫'], popup: ['Shoptida', 'SHOPTIDA7Q2'] },
  'post-purchase': {
    thankYou: [
      '#1042',
      '1.250.000 ₫',
      'Giấy in nhiệt 2000 tờ',
      '300.000 ₫',
      'https://shoptida.vn/orders/1042',
    ],
    accountInvite: ['https://shoptida.vn/account/activate/xyz', '#1042'],
  },
  replenishment: {
    sms: ['[QC] ', 'SHOPTIDA7Q2', '50.000', '24h'],
    zalo: ['Nguyễn Thị Lan', 'Băng dính đóng hàng', 'SHOPTIDA7Q2', '50.000 ₫', '09:00 08/12/2026'],
    email: ['Băng dính đóng hàng', 'SHOPTIDA7Q2', '50.000 ₫', '300.000 ₫'],
  },
  winback: {
    survey: ['https://shoptida.vn/pages/survey', 'Shoptida'],
    coupon: ['SHOPTIDA7Q2', '50.000 ₫', 'Túi niêm phong', '99.000 ₫'],
  },
  'needs-attention': { checkIn: ['Shoptida', 'Băng dính đóng hàng'] },
  'nps-after-delivery': {
    email: [
      '#1042',
      'https://n.example/nps/tok?m=1&amp;score=0',
      'https://n.example/nps/tok?m=1&amp;score=10',
    ],
    sms: ['#1042', '0-10', 'https://n.example/nps/tok?m=1'],
  },
  'abandoned-checkout': {
    email: ['Giấy in nhiệt 2000 tờ', 'https://shoptida.vn/checkouts/abc', 'SHOPTIDA7Q2'],
    sms: ['[QC] ', 'https://shoptida.vn/checkouts/abc', 'SHOPTIDA7Q2'],
  },
  'points-expiring': {
    sms: ['Shoptida', '350', '2027-01-07', 'https://shoptida.vn'],
    email: ['Shoptida', '350', '2027-01-07', 'https://shoptida.vn'],
  },
  'nps-loop': {
    apologySms: ['Shoptida'],
    apologyEmail: ['Shoptida'],
    improveSms: ['Shoptida', '10'],
    improveEmail: ['Shoptida'],
    inviteSms: ['GT7KQ4M2', 'https://shoptida.vn/?ref=GT7KQ4M2', 'https://g.page/shoptida/review'],
    inviteEmail: ['GT7KQ4M2', 'https://shoptida.vn/?ref=GT7KQ4M2', 'https://g.page/shoptida/review'],
    referralThanksSms: ['SHOPTIDA7Q2'],
  },
  'order-confirmation': { sms: ['#1042', '1.250.000'], zalo: ['#1042', '1.250.000 ₫', '07/12/2026'] },
  'cod-delivery-update': {
    sms: ['#1042', '1.250.000'],
    zalo: ['#1042', '1.250.000 ₫', '09/12/2026', 'GHTK', 'S123'],
  },
};

/** Every string of a rendered message, one per line. */
function allText(message: RenderedMessage): string {
  const strings: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(message);
  return strings.join('\n');
}

const entries = Object.entries(TEMPLATE_TEXTS).flatMap(([flow, steps]) =>
  Object.entries(steps as Record<string, TemplateMessage>).map(([step, m]) => ({ flow, step, m })),
);

describe('ready texts of the seeds’ flows', () => {
  it('cover every flow the issue names', () => {
    expect(Object.keys(TEMPLATE_TEXTS).sort()).toEqual(Object.keys(FACTS).sort());
    expect(Object.keys(TEMPLATE_TASKS)).toEqual(['vip-gift', 'nps-detractor']);
  });

  for (const { flow, step, m } of entries) {
    for (const lang of ['vi', 'en'] as const) {
      it(`${flow}/${step} renders in ${lang} with its facts and no Liquid left`, () => {
        const content = parseContent(m.content);
        expect(content.channel).toBe(m.channel);
        const result = renderContent(content, sample, { lang, timeZone: HCM, promotional: m.promotional });
        if (!result.ok) throw new Error(JSON.stringify(result.error));
        expect(result.warnings).toEqual([]);
        const text = allText(result.message);
        expect(text).not.toMatch(/\{\{|\{%|%\}|\}\}/);
        for (const fact of FACTS[flow]?.[step] ?? []) expect(text).toContain(fact);
        const message = result.message;
        if (message.channel === 'sms') {
          expect(message.text.startsWith('[QC] ')).toBe(m.promotional);
          expect(message.encoding).toBe('gsm7');
          expect(smsLength(message.text).segments).toBeLessThanOrEqual(2);
        }
        if (message.channel === 'email') {
          expect(message.text.length).toBeGreaterThan(40);
          if (lang === 'vi') expect(message.html).toContain('Chào Lan,');
          else expect(message.html).toContain('Hi Lan,');
          if (m.promotional) expect(message.html).toContain('https://n.example/u/tok');
        }
      });
    }
  }

  it('greet a customer without a first name politely, with no coupon block when there is none', () => {
    const content = parseContent(TEMPLATE_TEXTS.welcome.email.content);
    const vars = { ...sample, customer: {}, coupon: undefined };
    const vi = renderContent(content, vars, { lang: 'vi', timeZone: HCM });
    const en = renderContent(content, vars, { lang: 'en', timeZone: HCM });
    expect(vi.ok && vi.message.channel === 'email' && vi.message.html).toContain('Chào bạn,');
    expect(vi.ok && vi.message.channel === 'email' && vi.message.html).not.toContain('Mã ưu đãi');
    expect(en.ok && en.message.channel === 'email' && en.message.html).toContain('Hi there,');
    const popup = renderContent(parseContent(TEMPLATE_TEXTS.welcome.popup.content), vars, {
      lang: 'vi',
      timeZone: HCM,
    });
    expect(popup.ok && popup.message.channel === 'popup' && popup.message.body).toContain('Đăng ký');
  });

  it('the replenishment SMS goes without tone marks, the order confirmation without [QC]', () => {
    const sms = renderContent(parseContent(TEMPLATE_TEXTS.replenishment.sms.content), sample, {
      lang: 'vi',
      timeZone: HCM,
      promotional: true,
    });
    expect(sms.ok && sms.message.channel === 'sms' && sms.message.text).toBe(
      '[QC] Shoptida: Chao Lan, Bang dinh dong hang cua ban chac sap het. Tang ma SHOPTIDA7Q2 giam 50.000 VND neu dat trong 24h: https://shoptida.vn',
    );
    expect(TEMPLATE_TEXTS.replenishment.sms.expiresInHours).toBe(24);
    const confirm = renderContent(parseContent(TEMPLATE_TEXTS['order-confirmation'].sms.content), sample, {
      lang: 'vi',
      timeZone: HCM,
    });
    expect(confirm.ok && confirm.message.channel === 'sms' && confirm.message.text).toBe(
      'Shoptida xac nhan don #1042 tri gia 1.250.000 VND. Cam on quy khach! Ho tro: 0902282206',
    );
  });

  it('the vip-gift task names the customer, the gift and the handwritten note', () => {
    const task = TEMPLATE_TASKS['vip-gift'];
    checkLocalisedText(task.title, 'title');
    checkLocalisedText(task.body, 'body');
    const vi = { lang: 'vi' as const, timeZone: HCM };
    const title = renderText(task.title, sample, vi);
    const body = renderText(task.body, sample, vi, 'body');
    expect(title).toEqual({ ok: true, text: 'Gửi quà tri ân và thiệp viết tay cho Nguyễn Thị Lan' });
    expect(body.ok && body.text).toContain('7 đơn, tổng 8.400.000 ₫');
    expect(body.ok && body.text).toContain('Viết tay một tấm thiệp');
    expect(body.ok && body.text).toContain('+84912345678');
    const en = renderText(task.body, sample, { lang: 'en', timeZone: HCM }, 'body');
    expect(en.ok && en.text).toContain('Handwrite a short note');
  });
});
