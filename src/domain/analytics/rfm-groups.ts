import { z } from 'zod';
import { type FmAxis, RFM_LEVELS } from './rfm.js';
import { RFM_GROUPS, type RfmGroup } from './types.js';

/**
 * Shopify's eleven RFM groups as a map from the R × FM grid to a group. Shopify publishes only what
 * each group means (CustomerRfmGroup: "recent purchases, many orders, the most spend"…), not the
 * score ranges, so the ranges below are ours, chosen to match those meanings:
 *
 * | R \ FM | 1-2 | 3 | 4 | 5 |
 * |---|---|---|---|---|
 * | 5 (very recent) | new | active | champions | champions |
 * | 4 (recent) | promising | active | loyal | loyal |
 * | 3 | needs_attention | needs_attention | loyal | loyal |
 * | 2 | almost_lost | almost_lost | at_risk | previously_loyal |
 * | 1 (long ago) | dormant | dormant | at_risk | previously_loyal |
 *
 * and `prospects` for customers without a valid order (they have no scores). The first entry that
 * contains a cell wins; a map must cover all 25 cells.
 */

const scoreRange = z
  .tuple([z.number().int().min(1).max(RFM_LEVELS), z.number().int().min(1).max(RFM_LEVELS)])
  .refine(([lo, hi]) => lo <= hi, 'range must be [low, high]');

/** One entry of the map: a group and the R and FM score ranges (inclusive) it covers. */
export const rfmCellSchema = z.object({
  group: z.enum(RFM_GROUPS).exclude(['prospects']),
  r: scoreRange,
  fm: scoreRange,
});
/** An entry of the RFM map. */
export type RfmCell = z.infer<typeof rfmCellSchema>;

/** The RFM settings: the grid's second axis and the group map. */
export const rfmConfigSchema = z.object({
  /** The grid's second axis: mean of F and M, or F alone. */
  axis: z.enum(['average', 'frequency']),
  map: z.array(rfmCellSchema).refine(coversGrid, 'the RFM map must cover every R × FM cell from 1 to 5'),
});
/** The RFM settings. */
export type RfmConfig = z.infer<typeof rfmConfigSchema>;

/** The default map (the table above). */
export const DEFAULT_RFM_MAP: readonly RfmCell[] = [
  { group: 'champions', r: [5, 5], fm: [4, 5] },
  { group: 'loyal', r: [3, 4], fm: [4, 5] },
  { group: 'active', r: [4, 5], fm: [3, 3] },
  { group: 'new', r: [5, 5], fm: [1, 2] },
  { group: 'promising', r: [4, 4], fm: [1, 2] },
  { group: 'needs_attention', r: [3, 3], fm: [1, 3] },
  { group: 'at_risk', r: [1, 2], fm: [4, 4] },
  { group: 'previously_loyal', r: [1, 2], fm: [5, 5] },
  { group: 'almost_lost', r: [2, 2], fm: [1, 3] },
  { group: 'dormant', r: [1, 1], fm: [1, 3] },
];

/** Default RFM settings: FM is the mean of F and M; the default map. */
export const DEFAULT_RFM_CONFIG: RfmConfig = { axis: 'average' satisfies FmAxis, map: [...DEFAULT_RFM_MAP] };

function coversGrid(map: readonly RfmCell[]): boolean {
  for (let r = 1; r <= RFM_LEVELS; r++)
    for (let fm = 1; fm <= RFM_LEVELS; fm++) if (!map.some((c) => inCell(c, r, fm))) return false;
  return true;
}

function inCell(cell: RfmCell, r: number, fm: number): boolean {
  return r >= cell.r[0] && r <= cell.r[1] && fm >= cell.fm[0] && fm <= cell.fm[1];
}

/** The group of a customer's scores (null scores: no valid order yet, so `prospects`). */
export function rfmGroupOf(
  r: number | null,
  fm: number | null,
  map: readonly RfmCell[] = DEFAULT_RFM_MAP,
): RfmGroup {
  if (r === null || fm === null) return 'prospects';
  const cell = map.find((c) => inCell(c, r, fm));
  if (!cell) throw new Error(`RFM map does not cover R=${r}, FM=${fm}`);
  return cell.group;
}
