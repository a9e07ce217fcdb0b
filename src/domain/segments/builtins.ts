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
}

/** Names of built-in segments start with their model: `rfm:`, `lifecycle:`, `value:`. */
export const BUILTIN_PREFIXES = ['rfm:', 'lifecycle:', 'value:'] as const;

export function isBuiltinName(name: string): boolean {
  return BUILTIN_PREFIXES.some((p) => name.toLowerCase().startsWith(p));
}

function described(model: 'rfm' | 'lifecycle' | 'value', group: string, field: string): BuiltinSegment {
  const info = groupInfo(model, group);
  return {
    name: `${model}:${group}`,
    query: `${field} = '${group}'`,
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
