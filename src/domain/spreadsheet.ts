/**
 * CSV injection (OWASP): a spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (or a tab
 * or carriage return, which some read past) as a formula — `=HYPERLINK(…)` in a customer's name
 * becomes a link, `=cmd|…` a command. Files meant to be opened by people prefix such a text cell
 * with a single quote, which the spreadsheet shows as text and hides. Numbers written as numbers
 * (an amount of -5) are not text and stay as they are.
 */
export function spreadsheetText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/**
 * A signed number alone (`+84912345678`, `-5`, `-1.5`) is left as it is: a spreadsheet reads it as
 * a number, never a formula, and a phone in E.164 stays the same text for the tools that read the
 * file after a person.
 */
const PLAIN_NUMBER = /^[+-]\d+(\.\d+)?$/;

/** `spreadsheetText` for the text cells of a row; other values as they are. */
export function spreadsheetCell<T>(value: T): T | string {
  return typeof value === 'string' ? spreadsheetText(value) : value;
}
