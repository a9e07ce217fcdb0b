/**
 * The loyalty panel (docs/loyalty.md, "Widget loyalty panel"): in an element the shop's page
 * marks `<div data-nurture-loyalty data-nurture-customer-token="…">`, the signed-in customer's balance, pending
 * points and why, tier and progress to the next, rewards to redeem, and their referral link with
 * share buttons (Zalo, Messenger, Facebook). The token is signed by the shop's server with its
 * `widget.customer_secret` (the same token as the survey's); without one the panel shows nothing. Language from the element's
 * `data-lang`, else the page's `lang`.
 */
import type { Component } from './components.js';
import { safe } from './safe.js';

interface Panel {
  balance: number;
  pendingTotal: number;
  pending: { points: number; why: string }[];
  tier: { name: string; perks: string[] };
  next: { name: string; missing: number; basis: 'spend' | 'points'; progress: number } | null;
  rewards: { id: string; name: string; cost: number; affordable: boolean }[];
  referral: { code: string; link: string | null };
}

const W = {
  vi: {
    balance: 'Điểm của bạn',
    pending: 'Chờ duyệt',
    tier: 'Hạng',
    next: (m: string, t: string) => `Còn ${m} để lên ${t}`,
    top: 'Bạn đang ở hạng cao nhất',
    rewards: 'Đổi điểm',
    redeem: 'Đổi',
    code: 'Mã của bạn:',
    refer: 'Giới thiệu bạn bè',
    copied: 'Đã sao chép liên kết',
    failed: 'Không đổi được, vui lòng thử lại',
    pts: 'điểm',
  },
  en: {
    balance: 'Your points',
    pending: 'Pending',
    tier: 'Tier',
    next: (m: string, t: string) => `${m} to go for ${t}`,
    top: 'You are in the top tier',
    rewards: 'Redeem',
    redeem: 'Redeem',
    code: 'Your code:',
    refer: 'Invite friends',
    copied: 'Link copied',
    failed: 'Could not redeem, please try again',
    pts: 'points',
  },
};

const CSS =
  '.nurture-loyalty{font:15px/1.5 system-ui,sans-serif;color:#222;border:1px solid #ddd;border-radius:12px;padding:16px;max-width:480px;box-sizing:border-box}' +
  '.nurture-loyalty h3{margin:12px 0 6px;font-size:16px}.nurture-loyalty .nl-balance{font-size:28px;font-weight:700}' +
  '.nurture-loyalty progress{width:100%;height:10px}.nurture-loyalty ul{list-style:none;margin:0;padding:0}' +
  '.nurture-loyalty li{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:6px 0;border-top:1px solid #eee}' +
  '.nurture-loyalty button,.nurture-loyalty a.nl-share{min-height:44px;min-width:44px;padding:8px 14px;border-radius:8px;border:1px solid #222;background:#222;color:#fff;cursor:pointer;text-decoration:none;display:inline-flex;align-items:center}' +
  '.nurture-loyalty button:disabled{opacity:.4;cursor:default}.nurture-loyalty .nl-shares{display:flex;flex-wrap:wrap;gap:8px}' +
  '.nurture-loyalty input{width:100%;box-sizing:border-box;padding:8px;font:inherit}';

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  parent: Element,
  text?: string,
  cls?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  parent.appendChild(e);
  return e;
}

const number = (n: number, en: boolean) => n.toLocaleString(en ? 'en-US' : 'vi-VN');

export const loyaltyPanel: Component = {
  mount(ctx) {
    const host = document.querySelector<HTMLElement>('[data-nurture-loyalty]');
    const token = host?.getAttribute('data-nurture-customer-token');
    if (!host || !token) return;
    const lang = (host.getAttribute('data-lang') || document.documentElement.lang || 'vi').startsWith('en')
      ? 'en'
      : 'vi';
    const en = lang === 'en';
    const t = W[lang];
    const { api, key } = ctx.config;
    let alive = true;
    if (!document.getElementById('nurture-loyalty-css')) {
      const style = el('style', document.head, CSS);
      style.id = 'nurture-loyalty-css';
    }
    const money = (n: number, basis: 'spend' | 'points') =>
      basis === 'spend' ? `${number(n, en)} ₫` : `${number(n, en)} ${t.pts}`;

    const render = (p: Panel, note?: string) => {
      host.textContent = '';
      const box = el('div', host, undefined, 'nurture-loyalty');
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', t.balance);
      el('div', box, t.balance);
      el('div', box, number(p.balance, en), 'nl-balance');
      if (p.pendingTotal > 0) {
        el('div', box, `${t.pending}: ${number(p.pendingTotal, en)} ${t.pts}`, 'nl-pending');
        const ul = el('ul', box, undefined, 'nl-pending-list');
        for (const x of p.pending) el('li', ul, `${number(x.points, en)} ${t.pts} · ${x.why}`);
      }
      el('h3', box, `${t.tier}: ${p.tier.name}`).className = 'nl-tier';
      if (p.next) {
        const bar = el('progress', box);
        bar.max = 1;
        bar.value = p.next.progress;
        el('div', box, t.next(money(p.next.missing, p.next.basis), p.next.name), 'nl-next');
      } else el('div', box, t.top, 'nl-next');
      if (note) el('p', box, note, 'nl-note').setAttribute('role', 'status');
      el('h3', box, t.rewards);
      const list = el('ul', box, undefined, 'nl-rewards');
      for (const r of p.rewards) {
        const li = el('li', list);
        li.setAttribute('data-reward', r.id);
        el('span', li, `${r.name} · ${number(r.cost, en)} ${t.pts}`);
        const b = el('button', li, t.redeem);
        b.type = 'button';
        b.disabled = !r.affordable;
        b.addEventListener(
          'click',
          safe(() => redeem(r.id, b)),
        );
      }
      if (p.referral.link) {
        const link = p.referral.link;
        el('h3', box, t.refer);
        const input = el('input', box);
        input.readOnly = true;
        input.value = link;
        input.setAttribute('aria-label', t.refer);
        const shares = el('div', box, undefined, 'nl-shares');
        const share = (name: string, href: string) => {
          const a = el('a', shares, name, 'nl-share');
          a.href = href;
          a.target = '_blank';
          a.rel = 'noopener';
          return a;
        };
        const u = encodeURIComponent(link);
        // Zalo has no share URL without its SDK: the system share sheet (Zalo is in it on phones), else copy.
        const zalo = el('button', shares, 'Zalo', 'nl-zalo');
        zalo.type = 'button';
        zalo.addEventListener(
          'click',
          safe(() => {
            const nav = navigator as Navigator & { share?: (d: { url: string }) => Promise<void> };
            if (typeof nav.share === 'function') nav.share({ url: link }).catch(() => undefined);
            else
              navigator.clipboard?.writeText(link).then(
                () => (zalo.textContent = t.copied),
                () => undefined,
              );
          }),
        );
        share('Messenger', `fb-messenger://share/?link=${u}`).classList.add('nl-messenger');
        share('Facebook', `https://www.facebook.com/sharer/sharer.php?u=${u}`).classList.add('nl-facebook');
      }
    };

    const url = `${api}/t/v1/loyalty?writeKey=${encodeURIComponent(key)}&token=${encodeURIComponent(token)}&lang=${lang}`;
    const load = (note?: string) =>
      fetch(url, { mode: 'cors', credentials: 'omit' })
        .then((res) => (res.ok ? res.json() : Promise.reject(res.status)))
        .then(safe((p: Panel) => alive && render(p, note)))
        .catch(() => undefined);

    const redeem = (reward: string, button: HTMLButtonElement) => {
      button.disabled = true;
      fetch(`${api}/t/v1/loyalty/redeem`, {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ writeKey: key, token, reward, lang, requestKey: `${reward}-${Date.now()}` }),
      })
        .then((res) => (res.ok ? res.json() : Promise.reject(res.status)))
        .then(
          (r: { couponCode: string | null; reward: string }) =>
            load(r.couponCode ? `${r.reward} · ${t.code} ${r.couponCode}` : r.reward),
          () => load(t.failed),
        );
    };
    load();
    return () => {
      alive = false;
      host.textContent = '';
    };
  },
};
