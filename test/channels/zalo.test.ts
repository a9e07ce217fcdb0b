import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloChannel, ZALO_CODES } from '../../src/channels/zalo.js';
import { startZaloFake, ZALO_FAKE, type ZaloFake } from '../support/fakes/zalo.js';
import { expectNoSecrets, message } from './support.js';

let fake: ZaloFake;
let saved: [string, string][];
beforeEach(async () => {
  fake = await startZaloFake();
  saved = [];
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});
afterAll(() => undefined);

const zns = (overrides = {}) =>
  message({
    channel: 'zalo',
    zalo: { templateId: '231456', templateData: { order_code: 'DH1001', name: 'Lan' } },
    ...overrides,
  });

function channel(
  tokens = { accessToken: ZALO_FAKE.accessToken, refreshToken: ZALO_FAKE.refreshToken },
  timeoutMs?: number,
) {
  return createZaloChannel(
    {
      baseUrl: fake.url,
      oauthUrl: fake.url,
      appId: ZALO_FAKE.appId,
      secretKey: ZALO_FAKE.secretKey,
      ...tokens,
    },
    {
      saveTokens: async (a, r) => {
        saved.push([a, r]);
      },
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    },
  );
}
const SECRETS = [ZALO_FAKE.secretKey, ZALO_FAKE.accessToken, ZALO_FAKE.refreshToken];

describe('Zalo ZNS adapter', () => {
  it('sends the template; msg_id is the provider id; tracking_id is the idempotency key', async () => {
    const c = channel();
    expect(c).toMatchObject({ kind: 'zalo', provider: 'zalo', idempotent: true });
    const out = await c.send(zns({ idempotencyKey: 'nk-z1' }));
    expect(out).toEqual({ kind: 'sent', providerMessageId: 'zns-msg-1' });
    expect(fake.received[0]).toMatchObject({
      phone: '84912345678',
      templateId: '231456',
      trackingId: 'nk-z1',
    });
  });

  for (const [code, { kind }] of Object.entries(ZALO_CODES)) {
    if (code === '-124') continue; // the refresh path, below
    it(`error ${code} → ${kind}`, async () => {
      fake.failNext(code);
      const out = await channel().send(zns());
      expect(out).toMatchObject({ kind, code });
      expectNoSecrets(out, SECRETS);
    });
  }

  it('-124: refreshes once, persists the new access AND the rotated refresh token, sends again', async () => {
    fake.expireAccessToken();
    const c = channel();
    const out = await c.send(zns({ idempotencyKey: 'nk-refresh' }));
    expect(out.kind).toBe('sent');
    expect(fake.refreshCount()).toBe(1);
    expect(saved).toEqual([[fake.tokens().accessToken, fake.tokens().refreshToken]]);
    expect(saved[0]?.[1]).not.toBe(ZALO_FAKE.refreshToken);
    expect(fake.received.at(-1)?.accessToken).toBe(fake.tokens().accessToken);
    // A second expiry is refreshed with the rotated refresh token (the first one is dead now).
    fake.expireAccessToken();
    expect((await c.send(zns())).kind).toBe('sent');
    expect(fake.refreshCount()).toBe(2);
    expect(saved).toHaveLength(2);
    expect(saved[1]).toEqual([fake.tokens().accessToken, fake.tokens().refreshToken]);
  });

  it('-124 on concurrent sends refreshes once', async () => {
    fake.expireAccessToken();
    const c = channel();
    const outs = await Promise.all([c.send(zns()), c.send(zns()), c.send(zns())]);
    expect(outs.map((o) => o.kind)).toEqual(['sent', 'sent', 'sent']);
    expect(fake.refreshCount()).toBe(1);
    expect(saved).toHaveLength(1);
  });

  it('a dead refresh token: failed, nothing saved, no secret in the reason', async () => {
    fake.expireAccessToken();
    const out = await channel({
      accessToken: ZALO_FAKE.accessToken,
      refreshToken: 'zalo-refresh-token-stale',
    }).send(zns());
    expect(out).toMatchObject({ kind: 'failed' });
    expect(saved).toEqual([]);
    expectNoSecrets(out, [...SECRETS, 'zalo-refresh-token-stale']);
  });

  it('-124 again after a refresh is failed (refreshed only once per send)', async () => {
    fake.failNext('-124', 2);
    const out = await channel().send(zns());
    expect(out).toMatchObject({ kind: 'failed', code: '-124' });
    expect(fake.refreshCount()).toBe(1);
  });

  it('HTTP 502 is a retry', async () => {
    fake.failNext('http_502');
    expect(await channel().send(zns())).toMatchObject({ kind: 'retry', code: 'http_502' });
  });

  it('no answer within the timeout is a retry', async () => {
    fake.hangNext(1);
    expect(await channel(undefined, 200).send(zns())).toMatchObject({ kind: 'retry', code: 'timeout' });
  });

  it('a message without a template is failed without a call', async () => {
    expect(await channel().send(message({ channel: 'zalo' }))).toMatchObject({
      kind: 'failed',
      code: 'no_template',
    });
    expect(fake.calls).toBe(0);
  });
});
