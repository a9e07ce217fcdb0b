/**
 * The errors a new seller meets most, in Vietnamese: a missing or unreadable file, a missing
 * database or shop, an unknown import format, a bad option value. Their English messages are
 * written where the failure is found (and stay as written in English and in `--json`/API
 * answers); here each known shape is read back and said again in Vietnamese, keeping every path,
 * option name, value and position as it was. A message of any other shape (a row of a file, a
 * query position, a database's own words) stays English.
 */
import type { Lang } from './format.js';

type Rule = readonly [pattern: RegExp, vi: (...groups: string[]) => string];

const OPTION = String.raw`(--[a-z][\w-]*(?: [A-Z]+)?|NURTURE_[A-Z]+)`;
const option = (rest: string) => new RegExp(`^${OPTION}${rest}$`);

const FILE_REASONS: Record<string, string> = {
  'no such file or directory': 'không có tệp hoặc thư mục này',
  'a part of the path is not a directory': 'một phần của đường dẫn không phải thư mục',
  'it is a directory': 'đây là một thư mục',
  'permission denied': 'không có quyền',
  'operation not permitted': 'thao tác không được phép',
  'read-only file system': 'hệ thống tệp chỉ đọc',
};

const VERBS: Record<string, string> = { open: 'mở', rename: 'đổi tên', mkdir: 'tạo thư mục', write: 'ghi' };

/** The shapes, in order; the first that matches a whole message (or one part of it) wins. */
const RULES: readonly Rule[] = [
  [/^file not found: (.+)$/, (path) => `không tìm thấy tệp: ${path}`],
  [/^(.+) is a directory, not a file$/, (path) => `${path} là một thư mục, không phải tệp`],
  [
    new RegExp(`^cannot (\\w+) (.+): (${Object.keys(FILE_REASONS).join('|')})$`),
    (verb, path, reason) =>
      `không ${VERBS[verb] ?? 'truy cập'} được ${path}: ${FILE_REASONS[reason] ?? reason}`,
  ],
  [
    /^no database at (.+): import a file or run `nurture demo` first, or name one with --db$/,
    (path) =>
      `không có cơ sở dữ liệu tại ${path}: hãy nhập một tệp hoặc chạy \`nurture demo\` trước, hoặc chỉ ra cơ sở dữ liệu bằng --db`,
  ],
  [/^no shop '(.+)' in this database$/, (shop) => `không có shop '${shop}' trong cơ sở dữ liệu này`],
  [
    /^unknown import format (.+); use one of: (.+)$/,
    (format, list) => `không có định dạng nhập ${format}; hãy dùng một trong: ${list}`,
  ],
  [
    option(': use vi or en, not "(.*)"'),
    (name, value) => `${name}: hãy dùng vi hoặc en, không phải "${value}"`,
  ],
  [option(' must be a number'), (name) => `${name} phải là một số`],
  [option(' must be (?:a whole number|an integer)'), (name) => `${name} phải là số nguyên`],
  [option(' must be (?:at least |>= ?)(\\S+)'), (name, min) => `${name} phải từ ${min} trở lên`],
  [option(' must be (\\S+) or more'), (name, min) => `${name} phải từ ${min} trở lên`],
  [option(' must be (?:at most |<= ?)(\\S+)'), (name, max) => `${name} phải không quá ${max}`],
  [
    option(' must be between (\\S+) and (\\S+)'),
    (name, a, b) => `${name} phải nằm trong khoảng ${a} đến ${b}`,
  ],
  [option(' must be (\\d+)–(\\d+)'), (name, a, b) => `${name} phải từ ${a} đến ${b}`],
  [option(' must be a date YYYY-MM-DD'), (name) => `${name} phải là một ngày dạng YYYY-MM-DD`],
  [option(' must be a URL like (\\S+)'), (name, url) => `${name} phải là một URL, ví dụ ${url}`],
  [option(' is required'), (name) => `cần có ${name}`],
  [/^Invalid option: expected one of (.+)$/, (list) => `giá trị không hợp lệ, cần một trong ${list}`],
  [option(' is one of (.+)'), (name, list) => `${name} phải là một trong: ${list}`],
  [
    option(' (?:must be|is) ((?:[\\w-]+, )*[\\w-]+) or ([\\w-]+)'),
    (name, a, b) => `${name} phải là ${a} hoặc ${b}`,
  ],
];

function sayInVietnamese(text: string): string | undefined {
  for (const [pattern, vi] of RULES) {
    const match = pattern.exec(text);
    if (match) return vi(...match.slice(1).map((g) => g ?? ''));
  }
  // "--format: unknown import format …": the option an input field became, then a known shape.
  const named = new RegExp(`^${OPTION}: (.+)$`).exec(text);
  const rest = named?.[2] === undefined ? undefined : sayInVietnamese(named[2]);
  return rest === undefined ? undefined : `${named?.[1]}: ${rest}`;
}

/**
 * A NurtureError's message in the reader's language: English as written; Vietnamese for the known
 * shapes, each "; "-separated part on its own (several bad options), the rest left as written.
 */
export function localizedMessage(message: string, lang: Lang): string {
  if (lang === 'en') return message;
  const whole = sayInVietnamese(message);
  if (whole !== undefined) return whole;
  return message
    .split('; ')
    .map((part) => sayInVietnamese(part) ?? part)
    .join('; ');
}
