/**
 * What every HTTP provider adapter shares: a JSON/form POST with a deadline, the mapping of the
 * transport's own failures (timeout, refused connection, 5xx) to outcomes, and the scrubbing of
 * secrets out of any text that becomes a reason.
 */
import type { SendOutcome } from './channel.js';
import type { SmtpPools } from './smtp-pool.js';

/** What an adapter may be given instead of the real world (tests, the engine's clock). */
export interface ChannelDeps {
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Defaults to the system clock; used for signatures' timestamps. */
  now?: () => Date;
  /** Deadline of one provider call; default 15 s. A call past it is a `retry`. */
  timeoutMs?: number;
  /**
   * Where the e-mail channel keeps its SMTP connections open between messages (the flow worker
   * owns one and closes it when it stops); without it each e-mail opens and closes its own.
   */
  smtpPools?: SmtpPools;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** A provider's answer: its HTTP status and its body, parsed as JSON when it is JSON. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/**
 * POSTs and reads the answer, or says why there was none as a `retry` outcome (timeout, network).
 * The caller's signal (the engine shutting down) and the deadline both abort the call.
 */
export async function post(
  deps: ChannelDeps,
  url: string,
  init: { headers: Record<string, string>; body: string },
  signal: AbortSignal | undefined,
): Promise<HttpAnswer | Extract<SendOutcome, { kind: 'retry' }>> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const doFetch = deps.fetch ?? fetch;
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      signal: combined,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  } catch (error) {
    if (deadline.aborted)
      return { kind: 'retry', code: 'timeout', reason: `no answer within ${timeoutMs} ms` };
    if (signal?.aborted) return { kind: 'retry', code: 'aborted', reason: 'the send was interrupted' };
    return { kind: 'retry', code: 'network', reason: `network error: ${networkCause(error)}` };
  }
}

/** The system-level cause of a failed fetch (ECONNREFUSED, ENOTFOUND …), never the URL. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown';
}

/** True when `post` gave an outcome rather than an answer. */
export function isOutcome(value: HttpAnswer | SendOutcome): value is SendOutcome {
  return 'kind' in value;
}

/** An HTTP status the adapter has no better word for: 5xx and 429 pass, the rest are the shop's. */
export function httpOutcome(status: number, provider: string): SendOutcome {
  if (status >= 500 || status === 429 || status === 408)
    return { kind: 'retry', code: `http_${status}`, reason: `${provider} answered HTTP ${status}` };
  return {
    kind: 'failed',
    code: `http_${status}`,
    reason: `${provider} refused the request (HTTP ${status})`,
  };
}

/**
 * Removes every secret from a text that may come from the provider (its error message could
 * echo a token back). Short values are left alone: they would blank ordinary words.
 */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

/** Seconds of a `Retry-After`-like header as milliseconds, if it is a number. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : undefined;
}
