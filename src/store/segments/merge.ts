import type {
  Condition,
  CountTest,
  Resolved,
  Scalar,
  ScalarFieldName,
  Window,
} from '../../domain/segments/ast.js';
import { assertNever } from '../../errors.js';

/**
 * Folds the items of an OR that test the same thing with different values into one condition over
 * the set of values, so that a long OR-list compiles to one set test (`l.sku IN (…)`) instead of one
 * sub-query each (a thousand of them exceed DuckDB's expression depth; 400 took 26 s to count):
 *
 * - `products_purchased(sku: 'A') OR products_purchased(sku: 'B')` → `products_purchased(sku: ('A', 'B'))`
 *   when the other arguments (category, window) are the same and the count is "at least one";
 *   likewise for `category:`, and for an event function's filters (`performed('Product Viewed',
 *   product: …)`, `opened(campaign: …)`), for the same event and window;
 * - `city = 'A' OR city IN ('B', 'C')` → `city IN ('A', 'B', 'C')`.
 *
 * Each fold keeps the meaning exactly: a customer has an order with a line matching one of the
 * items if and only if they have an order with a line matching the union. A count other than "at
 * least one" is not folded (two orders of A and B are not two orders of either). The in-memory
 * evaluator runs the tree unfolded; the SQL == memory property test checks that they agree.
 */
export function mergeOrItems(items: readonly Condition<Resolved>[]): Condition<Resolved>[] {
  const out: Condition<Resolved>[] = [];
  /** Signature of a foldable item (everything but the values of one dimension) → its slot in `out`. */
  const slots = new Map<string, number>();
  /** The signatures registered for each slot of `out`, so that a fold can drop the stale ones. */
  const keysOf = new Map<number, string[]>();
  for (const item of items) {
    const dims = foldDimensions(item);
    let merged = false;
    for (const d of dims) {
      const slot = slots.get(d.key);
      if (slot === undefined) continue;
      const target = out[slot];
      if (target === undefined) continue;
      out[slot] = d.fold(target);
      // The target's values changed in this dimension: only this signature still describes it.
      for (const k of keysOf.get(slot) ?? []) if (k !== d.key) slots.delete(k);
      keysOf.set(slot, [d.key]);
      merged = true;
      break;
    }
    if (merged) continue;
    const slot = out.length;
    out.push(item);
    const keys = dims.map((d) => d.key).filter((k) => !slots.has(k));
    for (const k of keys) slots.set(k, slot);
    keysOf.set(slot, keys);
  }
  return out;
}

/** The items of nested ORs (`(a OR b) OR c`) as one list. */
export function flattenOr(items: readonly Condition<Resolved>[]): Condition<Resolved>[] {
  return items.flatMap((i) => (i.kind === 'or' ? flattenOr(i.items) : [i]));
}

/** One way an item can absorb another: the signature they share and how to fold it in. */
interface Dimension {
  key: string;
  /** `target` (an item with the same key) with this item's values added. */
  fold(target: Condition<Resolved>): Condition<Resolved>;
}

function foldDimensions(c: Condition<Resolved>): Dimension[] {
  switch (c.kind) {
    case 'compare':
      if (c.op !== '=') return [];
      return [valuesDimension(c.field, [c.value])];
    case 'in':
      return [valuesDimension(c.field, c.values)];
    case 'purchased': {
      if (!atLeastOne(c.count)) return [];
      const base = `purchased|${windowKey(c.window)}`;
      const dims: Dimension[] = [];
      if (c.skus !== null) {
        const skus = c.skus;
        dims.push({
          key: `${base}|sku|${JSON.stringify(c.categories)}`,
          fold: (t) => (t.kind === 'purchased' && t.skus !== null ? { ...t, skus: union(t.skus, skus) } : t),
        });
      }
      if (c.categories !== null) {
        const categories = c.categories;
        dims.push({
          key: `${base}|category|${JSON.stringify(c.skus)}`,
          fold: (t) =>
            t.kind === 'purchased' && t.categories !== null
              ? { ...t, categories: union(t.categories, categories) }
              : t,
        });
      }
      return dims;
    }
    case 'performed': {
      if (!atLeastOne(c.count)) return [];
      const filters = [...c.filters].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const base = `performed|${JSON.stringify(c.event)}|${windowKey(c.window)}`;
      return filters.map((f) => {
        const others = filters.filter((o) => o.key !== f.key);
        return {
          key: `${base}|${f.key}|${JSON.stringify(others)}`,
          fold: (t) =>
            t.kind === 'performed'
              ? {
                  ...t,
                  filters: t.filters.map((tf) =>
                    tf.key === f.key ? { key: tf.key, values: union(tf.values, f.values) } : tf,
                  ),
                }
              : t,
        };
      });
    }
    case 'and':
    case 'or':
    case 'not':
    case 'is_null':
    case 'substring':
    case 'has':
    case 'empty':
    case 'replenishment_due':
      return [];
    default:
      return assertNever(c, 'condition');
  }
}

/** `field = v` and `field IN (…)` on one field fold into one `IN`. */
function valuesDimension(field: ScalarFieldName, values: readonly Scalar<Resolved>[]): Dimension {
  return {
    key: `values|${field}`,
    fold: (t) => {
      const have = t.kind === 'in' ? t.values : t.kind === 'compare' ? [t.value] : [];
      const seen = new Set(have.map(scalarKey));
      const added = values.filter((v) => {
        const k = scalarKey(v);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      return { kind: 'in', field, values: [...have, ...added] };
    },
  };
}

const scalarKey = (v: Scalar<Resolved>): string => `${v.type}:${String(v.value)}`;

function windowKey(w: Window<Resolved>): string {
  return `${w.from?.getTime() ?? ''}..${w.to?.getTime() ?? ''}`;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** `count >= 1`, `count > 0`: any one match will do. */
export function atLeastOne(count: CountTest): boolean {
  return (count.op === '>=' && count.value === 1) || (count.op === '>' && count.value === 0);
}
