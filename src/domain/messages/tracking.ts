import type { RenderedMessage } from './render.js';
import { smsLength } from './sms.js';

/**
 * Engagement tracking of a rendered message: every web link becomes a signed redirect through
 * Nurture (a click is the evidence a conversion is credited on), and an e-mail gets an open
 * pixel (opens are recorded, never credited: Apple Mail Privacy Protection fakes them). Pure:
 * the caller signs (`trackedUrl`).
 */
export interface Tracker {
  /** The tracked URL of the message's `index`-th link. */
  click(index: number): string;
  /** The open pixel's URL. */
  open(): string;
  /** Links left as they are (the unsubscribe link: a scanner's click must not count). */
  keep: ReadonlySet<string>;
}

export interface TrackedMessage {
  message: RenderedMessage;
  /** The original URLs, by index: the redirect looks them up. */
  links: string[];
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"')\]]+/g;
const HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"']+)\2/gi;

/** Rewrites the links (and adds the pixel to e-mail HTML). Popups, Zalo and webhooks are left alone. */
export function trackMessage(message: RenderedMessage, tracker: Tracker): TrackedMessage {
  const links: string[] = [];
  const swap = (url: string): string => {
    if (tracker.keep.has(url)) return url;
    let index = links.indexOf(url);
    if (index < 0) {
      index = links.length;
      links.push(url);
    }
    return tracker.click(index);
  };
  switch (message.channel) {
    case 'email': {
      const html =
        message.html === undefined
          ? undefined
          : withPixel(
              message.html.replace(
                HREF,
                (_m, head: string, q: string, url: string) => `${head}${q}${swap(decodeEntities(url))}${q}`,
              ),
              tracker.open(),
            );
      const text = message.text.replace(URL_IN_TEXT, (url) => swap(url));
      return { message: { ...message, ...(html === undefined ? {} : { html }), text }, links };
    }
    case 'sms': {
      const text = message.text.replace(URL_IN_TEXT, (url) => swap(url));
      const length = smsLength(text);
      return { message: { ...message, text, encoding: length.encoding, segments: length.segments }, links };
    }
    case 'messenger':
      return { message: { ...message, text: message.text.replace(URL_IN_TEXT, (url) => swap(url)) }, links };
    case 'zalo':
    case 'webhook':
    case 'popup':
      return { message, links };
  }
}

/** `&amp;` in an href is `&` in the URL the browser follows. */
function decodeEntities(url: string): string {
  return url.replace(/&amp;/g, '&');
}

function withPixel(html: string, pixel: string): string {
  const img = `<img src="${pixel}" width="1" height="1" alt="" style="display:block;border:0">`;
  const close = html.search(/<\/body>/i);
  return close >= 0 ? `${html.slice(0, close)}${img}${html.slice(close)}` : `${html}${img}`;
}
