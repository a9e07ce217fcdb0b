/**
 * E-mail over SMTP (nodemailer). The `Message-ID` is `<idempotencyKey@nurture>`, so a message
 * sent again after a crash carries the same id and mail systems that dedupe by it show it once
 * (idempotent: true, with that caveat written in docs/channels.md). Promotional mail carries the
 * one-click unsubscribe headers of RFC 8058, which Gmail and Yahoo require of bulk senders.
 */
import nodemailer from 'nodemailer';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';
import { type ChannelDeps, DEFAULT_TIMEOUT_MS, scrub } from './http.js';

export interface EmailSettings {
  /** `smtp://user:pass@host:port` or `smtps://…` (TLS from the first byte, port 465). */
  smtpUrl: string;
  /** `Shop ABC <hello@shop.vn>`. */
  from: string;
}

/** What nodemailer puts on its errors: its own code, the SMTP reply and the command it answered. */
interface SmtpError {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  command?: unknown;
  response?: unknown;
}

/** The SMTP connection options of a `smtp://user:pass@host:port` URL. */
export function smtpOptions(smtpUrl: string, timeoutMs: number) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}

/** A nodemailer failure as an outcome: 4xx passes, 5xx on a recipient is that recipient, 535 is ours. */
export function smtpErrorOutcome(error: unknown, secrets: readonly string[]): SendOutcome {
  const e = (error ?? {}) as SmtpError;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command : '';
  const said = typeof e.response === 'string' ? `: ${scrub(e.response, secrets)}` : '';
  if (e.code === 'EAUTH' || reply === 535 || reply === 534 || reply === 530)
    return {
      kind: 'failed',
      code: reply ? String(reply) : 'EAUTH',
      reason: `the SMTP server refused the login (check smtp_url's user and password)${said}`,
    };
  if (e.code === 'ETIMEDOUT')
    return { kind: 'retry', code: 'timeout', reason: 'the SMTP server did not answer in time' };
  if (reply !== undefined && reply >= 400 && reply < 500)
    return { kind: 'retry', code: String(reply), reason: `the SMTP server deferred the message${said}` };
  if (reply !== undefined && reply >= 500) {
    if (command.startsWith('RCPT') || e.code === 'EENVELOPE')
      return {
        kind: 'unreachable',
        code: String(reply),
        reason: `the mail server refused the recipient${said}`,
      };
    return { kind: 'failed', code: String(reply), reason: `the SMTP server refused the message${said}` };
  }
  if (e.code === 'ESOCKET' || e.code === 'ECONNECTION' || e.code === 'EDNS') {
    const cause = typeof e.originalCode === 'string' ? ` (${e.originalCode})` : '';
    return { kind: 'retry', code: String(e.code), reason: `cannot reach the SMTP server${cause}` };
  }
  return {
    kind: 'retry',
    code: typeof e.code === 'string' ? e.code : 'unknown',
    reason: 'the SMTP send failed for an unexpected reason',
  };
}

/** The e-mail adapter: `email` over SMTP. */
export function createEmailChannel(settings: EmailSettings, deps: ChannelDeps = {}): Channel {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const options = smtpOptions(settings.smtpUrl, timeoutMs);
  const secrets = [options.auth?.pass ?? '', settings.smtpUrl].filter(Boolean);
  return {
    kind: 'email',
    provider: 'smtp',
    idempotent: true,
    async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
      const transport = nodemailer.createTransport(options);
      const headers: Record<string, string> = {};
      if (message.unsubscribeUrl) {
        headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      // nodemailer's own timeouts are per phase; this bounds the whole send, and the caller may abort.
      const stop = new Promise<SendOutcome>((resolve) => {
        timer = setTimeout(
          () => resolve({ kind: 'retry', code: 'timeout', reason: `no answer within ${timeoutMs} ms` }),
          timeoutMs,
        );
        onAbort = () => resolve({ kind: 'retry', code: 'aborted', reason: 'the send was interrupted' });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      const sending = transport
        .sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject ?? '',
          text: message.text,
          ...(message.html !== undefined ? { html: message.html } : {}),
          messageId: `<${message.idempotencyKey}@nurture>`,
          headers,
        })
        .then(
          (info): SendOutcome =>
            info.rejected.length > 0
              ? { kind: 'unreachable', code: '550', reason: 'the mail server refused the recipient' }
              : { kind: 'sent', providerMessageId: info.messageId },
          (error: unknown) => smtpErrorOutcome(error, secrets),
        );
      try {
        return await Promise.race([sending, stop]);
      } finally {
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
        transport.close();
      }
    },
  };
}
