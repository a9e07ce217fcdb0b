/**
 * The logging surface use cases see: pino's call shape (an object of fields, then a message), so
 * the server passes its pino logger as it is and the CLI and tests pass `silentLogger` or a sink.
 * Secrets never go into fields: log ids and counts, not keys, payloads or database URLs.
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const ignore = (): void => {};

export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
