import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { AppContext } from '../../src/app/context.js';
import { createUser, type UserRole } from '../../src/app/users.js';
import { buildServer } from '../../src/server/server.js';
import { launchChromium } from './browser.js';

export const TEST_PASSWORD = 'mật-khẩu-thử-1234';

/** What a signed-in HTTP client sends and reads. */
export interface PageAnswer {
  status: number;
  text: string;
  headers: Headers;
}

/**
 * A client of the dashboard over real HTTP that keeps its cookies like a browser: it signs in
 * through the sign-in form (with the form's CSRF cookie) and sends the session's CSRF token with
 * every POST.
 */
export class DashboardClient {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly baseUrl: string) {}

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (!pair || at <= 0) continue;
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<PageAnswer> {
    const res = await fetch(this.baseUrl + path, {
      headers: { cookie: this.cookieHeader(), ...headers },
      redirect: 'manual',
    });
    this.remember(res.headers);
    const text = await res.text();
    // Every signed-in page carries the session's CSRF token: keep the latest for POSTs.
    this.csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(text)?.[1] ?? this.csrf;
    return { status: res.status, text, headers: res.headers };
  }

  /** A urlencoded form POST with the CSRF token (unless `_csrf` is given). */
  async post(
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<PageAnswer> {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: {
        cookie: this.cookieHeader(),
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body: new URLSearchParams({ _csrf: this.csrf, ...form }).toString(),
      redirect: 'manual',
    });
    this.remember(res.headers);
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  /** Signs in through the form, then reads `landing`, whose page gives the session's CSRF token. */
  async signIn(email: string, password = TEST_PASSWORD, landing = '/'): Promise<PageAnswer> {
    const form = await this.get('/sign-in');
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const answer = await this.post('/sign-in', { email, password });
    // Signed in: the next page read (any signed-in page) gives the session's CSRF token.
    if (answer.status === 303) await this.get(landing);
    return answer;
  }
}

let counter = 0;

/** A user of `shopId` with the test password; returns its e-mail. */
export async function makeUser(ctx: AppContext, shopId: string, role: UserRole = 'owner'): Promise<string> {
  counter += 1;
  const email = `${role}${counter}@${shopId}.example.vn`;
  await createUser(ctx, { shopId, email, role, password: TEST_PASSWORD });
  return email;
}

/** Signs a Chromium page in through the form. */
export async function signInBrowser(
  page: Page,
  baseUrl: string,
  email: string,
  password = TEST_PASSWORD,
): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel(/E-mail/).fill(email);
  await page
    .getByLabel(/Mật khẩu|Password/)
    .first()
    .fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/sign-in')),
    page.locator('form button[type=submit]').click(),
  ]);
}

/**
 * Opens a page the way a seller does: the menu's group (`group`, its summary's text), then the
 * page's link in it.
 */
export async function openFromMenu(page: Page, group: string, link: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: /Menu chính|Main menu/ });
  await nav.locator('summary', { hasText: new RegExp(`^${group}$`) }).click();
  await nav.getByRole('link', { name: link, exact: true }).click();
}

/** The dashboard of a context served on 127.0.0.1 and a Chromium to open it with. */
export interface BrowserDashboard {
  url: string;
  browser: Browser;
  /** Closes the browser, then the server. */
  close: () => Promise<void>;
}

/** Serves `ctx`'s dashboard (the real server, any free port) and launches Chromium. */
export async function serveForBrowser(ctx: AppContext): Promise<BrowserDashboard> {
  const server = await buildServer({ ctx });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await launchChromium().catch(async (error: unknown) => {
    await server.app.close();
    throw error;
  });
  return {
    url,
    browser,
    close: async () => {
      await browser.close();
      await server.app.close();
    },
  };
}

/** A page in a browser context of its own (its own cookies), signed in as `email` through the form. */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  email: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await signInBrowser(page, baseUrl, email);
  return { context, page };
}
