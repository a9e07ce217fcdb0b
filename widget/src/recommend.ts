/**
 * Recommendation blocks (docs/widget.md, "Recommendations"): the shop places an element with
 * `data-nurture-recommendations="together|for-you|most-viewed"` (and `data-sku` for together,
 * `data-category` for most viewed, `data-limit`, `data-title`) and the widget fills it with a
 * list of products from `GET /t/v1/recommendations`. A block with nothing to show stays empty and
 * hidden; a click on an item is tracked as `Product Clicked` with the block's name.
 */
import type { Component } from './components.js';
import { safe } from './safe.js';

const BLOCKS = ['together', 'for-you', 'most-viewed'] as const;
type Block = (typeof BLOCKS)[number];

interface Item {
  sku: string;
  title: string;
  price: number | null;
  imageUrl: string | null;
  reason: string;
}

const HEADINGS: Record<Block, { vi: string; en: string }> = {
  together: { vi: 'Thường được mua cùng', en: 'Frequently bought together' },
  'for-you': { vi: 'Gợi ý cho bạn', en: 'Recommended for you' },
  'most-viewed': { vi: 'Được xem nhiều nhất', en: 'Most viewed' },
};

const CSS =
  '.nurture-recs{margin:16px 0;font:15px/1.4 system-ui,sans-serif}.nurture-recs h2{font-size:18px;margin:0 0 8px}' +
  '.nurture-recs ul{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:12px}' +
  '.nurture-recs li{border:1px solid #ddd;border-radius:8px;padding:8px}.nurture-recs img{width:100%;height:auto;display:block}' +
  '.nurture-recs small{display:block;color:#555}';

function price(n: number | null, en: boolean): string {
  if (n === null) return '';
  const digits = Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, en ? ',' : '.');
  return `${digits} ₫`;
}

function fill(el: HTMLElement, block: Block, items: Item[], en: boolean, clicked: (i: Item) => void): void {
  el.textContent = '';
  if (items.length === 0) {
    el.hidden = true;
    return;
  }
  el.hidden = false;
  el.classList.add('nurture-recs');
  const h = document.createElement('h2');
  h.textContent = el.getAttribute('data-title') || HEADINGS[block][en ? 'en' : 'vi'];
  el.appendChild(h);
  const ul = document.createElement('ul');
  for (const item of items) {
    const li = document.createElement('li');
    li.setAttribute('data-sku', item.sku);
    if (item.imageUrl) {
      const img = document.createElement('img');
      img.src = item.imageUrl;
      img.alt = item.title;
      img.loading = 'lazy';
      li.appendChild(img);
    }
    const title = document.createElement('strong');
    title.textContent = item.title;
    li.appendChild(title);
    const p = document.createElement('small');
    p.textContent = price(item.price, en);
    li.appendChild(p);
    const why = document.createElement('small');
    why.textContent = item.reason;
    li.appendChild(why);
    li.addEventListener(
      'click',
      safe(() => clicked(item)),
    );
    ul.appendChild(li);
  }
  el.appendChild(ul);
}

export const recommendationBlocks: Component = {
  mount(ctx) {
    let alive = true;
    const { api, key } = ctx.config;
    const en = /^en/i.test(document.documentElement.lang);
    const elements = Array.from(document.querySelectorAll<HTMLElement>('[data-nurture-recommendations]'));
    if (elements.length > 0 && !document.getElementById('nurture-recs-css')) {
      const style = document.createElement('style');
      style.id = 'nurture-recs-css';
      style.textContent = CSS;
      document.head.appendChild(style);
    }
    for (const el of elements) {
      const block = el.getAttribute('data-nurture-recommendations') as Block;
      if (!(BLOCKS as readonly string[]).includes(block)) continue;
      const params = new URLSearchParams({
        writeKey: key,
        block,
        anonymousId: ctx.anonymousId(),
        lang: en ? 'en' : 'vi',
      });
      for (const [attr, name] of [
        ['data-sku', 'sku'],
        ['data-category', 'category'],
        ['data-limit', 'limit'],
      ] as const) {
        const v = el.getAttribute(attr);
        if (v) params.set(name, v);
      }
      fetch(`${api}/t/v1/recommendations?${params.toString()}`, { mode: 'cors', credentials: 'omit' })
        .then((res) => (res.ok ? res.json() : undefined))
        .then(
          safe((body: { items?: Item[] } | undefined) => {
            if (!alive) return;
            fill(el, block, body?.items ?? [], en, (item) =>
              ctx.track('Product Clicked', {
                sku: item.sku,
                product_id: item.sku,
                name: item.title,
                list: block,
              }),
            );
          }),
        )
        .catch(() => undefined);
    }
    return () => {
      alive = false;
    };
  },
};
