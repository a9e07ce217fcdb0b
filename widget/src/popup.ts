/**
 * Onsite popups (docs/widget.md, "Popups"): the widget asks the server for the visitor's due
 * popups once per page, arms each one's trigger, and shows at most one popup per page, as an
 * accessible dialog that always closes (its × button, Escape, a click beside it). It is a
 * component, so nothing happens before tracking is allowed and consent withdrawn removes it.
 *
 * Exit intent is the pointer leaving the top of the window — never a link click or a navigation
 * (Mautic #14839): a click on a link, a form submitted, or the page being left disarms it.
 */
import type { Component } from './components.js';
import { CONVERSION_KEY, mayShow, type Popup, triggerOf } from './popup-rules.js';
import { safe } from './safe.js';
import { read, write } from './storage.js';
import { post } from './transport.js';

const SHOWN_KEY = 'nurture_pop';
/** How long a click on a link disarms exit intent (the page is about to change). */
const LEAVING_MS = 3000;

const CSS =
  '.nurture-pop{position:fixed;inset:0;z-index:2147483647;display:flex;align-items:center;justify-content:center;background:rgba(0,0,0,.45);padding:16px;box-sizing:border-box}' +
  '.nurture-pop>div{position:relative;background:#fff;color:#222;max-width:420px;width:100%;max-height:90vh;overflow:auto;border-radius:12px;padding:28px 24px 24px;box-sizing:border-box;font:16px/1.5 system-ui,sans-serif;box-shadow:0 8px 32px rgba(0,0,0,.3)}' +
  '.nurture-pop h2{margin:0 32px 8px 0;font-size:20px}.nurture-pop p{margin:0 0 16px}' +
  '.nurture-pop button{position:absolute;top:4px;right:4px;width:44px;height:44px;border:0;background:none;font-size:28px;line-height:1;cursor:pointer;color:#444}' +
  '.nurture-pop a{display:inline-block;background:#222;color:#fff;padding:10px 20px;border-radius:8px;text-decoration:none}';

function shownMap(): Record<string, number> {
  try {
    return JSON.parse(read(SHOWN_KEY) || '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  parent: Element,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  parent.appendChild(e);
  return e;
}

export const popups: Component = {
  mount(ctx) {
    let alive = true;
    let done = false;
    let leftAt = 0;
    let remove: (() => void) | undefined;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const phone = typeof matchMedia === 'function' && matchMedia('(hover: none), (pointer: coarse)').matches;
    const { api, key } = ctx.config;
    const en = /^en/i.test(document.documentElement.lang);
    const report = (p: Popup, what: string) =>
      post(
        `${api}/t/v1/popups/${encodeURIComponent(p.id)}/${what}`,
        JSON.stringify({ writeKey: key, anonymousId: ctx.anonymousId() }),
      );
    // A link clicked or a form sent: the page is changing, the pointer leaving is no exit intent.
    const leaving = (event: Event) => {
      const t = event.target;
      if (event.type !== 'click' || (t instanceof Element && t.closest('a[href]'))) leftAt = Date.now();
    };
    ctx.listen(document, 'click', leaving, true);
    ctx.listen(document, 'submit', leaving, true);
    ctx.listen(window, 'beforeunload', () => (leftAt = Infinity));
    ctx.listen(window, 'pagehide', () => (leftAt = Infinity));
    // Back from the back-forward cache: the visitor is on the page again.
    ctx.listen(window, 'pageshow', () => (leftAt = 0));

    const show = (p: Popup) => {
      const shown = shownMap();
      if (!alive || done || !mayShow(p, shown[p.id], Number(read(CONVERSION_KEY)) || undefined, Date.now()))
        return;
      done = true;
      shown[p.id] = Date.now();
      write(SHOWN_KEY, JSON.stringify(shown));
      report(p, 'shown');
      if (!document.getElementById('nurture-pop-css')) {
        const style = el('style', document.head, CSS);
        style.id = 'nurture-pop-css';
      }
      const before = document.activeElement;
      const root = el('div', document.body);
      root.className = 'nurture-pop';
      const box = el('div', root);
      box.setAttribute('role', 'dialog');
      box.setAttribute('aria-modal', 'true');
      box.setAttribute('aria-labelledby', 'nurture-pop-title');
      const close = el('button', box, '×');
      close.type = 'button';
      close.setAttribute('aria-label', en ? 'Close' : 'Đóng');
      el('h2', box, p.title).id = 'nurture-pop-title';
      el('p', box, p.body);
      const cta = p.cta && p.url ? el('a', box, p.cta) : undefined;
      const off: (() => void)[] = [];
      const on = (target: EventTarget, type: string, fn: (e: Event) => void) => {
        const guarded = safe(fn);
        target.addEventListener(type, guarded, true);
        off.push(() => target.removeEventListener(type, guarded, true));
      };
      remove = () => {
        remove = undefined;
        for (const f of off) f();
        root.remove();
        if (before instanceof HTMLElement) before.focus();
      };
      const closed = () => {
        report(p, 'closed');
        remove?.();
      };
      on(close, 'click', closed);
      on(root, 'click', (e) => {
        if (e.target === root) closed();
      });
      on(document, 'keydown', (e) => {
        const k = e as KeyboardEvent;
        if (k.key === 'Escape') closed();
        else if (k.key === 'Tab') {
          // Focus stays in the dialog: from its last control back to the first, and the reverse.
          const last = cta ?? close;
          if (k.shiftKey ? document.activeElement === close : document.activeElement === last) {
            k.preventDefault();
            (k.shiftKey ? last : close).focus();
          }
        }
      });
      if (cta) {
        cta.href = p.url ?? '';
        on(cta, 'click', () => {
          report(p, 'clicked');
          // After the click's default action: a link taken out of the page does not navigate.
          setTimeout(() => remove?.());
        });
      }
      close.focus();
    };

    const arm = (p: Popup) => {
      if (!mayShow(p, shownMap()[p.id], Number(read(CONVERSION_KEY)) || undefined, Date.now())) return;
      const trigger = triggerOf(p.show, phone);
      switch (trigger.kind) {
        case 'load':
          return show(p);
        case 'delay':
          timers.push(
            setTimeout(
              safe(() => show(p)),
              trigger.seconds * 1000,
            ),
          );
          return;
        case 'scroll':
          return ctx.listen(window, 'scroll', () => {
            const room = document.documentElement.scrollHeight - innerHeight;
            if (room > 0 && (scrollY / room) * 100 >= trigger.percent) show(p);
          });
        case 'exit':
          return ctx.listen(document, 'mouseout', (e) => {
            const m = e as MouseEvent;
            if (!m.relatedTarget && m.clientY <= 0 && Date.now() - leftAt > LEAVING_MS) show(p);
          });
        case 'never':
          return;
      }
    };

    fetch(
      `${api}/t/v1/popups?writeKey=${encodeURIComponent(key)}&anonymousId=${encodeURIComponent(ctx.anonymousId())}&lang=${en ? 'en' : 'vi'}`,
      { mode: 'cors', credentials: 'omit' },
    )
      .then((res) => (res.ok ? res.json() : undefined))
      .then(
        safe((body: { popups?: Popup[] } | undefined) => {
          if (alive) for (const p of body?.popups ?? []) arm(p);
        }),
      )
      .catch(() => undefined);

    return () => {
      alive = false;
      for (const t of timers) clearTimeout(t);
      remove?.();
    };
  },
};
