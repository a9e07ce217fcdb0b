/**
 * Staff tasks, the widget survey's signed customer token, and the CLI (`nurture referrals list`,
 * `nurture tasks list | done | skip`, `nurture feedback report`) on a DuckDB file: overdue tasks
 * are marked, a task closes once (done or skipped, with its note), a refused referral is listed
 * with its reason, and a widget answer is accepted only with a valid token of the shop.
 */

import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { hmacSha256 } from '../../src/app/customer-tokens.js';
import { answerFromWidget } from '../../src/app/feedback.js';
import { referralCodeOfCustomer } from '../../src/app/referral-program.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { createStaffTask, listStaffTasks, staffTaskContext } from '../../src/app/tasks.js';
import { signCustomerToken, verifyCustomerToken } from '../../src/domain/customer-token.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';
import { TestClock } from '../support/engines.js';
import { arrive, customer, customerIdOf, DAY, SHOP } from './support.js';

const HOA = '+84912000111';
const T0 = Date.parse('2026-11-02T03:00:00Z');

describe('customer tokens', () => {
  it('verify only with the secret and shop they were signed for, before they expire', () => {
    const now = new Date(T0);
    const token = signCustomerToken(
      hmacSha256('s3cret-of-the-shop'),
      'shop1',
      '7489302847',
      new Date(T0 + 3_600_000),
    );
    expect(verifyCustomerToken(hmacSha256('s3cret-of-the-shop'), 'shop1', token, now)).toMatchObject({
      ok: true,
      customerRef: '7489302847',
    });
    // What a shop's server computes with its own HMAC-SHA256 (Node's Buffer here) is the same token.
    const [, ref, expires, mac] = token.split('.');
    expect(ref).toBe(Buffer.from('7489302847').toString('base64url'));
    expect(mac).toBe(
      createHmac('sha256', 's3cret-of-the-shop').update(`v1|shop1|7489302847|${expires}`).digest('base64url'),
    );
    expect(verifyCustomerToken(hmacSha256('another-secret!!'), 'shop1', token, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyCustomerToken(hmacSha256('s3cret-of-the-shop'), 'shop2', token, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(
      verifyCustomerToken(hmacSha256('s3cret-of-the-shop'), 'shop1', token, new Date(T0 + 3_600_001)),
    ).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyCustomerToken(hmacSha256('s3cret-of-the-shop'), 'shop1', '7489302847', now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('tasks and referrals through the CLI', () => {
  it('lists the queue with overdue tasks, closes a task once, and lists a refused referral with its reason', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'nurture-tasks-')), 'shop.duckdb');
    const clock = new TestClock(T0);
    const store = await openStore({ db, ids: clock });
    const ctx = makeContext(store);
    await arrive(ctx, {
      customers: [customer(HOA, { firstName: 'Hoa', lastName: 'Trần' })],
      orders: [{ id: 'H1', phone: HOA, at: new Date(T0 - 30 * DAY), total: 300_000, status: 'delivered' }],
    });
    const hoa = await customerIdOf(ctx, HOA);
    const code = await referralCodeOfCustomer(ctx, SHOP, hoa);
    await arrive(ctx, { orders: [{ id: 'H2', phone: HOA, at: new Date(T0), total: 100_000, coupon: code }] });
    const call = await createStaffTask(ctx, {
      shopId: SHOP,
      customerId: hoa,
      title: 'Gọi xin lỗi',
      dueInHours: 24,
    });
    const note = await createStaffTask(ctx, {
      shopId: SHOP,
      customerId: hoa,
      title: 'Viết thiệp cảm ơn',
      dueInHours: 72,
    });
    await expect(
      createStaffTask(ctx, { shopId: SHOP, customerId: 'cus_nobody', title: 'x' }),
    ).rejects.toThrow('no customer');

    // The widget's survey: a token of the shop's secret names Hoa by her Shopify id.
    await expect(
      answerFromWidget(ctx, { shopId: SHOP, customerToken: 'v1.x.1.y', kind: 'nps', score: 9 }),
    ).rejects.toThrow('not valid');
    await setShopSetting(ctx, { shopId: SHOP, key: 'widget.customer_secret', value: 'the-shops-own-secret' });
    const token = signCustomerToken(hmacSha256('the-shops-own-secret'), SHOP, HOA, new Date(T0 + DAY));
    expect(
      await answerFromWidget(ctx, { shopId: SHOP, customerToken: token, kind: 'nps', score: 9 }),
    ).toMatchObject({
      recorded: true,
      group: 'promoter',
    });
    clock.advance(2 * DAY);
    const queue = await listStaffTasks(ctx, { shopId: SHOP });
    expect(queue.tasks.map((t) => [t.title, t.overdue])).toEqual([
      ['Gọi xin lỗi', true],
      ['Viết thiệp cảm ơn', false],
    ]);
    expect(queue).toMatchObject({ open: 2, overdue: 1 });
    const context = await staffTaskContext(ctx, { shopId: SHOP, taskId: call.taskId });
    expect(context.orders).toHaveLength(2);
    expect(context.answers).toEqual([expect.objectContaining({ kind: 'nps', score: 9, channel: 'widget' })]);
    await store.close();

    const flags = ['--db', db, '--shop', SHOP, '--lang', 'en'];
    const listed = await cli('tasks', 'list', ...flags);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/Gọi xin lỗi.*OVERDUE/);
    const done = await cli('tasks', 'done', call.taskId, '--note', 'đã gọi, khách đồng ý đổi hàng', ...flags);
    expect(done).toMatchObject({ code: 0, out: `Task ${call.taskId}: done.\n` });
    const again = await cli('tasks', 'skip', call.taskId, ...flags);
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('is done already');
    expect((await cli('tasks', 'skip', note.taskId, '--note', 'khách đi vắng', ...flags)).code).toBe(0);
    const json = JSON.parse((await cli('tasks', 'list', '--json', ...flags)).out) as {
      tasks: { state: string; doneNote: string }[];
    };
    expect(json.tasks.map((t) => [t.state, t.doneNote]).sort()).toEqual([
      ['done', 'đã gọi, khách đồng ý đổi hàng'],
      ['skipped', 'khách đi vắng'],
    ]);

    const referrals = await cli('referrals', 'list', ...flags);
    expect(referrals.code).toBe(0);
    expect(referrals.out).toContain('referred themselves');
    expect(referrals.out).toContain('Referred customers: 0');
    const report = await cli('feedback', 'report', ...flags);
    expect(report.out).toContain('NPS over 90 days: 100 (1 answers)');
  });
});
