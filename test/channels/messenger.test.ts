import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMessengerChannel } from '../../src/channels/messenger.js';
import type { FakeProvider } from '../support/fakes/common.js';
import { MESSENGER_FAKE, type MessengerSent, startMessengerFake } from '../support/fakes/messenger.js';
import { expectNoSecrets, message } from './support.js';

let fake: FakeProvider<MessengerSent>;
beforeAll(async () => {
  fake = await startMessengerFake();
});
afterAll(() => fake.close());
afterEach(() => {
  expect(fake.violations).toEqual([]);
});

const channel = (pageToken = MESSENGER_FAKE.pageToken, timeoutMs?: number) =>
  createMessengerChannel(
    { baseUrl: fake.url, pageId: MESSENGER_FAKE.pageId, pageToken },
    timeoutMs === undefined ? {} : { timeoutMs },
  );
const psid = '6123456789012345';
const msg = (over = {}) => message({ channel: 'messenger', to: psid, ...over });

describe('Messenger adapter', () => {
  it('sends a RESPONSE text; message_id is the provider id', async () => {
    const c = channel();
    expect(c).toMatchObject({ kind: 'messenger', provider: 'messenger', idempotent: false });
    const out = await c.send(msg());
    expect(out).toEqual({ kind: 'sent', providerMessageId: fake.received.at(-1)?.messageId });
    expect(fake.received.at(-1)).toMatchObject({ psid, messagingType: 'RESPONSE', tag: undefined });
  });

  it('sends a tagged post-purchase update', async () => {
    await channel().send(msg({ messenger: { messagingType: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' } }));
    expect(fake.received.at(-1)).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' });
  });

  it('outside the 24 h window (10/2018278) is unreachable, an outcome not a throw', async () => {
    fake.failNext('10/2018278');
    const out = await channel().send(msg());
    expect(out).toMatchObject({ kind: 'unreachable', code: '10/2018278' });
    expect((out as { reason: string }).reason).toContain('24-hour window');
  });

  const CASES: [string, string][] = [
    ['190', 'failed'],
    ['100', 'unreachable'],
    ['551', 'unreachable'],
    ['613', 'retry'],
    ['200', 'failed'],
    ['2', 'retry'],
  ];
  for (const [code, kind] of CASES) {
    it(`error ${code} → ${kind}`, async () => {
      fake.failNext(code);
      const out = await channel().send(msg());
      expect(out).toMatchObject({ kind, code });
      expectNoSecrets(out, [MESSENGER_FAKE.pageToken]);
    });
  }

  it('a wrong page token is failed (190) and not echoed', async () => {
    const out = await channel('EAAGwrongtoken999').send(msg());
    expect(out).toMatchObject({ kind: 'failed', code: '190' });
    expectNoSecrets(out, ['EAAGwrongtoken999', MESSENGER_FAKE.pageToken]);
  });

  it('HTTP 503 is a retry', async () => {
    fake.failNext('http_503');
    expect(await channel().send(msg())).toMatchObject({ kind: 'retry', code: 'http_503' });
  });

  it('no answer within the timeout is a retry whose reason holds no token', async () => {
    fake.hangNext(1);
    const out = await channel(MESSENGER_FAKE.pageToken, 200).send(msg());
    expect(out).toMatchObject({ kind: 'retry', code: 'timeout' });
    expectNoSecrets(out, [MESSENGER_FAKE.pageToken]);
  });
});
