/**
 * `nurture flow …` and `nurture messages list` on a DuckDB file: create from YAML, list, show,
 * enable a template, pause and resume, run-due with an as-of in shop time, stats, messages; bad
 * documents and options exit 2 and change nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const FLOW = `name: thank-you
title: { vi: Cảm ơn, en: Thank you }
trigger: { kind: order, status: placed }
entry: { policy: every, key: order }
steps:
  - { kind: wait, id: wait, duration: 1d, at: "10:00" }
  - kind: send
    id: sms
    channels: [sms]
    content:
      sms: { text: "Cảm ơn {{ customer.first_name }}!" }
`;

describe('nurture flow … on a DuckDB file', () => {
  it('creates, shows, lists, pauses, resumes, runs due work and refuses bad input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-flow-cli-'));
    const db = join(dir, 'shop.duckdb');
    const file = join(dir, 'thank-you.yaml');
    writeFileSync(file, FLOW);
    expect((await cli('demo', '--db', db, '--customers', '200')).code).toBe(0);

    const created = await cli('flow', 'create', file, '--live', '--db', db);
    expect(created.code).toBe(0);
    expect(created.out).toContain('Trạng thái: đang chạy (v1)');
    const again = await cli('flow', 'create', file, '--db', db);
    expect(again.code).toBe(5);
    expect(again.err).toContain('a flow named "thank-you" exists');

    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      FLOW.replace('duration: 1d', 'duration: one day').replace('name: thank-you', 'name: bad'),
    );
    const refused = await cli('flow', 'create', bad, '--db', db);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('steps.0.duration: a duration like 30m');
    const yamlError = join(dir, 'broken.yaml');
    writeFileSync(yamlError, 'name: [unclosed');
    expect((await cli('flow', 'create', yamlError, '--db', db)).code).toBe(2);

    const enabled = await cli(
      'flow',
      'enable-template',
      'winback',
      '--draft',
      '--param',
      'coupon_amount=150000',
      '--db',
      db,
    );
    expect(enabled.code).toBe(0);
    const unknown = await cli('flow', 'enable-template', 'winback', '--param', 'colour=red', '--db', db);
    expect(unknown.code).toBe(2);

    const list = await cli('flow', 'list', '--db', db, '--lang', 'en');
    expect(list.out).toMatch(/thank-you\s+live \(v1\)/);
    expect(list.out).toMatch(/winback\s+draft \(v1\)/);
    expect(list.out).not.toContain(' bad ');

    expect((await cli('flow', 'pause', 'thank-you', '--db', db, '--lang', 'en')).out).toContain(
      'State: paused',
    );
    const wrong = await cli('flow', 'pause', 'thank-you', '--db', db);
    expect(wrong.code).toBe(5);
    expect((await cli('flow', 'resume', 'thank-you', '--db', db)).code).toBe(0);

    const due = await cli('flow', 'run-due', '--as-of', '2030-01-01T10:00', '--db', db, '--json');
    expect(due.code).toBe(0);
    expect(JSON.parse(due.out)).toMatchObject({ asOf: '2030-01-01T03:00:00.000Z', started: 0 });
    expect((await cli('flow', 'run-due', '--as-of', 'soon', '--db', db)).code).toBe(2);

    const stats = await cli('flow', 'stats', 'thank-you', '--db', db, '--json');
    expect(JSON.parse(stats.out)).toMatchObject({
      name: 'thank-you',
      runs: { entered: 0 },
      lift: { difference: null },
    });
    const messages = await cli('messages', 'list', '--db', db, '--lang', 'en');
    expect(messages.out).toContain('(no messages)');
    expect((await cli('messages', 'list', '--state', 'lost', '--db', db)).code).toBe(2);
    const templates = await cli('flow', 'templates', '--lang', 'en', '--db', db);
    expect(templates.out).toContain('replenishment');
    const preview = await cli('flow', 'preview', 'thank-you', '--step', 'sms', '--db', db);
    expect(preview.out).toContain('[QC] Cảm ơn Lan!');
  });
});
