/**
 * Storefront and message events, one JSON object per line (Segment-style `track` calls):
 * `{"event":"Product Viewed","userId":"…","timestamp":"2024-03-05T14:03:11+07:00","properties":{…}}`.
 * A `messageId` is kept for idempotency; without one the store derives a dedupe key.
 * "Survey Answered" events carry `properties.kind` ('nps' | 'rating') and `properties.score`,
 * checked here (NPS 0–10, rating 1–5).
 */
import { createReadStream } from 'node:fs';
import { normalizeEmail, normalizePhone } from '../../domain/identity-keys.js';
import { EVENT_NAMES, type EventInput, type EventName, eventInputSchema } from '../../domain/model/index.js';
import { compileDateFormat, parseDateTime } from '../../domain/time.js';
import { inputFileError, NurtureError } from '../../errors.js';
import { checkedUtf8, completeUtf8Prefix, skipBom } from '../csv.js';
import { emptyBatch, type ParsedBatch, type ReadOptions } from '../records.js';
import { problem, RowProblem, rejectOf, shown } from './fields.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEventName(v: unknown): v is EventName {
  return typeof v === 'string' && (EVENT_NAMES as readonly string[]).includes(v);
}

function optionalString(o: Json, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return problem(key, `${key} must be a string`);
}

const epochMs = compileDateFormat('unix-ms');

function timestampOf(o: Json, timezone: string): Date {
  const v = o['timestamp'];
  if (v === undefined || v === null || v === '') return problem('timestamp', 'timestamp is missing');
  // Epoch milliseconds get the same range check (years 1900-2199) as a written date.
  if (typeof v === 'number')
    return (
      (Number.isFinite(v) ? epochMs(String(v), timezone) : undefined) ??
      problem('timestamp', `bad date ${v}: epoch milliseconds must fall in the years 1900-2199`)
    );
  if (typeof v === 'string')
    return parseDateTime(v, undefined, timezone) ?? problem('timestamp', `bad date ${shown(v)}`);
  return problem('timestamp', 'timestamp must be an ISO 8601 string or epoch milliseconds');
}

/** Phone and e-mail from the event or from Segment's context.traits; invalid ones are dropped. */
function contactOf(o: Json, key: 'phone' | 'email'): string | undefined {
  const context = o['context'];
  const traits = isObject(context) && isObject(context['traits']) ? context['traits'] : {};
  const raw = optionalString(o, key) ?? (typeof traits[key] === 'string' ? traits[key] : undefined);
  return key === 'phone' ? normalizePhone(raw) : normalizeEmail(raw);
}

function checkSurvey(properties: Json): void {
  const kind = properties['kind'];
  const score = properties['score'];
  if (kind !== 'nps' && kind !== 'rating')
    problem('properties.kind', `survey kind must be "nps" or "rating", not ${shown(String(kind))}`);
  if (typeof score !== 'number' || !Number.isInteger(score))
    problem('properties.score', `${kind} score must be a whole number`);
  const [min, max] = kind === 'nps' ? [0, 10] : [1, 5];
  if ((score as number) < min || (score as number) > max)
    problem(
      'properties.score',
      `${kind === 'nps' ? 'NPS' : 'rating'} score must be ${min}-${max}, not ${score}`,
    );
}

/** Deepest nesting of objects and arrays accepted in an event (the event itself is level 1). */
export const MAX_EVENT_DEPTH = 32;

/**
 * Checks what the store could not keep, without recursion (a value nested 100,000 deep would
 * overflow the stack of JSON.stringify): nesting deeper than MAX_EVENT_DEPTH, and NUL characters
 * (`\u0000`), which PostgreSQL cannot store. The problem names the top-level key.
 */
function checkJson(event: Json): void {
  for (const [key, top] of Object.entries(event)) {
    const stack: [unknown, number][] = [[top, 2]];
    while (stack.length > 0) {
      const [value, depth] = stack.pop()!;
      if (typeof value === 'string') {
        if (value.includes('\0')) problem(key, 'a NUL character (\\u0000) in a string');
        continue;
      }
      if (typeof value !== 'object' || value === null) continue;
      if (depth > MAX_EVENT_DEPTH) problem(key, `nested more than ${MAX_EVENT_DEPTH} levels deep`);
      for (const [k, v] of Object.entries(value)) {
        if (k.includes('\0')) problem(key, 'a NUL character (\\u0000) in a key');
        stack.push([v, depth + 1]);
      }
    }
  }
}

/** One line of the file → an event, or a RowProblem naming the JSON path. */
export function eventOf(lineText: string, timezone: string): EventInput {
  let value: unknown;
  try {
    // Every text of the event (its name, its properties) in NFC, as the CSV importers store text
    // (fields.ts `text`), so that a segment's `category: 'Máy in'` matches however it was typed.
    value = JSON.parse(lineText.normalize('NFC'));
  } catch (error) {
    if (error instanceof RangeError) return problem(undefined, 'nested too deeply to read');
    return problem(undefined, `not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) return problem(undefined, 'a line must hold one JSON object');
  return eventOfObject(value, timezone);
}

/**
 * A parsed event object → an event, or a RowProblem naming the JSON path. Its texts must be NFC
 * already (`eventOf` normalises the line before parsing it).
 */
export function eventOfObject(value: Json, timezone: string): EventInput {
  checkJson(value);
  const name = value['event'];
  if (name === undefined) return problem('event', 'event name is missing');
  if (!isEventName(name)) return problem('event', `unknown event ${shown(String(name))}`);
  const properties = value['properties'] ?? {};
  if (!isObject(properties)) return problem('properties', 'properties must be an object');
  if (name === 'Survey Answered') checkSurvey(properties);
  const event = {
    messageId: optionalString(value, 'messageId'),
    event: name,
    userId: optionalString(value, 'userId'),
    anonymousId: optionalString(value, 'anonymousId'),
    phone: contactOf(value, 'phone'),
    email: contactOf(value, 'email'),
    timestamp: timestampOf(value, timezone),
    properties,
  };
  if (!event.userId && !event.anonymousId && !event.phone && !event.email)
    return problem('userId', 'no customer identity (no userId, anonymousId, valid phone or email)');
  const checked = eventInputSchema.safeParse(event);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    return problem(issue.path.map(String).join('.') || undefined, issue.message);
  }
  return checked.data;
}

/** Lines of a UTF-8 file (BOM optional), with their numbers. */
async function* linesOf(
  path: string,
): AsyncGenerator<{ lines: string[]; firstLine: number; bytesRead: number }> {
  let carry: Buffer | undefined;
  let rest = '';
  let line = 1;
  let bytesRead = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      let chunk = carry === undefined ? raw : Buffer.concat([carry, raw]);
      if (bytesRead === 0) chunk = skipBom(chunk, path);
      bytesRead += raw.length;
      const cut = completeUtf8Prefix(chunk);
      carry = cut < chunk.length ? chunk.subarray(cut) : undefined;
      const lineBefore = line + (rest.match(/\n/g)?.length ?? 0);
      const textPart = rest + checkedUtf8(chunk.subarray(0, cut), path, lineBefore).toString('utf8');
      const lines = textPart.split('\n');
      rest = lines.pop() ?? '';
      yield { lines, firstLine: line, bytesRead };
      line += lines.length;
    }
  } catch (error) {
    throw inputFileError(error, path) ?? error;
  }
  const tail = rest + (carry === undefined ? '' : checkedUtf8(carry, path, line).toString('utf8'));
  yield { lines: tail === '' ? [] : [tail], firstLine: line, bytesRead };
}

export async function* readEventsJsonl(path: string, options: ReadOptions): AsyncGenerator<ParsedBatch> {
  const batchSize = options.batchSize ?? 4096;
  let batch = emptyBatch();
  // A messageId seen again in the file is the same event (a retried delivery): it is imported,
  // and counted, once; the first one wins.
  const messageIds = new Set<string>();
  for await (const part of linesOf(path)) {
    part.lines.forEach((raw, k) => {
      const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (lineText.trim() === '') return;
      const line = part.firstLine + k;
      batch.rowsRead++;
      try {
        const event = eventOf(lineText, options.timezone);
        if (event.messageId !== undefined) {
          if (messageIds.has(event.messageId)) return;
          messageIds.add(event.messageId);
        }
        batch.events.push({ line, value: event });
      } catch (error) {
        if (!(error instanceof RowProblem)) throw error;
        batch.rejects.push(rejectOf(error, line));
      }
    });
    batch.bytesRead = part.bytesRead;
    if (batch.events.length >= batchSize || batch.rejects.length > 0) {
      yield batch;
      batch = emptyBatch(batch.rowsRead, part.bytesRead);
    }
  }
  if (batch.rowsRead === 0)
    throw new NurtureError('invalid_file', `${path}: the file is empty (no events)`, [
      { file: path, line: 1, reason: 'no events' },
    ]);
  yield batch;
}
