/**
 * A customer's name as Vietnamese names read, family name first: "Nguyễn Thị" + "Hồng" →
 * "Nguyễn Thị Hồng". Null when neither part is given (the page says "no name" in its language).
 */
export function customerName(
  first: string | null | undefined,
  last: string | null | undefined,
): string | null {
  const name = [last, first]
    .map((p) => p?.trim() ?? '')
    .filter((p) => p !== '')
    .join(' ');
  return name === '' ? null : name;
}
