/**
 * Picking a text in the reader's language. Each screen or command keeps its own texts as a
 * catalogue next to it (`const T = { key: { vi, en } } satisfies Catalogue`), so that a command
 * and its words live together; `tr(T.title, lang)` reads one, `fill(T.wrote, lang, { file })`
 * one with `{name}` placeholders. The CLI and the dashboard share these two.
 */
import type { Localized } from '../domain/analytics/types.js';
import type { Lang } from './format.js';

export type { Lang, Localized };

/** A command's or a page's texts, each in both languages. */
export type Catalogue = Record<string, Localized>;

/** The text in the language. */
export function tr(entry: Localized, lang: Lang): string {
  return entry[lang];
}

/** A text with `{name}` placeholders filled; a placeholder without a value stays as written. */
export function fill(entry: Localized, lang: Lang, values: Record<string, string | number>): string {
  return entry[lang].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
