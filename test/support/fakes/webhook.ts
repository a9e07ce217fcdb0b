/**
 * A fake receiver of Nurture's outgoing webhook, as a seller's endpoint should behave: it checks
 * the signature (hex HMAC-SHA256 of the raw body), a fresh timestamp and the Idempotency-Key, and
 * records each key once (a repeat answers 200 and is not recorded again).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  check,
  FailurePlan,
  type FakeProvider,
  httpCode,
  jsonBody,
  provider,
  startHttpFake,
} from './common.js';

export interface WebhookReceived {
  idempotencyKey: string;
  body: Record<string, unknown>;
  timestamp: number;
}

export const WEBHOOK_FAKE_SECRET = 'whsec-nurture-test-0123';
export const WEBHOOK_FAKE_PATH = '/hooks/nurture';

export interface WebhookFake extends FakeProvider<WebhookReceived> {
  /** The URL to set as `webhook url`. */
  hookUrl: string;
  /** Deliveries of a key already recorded. */
  repeats(): number;
}

export async function startWebhookFake(
  secret = WEBHOOK_FAKE_SECRET,
  now: () => number = () => Date.now(),
): Promise<WebhookFake> {
  const plan = new FailurePlan();
  const received: WebhookReceived[] = [];
  const keys = new Set<string>();
  let repeats = 0;
  const base = await startHttpFake(plan, (req) => {
    check(req.method === 'POST', `method must be POST, got ${req.method}`);
    check(req.path === WEBHOOK_FAKE_PATH, `unknown path ${req.path}`);
    const signature = req.headers['x-nurture-signature'];
    check(
      typeof signature === 'string' && /^sha256=[0-9a-f]{64}$/.test(signature),
      'X-Nurture-Signature must be sha256=<hex>',
    );
    const expected = `sha256=${createHmac('sha256', secret).update(req.raw).digest('hex')}`;
    check(
      timingSafeEqual(Buffer.from(signature), Buffer.from(expected)),
      'X-Nurture-Signature does not match the body',
    );
    const ts = Number(req.headers['x-nurture-timestamp']);
    check(Number.isInteger(ts), 'X-Nurture-Timestamp must be whole seconds');
    check(Math.abs(now() / 1000 - ts) < 300, 'X-Nurture-Timestamp must be within 5 minutes');
    const key = req.headers['idempotency-key'];
    check(typeof key === 'string' && key.length > 0, 'Idempotency-Key is required');
    const body = jsonBody(req);
    const planned = plan.take(typeof body['to'] === 'string' ? body['to'] : undefined);
    if (planned !== undefined)
      return { status: httpCode(planned) ?? Number(planned), body: { error: planned } };
    if (keys.has(key)) {
      repeats += 1;
      return { status: 200, body: { ok: true, repeat: true } };
    }
    keys.add(key);
    received.push({ idempotencyKey: key, body, timestamp: ts });
    return { status: 200, body: { ok: true } };
  });
  const fake = provider(base, plan, received);
  return Object.assign(fake, { hookUrl: `${base.url}${WEBHOOK_FAKE_PATH}`, repeats: () => repeats });
}
