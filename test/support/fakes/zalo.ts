/**
 * A fake Zalo: ZNS /message/template (header `access_token`) and the OAuth v4 token refresh
 * (/v4/oa/access_token, header `secret_key`, form body). Each refresh rotates BOTH tokens and
 * invalidates the old refresh token, as Zalo does, so an adapter that forgets to persist the
 * rotated refresh token fails on its second refresh. ZNS documents `tracking_id` for
 * reconciliation, not deduplication: a repeat is recorded as a second message.
 */
import {
  ContractViolation,
  check,
  FailurePlan,
  type FakeProvider,
  httpCode,
  jsonBody,
  provider,
  startHttpFake,
} from './common.js';

export interface ZnsSent {
  msgId: string;
  phone: string;
  templateId: string;
  templateData: Record<string, string>;
  trackingId: string;
  accessToken: string;
}

export const ZALO_FAKE = {
  appId: '1234567890',
  secretKey: 'zalo-app-secret-xyz',
  accessToken: 'zalo-access-token-0',
  refreshToken: 'zalo-refresh-token-0',
};

export interface ZaloFake extends FakeProvider<ZnsSent> {
  /** The tokens Zalo currently accepts. */
  tokens(): { accessToken: string; refreshToken: string };
  /** Makes the current access token expire (the next send answers -124). */
  expireAccessToken(): void;
  /** Refresh calls received, valid or not. */
  refreshCount(): number;
}

const MESSAGES: Record<string, string> = {
  '-100': 'Unknown error',
  '-101': 'Application id is invalid',
  '-102': 'Application is not exist',
  '-103': 'Application has not been activated',
  '-104': 'Application secret key is invalid',
  '-105': 'Application is not linked to the OA',
  '-108': 'Phone number is invalid',
  '-109': 'Template id is invalid',
  '-111': 'Template data is empty',
  '-114':
    'User is inactive, or reject the message, or using an outdated Zalo version, or other internal errors',
  '-118': 'Zalo account not existed',
  '-124': 'Access token invalid',
};

export async function startZaloFake(): Promise<ZaloFake> {
  const plan = new FailurePlan();
  const received: ZnsSent[] = [];
  let accessToken = ZALO_FAKE.accessToken;
  let refreshToken = ZALO_FAKE.refreshToken;
  let generation = 0;
  let refreshes = 0;
  let seq = 0;
  const base = await startHttpFake(plan, (req) => {
    check(req.method === 'POST', `method must be POST, got ${req.method}`);
    if (req.path === '/v4/oa/access_token') {
      refreshes += 1;
      check(
        /^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? ''),
        'the token refresh must be a form body',
      );
      const form = new URLSearchParams(req.raw);
      check(form.get('grant_type') === 'refresh_token', 'grant_type must be refresh_token');
      check(form.get('app_id') === ZALO_FAKE.appId, 'app_id must be the app id');
      check(typeof req.headers['secret_key'] === 'string', 'the secret_key header is required');
      if (req.headers['secret_key'] !== ZALO_FAKE.secretKey)
        return {
          status: 200,
          body: {
            error: -14003,
            error_name: 'Invalid secret key',
            error_description: 'secret key is invalid',
          },
        };
      if (form.get('refresh_token') !== refreshToken)
        return {
          status: 200,
          body: {
            error: -14014,
            error_name: 'Invalid refresh token',
            error_description: 'refresh token is invalid',
          },
        };
      generation += 1;
      accessToken = `zalo-access-token-${generation}`;
      refreshToken = `zalo-refresh-token-${generation}`;
      return {
        status: 200,
        body: { access_token: accessToken, refresh_token: refreshToken, expires_in: '90000' },
      };
    }
    check(req.path === '/message/template', `unknown path ${req.path}`);
    const token = req.headers['access_token'];
    check(typeof token === 'string' && token.length > 0, 'the access_token header is required');
    const b = jsonBody(req);
    check(
      typeof b['phone'] === 'string' && /^84\d{9}$/.test(b['phone']),
      `phone must be 84… without +, got ${String(b['phone'])}`,
    );
    check(
      typeof b['template_id'] === 'string' && b['template_id'].length > 0,
      'template_id must be a non-empty string',
    );
    const data = b['template_data'];
    check(
      data !== null && typeof data === 'object' && !Array.isArray(data),
      'template_data must be an object',
    );
    for (const [k, v] of Object.entries(data as Record<string, unknown>))
      check(typeof v === 'string', `template_data.${k} must be a string`);
    check(typeof b['tracking_id'] === 'string' && b['tracking_id'].length > 0, 'tracking_id is required');
    if (token !== accessToken) return { status: 200, body: { error: -124, message: MESSAGES['-124'] } };
    const phone = b['phone'] as string;
    const planned = plan.take(phone);
    if (planned !== undefined) {
      const status = httpCode(planned);
      if (status !== undefined) return { status, body: 'Bad Gateway' };
      if (!(planned in MESSAGES))
        throw new ContractViolation(`the test asked for an unknown code ${planned}`);
      return { status: 200, body: { error: Number(planned), message: MESSAGES[planned] } };
    }
    seq += 1;
    const sent: ZnsSent = {
      msgId: `zns-msg-${seq}`,
      phone,
      templateId: b['template_id'] as string,
      templateData: data as Record<string, string>,
      trackingId: b['tracking_id'] as string,
      accessToken: token,
    };
    received.push(sent);
    return {
      status: 200,
      body: {
        error: 0,
        message: 'Success',
        data: {
          msg_id: sent.msgId,
          sent_time: String(Date.now()),
          sending_mode: '1',
          quota: { dailyQuota: '500', remainingQuota: '499' },
        },
      },
    };
  });
  const fake = provider(base, plan, received);
  return Object.assign(fake, {
    tokens: () => ({ accessToken, refreshToken }),
    expireAccessToken: () => {
      accessToken = `zalo-access-token-expired-${generation}`;
    },
    refreshCount: () => refreshes,
  });
}
