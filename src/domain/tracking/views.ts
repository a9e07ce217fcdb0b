/**
 * What a storefront event says a visitor looked at, for a seller to read: a page (its title or
 * path), a product (its name or SKU), a cart or checkout step, or any other event by its name.
 * Properties follow Segment's names, as the widget and imported event files write them.
 */

export type ViewKind = 'page' | 'product' | 'cart' | 'checkout' | 'order' | 'other';

export interface ViewSummary {
  kind: ViewKind;
  /** The page's title or path, the product's name or SKU, else the event's name. */
  title: string;
  /** A page's path (or URL), a product's SKU: a second line, when it differs from the title. */
  detail: string | undefined;
}

const KINDS: Record<string, ViewKind> = {
  'page viewed': 'page',
  'product viewed': 'product',
  'product added': 'cart',
  'cart viewed': 'cart',
  'checkout started': 'checkout',
  'order completed': 'order',
};

/** Title strings are cut to this many characters (a page title can be a paragraph). */
const MAX_TEXT = 120;

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? cut(v.trim()) : typeof v === 'number' ? String(v) : undefined;

function cut(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s;
}

function propertiesOf(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** Reads an event (its name and JSON properties) as a view. */
export function summarizeView(name: string, properties: string | null): ViewSummary {
  const kind = KINDS[name.toLowerCase()] ?? 'other';
  const p = propertiesOf(properties);
  if (kind === 'page') {
    const where = text(p['path']) ?? text(p['url']);
    const title = text(p['title']) ?? text(p['name']) ?? where ?? cut(name);
    return { kind, title, detail: where !== title ? where : undefined };
  }
  if (kind === 'product' || kind === 'cart') {
    const sku = text(p['sku']) ?? text(p['product_id']);
    const title = text(p['name']) ?? sku ?? cut(name);
    return { kind, title, detail: sku !== title ? sku : undefined };
  }
  return { kind, title: cut(name), detail: undefined };
}
