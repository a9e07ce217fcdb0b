import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { NurtureError } from '../../errors.js';

/**
 * The parsed body of a mapping file (.json, .yaml or .yml), not yet validated; `builtins` names
 * the built-in mappings the error suggests when `ref` is neither one of them nor such a file.
 */
export async function readMappingFile(
  ref: string,
  kind: string,
  builtins: readonly string[],
): Promise<unknown> {
  const ext = extname(ref).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml')
    throw new NurtureError(
      'invalid_input',
      `--mapping ${ref}: use a built-in ${kind} (${builtins.join(', ')}) or a .json/.yaml/.yml file`,
    );
  let body: string;
  try {
    body = await readFile(ref, 'utf8');
  } catch {
    throw new NurtureError('invalid_input', `mapping file not found: ${ref}`);
  }
  try {
    return ext === '.json' ? JSON.parse(body) : parseYaml(body);
  } catch (error) {
    throw new NurtureError(
      'invalid_input',
      `${ref}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
}
