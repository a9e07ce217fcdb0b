/**
 * What an error is, in the reader's language: a headline per error code, printed before the
 * message. The message itself is written where the failure is found (it names the file line, the
 * option, the query position); the most common ones are said in Vietnamese too (error-messages.ts),
 * the others stay as written. The headline tells a Vietnamese seller at once what kind of failure
 * it is.
 */
import type { Localized } from '../domain/analytics/types.js';
import type { ErrorCode, NurtureError } from '../errors.js';
import { localizedMessage } from './error-messages.js';
import type { Lang } from './format.js';

/** One headline per code; `satisfies` makes a new code without its texts a type error. */
export const ERROR_HEADLINES = {
  invalid_input: { vi: 'Dữ liệu không hợp lệ', en: 'Invalid input' },
  invalid_file: { vi: 'Tệp không hợp lệ', en: 'Invalid file' },
  not_found: { vi: 'Không tìm thấy', en: 'Not found' },
  conflict: { vi: 'Xung đột dữ liệu', en: 'Conflict' },
  not_enough_data: { vi: 'Chưa đủ dữ liệu', en: 'Not enough data' },
  store_unavailable: { vi: 'Không kết nối được cơ sở dữ liệu', en: 'Database unavailable' },
  unauthorized: { vi: 'Chưa xác thực', en: 'Not authenticated' },
  forbidden: { vi: 'Không có quyền', en: 'Forbidden' },
  rate_limited: { vi: 'Quá nhiều yêu cầu', en: 'Too many requests' },
  internal: { vi: 'Lỗi nội bộ', en: 'Internal error' },
} as const satisfies Record<ErrorCode, Localized>;

/** An error that is not a NurtureError: a defect, printed with its stack. */
export const UNEXPECTED_ERROR: Localized = { vi: 'Lỗi không mong đợi', en: 'Unexpected error' };

/** "Dữ liệu không hợp lệ: --limit phải là một số" (vi), "Invalid input: --limit must be a number" (en). */
export function errorText(error: NurtureError, lang: Lang): string {
  return `${ERROR_HEADLINES[error.code][lang]}: ${localizedMessage(error.message, lang)}`;
}
