/**
 * SMTP connections kept open and reused (one message at a time each), and the two-step send the
 * outbox needs to send an e-mail at most once: the message is streamed up to, but not including,
 * the final `<CRLF>.<CRLF>` ("held"), and the dot is written only once the outbox has committed
 * that the message is being finalized. A server that never receives the dot discards the
 * transaction (RFC 5321 §4.1.1.4 and §3.3: the message is delivered only once the end of data is
 * received and acknowledged), so a crash before the dot loses nothing and repeats nothing.
 *
 * Why our own small pool over nodemailer's `SMTPConnection` rather than nodemailer's
 * `pool: true` transport: the outbox must know (1) that the server accepted the envelope
 * (354 to DATA) before it commits `finalizing`, (2) which connection holds which message, to
 * close exactly that one when a message must not be finalized, and (3) how many messages it can
 * hold at once (one per connection). `sendMail` on the pooled transport reports only at the end
 * and hides the connection, and when a connection closes with a message in progress the pool
 * queues that message again by itself (`maxRequeues`): a second send the outbox cannot see.
 * `SMTPConnection.send` pipes the message only after the 354, so the first read of the message
 * stream says the envelope was accepted, and the dot is written only when the stream ends.
 */
import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

/** What `smtpOptions` makes of a `smtp://user:pass@host:port` URL. */
export interface SmtpConnectOptions {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

/** Connections open at once per pool: as many e-mails as the outbox holds before their dots. */
export const SMTP_POOL_SIZE = 16;

/** The message as MIME text and its envelope. */
export interface RawMail {
  from: string;
  to: string;
  raw: Buffer;
}

/** The fields of an e-mail nodemailer's composer builds the MIME text from. */
export interface MailFields {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  headers: Record<string, string>;
}

/** Builds the MIME text once (the same bytes on every attempt). */
export function composeMail(fields: MailFields): Promise<RawMail> {
  const node = new MailComposer(fields).compile();
  const envelope = node.getEnvelope();
  return new Promise((resolve, reject) =>
    node.build((error, raw) => {
      if (error || !raw) reject(error ?? new Error('empty message'));
      else resolve({ from: envelope.from || fields.from, to: fields.to, raw });
    }),
  );
}

/** An SMTP error as nodemailer reports it (code, reply code, command). */
export type SmtpFailure = Error & { code?: string; responseCode?: number; command?: string };

/**
 * The outcome of holding a message: `held` (the server accepted the envelope and has the whole
 * message but its dot), or `refused` with the error that stopped it before DATA.
 */
export type Hold =
  | {
      kind: 'held';
      /** Writes the dot and resolves with the server's answer (`lost`: the connection dropped). */
      finish(timeoutMs: number): Promise<Finish>;
      /** Does not finish: closes the connection, so the server discards the message. */
      drop(): void;
    }
  | { kind: 'refused'; error: SmtpFailure };

/**
 * What the dot came to: `accepted` (2xx), `rejected` (the server answered 4xx/5xx),
 * `dropped_before` (the connection died while the message was held: the dot was never written,
 * the server discarded it) or `lost_after` (the dot was written and no answer came: the server may
 * have taken it).
 */
export type Finish =
  | { kind: 'accepted'; response: string }
  | { kind: 'rejected'; error: SmtpFailure }
  | { kind: 'dropped_before'; error: SmtpFailure }
  | { kind: 'lost_after'; error: SmtpFailure };

interface Pooled {
  conn: SMTPConnection;
  dead: boolean;
  /** Why it died (the error event), for a send that was waiting on it. */
  error?: SmtpFailure;
  used: number;
  onDeath: Set<(error: SmtpFailure) => void>;
}

const deathOf = (reason: string): SmtpFailure => Object.assign(new Error(reason), { code: 'ECONNECTION' });

const TRANSIENT = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'ECONNRESET']);

/** Open SMTP connections to one server with one login, at most `size` of them. */
export class SmtpPool {
  private readonly idle: Pooled[] = [];
  private open = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: SmtpConnectOptions,
    readonly size: number = SMTP_POOL_SIZE,
  ) {}

  /**
   * Streams the message up to its dot on a connection of the pool. A reused connection the
   * server closed while idle is replaced once (no byte of the message went out on it).
   */
  async hold(mail: RawMail): Promise<Hold> {
    for (let attempt = 0; ; attempt++) {
      let c: Pooled;
      try {
        c = await this.acquire();
      } catch (error) {
        return { kind: 'refused', error: error as SmtpFailure };
      }
      const reused = c.used > 0;
      const held = await this.holdOn(c, mail);
      if (held.kind === 'refused' && reused && attempt === 0 && TRANSIENT.has(held.error.code ?? ''))
        continue;
      return held;
    }
  }

  /** Runs `run` after every earlier `exclusive` run ended: one group of holds at a time. */
  exclusive<T>(run: () => Promise<T>): Promise<T> {
    const mine = this.turn.then(run, run);
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  /** Closes every connection; holds in progress end as dropped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.idle.splice(0)) this.destroy(c);
    for (const wake of this.waiting.splice(0)) wake();
  }

  private holdOn(c: Pooled, mail: RawMail): Promise<Hold> {
    c.used += 1;
    let end: () => void = () => {};
    let opened: () => void = () => {};
    const piped = new Promise<void>((resolve) => {
      opened = resolve;
    });
    let started = false;
    // The message without its end: `SMTPConnection` pipes it only after the server's 354, and its
    // data stream writes the final dot only when this stream ends.
    const body = new Readable({
      read() {
        if (started) return;
        started = true;
        this.push(mail.raw);
        opened();
      },
    });
    end = () => body.push(null);
    const answer = new Promise<{ error?: SmtpFailure; response?: string }>((resolve) => {
      // The reply that made the server close (421) reaches the send's callback just after the
      // connection's end: that answer wins over the bare death if it comes.
      const onDeath = (error: SmtpFailure) => setTimeout(() => resolve({ error }), 10);
      c.onDeath.add(onDeath);
      c.conn.send({ from: mail.from, to: [mail.to] }, body, (error, info) => {
        c.onDeath.delete(onDeath);
        resolve(error ? { error: error as SmtpFailure } : { response: info?.response ?? '250' });
      });
    });
    return Promise.race([piped.then(() => 'held' as const), answer]).then((first): Hold => {
      if (first !== 'held') {
        // Refused before DATA (or the connection died): no message is open on the server.
        this.release(c, first.error);
        return { kind: 'refused', error: first.error ?? deathOf('the server answered before DATA') };
      }
      let finished = false;
      return {
        kind: 'held',
        finish: async (timeoutMs) => {
          finished = true;
          if (c.dead) {
            this.release(c, c.error);
            return { kind: 'dropped_before', error: c.error ?? deathOf('the connection closed') };
          }
          end();
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<{ timeout: true }>((resolve) => {
            timer = setTimeout(() => resolve({ timeout: true }), timeoutMs);
          });
          const got = await Promise.race([answer, late]);
          clearTimeout(timer);
          if ('timeout' in got) {
            this.destroy(c);
            return {
              kind: 'lost_after',
              error: Object.assign(new Error('no answer to the final dot'), { code: 'ETIMEDOUT' }),
            };
          }
          this.release(c, got.error);
          if (!got.error) return { kind: 'accepted', response: got.response ?? '250' };
          return typeof got.error.responseCode === 'number'
            ? { kind: 'rejected', error: got.error }
            : { kind: 'lost_after', error: got.error };
        },
        drop: () => {
          if (finished) return;
          finished = true;
          this.destroy(c);
        },
      };
    });
  }

  private async acquire(): Promise<Pooled> {
    for (;;) {
      if (this.closed) throw deathOf('the SMTP pool is closed');
      const idle = this.idle.pop();
      if (idle) {
        if (!idle.dead) return idle;
        continue;
      }
      if (this.open < this.size) {
        this.open += 1;
        // A failed connect gives its place back itself (see `connect`'s `die`).
        return await this.connect();
      }
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  /** Back to the pool after a send; a connection that failed (or is unsure) is closed instead. */
  private release(c: Pooled, error: SmtpFailure | undefined): void {
    if (c.dead || this.closed) {
      this.destroy(c);
      return;
    }
    if (!error) {
      this.idle.push(c);
      this.waiting.shift()?.();
      return;
    }
    // The server refused this message; the session is fine once reset.
    if ((error.code === 'EENVELOPE' || error.code === 'EMESSAGE') && error.responseCode !== 421) {
      c.conn.reset((resetError) => {
        if (resetError || c.dead) this.destroy(c);
        else {
          this.idle.push(c);
          this.waiting.shift()?.();
        }
      });
      return;
    }
    this.destroy(c);
  }

  private destroy(c: Pooled): void {
    const first = !c.dead;
    c.dead = true;
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    c.conn.close();
    if (first) {
      this.open -= 1;
      this.waiting.shift()?.();
    }
  }

  private connect(): Promise<Pooled> {
    const conn = new SMTPConnection(this.options);
    const c: Pooled = { conn, dead: false, used: 0, onDeath: new Set() };
    return new Promise<Pooled>((resolve, reject) => {
      let ready = false;
      const die = (error: SmtpFailure) => {
        if (!c.error) c.error = error;
        const first = !c.dead;
        c.dead = true;
        if (first) {
          this.open -= 1;
          const i = this.idle.indexOf(c);
          if (i >= 0) this.idle.splice(i, 1);
          this.waiting.shift()?.();
        }
        for (const f of c.onDeath) f(error);
        c.onDeath.clear();
        if (!ready) reject(error);
      };
      conn.on('error', (error: SmtpFailure) => die(error));
      conn.once('end', () => die(deathOf('the SMTP server closed the connection')));
      conn.connect((error) => {
        if (error) return die(error as SmtpFailure);
        if (!this.options.auth) {
          ready = true;
          return resolve(c);
        }
        conn.login(this.options.auth, (loginError) => {
          if (loginError) {
            die(loginError as SmtpFailure);
            conn.close();
            return;
          }
          ready = true;
          resolve(c);
        });
      });
    });
  }
}

/**
 * The pools of one owner (the flow worker, one pass of `nurture flow run-due`), one per server
 * and login, closed together when the owner stops.
 */
export class SmtpPools {
  private readonly pools = new Map<string, SmtpPool>();

  get(options: SmtpConnectOptions, size: number = SMTP_POOL_SIZE): SmtpPool {
    const key = JSON.stringify([options, size]);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new SmtpPool(options, size);
      this.pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }
}
