/**
 * The shop's loyalty programme: shown, replaced by a new version (YAML or JSON through the CLI,
 * JSON through the API), loaded by the ledger's passes. A document that does not validate
 * changes nothing and says where it is wrong.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DEFAULT_PROGRAM, type Program, programSchema } from '../../domain/loyalty/program.js';
import { shopSchema } from '../../domain/model/shop.js';
import { NurtureError } from '../../errors.js';
import { insertProgram, latestProgram } from '../../store/loyalty/program-members.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../input.js';

export interface LoadedProgram {
  program: Program;
  /** 0: the default programme, never stored (and off). */
  version: number;
  createdAt: Date | null;
}

/** Parsed documents by their text: every order pass and redemption reads the programme. */
const parsed = new Map<string, Program>();

/** The programme in force (the default, off, when the shop never set one). */
export async function loadProgram(store: Store, shopId: string): Promise<LoadedProgram> {
  const stored = await latestProgram(store, shopId);
  if (!stored) return { program: DEFAULT_PROGRAM, version: 0, createdAt: null };
  let program = parsed.get(stored.document);
  if (!program) {
    program = programSchema.parse(JSON.parse(stored.document));
    if (parsed.size > 100) parsed.clear();
    parsed.set(stored.document, program);
  }
  return { program, version: stored.version, createdAt: stored.createdAt };
}

export const programShowInputSchema = z.object({ shopId: shopSchema.shape.shopId });

/** `nurture loyalty program show`, `GET /api/v1/loyalty/program`. */
export async function showProgram(
  ctx: AppContext,
  input: z.input<typeof programShowInputSchema>,
): Promise<LoadedProgram> {
  const q = parseInput(programShowInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  return loadProgram(ctx.store, q.shopId);
}

/** A programme file's text (YAML, or JSON, which is YAML too) as data; a syntax error names its line. */
export function parseProgramText(text: string, file: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    const pos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw new NurtureError('invalid_file', `${file}: ${(error as Error).message.split('\n')[0]}`, [
      { file, ...(pos ? { line: pos.line, column: pos.col } : {}), reason: 'not valid YAML or JSON' },
    ]);
  }
}

export const programSetInputSchema = z.object({ shopId: shopSchema.shape.shopId, program: z.unknown() });

/**
 * Stores `program` as the next version. Validated whole first (every problem with its path):
 * nothing is stored unless all of it is right. Entries already in the ledger keep the version,
 * rule and rate they were earned under.
 */
export async function setProgram(
  ctx: AppContext,
  input: z.input<typeof programSetInputSchema>,
): Promise<LoadedProgram> {
  const q = parseInput(programSetInputSchema, input);
  const parsed = programSchema.safeParse(q.program);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      reason: i.message,
    }));
    throw new NurtureError(
      'invalid_input',
      `the programme is not valid: ${details.map((d) => (d.path ? `${d.path}: ${d.reason}` : d.reason)).join('; ')}`,
      details,
    );
  }
  await ctx.store.requireShop(q.shopId);
  const now = ctx.clock.now();
  const document = JSON.stringify(parsed.data);
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await latestProgram(ctx.store, q.shopId);
    const version = (current?.version ?? 0) + 1;
    if (await insertProgram(ctx.store, q.shopId, version, document, now))
      return { program: parsed.data, version, createdAt: now };
  }
  throw new NurtureError('conflict', 'the programme was changed meanwhile; try again');
}
