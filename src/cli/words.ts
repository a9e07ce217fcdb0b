/**
 * Words more than one command prints. Each command keeps its own catalogue next to it; only what
 * several share lives here.
 */
import type { Catalogue } from '../report/i18n.js';

export const SHARED = {
  /** The line on stderr after a command wrote a file (an HTML report, a CSV). */
  wrote: { vi: 'đã ghi {file}', en: 'wrote {file}' },
} as const satisfies Catalogue;
