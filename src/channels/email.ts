/**
 * E-mail over SMTP (nodemailer's composer and SMTP connection). SMTP servers do not dedupe a
 * repeated `Message-ID`, so the adapter holds each message before its final dot (`holding`, see
 * smtp-pool.ts) and the outbox writes the dot only after committing the message `finalizing`: a
 * crash before that commit leaves a message the server discarded, which is sent again; one after
 * it is counted as sent. The `Message-ID` is `<idempotencyKey@nurture>`. Promotional mail carries
 * the one-click unsubscribe headers of RFC 8058, which Gmail and Yahoo require of bulk senders.
 */
import { assertNever } from '../errors.js';
import type { Channel, Held, OutgoingMessage, SendOutcome } from './channel.js';
import { type ChannelDeps, DEFAULT_TIMEOUT_MS, scrub } from './http.js';
import { composeMail, type Finish, type RawMail, SMTP_POOL_SIZE, SmtpPool } from './smtp-pool.js';

export interface EmailSettings {
  /** `smtp://user:pass@host:port` or `smtps://…` (TLS from the first byte, port 465). */
  smtpUrl: string;
  /** `Shop ABC <hello@shop.vn>`. */
  from: string;
  /**
   * SMTP connections kept open at once (default SMTP_POOL_SIZE): as many e-mails are held before
   * their dots per `finalizing` commit, so more send faster; mail servers limit connections per client.
   */
  connections?: number;
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

/** The e-mail adapter: `email` over SMTP, every message held before its final dot (see smtp-pool.ts). */
export function createEmailChannel(settings: EmailSettings, deps: ChannelDeps = {}): Channel {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const options = smtpOptions(settings.smtpUrl, timeoutMs);
  const secrets = [options.auth?.pass ?? '', settings.smtpUrl].filter(Boolean);
  const shared = deps.smtpPools?.get(options, settings.connections ?? SMTP_POOL_SIZE);
  const hold = async (message: OutgoingMessage): Promise<Held> => {
    // Without the owner's pools, a pool of one connection for this message alone.
    const own = shared ? undefined : new SmtpPool(options, 1);
    const pool = shared ?? own!;
    const messageId = `<${message.idempotencyKey}@nurture>`;
    const headers: Record<string, string> = {};
    if (message.unsubscribeUrl) {
      headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    let mail: RawMail;
    try {
      mail = await composeMail({
        from: settings.from,
        to: message.to,
        subject: message.subject ?? '',
        text: message.text,
        ...(message.html !== undefined ? { html: message.html } : {}),
        messageId,
        headers,
      });
    } catch (error) {
      await own?.close();
      const reason = error instanceof Error ? error.message : String(error);
      return {
        kind: 'answered',
        outcome: { kind: 'failed', code: 'compose', reason: scrub(reason, secrets) },
      };
    }
    const held = await pool.hold(mail);
    if (held.kind === 'refused') {
      await own?.close();
      return { kind: 'answered', outcome: smtpErrorOutcome(held.error, secrets) };
    }
    return {
      kind: 'held',
      finish: async () => {
        const done = await held.finish(timeoutMs);
        await own?.close();
        return finishOutcome(done, messageId, secrets);
      },
      drop: () => {
        held.drop();
        void own?.close();
      },
    };
  };
  return {
    kind: 'email',
    provider: 'smtp',
    idempotent: true,
    holding: {
      capacity: shared?.size ?? SMTP_POOL_SIZE,
      hold,
      // Without a shared pool each message has its own connection: nothing to wait for.
      group: (run) => (shared ? shared.exclusive(run) : run()),
    },
    async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
      const held = await hold(message);
      if (held.kind === 'answered') return held.outcome;
      if (signal?.aborted) {
        held.drop();
        return { kind: 'retry', code: 'aborted', reason: 'the send was interrupted' };
      }
      return held.finish();
    },
  };
}

/** What the final dot came to, as an outcome. */
function finishOutcome(done: Finish, messageId: string, secrets: readonly string[]): SendOutcome {
  switch (done.kind) {
    case 'accepted':
      return { kind: 'sent', providerMessageId: messageId };
    case 'rejected':
      return smtpErrorOutcome(done.error, secrets);
    case 'dropped_before':
      // The dot was never written: the server discarded the message, so sending again is safe.
      return {
        kind: 'retry',
        code: 'ECONNECTION',
        reason:
          'the connection to the SMTP server closed before the final dot (the server discarded the message)',
      };
    case 'lost_after':
      // The dot was written and no answer came: the server may hold the message. Counted as sent
      // rather than risk a second copy (docs/flows.md, "the residual window").
      return {
        kind: 'sent',
        providerMessageId: messageId,
        unconfirmed: `the SMTP server did not answer the final dot (${done.error.code ?? 'no answer'}); counted as sent, not sent again`,
      };
    default:
      return assertNever(done, 'SMTP finish');
  }
}
