import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleStages, StageFiles } from '../../src/store/duckdb-stage.js';

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
