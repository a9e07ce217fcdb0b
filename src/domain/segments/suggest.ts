/**
 * "Did you mean …?": the nearest candidate by edit distance (Levenshtein, with a transposition
 * counted as one edit), compared without case and without Vietnamese diacritics.
 */

/**
 * The form names are compared in: lower case, no diacritics (đ → d), every run of other characters
 * as one underscore ('Tập trung – giá trị thấp' → 'tap_trung_gia_tri_thap').
 */
export function foldName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Edit distance between two strings (optimal string alignment: insert, delete, substitute, swap). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++)
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  return d[rows * cols - 1]!;
}

/**
 * The candidate nearest to `word`, if it is near enough to be a likely misspelling: at most a third
 * of the word's length in edits (at least 1, at most 3), or the candidate starts with the word.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const w = foldName(word);
  if (w.length === 0) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(w.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const folded = foldName(c);
    const d = editDistance(w, folded);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  if (w.length >= 3) {
    const prefixed = candidates.find((c) => foldName(c).startsWith(w));
    if (prefixed !== undefined) return prefixed;
  }
  return nearestByPart(w, candidates, limit);
}

/**
 * The candidate one of whose words (between underscores, four letters or more) is near the word: a
 * seller who writes `ordres` or `orders` means `number_of_orders`. Only a last resort, after whole
 * names and prefixes found nothing.
 */
function nearestByPart(folded: string, candidates: readonly string[], limit: number): string | undefined {
  if (folded.length < 4) return undefined;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates)
    for (const part of foldName(c).split('_')) {
      if (part.length < 4) continue;
      const d = editDistance(folded, part);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
  return best;
}

/** "; did you mean X?" or nothing. */
export function didYouMean(word: string, candidates: readonly string[], quote = ''): string {
  const n = nearest(word, candidates);
  return n === undefined ? '' : `; did you mean ${quote}${n}${quote}?`;
}
