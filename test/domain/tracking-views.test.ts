import { describe, expect, it } from 'vitest';
import { summarizeView } from '../../src/domain/tracking/views.js';

describe('what a storefront event says a visitor looked at', () => {
  it('reads a page by its title, then its path; a product by its name, then its SKU', () => {
    expect(
      summarizeView('Page Viewed', '{"title":"Áo dài","path":"/ao-dai","url":"https://x.vn/ao-dai"}'),
    ).toEqual({
      kind: 'page',
      title: 'Áo dài',
      detail: '/ao-dai',
    });
    expect(summarizeView('Page Viewed', '{"url":"https://x.vn/"}')).toEqual({
      kind: 'page',
      title: 'https://x.vn/',
      detail: undefined,
    });
    expect(summarizeView('Product Viewed', '{"sku":"AD-01","name":"Áo dài lụa"}')).toEqual({
      kind: 'product',
      title: 'Áo dài lụa',
      detail: 'AD-01',
    });
    expect(summarizeView('Product Added', '{"product_id":"KL-01"}')).toEqual({
      kind: 'cart',
      title: 'KL-01',
      detail: undefined,
    });
  });

  it('falls back on the event name for other events, missing or broken properties', () => {
    expect(summarizeView('Message Opened', '{"channel":"zalo"}')).toEqual({
      kind: 'other',
      title: 'Message Opened',
      detail: undefined,
    });
    expect(summarizeView('Page Viewed', 'not json')).toEqual({
      kind: 'page',
      title: 'Page Viewed',
      detail: undefined,
    });
    expect(summarizeView('Product Viewed', null)).toEqual({
      kind: 'product',
      title: 'Product Viewed',
      detail: undefined,
    });
  });

  it('cuts a very long title', () => {
    const view = summarizeView('Page Viewed', JSON.stringify({ title: 'x'.repeat(500) }));
    expect(view.title).toHaveLength(120);
    expect(view.title.endsWith('…')).toBe(true);
  });
});
