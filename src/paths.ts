// Where the package's own files are: the schema, the built-in specs, the validator built from the schema.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found from this file whether it runs from src/ (tests), dist/src/
 * or the bundle under dist/cli/.
 */
export const PACKAGE_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

export const SCHEMA_PATH = path.join(PACKAGE_ROOT, 'schema', 'spec.schema.json');
export const BUILTIN_DIR = path.join(PACKAGE_ROOT, 'specs');
/** The schema's validator compiled at build time (scripts/build-validator.mjs). */
export const PRECOMPILED_VALIDATOR = path.join(PACKAGE_ROOT, 'dist', 'schema', 'spec-validator.cjs');
/** The built-in specs, parsed at build time (scripts/build-spec-cache.mjs), keyed by display name and text. */
export const PARSED_SPECS = path.join(PACKAGE_ROOT, 'dist', 'schema', 'builtin-specs.json');
