import { describe, expect, it } from 'vitest';
import { parseContent } from '../../../src/domain/messages/content.js';
import { htmlToText } from '../../../src/domain/messages/html-text.js';
import { type RenderResult, renderContent, type TemplateVars } from '../../../src/domain/messages/render.js';
import { NurtureError } from '../../../src/errors.js';

const HCM = 'Asia/Ho_Chi_Minh';
const vars: TemplateVars = {
  customer: { first_name: 'Lan', last_name: 'Nguyễn', name: 'Nguyễn Thị Lan', phone: '+84912345678' },
  order: {
    name: '#1042',
    total: 1250000,
    created_at: new Date('2026-12-06T17:30:00Z'), // 00:30 on Dec 7 in Hồ Chí Minh City
    lines: [
      { title: 'Máy in nhiệt', sku: 'PRN-01', quantity: 1, price: 1100000 },
      { title: 'Giấy in 2000 tờ', sku: 'PAP-2000', quantity: 1, price: 150000 },
    ],
  },
  coupon: { code: 'GIAY50K', kind: 'fixed', value: 50000, min_order: 300000, expires_at: '2026-12-08 09:00' },
  shop: { name: 'Shoptida', url: 'https://shoptida.vn' },
  unsubscribe_url: 'https://n.example/u/abc',
};

function ok(result: RenderResult) {
  if (!result.ok) throw new Error(`render failed: ${JSON.stringify(result.error)}`);
  return result;
}

function parseError(raw: unknown): NurtureError {
  try {
    parseContent(raw);
  } catch (error) {
    if (error instanceof NurtureError) return error;
    throw error;
  }
  throw new Error('expected a NurtureError');
}

describe('parseContent', () => {
  it('accepts every channel and fills SMS defaults', () => {
    expect(parseContent({ channel: 'sms', text: 'Chào {{ customer.first_name }}' })).toEqual({
      channel: 'sms',
      text: 'Chào {{ customer.first_name }}',
      ascii: false,
      maxSegments: 3,
    });
    for (const raw of [
      { channel: 'email', subject: { vi: 'Xin chào', en: 'Hello' }, html: '<p>Hi</p>' },
      {
        channel: 'zalo',
        templateId: '231456',
        data: { name: '{{ customer.name }}', order: '{{ order.name }}' },
      },
      { channel: 'messenger', text: 'Hi' },
      { channel: 'webhook', payload: { event: 'x', n: 1, list: ['{{ customer.phone }}'], none: null } },
      { channel: 'webhook' },
      { channel: 'popup', title: 'T', body: 'B', cta: { vi: 'Mua', en: 'Buy' }, url: '{{ shop.url }}/x' },
    ])
      expect(parseContent(raw).channel).toBe(raw.channel);
  });

  it('reports a syntax error with the field path, line and column', () => {
    const e = parseError({
      channel: 'email',
      subject: { vi: 'Chào {{ customer.first_name }}', en: 'Hi {{ customer.first_name' },
      html: '<p>ok</p>\n<p>{% if order %}no end</p>',
    });
    expect(e.code).toBe('invalid_input');
    expect(e.details).toEqual([
      { path: 'subject.en', reason: 'output "{{ customer.first_name" not closed', line: 1, column: 4 },
      { path: 'html', reason: 'tag {% if order %} not closed', line: 2, column: 4 },
    ]);
    expect(e.message).toContain('subject.en (line 1, column 4)');
  });

  it('refuses unknown filters and file-system tags at creation time', () => {
    expect(parseError({ channel: 'sms', text: 'Tổng {{ order.total | vndd }}' }).details).toEqual([
      { path: 'text', reason: 'undefined filter: vndd', line: 1, column: 6 },
    ]);
    expect(parseError({ channel: 'sms', text: "{% include 'secrets' %}" }).details[0]?.reason).toContain(
      'include',
    );
    expect(parseError({ channel: 'sms', text: "{% render '/etc/passwd' %}" }).details[0]?.reason).toContain(
      'render',
    );
  });

  it('reports shape errors with their path', () => {
    expect(parseError({ channel: 'email', subject: 'x' }).details).toEqual([
      { path: 'text', reason: 'an e-mail needs html or text' },
    ]);
    expect(parseError({ channel: 'fax', text: 'x' }).details[0]?.path).toBe('channel');
    expect(parseError({ channel: 'sms', text: { vi: 'x' } }).details[0]?.path).toBe('text');
    expect(parseError({ channel: 'zalo', templateId: 't', data: { a: '{{ x' } }).details[0]?.path).toBe(
      'data.a',
    );
    expect(parseError({ channel: 'webhook', payload: { a: ['{% if %}'] } }).details[0]?.path).toBe(
      'payload.a[0]',
    );
  });
});

describe('renderContent', () => {
  const email = parseContent({
    channel: 'email',
    subject: {
      vi: 'Cảm ơn {{ customer.first_name }} đã đặt đơn {{ order.name }}',
      en: 'Thank you, {{ customer.first_name }}',
    },
    html: {
      vi: '<p>Chào {{ customer.first_name }},</p><p>Tổng: {{ order.total | vnd }} — ngày {{ order.created_at | date }}</p><a href="{{ unsubscribe_url }}">Hủy đăng ký</a>',
      en: '<p>Hi {{ customer.first_name }},</p><p>Total: {{ order.total | vnd }} on {{ order.created_at | date }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>',
    },
  });

  it('renders Vietnamese and English with VND and dates on the shop clock', () => {
    const vi = ok(renderContent(email, vars, { lang: 'vi', timeZone: HCM }));
    expect(vi.message).toEqual({
      channel: 'email',
      subject: 'Cảm ơn Lan đã đặt đơn #1042',
      html: '<p>Chào Lan,</p><p>Tổng: 1.250.000 ₫ — ngày 07/12/2026</p><a href="https://n.example/u/abc">Hủy đăng ký</a>',
      text: 'Chào Lan,\n\nTổng: 1.250.000 ₫ — ngày 07/12/2026\n\nHủy đăng ký (https://n.example/u/abc)',
    });
    const en = ok(renderContent(email, vars, { lang: 'en', timeZone: HCM }));
    expect(en.message.channel === 'email' && en.message.subject).toBe('Thank you, Lan');
    expect(en.message.channel === 'email' && en.message.html).toContain('Total: 1.250.000 ₫ on 7 Dec 2026');
    // The same instant on another shop's clock is still Dec 6.
    const berlin = ok(renderContent(email, vars, { lang: 'en', timeZone: 'Europe/Berlin' }));
    expect(berlin.message.channel === 'email' && berlin.message.html).toContain('on 6 Dec 2026');
  });

  it('formats datetime, strftime dates, coupon values and the shop currency', () => {
    const sms = parseContent({
      channel: 'sms',
      text: '{{ order.created_at | datetime }}|{{ coupon.expires_at | datetime }}|{{ order.created_at | date: "%d-%m-%Y %H:%M" }}|{{ coupon | coupon_value }}|{{ order.total | money }}|{{ coupon.min_order | vnd }}',
    });
    const vi = ok(renderContent(sms, vars, { lang: 'vi', timeZone: HCM }));
    expect(vi.message.channel === 'sms' && vi.message.text).toBe(
      '07/12/2026 00:30|08/12/2026 09:00|07-12-2026 00:30|50.000 ₫|1.250.000 ₫|300.000 ₫',
    );
    const en = ok(renderContent(sms, vars, { lang: 'en', timeZone: HCM, currency: 'USD' }));
    expect(en.message.channel === 'sms' && en.message.text).toBe(
      '7 Dec 2026, 00:30|8 Dec 2026, 09:00|07-12-2026 00:30|$50,000.00|$1,250,000.00|300.000 ₫',
    );
    const kinds = parseContent({ channel: 'messenger', text: '{{ coupon | coupon_value }}' });
    const render = (coupon: TemplateVars['coupon'], lang: 'vi' | 'en') => {
      const r = ok(renderContent(kinds, { coupon }, { lang, timeZone: HCM }));
      return r.message.channel === 'messenger' ? r.message.text : '';
    };
    expect(render({ kind: 'percent', value: 10 }, 'vi')).toBe('10 %');
    expect(render({ kind: 'percent', value: 12.5 }, 'vi')).toBe('12,5 %');
    expect(render({ kind: 'free_shipping' }, 'vi')).toBe('miễn phí vận chuyển');
    expect(render({ kind: 'free_shipping' }, 'en')).toBe('free shipping');
  });

  it('escapes outputs in the HTML part only; | raw opts out', () => {
    const c = parseContent({
      channel: 'email',
      subject: 'Hi {{ customer.first_name }}',
      html: '<p>{{ customer.first_name }}</p>{{ shop.footer | raw }}',
    });
    const r = ok(
      renderContent(
        c,
        { customer: { first_name: '<b>Tom & "Jerry"</b>' }, shop: { footer: '<hr>' } },
        { lang: 'en', timeZone: HCM },
      ),
    );
    expect(r.message).toMatchObject({
      subject: 'Hi <b>Tom & "Jerry"</b>',
      html: '<p>&lt;b&gt;Tom &amp; &#34;Jerry&#34;&lt;/b&gt;</p><hr>',
    });
    const sms = parseContent({ channel: 'sms', text: 'Hi {{ customer.first_name }}' });
    const s = ok(renderContent(sms, { customer: { first_name: 'A & B <3' } }, { lang: 'en', timeZone: HCM }));
    expect(s.message.channel === 'sms' && s.message.text).toBe('Hi A & B <3');
  });

  it('renders an unknown variable empty, and loops over order lines and products', () => {
    const c = parseContent({
      channel: 'messenger',
      text: 'Chào {{ customer.nickname }}{{ nothing.at.all }}!{% for l in order.lines %} {{ l.quantity }}×{{ l.title }}{% endfor %}{% if products.size > 0 %} {{ products.first.title }}{% endif %} [{{ lang }}]',
    });
    const r = ok(
      renderContent(c, { ...vars, products: [{ title: 'Băng dính' }] }, { lang: 'vi', timeZone: HCM }),
    );
    expect(r.message.channel === 'messenger' && r.message.text).toBe(
      'Chào ! 1×Máy in nhiệt 1×Giấy in 2000 tờ Băng dính [vi]',
    );
  });

  it('returns a typed error for a render failure instead of throwing', () => {
    const c = parseContent({ channel: 'sms', text: 'x\n{% for i in (1..100000000) %}{{ i }}{% endfor %}' });
    const r = renderContent(c, {}, { lang: 'vi', timeZone: HCM });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('render_failed');
      expect(r.error.path).toBe('text');
      expect(r.error.message.length).toBeGreaterThan(0);
    }
  });

  it('derives the e-mail text part from the HTML when no text is given, and keeps a given one', () => {
    const withText = parseContent({
      channel: 'email',
      subject: 'S',
      html: '<p>H</p>',
      text: 'Plain {{ customer.first_name }}',
    });
    const r = ok(renderContent(withText, vars, { lang: 'vi', timeZone: HCM }));
    expect(r.message.channel === 'email' && r.message.text).toBe('Plain Lan');
    expect(
      htmlToText(
        '<html><head><style>p{}</style></head><body><h1>Ưu đãi</h1><ul><li>Một</li><li>Hai &amp; ba</li></ul>Dòng 1<br>Dòng&nbsp;2<a href="https://x.vn/a?b=1&amp;c=2">Mua ngay</a> <a href="https://x.vn">https://x.vn</a><!-- c --></body></html>',
      ),
    ).toBe('Ưu đãi\n\n- Một\n- Hai & ba\n\nDòng 1\nDòng 2Mua ngay (https://x.vn/a?b=1&c=2) https://x.vn');
  });

  it('warns about a promotional e-mail without an unsubscribe link', () => {
    const c = parseContent({ channel: 'email', subject: 'S', text: 'Sale!' });
    const r = ok(renderContent(c, vars, { lang: 'vi', timeZone: HCM, promotional: true }));
    expect(r.warnings.map((w) => w.code)).toEqual(['no_unsubscribe_link']);
    expect(ok(renderContent(email, vars, { lang: 'vi', timeZone: HCM, promotional: true })).warnings).toEqual(
      [],
    );
  });

  it('renders Zalo data, popups and webhook payloads', () => {
    const zalo = parseContent({
      channel: 'zalo',
      templateId: '231456',
      data: {
        customer_name: '{{ customer.name }}',
        order_code: '{{ order.name }}',
        amount: '{{ order.total | vnd }}',
      },
    });
    expect(ok(renderContent(zalo, vars, { lang: 'vi', timeZone: HCM })).message).toEqual({
      channel: 'zalo',
      templateId: '231456',
      data: { customer_name: 'Nguyễn Thị Lan', order_code: '#1042', amount: '1.250.000 ₫' },
    });
    const popup = parseContent({
      channel: 'popup',
      title: { vi: 'Chào mừng!', en: 'Welcome!' },
      body: 'Code {{ coupon.code }}',
      url: '{{ shop.url }}/collections/all',
    });
    expect(ok(renderContent(popup, vars, { lang: 'en', timeZone: HCM })).message).toEqual({
      channel: 'popup',
      title: 'Welcome!',
      body: 'Code GIAY50K',
      url: 'https://shoptida.vn/collections/all',
    });
    const hook = parseContent({
      channel: 'webhook',
      payload: { phone: '{{ customer.phone }}', n: 2, tags: ['{{ lang }}'] },
    });
    expect(ok(renderContent(hook, vars, { lang: 'vi', timeZone: HCM })).message).toEqual({
      channel: 'webhook',
      payload: { phone: '+84912345678', n: 2, tags: ['vi'] },
    });
  });
});
