/**
 * What a catalogue entry's consumable flag and reorder cycle come to: the seller's setting for
 * the product wins over the setting for its category, which wins over what the catalogue file
 * said. A reorder cycle makes a product a consumable unless a stronger level says it is not.
 */
import type { Product, SettingOrigin } from './model/index.js';

/** One level's setting (a product's or a category's); null where it says nothing. */
export interface LevelSetting {
  consumable: boolean | null;
  reorderCycleDays: number | null;
}

/** A catalogue entry as a seller reads it: the file's product with the effective settings. */
export type CatalogueEntry = Product & {
  /** Where the catalogue entry came from: a catalogue format, or `orders` (a SKU met on an order line). */
  source: string | null;
  consumableFrom: SettingOrigin;
  reorderCycleFrom: SettingOrigin;
};

/**
 * The effective consumable flag and reorder cycle. `fromCatalogue` says whether the file's values
 * are the seller's word (a catalogue import) or only the default of a SKU met on an order line.
 */
export function effectiveSettings(
  file: { consumable: boolean; reorderCycleDays: number | undefined; fromCatalogue: boolean },
  product: LevelSetting | undefined,
  category: LevelSetting | undefined,
): Pick<CatalogueEntry, 'consumable' | 'reorderCycleDays' | 'consumableFrom' | 'reorderCycleFrom'> {
  const levels: [SettingOrigin, LevelSetting | undefined][] = [
    ['product', product],
    ['category', category],
  ];
  let cycle: { days: number; from: SettingOrigin } | undefined;
  for (const [from, s] of levels)
    if (cycle === undefined && s?.reorderCycleDays != null) cycle = { days: s.reorderCycleDays, from };
  if (cycle === undefined && file.reorderCycleDays !== undefined)
    cycle = { days: file.reorderCycleDays, from: 'catalogue' };
  let consumable: { value: boolean; from: SettingOrigin } | undefined;
  for (const [from, s] of levels) {
    if (consumable !== undefined || s === undefined) continue;
    if (s.consumable !== null) consumable = { value: s.consumable, from };
    // A level that sets only a cycle makes its products consumables.
    else if (s.reorderCycleDays !== null) consumable = { value: true, from };
  }
  consumable ??=
    file.fromCatalogue || file.consumable
      ? { value: file.consumable || file.reorderCycleDays !== undefined, from: 'catalogue' }
      : { value: false, from: 'none' };
  // A product that is not a consumable has no cycle to be reminded on.
  if (!consumable.value) cycle = undefined;
  return {
    consumable: consumable.value,
    ...(cycle !== undefined ? { reorderCycleDays: cycle.days } : {}),
    consumableFrom: consumable.from,
    reorderCycleFrom: cycle?.from ?? 'none',
  };
}
