/**
 * What every fake provider shares: a real HTTP server on 127.0.0.1 (port 0) that checks the
 * contract of each request (a violation answers 400 and is recorded, so a test asserts
 * `violations` is empty), records the messages it accepted, and plays back documented error
 * codes on demand: for the next N calls, or for one recipient.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The common shape of a fake provider, so crash and bench tests can use any of them alike. */
export interface FakeProvider<M> {
  /** Base URL to give the adapter (`http://127.0.0.1:PORT`). */
  url: string;
  close(): Promise<void>;
  /** Accepted messages, in order (a deduplicated repeat is not added again). */
  received: M[];
  /** Contract failures seen, in words; a correct adapter leaves this empty. */
  violations: string[];
  /** Every request that reached the fake, accepted or not. */
  calls: number;
  /** Answers `code` (a code the provider documents, or `http_503`) to the next `n` sends. */
  failNext(code: string, n?: number): void;
  /** Answers `code` to every send to this recipient (phone `84…`, PSID, e-mail address). */
  failFor(recipient: string, code: string): void;
  /** Holds the next `n` sends without answering (until close): the adapter's timeout fires. */
  hangNext(n?: number): void;
}

/** A broken contract: the request is answered 400 and the message recorded as a violation. */
export class ContractViolation extends Error {}

export function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new ContractViolation(what);
}

export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The failure plan shared by the fakes: next-N codes, per-recipient codes, hangs. */
export class FailurePlan {
  private readonly next: { code: string; left: number }[] = [];
  private readonly byRecipient = new Map<string, string>();
  private hang = 0;

  failNext(code: string, n = 1): void {
    this.next.push({ code, left: n });
  }
  failFor(recipient: string, code: string): void {
    this.byRecipient.set(recipient, code);
  }
  hangNext(n = 1): void {
    this.hang += n;
  }
  /** Whether this send should hang (consumes one). */
  takeHang(): boolean {
    if (this.hang <= 0) return false;
    this.hang -= 1;
    return true;
  }
  /** The code to answer this send with, if any (consumes one of the next-N codes). */
  take(recipient: string | undefined): string | undefined {
    if (recipient !== undefined) {
      const code = this.byRecipient.get(recipient);
      if (code !== undefined) return code;
    }
    const head = this.next[0];
    if (!head) return undefined;
    head.left -= 1;
    if (head.left <= 0) this.next.shift();
    return head.code;
  }
}

/** `http_503` → 503. */
export function httpCode(code: string): number | undefined {
  const m = /^http_(\d{3})$/.exec(code);
  return m ? Number(m[1]) : undefined;
}

/**
 * Starts an HTTP fake. `handle` returns the reply or throws `ContractViolation`; the plan's hangs
 * are applied before it. Returns the parts of `FakeProvider` that do not depend on the provider.
 */
export async function startHttpFake(
  plan: FailurePlan,
  handle: (req: Request) => Reply | Promise<Reply>,
): Promise<{ url: string; close(): Promise<void>; violations: string[]; counter: { calls: number } }> {
  const violations: string[] = [];
  const counter = { calls: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      counter.calls += 1;
      const url = new URL(req.url ?? '/', 'http://fake');
      const request: Request = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
      };
      if (plan.takeHang()) return; // never answered; closed with the server
      Promise.resolve()
        .then(() => handle(request))
        .then(
          (reply) => send(res, reply),
          (error: unknown) => {
            if (error instanceof ContractViolation) {
              violations.push(error.message);
              send(res, { status: 400, body: { contract_violation: error.message } });
            } else {
              violations.push(`fake crashed: ${String(error)}`);
              send(res, { status: 500, body: { error: String(error) } });
            }
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    violations,
    counter,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const text =
    reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
  res.end(text);
}

/** The JSON body of a request, or a violation. */
export function jsonBody(req: Request): Record<string, unknown> {
  check(
    /^application\/json/.test(req.headers['content-type'] ?? ''),
    'Content-Type must be application/json',
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.raw);
  } catch {
    throw new ContractViolation('the body is not JSON');
  }
  check(
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed),
    'the body must be a JSON object',
  );
  return parsed as Record<string, unknown>;
}

/** The FakeProvider of an HTTP fake's parts. */
export function provider<M>(
  base: Awaited<ReturnType<typeof startHttpFake>>,
  plan: FailurePlan,
  received: M[],
): FakeProvider<M> {
  return {
    url: base.url,
    close: base.close,
    received,
    violations: base.violations,
    get calls() {
      return base.counter.calls;
    },
    failNext: (code, n) => plan.failNext(code, n),
    failFor: (recipient, code) => plan.failFor(recipient, code),
    hangNext: (n) => plan.hangNext(n),
  };
}
