import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEsmsChannel, ESMS_CODES } from '../../src/channels/esms.js';
import { parseEsmsCallback } from '../../src/channels/esms-callback.js';
import type { FakeProvider } from '../support/fakes/common.js';
import { ESMS_FAKE_KEYS, type EsmsSent, startEsmsFake } from '../support/fakes/esms.js';
import { expectNoSecrets, message } from './support.js';

let fake: FakeProvider<EsmsSent>;
beforeAll(async () => {
  fake = await startEsmsFake();
});
afterAll(() => fake.close());
afterEach(() => {
  expect(fake.violations).toEqual([]);
});

const channel = (over: Partial<typeof ESMS_FAKE_KEYS> = {}, timeoutMs?: number) =>
  createEsmsChannel(
    { baseUrl: fake.url, ...ESMS_FAKE_KEYS, ...over, smsType: '2' },
    timeoutMs === undefined ? {} : { timeoutMs },
  );
const SECRETS = [ESMS_FAKE_KEYS.apiKey, ESMS_FAKE_KEYS.secretKey];

describe('eSMS adapter', () => {
  it('sends: the fake accepts the contract and the SMSID is the provider id', async () => {
    const c = channel();
    expect(c).toMatchObject({ kind: 'sms', provider: 'esms', idempotent: true });
    const out = await c.send(
      message({ idempotencyKey: 'nk-ok-1', callbackUrl: 'https://shop.example.vn/esms/callback' }),
    );
    const last = fake.received.at(-1);
    expect(out).toEqual({ kind: 'sent', providerMessageId: last?.smsId });
    expect(last).toMatchObject({
      requestId: 'nk-ok-1',
      phone: '84912345678',
      unicode: false,
      brandname: 'SHOPABC',
    });
    expect(last?.callbackUrl).toBe('https://shop.example.vn/esms/callback');
  });

  it('marks Vietnamese with accents as Unicode', async () => {
    await channel().send(message({ idempotencyKey: 'nk-vi-1', text: 'Đơn hàng đã giao, cảm ơn bạn!' }));
    expect(fake.received.at(-1)).toMatchObject({ requestId: 'nk-vi-1', unicode: true });
  });

  it('a repeated RequestId is a duplicate (124), and reaches the customer once', async () => {
    const c = channel();
    const first = await c.send(message({ idempotencyKey: 'nk-dup-1' }));
    const again = await c.send(message({ idempotencyKey: 'nk-dup-1' }));
    expect(first.kind).toBe('sent');
    expect(again.kind).toBe('duplicate');
    expect(fake.received.filter((m) => m.requestId === 'nk-dup-1')).toHaveLength(1);
  });

  it('wrong keys: 101 failed, without the keys in the reason', async () => {
    const out = await channel({ apiKey: 'wrong-api-key-1', secretKey: 'wrong-secret-2' }).send(
      message({ idempotencyKey: 'nk-auth' }),
    );
    expect(out).toMatchObject({ kind: 'failed', code: '101' });
    expectNoSecrets(out, ['wrong-api-key-1', 'wrong-secret-2', ...SECRETS]);
  });

  it('an unregistered brandname: 104 failed', async () => {
    const out = await channel({ brandname: 'OTHER' }).send(message({ idempotencyKey: 'nk-brand' }));
    expect(out).toMatchObject({ kind: 'failed', code: '104' });
  });

  for (const [code, { kind }] of Object.entries(ESMS_CODES)) {
    it(`CodeResult ${code} → ${kind}`, async () => {
      fake.failNext(code);
      const out = await channel().send(message({ idempotencyKey: `nk-code-${code}` }));
      expect(out).toMatchObject({ kind, code });
      expect((out as { reason: string }).reason.length).toBeGreaterThan(10);
      expectNoSecrets(out, SECRETS);
    });
  }

  it('an undocumented CodeResult is a retry naming the code', async () => {
    fake.failNext('555');
    expect(await channel().send(message({ idempotencyKey: 'nk-555' }))).toMatchObject({
      kind: 'retry',
      code: '555',
    });
  });

  it('HTTP 503 is a retry', async () => {
    fake.failNext('http_503');
    expect(await channel().send(message({ idempotencyKey: 'nk-503' }))).toMatchObject({
      kind: 'retry',
      code: 'http_503',
    });
  });

  it('no answer within the timeout is a retry', async () => {
    fake.hangNext(1);
    const out = await channel({}, 200).send(message({ idempotencyKey: 'nk-hang' }));
    expect(out).toMatchObject({ kind: 'retry', code: 'timeout' });
  });

  it('a refused connection is a retry', async () => {
    const c = createEsmsChannel({ baseUrl: 'http://127.0.0.1:1', ...ESMS_FAKE_KEYS, smsType: '2' });
    const out = await c.send(message({ idempotencyKey: 'nk-refused' }));
    expect(out).toMatchObject({ kind: 'retry', code: 'network' });
    expectNoSecrets(out, SECRETS);
  });

  it('a phone that is not Vietnamese is unreachable without a call', async () => {
    const calls = fake.calls;
    expect(await channel().send(message({ to: '+14155550100' }))).toMatchObject({ kind: 'unreachable' });
    expect(fake.calls).toBe(calls);
  });
});

describe('eSMS delivery callback', () => {
  const q = (s: string) => new URLSearchParams(s);
  it('SendStatus 5 with no failure is delivered', () => {
    expect(
      parseEsmsCallback(
        q(
          'SMSID=abc&SendFailed=0&SendStatus=5&SendSuccess=1&RequestId=nk-1&TypeId=2&telcoid=1&phonenumber=0901888484',
        ),
      ),
    ).toEqual({
      requestId: 'nk-1',
      smsId: 'abc',
      delivered: true,
      final: true,
      status: '5',
      reason: 'sent successfully',
      phone: '0901888484',
    });
  });
  it('SendStatus 4 is a final rejection', () => {
    expect(parseEsmsCallback(q('SMSID=abc&SendStatus=4&RequestId=nk-2'))).toMatchObject({
      delivered: false,
      final: true,
      reason: 'rejected',
    });
  });
  it('SendStatus 5 with SendFailed > 0 (eSMS sample) is not delivered', () => {
    expect(
      parseEsmsCallback(q('SMSID=dc71&SendFailed=2&SendStatus=5&SendSuccess=0&RequestId=nk-3&TypeId=2')),
    ).toMatchObject({ delivered: false, final: true });
  });
  it('interim states (1, 2, 7) are not final', () => {
    for (const s of ['1', '2', '7'])
      expect(parseEsmsCallback({ SMSID: 'x', SendStatus: s, RequestId: 'nk-4' })).toMatchObject({
        delivered: false,
        final: false,
      });
  });
  it('a query that is not a report is undefined', () => {
    expect(parseEsmsCallback(q('foo=bar'))).toBeUndefined();
    expect(parseEsmsCallback(q('SMSID=x'))).toBeUndefined();
  });
});
