/**
 * The built-in components: what the widget tracks on its own. Product pages and add-to-cart
 * buttons are marked with data attributes (docs/widget.md):
 *
 *   <div data-nurture-product="SKU" data-nurture-name="…" data-nurture-price="250000"
 *        data-nurture-category="…">
 *   <button data-nurture-add-to-cart="SKU" data-nurture-quantity="1">
 */
import type { Component, Props } from './components.js';
import { referralCodeOf } from './queue.js';

/** The product properties of an element's `data-nurture-*` attributes (Segment's names). */
function productOf(el: Element | null, sku: string | null | undefined): Props | undefined {
  const attr = (name: string) => el?.getAttribute(`data-nurture-${name}`) || undefined;
  const id = sku || attr('product');
  if (!id) return undefined;
  const props: Props = { product_id: id, sku: id };
  const name = attr('name');
  const category = attr('category');
  const currency = attr('currency');
  const price = Number(attr('price'));
  if (name) props['name'] = name;
  if (category) props['category'] = category;
  if (currency) props['currency'] = currency;
  if (attr('price') !== undefined && Number.isFinite(price)) props['price'] = price;
  return props;
}

/** One page view when mounted (a single-page shop calls `nurture.page()` on its own navigations). */
export const pageViews: Component = {
  mount(ctx) {
    ctx.page(document.title, {
      url: location.href,
      path: location.pathname,
      search: location.search,
      title: document.title,
      referrer: document.referrer,
    });
  },
};

/** `Product Viewed` for each product marked on the page (`data-nurture-product="SKU"`), once per SKU. */
export const productViews: Component = {
  mount(ctx) {
    const seen: Record<string, true> = {};
    const marked = document.querySelectorAll('[data-nurture-product]');
    for (let i = 0; i < marked.length; i++) {
      const props = productOf(marked[i] ?? null, undefined);
      const sku = props?.['sku'] as string | undefined;
      if (!props || !sku || seen[sku]) continue;
      seen[sku] = true;
      ctx.track('Product Viewed', props);
    }
  },
};

/**
 * `Product Added` when a marked button is clicked (`data-nurture-add-to-cart="SKU"`, or empty to
 * take the SKU of the product around it). Listens on the document, in the capture phase, so that
 * buttons added later count and a page handler that stops the click does not hide it.
 */
export const addToCart: Component = {
  mount(ctx) {
    ctx.listen(
      document,
      'click',
      (event) => {
        const target = event.target instanceof Element ? event.target : null;
        const button = target?.closest('[data-nurture-add-to-cart]');
        if (!button) return;
        const product = button.closest('[data-nurture-product]');
        const sku = button.getAttribute('data-nurture-add-to-cart') || undefined;
        const props = { ...productOf(product, sku), ...productOf(button, sku) };
        if (!props['sku']) return;
        const quantity = Number(button.getAttribute('data-nurture-quantity') || 1);
        props['quantity'] = Number.isFinite(quantity) && quantity > 0 ? quantity : 1;
        ctx.track('Product Added', props);
      },
      true,
    );
  },
};

/**
 * `?ref=CODE` sent at once (not with the batch): the server keeps the code on the visitor before
 * anything else can happen (the visitor may buy in another browser, or Safari may forget us).
 * The message id is fixed per visitor and code, so a reload is not a second landing.
 */
export const referralCapture: Component = {
  mount(ctx) {
    const code = referralCodeOf(location.search);
    if (!code) return;
    ctx.trackNow('Referral Link Opened', { code, url: location.href }, `ref-${ctx.anonymousId()}-${code}`);
  },
};
