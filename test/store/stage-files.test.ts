import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleStages, StageFiles } from '../../src/store/duckdb/stage.js';

/** A pid that was alive a moment ago and is not any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function stageDir(name: string): string {
  const dir = join(tmpdir(), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'stage_customers-1.json'), '{"email":["lan@example.vn"]}');
  made.push(dir);
  return dir;
}

describe('DuckDB staging files', () => {
  // First in this file: the first stage of a process cleans up.
  it('clean up, at the first stage, those an interrupted import left behind, and only those', async () => {
    const stale = stageDir(`nurture-stage-${deadPid()}-AbC123`);
    const live = stageDir(`nurture-stage-${process.ppid}-XyZ789`);
    const files = new StageFiles();
    await files.write('stage_test', [Buffer.from('{"a":[1]}')]);
    try {
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`nurture-stage-${process.pid}-`))).toHaveLength(
        1,
      );
    } finally {
      files.close();
    }
    // Of the older naming, without a pid: stale once a day old.
    const unnamed = stageDir('nurture-stage-Qw3rty');
    removeStaleStages();
    expect(existsSync(unnamed)).toBe(true);
    utimesSync(unnamed, new Date(Date.now() - 25 * 3600_000), new Date(Date.now() - 25 * 3600_000));
    removeStaleStages();
    expect(existsSync(unnamed)).toBe(false);
  });

  it('are private: the directory 0700, the files 0600, removed on close', async () => {
    const files = new StageFiles();
    const { path } = await files.write('stage_test', [Buffer.from('{"a":[1]}')]);
    const dir = dirname(path);
    expect(dir.startsWith(join(tmpdir(), `nurture-stage-${process.pid}-`))).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    files.close();
    expect(existsSync(dir)).toBe(false);
  });
});

const builtCli = resolve('dist/src/cli/main.js');

describe.runIf(existsSync(builtCli))('the built CLI interrupted during an import', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    it(`removes its stages on ${signal}`, async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'nurture-interrupt-'));
      made.push(tmp);
      const csv = join(tmp, 'c.csv');
      const rows = Array.from({ length: 300_000 }, (_, i) => `${i},c${i}@example.vn,Khách ${i}\n`);
      writeFileSync(csv, `Customer ID,Email,First Name\n${rows.join('')}`);
      const child = spawn(
        process.execPath,
        [builtCli, 'import', 'shopify-customers', csv, '--db', join(tmp, 'x.duckdb')],
        { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' },
      );
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      const stages = () => readdirSync(tmp).filter((n) => n.startsWith('nurture-stage-'));
      const deadline = Date.now() + 60_000;
      while (stages().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(stages()).toHaveLength(1);
      child.kill(signal);
      expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(stages()).toEqual([]);
    }, 90_000);
});
