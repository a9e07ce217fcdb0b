/**
 * The NPS / rating survey (issue 17, item 8; docs/loyalty.md, Feedback). The shop puts a marked
 * element where it wants the question, with the customer's token that its own server signed
 * (the widget never sends a bare customer id):
 *
 *   <div data-nurture-survey="nps" data-nurture-customer-token="v1.…"
 *        data-nurture-order="#1042"></div>
 *   <div data-nurture-survey="rating" data-nurture-sku="TRA-01" data-nurture-customer-token="v1.…"></div>
 *
 * The widget fills it with the scale (0–10, or 1–5 stars), sends the chosen score to
 * `POST /t/v1/answers` and thanks the customer. Texts follow the page's `lang` (vi or en).
 */
import type { Component, WidgetContext } from './components.js';

const TEXT = {
  vi: {
    nps: 'Bạn có sẵn lòng giới thiệu shop cho bạn bè không? (0 = không, 10 = chắc chắn)',
    rating: 'Bạn chấm sản phẩm này mấy sao?',
    thanks: 'Cảm ơn bạn đã đánh giá!',
    failed: 'Chưa gửi được, bạn thử lại nhé.',
    star: 'sao',
  },
  en: {
    nps: 'How likely are you to recommend us to a friend? (0 = not at all, 10 = extremely)',
    rating: 'How many stars would you give this product?',
    thanks: 'Thank you for your rating!',
    failed: 'Could not send it, please try again.',
    star: 'stars',
  },
} as const;

function langOf(): keyof typeof TEXT {
  return (document.documentElement.lang || '').toLowerCase().startsWith('en') ? 'en' : 'vi';
}

function render(ctx: WidgetContext, box: HTMLElement): void {
  if (box.getAttribute('data-nurture-survey-ready')) return;
  const kind = box.getAttribute('data-nurture-survey') === 'rating' ? 'rating' : 'nps';
  const token = box.getAttribute('data-nurture-customer-token');
  if (!token) return;
  box.setAttribute('data-nurture-survey-ready', '1');
  const t = TEXT[langOf()];
  const question = document.createElement('p');
  question.className = 'nurture-survey-question';
  question.textContent = kind === 'nps' ? t.nps : t.rating;
  const row = document.createElement('div');
  row.className = 'nurture-survey-scale';
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', question.textContent);
  const status = document.createElement('p');
  status.className = 'nurture-survey-status';
  status.setAttribute('role', 'status');
  const [min, max] = kind === 'nps' ? [0, 10] : [1, 5];
  for (let score = min; score <= max; score++) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = kind === 'nps' ? String(score) : '★'.repeat(score);
    b.setAttribute('aria-label', kind === 'nps' ? String(score) : `${score} ${t.star}`);
    b.setAttribute('data-score', String(score));
    b.style.cssText = 'min-width:2.2rem;min-height:2.2rem;margin:2px;cursor:pointer';
    ctx.listen(b, 'click', () => send(ctx, box, row, status, kind, score));
    row.appendChild(b);
  }
  box.appendChild(question);
  box.appendChild(row);
  box.appendChild(status);
}

function send(
  ctx: WidgetContext,
  box: HTMLElement,
  row: HTMLElement,
  status: HTMLElement,
  kind: 'nps' | 'rating',
  score: number,
): void {
  const t = TEXT[langOf()];
  const sku = box.getAttribute('data-nurture-sku');
  const order = box.getAttribute('data-nurture-order');
  const body = {
    writeKey: ctx.config.key,
    customerToken: box.getAttribute('data-nurture-customer-token') ?? '',
    kind,
    score,
    ...(sku ? { sku } : {}),
    ...(order ? { order_id: order } : {}),
  };
  const buttons = row.querySelectorAll('button');
  for (let i = 0; i < buttons.length; i++) (buttons[i] as HTMLButtonElement).disabled = true;
  // text/plain: a simple request, no preflight (the server reads it as JSON).
  fetch(`${ctx.config.api}/t/v1/answers`, {
    method: 'POST',
    mode: 'cors',
    credentials: 'omit',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify(body),
  })
    .then((res) => {
      if (!res.ok) throw new Error(String(res.status));
      row.style.display = 'none';
      status.textContent = t.thanks;
      box.setAttribute('data-nurture-survey-answered', String(score));
    })
    .catch(() => {
      for (let i = 0; i < buttons.length; i++) (buttons[i] as HTMLButtonElement).disabled = false;
      status.textContent = t.failed;
    });
}

/** Fills every marked survey box on the page when the widget is on. */
export const survey: Component = {
  mount(ctx) {
    const boxes = document.querySelectorAll<HTMLElement>('[data-nurture-survey]');
    for (let i = 0; i < boxes.length; i++) {
      const box = boxes[i];
      if (box) render(ctx, box);
    }
    return () => {
      const filled = document.querySelectorAll<HTMLElement>('[data-nurture-survey-ready]');
      for (let i = 0; i < filled.length; i++) {
        const box = filled[i];
        if (!box) continue;
        box.removeAttribute('data-nurture-survey-ready');
        box.textContent = '';
      }
    };
  },
};
