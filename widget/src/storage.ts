/**
 * First-party storage of the widget: the anonymous id and the visitor's consent choice, in
 * localStorage with a cookie fallback (storage may be blocked or throw, e.g. in a sandboxed frame).
 * Both are kept on the shop's own domain: the id is first-party.
 */
import { cookieValue } from './queue.js';
import { randomId } from './safe.js';

const ID_KEY = 'nurture_aid';
const CONSENT_KEY = 'nurture_consent';
const YEAR_SECONDS = 365 * 24 * 3600;

/** A first-party value (localStorage, else the cookie). */
export function read(key: string): string | undefined {
  try {
    const value = window.localStorage.getItem(key);
    if (value) return value;
  } catch {
    // localStorage blocked: the cookie below.
  }
  try {
    return cookieValue(document.cookie, key);
  } catch {
    return undefined;
  }
}

/** Keeps a first-party value (localStorage and a cookie); undefined removes it. */
export function write(key: string, value: string | undefined): void {
  try {
    if (value === undefined) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // localStorage blocked: the cookie still holds it.
  }
  try {
    const age = value === undefined ? 0 : YEAR_SECONDS;
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing in Safari and Firefox.
    document.cookie = `${key}=${encodeURIComponent(value ?? '')}; path=/; max-age=${age}; SameSite=Lax`;
  } catch {
    // No cookies either: the id lives as long as the page.
  }
}

/** The visitor's anonymous id, made and kept on first use. */
export function anonymousId(): string {
  let id = read(ID_KEY);
  if (!id) {
    id = randomId();
    write(ID_KEY, id);
  }
  return id;
}

/** Forgets the anonymous id (consent withdrawn). */
export function forgetAnonymousId(): void {
  write(ID_KEY, undefined);
}

/** The visitor's consent choice: true, false, or undefined if never given. */
export function storedConsent(): boolean | undefined {
  const value = read(CONSENT_KEY);
  return value === '1' ? true : value === '0' ? false : undefined;
}

export function storeConsent(choice: boolean | undefined): void {
  write(CONSENT_KEY, choice === undefined ? undefined : choice ? '1' : '0');
}
