/**
 * What goes into an order. The purchasing process decides when a buyer orders and how much the
 * buyer means to spend (Gamma-Gamma); the basket turns that amount into catalog lines whose sum
 * is close to it, the way a real buyer fills a cart up to a budget.
 */
import { DEMO_CATALOG, type DemoCategory, type DemoProduct } from './catalog.js';
import { chance, pickOne, type Rng, roundTo1000, WeightedPicker } from './random.js';
import type { DemoLine } from './types.js';

const byCategory = (c: DemoCategory): DemoProduct[] => DEMO_CATALOG.filter((p) => p.category === c);

/** Every product of a category. */
export const CATEGORY_PRODUCTS: Readonly<Record<DemoCategory, readonly DemoProduct[]>> = {
  printing: byCategory('printing'),
  beauty: byCategory('beauty'),
  'mother-baby': byCategory('mother-baby'),
  coffee: byCategory('coffee'),
  electronics: byCategory('electronics'),
};

/** Cheap items any buyer adds to a cart (cross-sell), at most 200 000 ₫. */
const CHEAP_ADDONS = DEMO_CATALOG.filter((p) => p.price <= 200_000);

/** Add-ons per category: its consumables and cheap items first, then cheap items of the shop. */
export const CATEGORY_ADDONS: Readonly<Record<DemoCategory, readonly DemoProduct[]>> = {
  printing: addonsOf('printing'),
  beauty: addonsOf('beauty'),
  'mother-baby': addonsOf('mother-baby'),
  coffee: addonsOf('coffee'),
  electronics: addonsOf('electronics'),
};

function addonsOf(c: DemoCategory): DemoProduct[] {
  const own = CATEGORY_PRODUCTS[c].filter((p) => p.consumable || p.price <= 300_000);
  return [...own, ...CHEAP_ADDONS.filter((p) => p.category !== c)];
}

/** The durables that use a consumable (paper → the printers it goes into). */
export const DURABLES_FOR_REFILL: ReadonlyMap<string, readonly DemoProduct[]> = (() => {
  const map = new Map<string, DemoProduct[]>();
  for (const p of DEMO_CATALOG) for (const sku of p.refills ?? []) map.set(sku, [...(map.get(sku) ?? []), p]);
  return map;
})();

/** Share of lines sold below list price (with a compare-at price). */
const SALE_SHARE = 0.08;
const MAX_LINES = 4;
/** A buyer takes an item that costs a little more than what is left of the budget. */
const BUDGET_SLACK = 1.1;

/** A line for `product`, sometimes on sale. */
export function lineFor(rng: Rng, product: DemoProduct, quantity: number): DemoLine {
  if (chance(rng, SALE_SHARE)) {
    const price = roundTo1000(product.price * (0.8 + 0.12 * rng()));
    return { product, quantity, price, compareAt: product.price };
  }
  return { product, quantity, price: product.price, compareAt: undefined };
}

/**
 * A product that fits in `budget`, preferring the expensive ones (a buyer's main item takes most
 * of the budget); undefined when nothing fits.
 */
function productWithin(rng: Rng, pool: readonly DemoProduct[], budget: number): DemoProduct | undefined {
  let total = 0;
  for (const p of pool) if (p.price <= budget * BUDGET_SLACK) total += p.price;
  if (total === 0) return undefined;
  let x = rng() * total;
  for (const p of pool) {
    if (p.price > budget * BUDGET_SLACK) continue;
    x -= p.price;
    if (x < 0) return p;
  }
  return undefined;
}

/** Units that spend about `budget`: consumables scale (bulk paper, several packs), durables do not. */
function quantityFor(product: DemoProduct, budget: number): number {
  if (!product.consumable) return 1;
  return Math.min(12, Math.max(1, Math.round(budget / product.price)));
}

function addLine(rng: Rng, lines: DemoLine[], product: DemoProduct, quantity: number): number {
  const existing = lines.find((l) => l.product === product);
  if (existing) {
    existing.quantity += quantity;
    return existing.price * quantity;
  }
  const line = lineFor(rng, product, quantity);
  lines.push(line);
  return line.price * quantity;
}

/**
 * Lines worth about `spend`: a main item (`anchor`, or one drawn from `anchorPool` that fits the
 * budget), then add-ons while the rest of the budget buys something.
 */
export function fillBasket(
  rng: Rng,
  spend: number,
  anchorPool: readonly DemoProduct[],
  addonPool: readonly DemoProduct[],
  anchor?: DemoProduct,
): DemoLine[] {
  const lines: DemoLine[] = [];
  const main = anchor ?? productWithin(rng, anchorPool, spend) ?? cheapest(anchorPool);
  let remaining = spend - addLine(rng, lines, main, quantityFor(main, spend));
  while (lines.length < MAX_LINES && remaining > 0) {
    const next = productWithin(rng, addonPool, remaining);
    if (!next) break;
    const cost = addLine(rng, lines, next, quantityFor(next, remaining));
    // Stop once the cart overshoots; a buyer does not add a fourth item past the budget.
    remaining -= cost;
  }
  return lines;
}

/**
 * Lines worth about `spend` that start with `first` (the consumables the buyer has run out of, with
 * the packs they buy), then add-ons while the rest of the budget buys something.
 */
export function restockBasket(
  rng: Rng,
  spend: number,
  first: readonly DemoLine[],
  addonPool: readonly DemoProduct[],
): DemoLine[] {
  const lines = first.slice(0, MAX_LINES);
  let remaining = spend;
  for (const l of lines) remaining -= l.price * l.quantity;
  while (lines.length < MAX_LINES && remaining > 0) {
    const next = productWithin(rng, addonPool, remaining);
    if (!next) break;
    remaining -= addLine(rng, lines, next, quantityFor(next, remaining));
  }
  return lines;
}

function cheapest(pool: readonly DemoProduct[]): DemoProduct {
  let best = pool[0]!;
  for (const p of pool) if (p.price < best.price) best = p;
  return best;
}

/**
 * The acquisition order of a buyer who comes for a durable: the durable and a starter pack of
 * its consumable. Its value is the durable's price, not the Gamma-Gamma draw (the Gamma-Gamma
 * model, like this shop, takes the monetary value from repeat orders).
 */
export function durableBasket(rng: Rng, durable: DemoProduct): DemoLine[] {
  const lines = [lineFor(rng, durable, 1)];
  const refill = durable.refills ? pickOne(rng, durable.refills) : undefined;
  const refillProduct = refill ? DEMO_CATALOG.find((p) => p.sku === refill) : undefined;
  if (refillProduct && chance(rng, 0.8)) lines.push(lineFor(rng, refillProduct, 1 + Math.floor(rng() * 3)));
  return lines;
}

/** Durables of a category, for first orders of buyers who come for equipment. */
export function durablesOf(category: DemoCategory): DemoProduct[] {
  return CATEGORY_PRODUCTS[category].filter((p) => !p.consumable && p.price >= 600_000);
}

/** The interest categories and how many buyers come for each. */
export const INTERESTS = new WeightedPicker<DemoCategory>([
  ['beauty', 27],
  ['mother-baby', 22],
  ['electronics', 20],
  ['printing', 16],
  ['coffee', 15],
]);

/** Categories with consumables and how many restocking buyers each draws. */
const RESTOCK_WEIGHTS: ReadonlyArray<readonly [DemoCategory, number]> = [
  ['beauty', 27],
  ['mother-baby', 25],
  ['printing', 24],
  ['coffee', 20],
];

/** How far a reorder cycle is from a gap between purchases, on a log scale (15 vs 30 days = 0.69). */
function cycleDistance(p: DemoProduct, gapDays: number): number {
  return Math.abs(Math.log((p.reorderCycleDays ?? 1) / gapDays));
}

function consumablesOf(category: DemoCategory): DemoProduct[] {
  return CATEGORY_PRODUCTS[category].filter((p) => p.reorderCycleDays !== undefined);
}

/**
 * The interest and staple of a buyer who restocks every `gapDays`: among the categories with a
 * consumable whose cycle is about as close to the gap as any (within 0.2 on the log scale), one
 * drawn by weight, then its consumable nearest the gap. A weekly buyer gets thermal paper or
 * newborn diapers; a monthly one coffee, ink or sunscreen.
 */
export function restockChoice(rng: Rng, gapDays: number): { interest: DemoCategory; staple: DemoProduct } {
  const nearest = (c: DemoCategory) => Math.min(...consumablesOf(c).map((p) => cycleDistance(p, gapDays)));
  const best = Math.min(...RESTOCK_WEIGHTS.map(([c]) => nearest(c)));
  const eligible = RESTOCK_WEIGHTS.filter(([c]) => nearest(c) <= best + 0.2);
  const interest = new WeightedPicker(eligible).pick(rng);
  const candidates = consumablesOf(interest);
  const closest = Math.min(...candidates.map((p) => cycleDistance(p, gapDays)));
  return {
    interest,
    staple: pickOne(
      rng,
      candidates.filter((p) => cycleDistance(p, gapDays) <= closest + 1e-9),
    ),
  };
}
