/**
 * The addresses in sent messages that customers' phones, mail clients and providers reach, under
 * `/m/:shop/`: the open pixel, tracked links, the unsubscribe page (with RFC 8058 one-click
 * POST) and eSMS's delivery report. Public: each carries a signature made with the shop's link
 * key, so nobody can forge a click or unsubscribe someone else. Registered in a scope of its own
 * for the urlencoded one-click body; each answer calls one app/ function.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../app/context.js';
import { answerFromLink } from '../app/feedback.js';
import {
  recordClick,
  recordEsmsDelivery,
  recordOpen,
  unsubscribe,
  unsubscribeTarget,
} from '../app/flows/engagement.js';
import { NurtureError } from '../errors.js';
import { type Html, html } from './dashboard/html.js';

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

interface ShopToken {
  shop: string;
  token: string;
}

function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="vi">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #1f2328; }
      button { font: inherit; padding: 0.6rem 1.2rem; border-radius: 6px; border: 1px solid #1f6feb; background: #1f6feb; color: #fff; cursor: pointer; }
      .en { color: #59636e; }
    </style>
  </head>
  <body>
    ${body}
  </body>
</html>`.value;
}

function notFound(reply: FastifyReply): FastifyReply {
  return reply
    .status(404)
    .type('text/html; charset=utf-8')
    .send(
      page(
        'Liên kết không hợp lệ',
        html`<h1>Liên kết không hợp lệ</h1>
          <p>Liên kết này không còn dùng được.</p>
          <p class="en">This link is not valid (any more).</p>`,
      ),
    );
}

/** Registers the `/m/:shop/…` routes. */
export async function registerMessageLinks(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    scope.get<{ Params: ShopToken }>('/m/:shop/o/:token', async (request, reply) => {
      await recordOpen(ctx, { shopId: request.params.shop, token: request.params.token }).catch(() => false);
      return reply.type('image/gif').header('cache-control', 'no-store, private').send(PIXEL);
    });

    scope.get<{ Params: ShopToken }>('/m/:shop/c/:token', async (request, reply) => {
      try {
        const url = await recordClick(ctx, { shopId: request.params.shop, token: request.params.token });
        if (!/^https?:\/\//i.test(url)) return notFound(reply);
        return reply.header('cache-control', 'no-store, private').redirect(url, 302);
      } catch (error) {
        if (error instanceof NurtureError && error.code === 'not_found') return notFound(reply);
        throw error;
      }
    });

    scope.get<{ Params: ShopToken }>('/m/:shop/u/:token', async (request, reply) => {
      try {
        const target = await unsubscribeTarget(ctx, {
          shopId: request.params.shop,
          token: request.params.token,
        });
        return reply.type('text/html; charset=utf-8').send(
          page(
            'Hủy đăng ký',
            html`<h1>Hủy nhận tin từ ${target.shopName}</h1>
              <p>Bạn sẽ không nhận ${target.channel} tại <strong>${target.address}</strong> từ ${target.shopName} nữa.</p>
              <p class="en">You will no longer get ${target.channel} at ${target.address} from ${target.shopName}.</p>
              <form method="post"><button type="submit">Hủy đăng ký / Unsubscribe</button></form>`,
          ),
        );
      } catch (error) {
        if (error instanceof NurtureError && error.code === 'not_found') return notFound(reply);
        throw error;
      }
    });

    // The confirmation form above, and mail clients' one-click (List-Unsubscribe=One-Click).
    scope.post<{ Params: ShopToken }>('/m/:shop/u/:token', async (request, reply) => {
      try {
        const done = await unsubscribe(ctx, { shopId: request.params.shop, token: request.params.token });
        return reply.type('text/html; charset=utf-8').send(
          page(
            'Đã hủy đăng ký',
            html`<h1>Đã hủy đăng ký</h1>
              <p>${done.address} sẽ không nhận ${done.channel} từ cửa hàng nữa.</p>
              <p class="en">${done.address} is unsubscribed from ${done.channel}.</p>`,
          ),
        );
      } catch (error) {
        if (error instanceof NurtureError && error.code === 'not_found') return notFound(reply);
        throw error;
      }
    });

    // The answer page of a message (NPS 0–10, or a rating with kind=rating&sku=…): without a
    // score it shows the scale; with one it records the answer (the first one of the message stands).
    scope.get<{ Params: ShopToken; Querystring: Record<string, string | undefined> }>(
      '/m/:shop/a/:token',
      async (request, reply) => {
        const { score, kind, sku } = request.query;
        if (score === undefined || score === '') {
          const max = kind === 'rating' ? 5 : 10;
          const min = kind === 'rating' ? 1 : 0;
          const extra = `${kind === 'rating' ? '&kind=rating' : ''}${sku ? `&sku=${encodeURIComponent(sku)}` : ''}`;
          const links = Array.from({ length: max - min + 1 }, (_, i) => min + i).map(
            (n) => html`<a class="score" href="?score=${String(n)}${extra}">${String(n)}</a> `,
          );
          return reply.type('text/html; charset=utf-8').send(
            page(
              'Đánh giá',
              html`<h1>Bạn chấm bao nhiêu điểm?</h1>
                <p class="en">How would you rate us?</p>
                <p>${links}</p>`,
            ),
          );
        }
        try {
          const done = await answerFromLink(ctx, {
            shopId: request.params.shop,
            token: request.params.token,
            score,
            ...(kind === 'rating' ? { kind: 'rating' as const } : {}),
            ...(sku ? { sku } : {}),
          });
          return reply
            .type('text/html; charset=utf-8')
            .header('cache-control', 'no-store, private')
            .send(
              page(
                'Cảm ơn bạn',
                html`<h1>Cảm ơn bạn đã trả lời!</h1>
                <p>${done.shopName} đã nhận được đánh giá của bạn.</p>
                <p class="en">Thank you — ${done.shopName} got your answer.</p>`,
              ),
            );
        } catch (error) {
          if (error instanceof NurtureError && (error.code === 'not_found' || error.code === 'invalid_input'))
            return notFound(reply);
          throw error;
        }
      },
    );

    scope.get<{ Params: { shop: string }; Querystring: Record<string, string | string[] | undefined> }>(
      '/m/:shop/esms',
      async (request, reply) => {
        const { k, ...query } = request.query;
        await recordEsmsDelivery(ctx, {
          shopId: request.params.shop,
          key: typeof k === 'string' ? k : '',
          query,
        });
        // eSMS retries a report that is not answered 200; a report for nothing we know is still answered.
        return reply.type('text/plain').send('OK');
      },
    );
  });
}
