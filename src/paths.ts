// Where the project's own files are, wherever the CLI is started from.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = (): string => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let version: string | undefined;
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
