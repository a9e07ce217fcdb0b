import { describe, expect, it } from 'vitest';
import { signerFor, trackerFor, unsubscribeUrl } from '../../src/app/flows/links.js';
import { trackMessage } from '../../src/domain/messages/tracking.js';

const signer = signerFor('https://n.example.vn', 'shop1', 'secret-for-tests-0123456789');

describe('signed message links', () => {
  it('verifies its own tokens only, for their kind', () => {
    const url = signer.sign('msg_01ABC', 'c', 2);
    const token = url.split('/').pop()!;
    expect(url.startsWith('https://n.example.vn/m/shop1/c/')).toBe(true);
    expect(signer.verify(token, 'c')).toEqual({ messageId: 'msg_01ABC', index: 2 });
    // A click token is not an unsubscribe token, another index or message is not signed.
    expect(signer.verify(token, 'u')).toBeUndefined();
    expect(signer.verify(token.replace('.2.', '.3.'), 'c')).toBeUndefined();
    expect(signer.verify(token.replace('msg_01ABC', 'msg_01ABD'), 'c')).toBeUndefined();
    const other = signerFor('https://n.example.vn', 'shop2', 'secret-for-tests-0123456789');
    expect(other.verify(token, 'c')).toBeUndefined();
    expect(signer.verify('garbage', 'c')).toBeUndefined();
    const pixel = signer.sign('msg_01ABC', 'o', 0).split('/').pop()!;
    expect(pixel.endsWith('.gif')).toBe(true);
    expect(signer.verify(pixel, 'o')).toEqual({ messageId: 'msg_01ABC', index: 0 });
  });

  it('rewrites e-mail and SMS links, adds the pixel, leaves the unsubscribe link alone', () => {
    const unsub = unsubscribeUrl(signer, 'msg_1');
    const tracker = trackerFor(signer, 'msg_1', [unsub]);
    const mail = trackMessage(
      {
        channel: 'email',
        subject: 'x',
        html: `<html><body><a href="https://a.vn/x?p=1&amp;q=2">A</a> <a href='https://a.vn/x?p=1&q=2'>again</a> <a href="${unsub}">bỏ</a></body></html>`,
        text: 'A https://a.vn/y',
      },
      tracker,
    );
    expect(mail.links).toEqual(['https://a.vn/x?p=1&q=2', 'https://a.vn/y']);
    const html = mail.message.channel === 'email' ? (mail.message.html ?? '') : '';
    expect(html.match(/\/m\/shop1\/c\//g)).toHaveLength(2);
    expect(html).toContain(`href="${unsub}"`);
    expect(html).toMatch(/<img src="https:\/\/n\.example\.vn\/m\/shop1\/o\/[^"]+\.gif"[^>]*><\/body>/);
    const sms = trackMessage(
      { channel: 'sms', text: 'Xem https://a.vn/z ngay', encoding: 'gsm7', segments: 1 },
      tracker,
    );
    expect(sms.message.channel === 'sms' && sms.message.text).toMatch(
      /^Xem https:\/\/n\.example\.vn\/m\/shop1\/c\/msg_1\.0\.[\w-]{22} ngay$/,
    );
    const zalo = trackMessage({ channel: 'zalo', templateId: 't', data: { url: 'https://a.vn' } }, tracker);
    expect(zalo.links).toEqual([]);
  });
});
