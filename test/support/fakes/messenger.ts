/**
 * A fake Facebook Graph Send API: POST /v21.0/{page_id}/messages?access_token=…, with the body
 * rules of the Send API (recipient.id, messaging_type, tag only with MESSAGE_TAG) and its error
 * objects, the 24-hour window among them. No idempotency: a repeat is a second message.
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

export interface MessengerSent {
  messageId: string;
  psid: string;
  text: string;
  messagingType: string;
  tag: string | undefined;
}

export const MESSENGER_FAKE = { pageId: '1122334455', pageToken: 'EAAGpagetoken123456' };

const TAGS = ['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE', 'HUMAN_AGENT'];

/** The Graph error for a code (`10/2018278` carries a subcode). */
function graphError(code: string): { status: number; body: unknown } {
  const [main, sub] = code.split('/');
  const messages: Record<string, string> = {
    '10': '(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview',
    '190': 'Error validating access token: Session has expired',
    '100': '(#100) No matching user found',
    '551': "(#551) This person isn't available right now.",
    '613': '(#613) Calls to this api have exceeded the rate limit.',
    '200': '(#200) The page is not allowed to send messages',
    '2': 'An unexpected error has occurred. Please retry your request later.',
  };
  return {
    status: main === '190' ? 401 : 400,
    body: {
      error: {
        message: messages[main ?? ''] ?? `(#${main}) error`,
        type: main === '190' || main === '10' ? 'OAuthException' : 'GraphMethodException',
        code: Number(main),
        ...(sub ? { error_subcode: Number(sub) } : {}),
        fbtrace_id: 'AbCdEf',
      },
    },
  };
}

export async function startMessengerFake(): Promise<FakeProvider<MessengerSent>> {
  const plan = new FailurePlan();
  const received: MessengerSent[] = [];
  let seq = 0;
  const base = await startHttpFake(plan, (req) => {
    check(req.method === 'POST', `method must be POST, got ${req.method}`);
    const m = /^\/v(\d+)\.(\d+)\/([^/]+)\/messages$/.exec(req.path);
    check(m, `unknown path ${req.path}`);
    check(m[3] === MESSENGER_FAKE.pageId, `the page id in the path must be the page's, got ${m[3]}`);
    check(req.query.has('access_token'), 'the access_token query parameter is required');
    if (req.query.get('access_token') !== MESSENGER_FAKE.pageToken) return graphError('190');
    const b = jsonBody(req);
    const recipient = b['recipient'] as { id?: unknown } | undefined;
    check(
      recipient && typeof recipient.id === 'string' && /^\d+$/.test(recipient.id),
      'recipient.id must be a PSID (digits)',
    );
    const type = b['messaging_type'];
    check(
      type === 'RESPONSE' || type === 'UPDATE' || type === 'MESSAGE_TAG',
      'messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG',
    );
    if (type === 'MESSAGE_TAG')
      check(
        typeof b['tag'] === 'string' && TAGS.includes(b['tag']),
        'a MESSAGE_TAG message needs a valid tag',
      );
    else check(b['tag'] === undefined, 'tag is only for MESSAGE_TAG');
    const message = b['message'] as { text?: unknown } | undefined;
    check(message && typeof message.text === 'string' && message.text.length > 0, 'message.text is required');
    check(message.text.length <= 2000, 'message.text must be at most 2000 characters');
    const psid = recipient.id;
    const planned = plan.take(psid);
    if (planned !== undefined) {
      const status = httpCode(planned);
      if (status !== undefined) return { status, body: 'error' };
      return graphError(planned);
    }
    seq += 1;
    const sent: MessengerSent = {
      messageId: `m_fake${seq}`,
      psid,
      text: message.text,
      messagingType: type,
      tag: b['tag'] as string | undefined,
    };
    received.push(sent);
    return { status: 200, body: { recipient_id: psid, message_id: sent.messageId } };
  });
  return provider(base, plan, received);
}
