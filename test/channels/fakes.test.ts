/**
 * The fakes have teeth: a request that breaks the provider's contract is answered 400 and
 * recorded, so an adapter test that asserts `violations` is empty means something.
 */

import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { smtpOptions } from '../../src/channels/email.js';
import type { FakeProvider } from '../support/fakes/common.js';
import { ESMS_FAKE_KEYS, startEsmsFake } from '../support/fakes/esms.js';
import { MESSENGER_FAKE, startMessengerFake } from '../support/fakes/messenger.js';
import { startSmtpFake } from '../support/fakes/smtp.js';
import { SPEEDSMS_FAKE_TOKEN, startSpeedsmsFake } from '../support/fakes/speedsms.js';
import { startWebhookFake } from '../support/fakes/webhook.js';
import { startZaloFake, ZALO_FAKE } from '../support/fakes/zalo.js';

const open: FakeProvider<unknown>[] = [];
afterAll(async () => {
  for (const f of open) await f.close();
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return res.status;
}

const esmsBody = {
  ApiKey: ESMS_FAKE_KEYS.apiKey,
  SecretKey: ESMS_FAKE_KEYS.secretKey,
  Phone: '84912345678',
  Content: 'Xin chao',
  Brandname: ESMS_FAKE_KEYS.brandname,
  SmsType: '2',
  IsUnicode: '0',
  RequestId: 'r-1',
};

describe('fake contract checks', () => {
  it('eSMS: a phone with +, a numeric SmsType, a wrong IsUnicode, a wrong path', async () => {
    const fake = await startEsmsFake();
    open.push(fake);
    const url = `${fake.url}/MainService.svc/json/SendMultipleMessage_V4_post_json/`;
    expect(await post(url, { ...esmsBody, Phone: '+84912345678' })).toBe(400);
    expect(await post(url, { ...esmsBody, SmsType: 2 })).toBe(400);
    expect(await post(url, { ...esmsBody, Content: 'Xin chào' })).toBe(400);
    expect(await post(`${fake.url}/MainService.svc/json/SendMultipleMessage_V4_get`, esmsBody)).toBe(400);
    expect(fake.violations).toHaveLength(4);
    expect(fake.received).toEqual([]);
    expect(await post(url, esmsBody)).toBe(200);
    expect(fake.received).toHaveLength(1);
  });

  it('SpeedSMS: no Basic auth, a phone not in an array, a brandname type without sender', async () => {
    const fake = await startSpeedsmsFake();
    open.push(fake);
    const url = `${fake.url}/index.php/sms/send`;
    const auth = { authorization: `Basic ${Buffer.from(`${SPEEDSMS_FAKE_TOKEN}:x`).toString('base64')}` };
    expect(await post(url, { to: ['84912345678'], content: 'x', sms_type: 2, sender: 'A' })).toBe(400);
    expect(await post(url, { to: '84912345678', content: 'x', sms_type: 2, sender: 'A' }, auth)).toBe(400);
    expect(await post(url, { to: ['84912345678'], content: 'x', sms_type: 2 }, auth)).toBe(400);
    expect(fake.violations).toHaveLength(3);
  });

  it('Zalo: no access_token header, template_data values not strings, a token refresh as JSON', async () => {
    const fake = await startZaloFake();
    open.push(fake);
    const body = { phone: '84912345678', template_id: '1', template_data: { a: 'b' }, tracking_id: 't' };
    expect(await post(`${fake.url}/message/template`, body)).toBe(400);
    expect(
      await post(
        `${fake.url}/message/template`,
        { ...body, template_data: { a: 1 } },
        { access_token: ZALO_FAKE.accessToken },
      ),
    ).toBe(400);
    expect(await post(`${fake.url}/v4/oa/access_token`, { refresh_token: 'x' }, { secret_key: 'x' })).toBe(
      400,
    );
    expect(fake.violations).toHaveLength(3);
  });

  it('Messenger: a tag without MESSAGE_TAG, a PSID that is not digits', async () => {
    const fake = await startMessengerFake();
    open.push(fake);
    const url = `${fake.url}/v21.0/${MESSENGER_FAKE.pageId}/messages?access_token=${MESSENGER_FAKE.pageToken}`;
    const ok = { recipient: { id: '123' }, messaging_type: 'RESPONSE', message: { text: 'hi' } };
    expect(await post(url, { ...ok, tag: 'POST_PURCHASE_UPDATE' })).toBe(400);
    expect(await post(url, { ...ok, recipient: { id: 'abc' } })).toBe(400);
    expect(fake.violations).toHaveLength(2);
    expect(await post(url, ok)).toBe(200);
  });

  it('webhook receiver: no signature, no Idempotency-Key', async () => {
    const fake = await startWebhookFake();
    open.push(fake);
    expect(await post(fake.hookUrl, { a: 1 })).toBe(400);
    expect(fake.violations).toHaveLength(1);
  });

  it('SMTP: a Message-ID that is not <key@nurture>, List-Unsubscribe without its Post header', async () => {
    const fake = await startSmtpFake();
    open.push(fake);
    const transport = nodemailer.createTransport(smtpOptions(fake.url, 5000));
    const base = { from: 'a@shop.vn', to: 'b@example.vn', subject: 's', text: 't' };
    await expect(transport.sendMail({ ...base, messageId: '<x@elsewhere>' })).rejects.toMatchObject({
      responseCode: 554,
    });
    await expect(
      transport.sendMail({
        ...base,
        messageId: '<k1@nurture>',
        headers: { 'List-Unsubscribe': '<https://shop.vn/u>' },
      }),
    ).rejects.toMatchObject({ responseCode: 554 });
    expect(fake.violations).toHaveLength(2);
    await transport.sendMail({ ...base, messageId: '<k2@nurture>' });
    expect(fake.received).toHaveLength(1);
    transport.close();
  });
});
