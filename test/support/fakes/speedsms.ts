/**
 * A fake SpeedSMS (api.speedsms.vn): /index.php/sms/send with Basic auth `token:x`, its
 * `{status, code, data}` answers and documented error codes. SpeedSMS has no idempotency key:
 * a repeat is a second message (counted in `received`).
 */
import {
  check,
  FailurePlan,
  type FakeProvider,
  httpCode,
  jsonBody,
  provider,
  startHttpFake,
} from './common.js';

export interface SpeedsmsSent {
  tranId: number;
  to: string[];
  content: string;
  smsType: number;
  sender: string | undefined;
}

export const SPEEDSMS_FAKE_TOKEN = 'speedsms-token-abcdef';

const MESSAGES: Record<string, string> = {
  '007': 'IP locked',
  '008': 'Account blocked',
  '009': 'Account not allow to call the API',
  '101': 'Invalid or missing parameters',
  '105': 'Phone number invalid',
  '110': 'Not support sms content encoding',
  '113': 'Sms content too long',
  '300': 'Your account balance not enough to send sms',
  '500': 'Internal error, please try again',
};

export async function startSpeedsmsFake(token = SPEEDSMS_FAKE_TOKEN): Promise<FakeProvider<SpeedsmsSent>> {
  const plan = new FailurePlan();
  const received: SpeedsmsSent[] = [];
  let tranId = 1000;
  const base = await startHttpFake(plan, (req) => {
    check(req.method === 'POST', `method must be POST, got ${req.method}`);
    check(req.path === '/index.php/sms/send', `unknown path ${req.path}`);
    const auth = req.headers.authorization ?? '';
    check(/^Basic [A-Za-z0-9+/=]+$/.test(auth), 'Authorization must be Basic');
    const [user, pass] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
    check(pass === 'x', 'the Basic password must be "x"');
    if (user !== token)
      return {
        status: 401,
        body: {
          name: 'Unauthorized',
          message: 'Your request was made with invalid credentials.',
          status: 401,
        },
      };
    const b = jsonBody(req);
    check(Array.isArray(b['to']) && b['to'].length > 0, 'to must be a non-empty array');
    const to = b['to'] as unknown[];
    for (const p of to)
      check(typeof p === 'string' && /^84\d{9}$/.test(p), `to holds 84… phones without +, got ${String(p)}`);
    check(typeof b['content'] === 'string' && b['content'].length > 0, 'content must be a non-empty string');
    check(
      typeof b['sms_type'] === 'number' && [2, 3, 4, 5, 6, 8].includes(b['sms_type']),
      'sms_type must be a number 2–8',
    );
    const smsType = b['sms_type'] as number;
    if (smsType === 2 || smsType === 3)
      check(
        typeof b['sender'] === 'string' && b['sender'].length > 0,
        'sender is required with a brandname sms_type',
      );
    const planned = plan.take(to[0] as string);
    if (planned !== undefined) {
      const status = httpCode(planned);
      if (status !== undefined) return { status, body: { name: 'error', status } };
      return { status: 200, body: { status: 'error', code: planned, message: MESSAGES[planned] ?? 'error' } };
    }
    tranId += 1;
    const sent: SpeedsmsSent = {
      tranId,
      to: to as string[],
      content: b['content'] as string,
      smsType,
      sender: b['sender'] as string | undefined,
    };
    received.push(sent);
    return {
      status: 200,
      body: {
        status: 'success',
        code: '00',
        data: { tranId, totalSMS: 1, totalPrice: 250, invalidPhone: [] },
      },
    };
  });
  return provider(base, plan, received);
}
