import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmailChannel } from '../../src/channels/email.js';
import { SMTP_POOL_SIZE, SmtpPools } from '../../src/channels/smtp-pool.js';
import { SMTP_FAKE_AUTH, type SmtpFake, startSmtpFake } from '../support/fakes/smtp.js';
import { expectNoSecrets, message } from './support.js';

let fake: SmtpFake;
beforeAll(async () => {
  fake = await startSmtpFake();
});
afterAll(() => fake.close());
afterEach(() => {
  expect(fake.violations).toEqual([]);
});

const FROM = 'Shop ABC <hello@shop.example.vn>';
const channel = (smtpUrl = fake.url, timeoutMs?: number) =>
  createEmailChannel({ smtpUrl, from: FROM }, timeoutMs === undefined ? {} : { timeoutMs });
const mail = (over = {}) =>
  message({
    channel: 'email',
    to: 'lan@example.vn',
    subject: 'Đơn hàng #1001 đã giao',
    text: 'Cảm ơn bạn đã mua hàng.',
    html: '<p>Cảm ơn bạn đã mua hàng.</p>',
    ...over,
  });
const SECRETS = [SMTP_FAKE_AUTH.pass, encodeURIComponent(SMTP_FAKE_AUTH.pass)];

describe('SMTP e-mail adapter', () => {
  it('sends text and HTML with Message-ID <key@nurture>', async () => {
    const c = channel();
    expect(c).toMatchObject({ kind: 'email', provider: 'smtp', idempotent: true });
    const out = await c.send(mail({ idempotencyKey: 'nk-e1' }));
    expect(out).toEqual({ kind: 'sent', providerMessageId: '<nk-e1@nurture>' });
    const got = fake.received.at(-1);
    expect(got?.messageId).toBe('<nk-e1@nurture>');
    expect(got?.to).toEqual(['lan@example.vn']);
    expect(got?.headers.get('content-type')).toMatch(/multipart\/alternative/);
    expect(got?.headers.has('list-unsubscribe')).toBe(false);
  });

  it('adds the RFC 8058 one-click unsubscribe headers when given a link', async () => {
    await channel().send(
      mail({ idempotencyKey: 'nk-e2', promotional: true, unsubscribeUrl: 'https://shop.example.vn/u/abc' }),
    );
    const got = fake.received.at(-1);
    expect(got?.headers.get('list-unsubscribe')).toBe('<https://shop.example.vn/u/abc>');
    expect(got?.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('a wrong password (535) is failed, and the password is in no outcome', async () => {
    const url = fake.url.replace(encodeURIComponent(SMTP_FAKE_AUTH.pass), 'wrong-pass-777');
    const out = await channel(url).send(mail());
    expect(out).toMatchObject({ kind: 'failed', code: '535' });
    expectNoSecrets(out, [...SECRETS, 'wrong-pass-777']);
  });

  it('535 from the server is failed', async () => {
    fake.failNext('535');
    expect(await channel().send(mail())).toMatchObject({ kind: 'failed', code: '535' });
  });

  for (const code of ['421', '450', '451', '452']) {
    it(`${code} (temporary) is a retry`, async () => {
      fake.failNext(code);
      const out = await channel().send(mail());
      expect(out).toMatchObject({ kind: 'retry', code });
      expectNoSecrets(out, SECRETS);
    });
  }

  for (const code of ['550', '551', '553']) {
    it(`${code} on the recipient is unreachable`, async () => {
      fake.failFor(`gone-${code}@example.vn`, code);
      const out = await channel().send(mail({ to: `gone-${code}@example.vn` }));
      expect(out).toMatchObject({ kind: 'unreachable', code });
      expectNoSecrets(out, SECRETS);
    });
  }

  it('a refused connection is a retry', async () => {
    const port = await freePort();
    const out = await channel(`smtp://u:${encodeURIComponent(SMTP_FAKE_AUTH.pass)}@127.0.0.1:${port}`).send(
      mail(),
    );
    expect(out).toMatchObject({ kind: 'retry' });
    expect((out as { reason: string }).reason).toContain('ECONNREFUSED');
    expectNoSecrets(out, SECRETS);
  });

  it('no answer within the timeout is a retry', async () => {
    fake.hangNext(1);
    expect(await channel(fake.url, 300).send(mail())).toMatchObject({ kind: 'retry', code: 'timeout' });
  });
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('SMTP e-mail held before its final dot, over pooled connections', () => {
  it('a held message is not delivered; dropped, the server discards it; finished, it arrives once', async () => {
    const c = channel();
    const before = fake.received.length;
    const discarded = fake.discarded;
    const dropped = await c.holding!.hold(mail({ idempotencyKey: 'nk-hold-drop' }));
    expect(dropped.kind).toBe('held');
    await sleep(150);
    expect(fake.received.length).toBe(before);
    if (dropped.kind === 'held') dropped.drop();
    await sleep(150);
    expect(fake.received.length).toBe(before);
    expect(fake.discarded).toBe(discarded + 1);
    const kept = await c.holding!.hold(mail({ idempotencyKey: 'nk-hold-keep' }));
    if (kept.kind !== 'held') throw new Error(`not held: ${JSON.stringify(kept)}`);
    await sleep(50);
    expect(fake.received.length).toBe(before);
    expect(await kept.finish()).toEqual({ kind: 'sent', providerMessageId: '<nk-hold-keep@nurture>' });
    expect(fake.received.map((m) => m.messageId).filter((id) => id.startsWith('<nk-hold'))).toEqual([
      '<nk-hold-keep@nurture>',
    ]);
  });

  it('a refused recipient is answered before anything is held', async () => {
    fake.failFor('held-gone@example.vn', '550');
    const held = await channel().holding!.hold(mail({ to: 'held-gone@example.vn' }));
    expect(held).toMatchObject({ kind: 'answered', outcome: { kind: 'unreachable', code: '550' } });
  });

  it(`sends many messages over at most ${SMTP_POOL_SIZE} connections, reused after a refusal`, async () => {
    const pools = new SmtpPools();
    try {
      const c = createEmailChannel({ smtpUrl: fake.url, from: FROM }, { smtpPools: pools });
      fake.failFor('pool-gone@example.vn', '550');
      const sessions = fake.sessions;
      const outs = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          c.send(
            mail({ idempotencyKey: `nk-pool-${i}`, to: i === 7 ? 'pool-gone@example.vn' : 'lan@example.vn' }),
          ),
        ),
      );
      expect(outs.filter((o) => o.kind === 'sent')).toHaveLength(59);
      expect(outs[7]).toMatchObject({ kind: 'unreachable', code: '550' });
      expect(fake.sessions - sessions).toBeLessThanOrEqual(SMTP_POOL_SIZE);
      const ids = fake.received.map((m) => m.messageId).filter((id) => id.startsWith('<nk-pool-'));
      expect(new Set(ids).size).toBe(59);
      expect(ids).toHaveLength(59);
      // A second round reuses the open connections.
      const more = fake.sessions;
      await c.send(mail({ idempotencyKey: 'nk-pool-again' }));
      expect(fake.sessions).toBe(more);
    } finally {
      await pools.close();
    }
  });
});

describe('groups of held e-mails on one pool', () => {
  it('two groups at once take turns instead of each holding part of the connections', async () => {
    const pools = new SmtpPools();
    try {
      const c = createEmailChannel({ smtpUrl: fake.url, from: FROM }, { smtpPools: pools });
      const holding = c.holding!;
      const holdSome = (name: string, from: number, to: number) =>
        Promise.all(
          Array.from({ length: to - from }, (_, i) =>
            holding.hold(mail({ idempotencyKey: `nk-${name}-${from + i}` })),
          ),
        );
      // Each group takes its connections in two steps, as batches of the outbox interleave: without
      // taking turns, each would hold half of the pool and wait for the other half.
      const group = (name: string) =>
        holding.group(async () => {
          const half = Math.floor(holding.capacity / 2);
          const first = holdSome(name, 0, half);
          await sleep(30);
          const held = [...(await first), ...(await holdSome(name, half, holding.capacity))];
          await sleep(20); // the outbox's commit of `finalizing`
          return Promise.all(held.map((h) => (h.kind === 'held' ? h.finish() : h.outcome)));
        });
      const started = Date.now();
      const [a, b] = await Promise.all([group('ga'), group('gb')]);
      expect([...a, ...b].every((o) => o.kind === 'sent')).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await pools.close();
    }
  });
});

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
