import type { ChannelKind, Channels } from '../../channels/channel.js';
import type { MessageRecord } from '../../store/flows/messages.js';
import type { Recipient } from '../../store/flows/recipients.js';

export type ChosenChannel =
  | { kind: 'ok'; channel: ChannelKind; index: number; address: string | null; provider: string }
  | { kind: 'none'; reason: string };

/** The address a channel reaches the customer at (a webhook's is the shop's setting). */
function addressOf(channel: ChannelKind, r: Recipient): string | null | undefined {
  switch (channel) {
    case 'email':
      return r.email ?? undefined;
    case 'sms':
    case 'zalo':
      return r.phone ?? undefined;
    case 'messenger':
      return r.psid ?? undefined;
    case 'webhook':
    case 'popup':
      return null;
  }
}

/**
 * The first channel of the message's preference (from the one in use) that can carry it: set up
 * for the shop, with an address for the customer, with consent (promotional messages need a
 * yes; transactional ones only no refusal) and no opt-out of that address. When none can, why.
 */
export function chooseChannel(
  m: MessageRecord,
  r: Recipient,
  channels: Channels,
): Extract<ChosenChannel, { kind: 'ok' }> | Extract<ChosenChannel, { kind: 'none' }> {
  const why: string[] = [];
  for (let index = m.channelIndex; index < m.channels.length; index++) {
    const channel = m.channels[index]!;
    const adapter = channels[channel];
    if (!adapter) {
      why.push(`${channel}: not set up (nurture channel set ${channel === 'sms' ? 'esms' : channel} …)`);
      continue;
    }
    const address = addressOf(channel, r);
    if (address === undefined) {
      why.push(
        `${channel}: the customer has no ${channel === 'email' ? 'e-mail' : channel === 'messenger' ? 'Messenger id' : 'phone'}`,
      );
      continue;
    }
    if (address !== null && r.optedOut.has(`${channel}:${address}`)) {
      why.push(`${channel}: opted out`);
      continue;
    }
    if (channel !== 'webhook' && channel !== 'popup') {
      const consent = r.consent[channel];
      if (m.promotional ? consent !== true : consent === false) {
        why.push(`${channel}: ${consent === false ? 'no consent' : 'no consent to promotions recorded'}`);
        continue;
      }
    }
    return { kind: 'ok', channel, index, address, provider: adapter.provider };
  }
  return { kind: 'none', reason: why.join('; ') || 'no channel' };
}
