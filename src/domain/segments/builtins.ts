import { groupInfo } from '../analytics/groups-catalog.js';
import { LIFECYCLE_STAGES, type Localized, RFM_GROUPS, VALUE_GROUPS } from '../analytics/types.js';

/**
 * Built-in segments: one per RFM group, lifecycle stage (plus the "referred" overlay) and value
 * group (plus "focus", its four sub-groups together). They are saved for every shop that uses
 * segments, cannot be changed or deleted, and their membership history is kept like any other.
 */
export interface BuiltinSegment {
  name: string;
  query: string;
  description: Localized;
  /**
   * What reports show instead of the name: the model, then the group's label ("Vòng đời · Khách
   * hàng trung thành"), as two models may name groups alike (RFM and lifecycle both have "loyal").
   */
  label: Localized;
}

/** Names of built-in segments start with their model: `rfm:`, `lifecycle:`, `value:`. */
export const BUILTIN_PREFIXES = ['rfm:', 'lifecycle:', 'value:'] as const;

export function isBuiltinName(name: string): boolean {
  return BUILTIN_PREFIXES.some((p) => name.toLowerCase().startsWith(p));
}

/** The models' names, as the reports head their sections. */
const MODEL_LABELS: Record<'rfm' | 'lifecycle' | 'value', Localized> = {
  rfm: { vi: 'RFM', en: 'RFM' },
  lifecycle: { vi: 'Vòng đời', en: 'Lifecycle' },
  value: { vi: 'Giá trị', en: 'Value' },
};

function described(model: 'rfm' | 'lifecycle' | 'value', group: string, field: string): BuiltinSegment {
  const info = groupInfo(model, group);
  return {
    name: `${model}:${group}`,
    query: `${field} = '${group}'`,
    label: {
      vi: `${MODEL_LABELS[model].vi} · ${info.label.vi}`,
      en: `${MODEL_LABELS[model].en} · ${info.label.en}`,
    },
    description: {
      vi: `${info.label.vi}: ${info.definition.vi}`,
      en: `${info.label.en}: ${info.definition.en}`,
    },
  };
}

export const BUILTIN_SEGMENTS: readonly BuiltinSegment[] = [
  ...RFM_GROUPS.map((g) => described('rfm', g, 'rfm_group')),
  ...LIFECYCLE_STAGES.map((g) => described('lifecycle', g, 'lifecycle')),
  { ...described('lifecycle', 'referred', 'lifecycle'), query: 'referred = true' },
  ...VALUE_GROUPS.map((g) => described('value', g, 'value_group')),
  described('value', 'focus', 'value_group'),
];

/** The label of a built-in segment (its group's, in vi and en); undefined for any other name. */
export function builtinSegmentLabel(name: string): Localized | undefined {
  return BUILTIN_SEGMENTS.find((b) => b.name === name)?.label;
}
