/**
 * Expected failures carry a code. The mapping from code to HTTP status and process exit code
 * lives here and nowhere else.
 */
export const ERROR_CODES = {
  invalid_input: { http: 400, exit: 2 },
  invalid_file: { http: 400, exit: 3 },
  not_found: { http: 404, exit: 4 },
  conflict: { http: 409, exit: 5 },
  not_enough_data: { http: 422, exit: 6 },
  store_unavailable: { http: 503, exit: 7 },
  unauthorized: { http: 401, exit: 8 },
  forbidden: { http: 403, exit: 8 },
  rate_limited: { http: 429, exit: 9 },
  internal: { http: 500, exit: 1 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A place in an input: a file line/column, a JSON path or a query position. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: string | number;
  path?: string;
}

export interface ErrorDetail extends ErrorLocation {
  reason: string;
}

export class NurtureError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: readonly ErrorDetail[] = []) {
    super(message);
    this.name = 'NurtureError';
    this.code = code;
    this.details = details;
  }
}

const FILE_SYSTEM_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
};

/**
 * A file-system failure on a path (an output file in a missing directory, a read-only place, a
 * directory given for a file) as invalid input naming the path; undefined for any other error.
 */
export function fileSystemError(error: unknown): NurtureError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, path, syscall } = error as NodeJS.ErrnoException;
  const reason = code === undefined ? undefined : FILE_SYSTEM_REASONS[code];
  if (reason === undefined || path === undefined) return undefined;
  return new NurtureError('invalid_input', `cannot ${syscall ?? 'open'} ${path}: ${reason}`, [
    { file: path, reason },
  ]);
}

/**
 * A file-system failure on an input file (see fileSystemError) as invalid input naming `path`,
 * which a failed read of an open file does not carry: a missing file, a directory given as the
 * file. Undefined for any other error.
 */
export function inputFileError(error: unknown, path: string): NurtureError | undefined {
  if (error instanceof NurtureError) return error;
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOENT')
    return new NurtureError('invalid_input', `file not found: ${path}`, [
      { file: path, reason: 'no such file' },
    ]);
  if (code === 'EISDIR') return directoryGivenError(path);
  if (error instanceof Error && (error as NodeJS.ErrnoException).path === undefined)
    Object.assign(error, { path });
  return fileSystemError(error);
}

/** A directory given where a file is expected. */
export function directoryGivenError(path: string): NurtureError {
  return new NurtureError('invalid_input', `${path} is a directory, not a file`, [
    { file: path, reason: 'a directory, not a file' },
  ]);
}

export function httpStatusOf(error: unknown): number {
  return error instanceof NurtureError ? ERROR_CODES[error.code].http : ERROR_CODES.internal.http;
}

export function exitCodeOf(error: unknown): number {
  return error instanceof NurtureError ? ERROR_CODES[error.code].exit : ERROR_CODES.internal.exit;
}

/**
 * "column Email", "column 3": a column's header name or number, and a label that already says
 * "column 3" (a cell beyond the header, a row read before its header) as it is.
 */
export function columnPhrase(column: string | number): string {
  return typeof column === 'string' && /^column \d+$/.test(column) ? column : `column ${column}`;
}

export function formatLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.column !== undefined) parts.push(columnPhrase(loc.column));
  if (loc.path) parts.push(loc.path);
  return parts.join(', ');
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
