/** The widget's parts that need no page: the bounded queue, `?ref=` parsing, cookies, the registry. */
import { describe, expect, it } from 'vitest';
import { type Component, Registry, type WidgetContext } from '../../widget/src/components.js';
import { BoundedQueue, cookieValue, referralCodeOf } from '../../widget/src/queue.js';

describe('widget queue', () => {
  it('drops the oldest calls past its bound and drains in batches', () => {
    const q = new BoundedQueue<number>(5);
    for (let i = 1; i <= 8; i++) q.push(i);
    expect(q.length).toBe(5);
    expect(q.drain(2)).toEqual([[4, 5], [6, 7], [8]]);
    expect(q.length).toBe(0);
    expect(q.drain()).toEqual([]);
  });
});

describe('widget referral code', () => {
  it('reads ?ref=CODE wherever it stands in the query', () => {
    expect(referralCodeOf('?ref=HOA-2024')).toBe('HOA-2024');
    expect(referralCodeOf('?utm_source=zalo&ref=abc_12&x=1')).toBe('abc_12');
    expect(referralCodeOf('?ref=%20LAN%20')).toBe('LAN');
  });

  it('ignores a missing, empty, malformed or too long code', () => {
    expect(referralCodeOf('')).toBeUndefined();
    expect(referralCodeOf('?preref=X')).toBeUndefined();
    expect(referralCodeOf('?ref=')).toBeUndefined();
    expect(referralCodeOf('?ref=a%20b')).toBeUndefined();
    expect(referralCodeOf('?ref=<script>')).toBeUndefined();
    expect(referralCodeOf('?ref=%E0%A4%A')).toBeUndefined();
    expect(referralCodeOf(`?ref=${'x'.repeat(65)}`)).toBeUndefined();
  });
});

describe('widget cookies', () => {
  it('finds a cookie by exact name and decodes it', () => {
    const jar = 'a=1; nurture_aid_old=x; nurture_aid=abc%2Fdef; b=2';
    expect(cookieValue(jar, 'nurture_aid')).toBe('abc/def');
    expect(cookieValue(jar, 'missing')).toBeUndefined();
    expect(cookieValue('', 'nurture_aid')).toBeUndefined();
  });
});

describe('widget component registry', () => {
  const context = (): WidgetContext => ({
    config: { api: 'http://127.0.0.1:1', key: 'pk_test', consentRequired: false },
    anonymousId: () => 'v-1',
    track: () => undefined,
    page: () => undefined,
    identify: () => undefined,
    trackNow: () => undefined,
    listen: () => undefined,
  });

  it('mounts on start (and at once after), skips a broken component, cleans up on stop', () => {
    const log: string[] = [];
    const registry = new Registry();
    const counting = (name: string): Component => ({
      mount: () => {
        log.push(`mount ${name}`);
        return () => log.push(`unmount ${name}`);
      },
    });
    registry.register('a', counting('a'));
    registry.register('broken', {
      mount: () => {
        throw new Error('boom');
      },
    });
    registry.register('b', counting('b'));
    expect(log).toEqual([]);
    registry.start(context);
    registry.register('c', counting('c'));
    expect(log).toEqual(['mount a', 'mount b', 'mount c']);
    registry.unregister('b');
    registry.stop();
    expect(log.slice(3)).toEqual(['unmount b', 'unmount a', 'unmount c']);
    expect(registry.names()).toEqual(['a', 'broken', 'c']);
    // Started again (consent given again): mounted again, once each.
    registry.start(context);
    expect(log.slice(6)).toEqual(['mount a', 'mount c']);
  });
});
