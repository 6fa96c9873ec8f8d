// netgrade's own version, from the package.json above this file: it runs as
// dist/src/*.js (tsc), dist/cli/ (the bundle) or src/*.ts (tests).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function netgradeVersion(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  cached = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version as string;
  return cached;
}
