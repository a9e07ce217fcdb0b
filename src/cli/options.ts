import type { Command } from 'commander';
import { z } from 'zod';
import { type ErrorDetail, NurtureError } from '../errors.js';

/**
 * Parses a command's options (commander's camelCase object) with their schema. A bad value is
 * invalid input that names the option as it was typed (`--lang: …`), never a stack trace.
 */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details: ErrorDetail[] = parsed.error.issues.map((issue) => {
    const key = issue.path[0];
    const option = typeof key === 'string' ? optionName(key) : undefined;
    const reason =
      option === undefined || issue.message.startsWith('--') ? issue.message : `${option}: ${issue.message}`;
    return { ...(option === undefined ? {} : { path: option }), reason };
  });
  throw new NurtureError('invalid_input', details.map((d) => d.reason).join('; '), details);
}

/** `customersOut` → `--customers-out`. */
function optionName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * An application error as the CLI says it: the input fields its details name (`asOf`,
 * `mapping`) become the options a user typed (`--as-of`, `--mapping`).
 */
export function inCliTerms(error: NurtureError): NurtureError {
  let message = error.message;
  const details = error.details.map((d) => {
    if (d.path === undefined || !/^[a-z][A-Za-z]*$/.test(d.path)) return d;
    const option = optionName(d.path);
    message = message.split(`${d.path}: `).join(`${option}: `);
    return { ...d, path: option };
  });
  return message === error.message ? error : new NurtureError(error.code, message, details);
}

/**
 * The options most commands share, as parsed: `--db`, `--shop`, `--json`, `--lang`. A command's
 * schema extends it (`common.extend({…})`); `withCommon` declares the same options on the command.
 */
export const common = z.object({
  db: z.string().min(1).optional(),
  shop: z.string().min(1).optional(),
  json: z.boolean().optional(),
  lang: z.enum(['vi', 'en'], { error: '--lang must be vi or en' }).optional(),
});

/** Declares `common`'s options on a command (the store, the shop, JSON output, the language). */
export const withCommon = (cmd: Command): Command =>
  cmd
    .option(
      '--db <path>',
      'DuckDB file, :memory: or postgres:// URL (default: NURTURE_DB or ./nurture.duckdb)',
    )
    .option('--shop <id>', 'shop id (default: NURTURE_SHOP or "default")')
    .option('--json', 'print JSON')
    .option('--lang <lang>', 'vi | en (default: NURTURE_LANG or vi)');

/** A value as the CLI prints it with `--json`: indented, with a final newline. */
export const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
