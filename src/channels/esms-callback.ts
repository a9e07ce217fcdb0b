/**
 * eSMS reports a message's final state by HTTP GET on the CallbackUrl we gave it, with the query
 * `SMSID, SendStatus, SendSuccess, SendFailed, RequestId, TypeId, telcoid, phonenumber …`, retried
 * up to 5 times until we answer. This turns that query into what the engine records; the lead's
 * route answers 200 whatever it returns (an unknown RequestId is not eSMS's problem).
 *
 * Opt-out: eSMS documents no STOP / unsubscribe callback for brandname SMS (checked: its callback,
 * send and error-code pages). The nearest thing is send answer 99, "the phone number is blocked
 * in the system", which the adapter maps to `unreachable`.
 */

/** `SendStatus` as eSMS documents it. */
export const ESMS_SEND_STATUS: Readonly<Record<string, string>> = {
  '1': 'pending approval',
  '2': 'waiting to send',
  '4': 'rejected',
  '5': 'sent successfully',
  '7': 'sent to the network, waiting for its report',
};

export interface EsmsDelivery {
  /** Our idempotency key (empty when eSMS did not echo one). */
  requestId: string;
  /** eSMS's message id (the send's `SMSID`). */
  smsId: string;
  /** True when the network delivered it; false for a rejection; see `final`. */
  delivered: boolean;
  /** True for a final state (5 sent, 4 rejected); 1, 2, 7 are interim and change nothing yet. */
  final: boolean;
  /** The raw SendStatus. */
  status: string;
  /** What the status means, in English. */
  reason: string;
  /** The recipient as eSMS wrote it (`0901888484`), if given. */
  phone?: string;
}

type Query = URLSearchParams | Readonly<Record<string, string | string[] | undefined>>;

function read(query: Query, name: string): string | undefined {
  if (query instanceof URLSearchParams) return query.get(name) ?? undefined;
  // eSMS's own samples spell some names in different cases (TotalPrice / Totalprice).
  const key = Object.keys(query).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : query[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The delivery report in an eSMS callback query, or undefined when it is not one (no SMSID and
 * no RequestId, or no SendStatus). A message sent to one phone is delivered when SendStatus is 5
 * and SendFailed is not positive.
 */
export function parseEsmsCallback(query: Query): EsmsDelivery | undefined {
  const smsId = read(query, 'SMSID') ?? '';
  const requestId = read(query, 'RequestId') ?? '';
  const status = read(query, 'SendStatus');
  if ((!smsId && !requestId) || status === undefined || status === '') return undefined;
  const failed = Number(read(query, 'SendFailed') ?? '0');
  const final = status === '5' || status === '4';
  const delivered = status === '5' && !(failed > 0);
  const known = ESMS_SEND_STATUS[status] ?? `unknown status ${status}`;
  const reason =
    status === '5' && failed > 0 ? 'eSMS finished sending but the network reported it as failed' : known;
  const phone = read(query, 'phonenumber');
  return { requestId, smsId, delivered, final, status, reason, ...(phone ? { phone } : {}) };
}
