/**
 * A fake SMTP server (smtp-server) that requires AUTH, checks each message's headers against what
 * Nurture promises (Message-ID `<key@nurture>`, text and HTML parts, RFC 8058 one-click
 * unsubscribe headers together) and plays back SMTP replies: 535 at AUTH, 4xx at MAIL FROM,
 * 5xx at RCPT TO. A violation answers 554 and is recorded. Mail servers do not dedupe by
 * Message-ID at SMTP time, so a repeat is a second message (mailbox providers may fold it).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { FailurePlan, type FakeProvider } from './common.js';

export interface MailReceived {
  messageId: string;
  from: string;
  to: string[];
  headers: Map<string, string>;
  raw: string;
}

export const SMTP_FAKE_AUTH = { user: 'shop@example.vn', pass: 'smtp-p@ss:word/1' };

/** Header fields of a raw message (unfolded, names lower-cased; the first of a repeated name). */
export function parseHeaders(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(i + 1).trim());
  }
  return headers;
}

function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/** The SMTP fake: the common fake's controls, and how many connections (sessions) it saw. */
export interface SmtpFake extends FakeProvider<MailReceived> {
  /** Connections opened so far (the pooled adapter reuses them). */
  readonly sessions: number;
  /** Messages whose DATA began but whose final dot never came (the client died or dropped them). */
  readonly discarded: number;
}

export async function startSmtpFake(auth = SMTP_FAKE_AUTH): Promise<SmtpFake> {
  const plan = new FailurePlan();
  const received: MailReceived[] = [];
  const violations: string[] = [];
  const counter = { calls: 0, sessions: 0, discarded: 0 };
  /** The code chosen at MAIL FROM for the session's current message (used at RCPT TO). */
  const planned = new WeakMap<object, string>();
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    hideSTARTTLS: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onConnect(_session, callback) {
      counter.sessions += 1;
      callback();
    },
    onAuth(a, _session, callback) {
      const code = plan.take(undefined);
      if (code === '535' || a.username !== auth.user || a.password !== auth.pass) {
        callback(smtpError(535, 'Authentication credentials invalid'));
        return;
      }
      if (code !== undefined) plan.failNext(code, 1); // not an AUTH code: keep it for the message
      callback(null, { user: a.username });
    },
    onMailFrom(_address, session, callback) {
      counter.calls += 1;
      if (!session.user) {
        violations.push('MAIL FROM before AUTH');
        callback(smtpError(530, 'Authentication required'));
        return;
      }
      if (plan.takeHang()) return; // never answered
      const code = plan.take(undefined);
      if (code && Number(code) >= 400 && Number(code) < 500) {
        callback(smtpError(Number(code), 'Try again later'));
        return;
      }
      if (code) planned.set(session, code);
      callback();
    },
    onRcptTo(address, session, callback) {
      const code = plan.take(address.address) ?? planned.get(session);
      planned.delete(session);
      if (code && Number(code) >= 500) {
        callback(smtpError(Number(code), 'Mailbox unavailable'));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let ended = false;
      stream.on('data', (c: Buffer) => chunks.push(c));
      // A connection closed before the final dot: smtp-server never ends the stream, so the
      // message is not received (RFC 5321: no end of data, no delivery); counted as discarded.
      stream.on('close', () => {
        if (!ended) counter.discarded += 1;
      });
      stream.on('end', () => {
        ended = true;
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = parseHeaders(raw);
        const problems: string[] = [];
        const messageId = headers.get('message-id') ?? '';
        if (!/^<[^<>@\s]+@nurture>$/.test(messageId))
          problems.push(`Message-ID must be <key@nurture>, got ${messageId}`);
        if (!headers.get('from')) problems.push('From is required');
        if (!headers.has('subject')) problems.push('Subject is required');
        const type = headers.get('content-type') ?? '';
        if (/text\/html/.test(raw) && !/multipart\/alternative/.test(type))
          problems.push('an HTML message must be multipart/alternative with a text part');
        const unsub = headers.get('list-unsubscribe');
        const post = headers.get('list-unsubscribe-post');
        if (unsub !== undefined && !/^<https:\/\/[^>]+>$/.test(unsub))
          problems.push(`List-Unsubscribe must be <https://…>, got ${unsub}`);
        if ((unsub === undefined) !== (post === undefined))
          problems.push('List-Unsubscribe and List-Unsubscribe-Post go together (RFC 8058)');
        if (post !== undefined && post !== 'List-Unsubscribe=One-Click')
          problems.push('List-Unsubscribe-Post must be List-Unsubscribe=One-Click');
        if (problems.length > 0) {
          violations.push(...problems);
          callback(smtpError(554, `contract violation: ${problems.join('; ')}`));
          return;
        }
        received.push({
          messageId,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          headers,
          raw,
        });
        callback(null, `Queued as ${received.length}`);
      });
    },
  });
  // A client that dies mid-session (the crash test SIGKILLs workers on purpose) resets its
  // connection; smtp-server reports that as an 'error' event, which must not crash the test process.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    received,
    violations,
    get calls() {
      return counter.calls;
    },
    get sessions() {
      return counter.sessions;
    },
    get discarded() {
      return counter.discarded;
    },
    failNext: (code, n) => plan.failNext(code, n),
    failFor: (recipient, code) => plan.failFor(recipient, code),
    hangNext: (n) => plan.hangNext(n),
  };
}
