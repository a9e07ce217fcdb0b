import type { OutgoingMessage } from '../../src/channels/channel.js';

/** A message as the engine hands it over; tests override what they need. */
export function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    messageId: 'msg_01',
    idempotencyKey: 'nk-msg_01',
    channel: 'sms',
    to: '+84912345678',
    promotional: false,
    text: 'Don hang #1001 da giao. Cam on ban!',
    ...overrides,
  };
}

/** Every secret must be absent from whatever an outcome says. */
export function expectNoSecrets(outcome: unknown, secrets: readonly string[]): void {
  const text = JSON.stringify(outcome);
  for (const s of secrets) if (text.includes(s)) throw new Error(`an outcome holds a secret: ${text}`);
}
