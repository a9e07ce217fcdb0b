/**
 * A fake eSMS.vn (rest.esms.vn): SendMultipleMessage_V4_post_json with the fields eSMS documents,
 * its CodeResult answers, and its idempotency: a RequestId seen before answers 124.
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

export interface EsmsSent {
  requestId: string;
  smsId: string;
  phone: string;
  content: string;
  brandname: string;
  unicode: boolean;
  callbackUrl: string | undefined;
}

export interface EsmsFakeOptions {
  apiKey?: string;
  secretKey?: string;
  brandname?: string;
}

export const ESMS_FAKE_KEYS = {
  apiKey: 'esms-api-key-123',
  secretKey: 'esms-secret-key-456',
  brandname: 'SHOPABC',
};

const str = (v: unknown): v is string => typeof v === 'string';

export async function startEsmsFake(options: EsmsFakeOptions = {}): Promise<FakeProvider<EsmsSent>> {
  const keys = { ...ESMS_FAKE_KEYS, ...options };
  const plan = new FailurePlan();
  const received: EsmsSent[] = [];
  const byRequestId = new Map<string, EsmsSent>();
  let seq = 0;
  const base = await startHttpFake(plan, (req) => {
    check(req.method === 'POST', `method must be POST, got ${req.method}`);
    check(req.path === '/MainService.svc/json/SendMultipleMessage_V4_post_json/', `unknown path ${req.path}`);
    const b = jsonBody(req);
    for (const f of [
      'ApiKey',
      'SecretKey',
      'Phone',
      'Content',
      'Brandname',
      'SmsType',
      'IsUnicode',
      'RequestId',
    ])
      check(str(b[f]), `${f} must be a string`);
    const phone = b['Phone'] as string;
    const content = b['Content'] as string;
    check(/^84\d{9}$/.test(phone), `Phone must be 84 and 9 digits without +, got ${phone}`);
    check(content.length > 0, 'Content must not be empty');
    check(b['SmsType'] === '2', `SmsType must be "2" (customer care), got ${String(b['SmsType'])}`);
    check(b['IsUnicode'] === '0' || b['IsUnicode'] === '1', 'IsUnicode must be "0" or "1"');
    const nonAscii = [...content].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f);
    check(
      (b['IsUnicode'] === '1') === nonAscii,
      `IsUnicode must be ${nonAscii ? '"1"' : '"0"'} for this content`,
    );
    const requestId = b['RequestId'] as string;
    check(requestId.length > 0 && requestId.length <= 100, 'RequestId must be 1–100 characters');
    if (b['CallbackUrl'] !== undefined) {
      check(
        str(b['CallbackUrl']) && /^https?:\/\//.test(b['CallbackUrl']),
        'CallbackUrl must be an http(s) URL',
      );
    }
    if (b['ApiKey'] !== keys.apiKey || b['SecretKey'] !== keys.secretKey)
      return { status: 200, body: { CodeResult: '101', ErrorMessage: 'Authorize Failed' } };
    if (b['Brandname'] !== keys.brandname)
      return { status: 200, body: { CodeResult: '104', ErrorMessage: 'Brandname không tồn tại' } };
    const planned = plan.take(phone);
    if (planned !== undefined) {
      const status = httpCode(planned);
      if (status !== undefined) return { status, body: 'Service Unavailable' };
      return {
        status: 200,
        body: { CodeResult: planned, CountRegenerate: 0, ErrorMessage: `error ${planned}` },
      };
    }
    const seen = byRequestId.get(requestId);
    if (seen)
      return {
        status: 200,
        body: { CodeResult: '124', SMSID: seen.smsId, ErrorMessage: 'Duplicate RequestId' },
      };
    seq += 1;
    const sent: EsmsSent = {
      requestId,
      smsId: `esms-${seq}-${requestId.slice(0, 8)}`,
      phone,
      content,
      brandname: b['Brandname'] as string,
      unicode: b['IsUnicode'] === '1',
      callbackUrl: b['CallbackUrl'] as string | undefined,
    };
    byRequestId.set(requestId, sent);
    received.push(sent);
    return { status: 200, body: { CodeResult: '100', CountRegenerate: 0, SMSID: sent.smsId } };
  });
  return provider(base, plan, received);
}
