// The spec schema's validator: the build's precompiled one while it matches the schema on disk.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import { PRECOMPILED_VALIDATOR, SCHEMA_PATH } from '../paths.js';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
const require = createRequire(import.meta.url);

/**
 * The schema's validator: the one compiled at build time (scripts/build-validator.mjs)
 * when it matches the schema on disk, else ajv compiles it now (a checkout without a build).
 */
function loadValidator(): Validator {
  const text = readFileSync(SCHEMA_PATH, 'utf8');
  if (existsSync(PRECOMPILED_VALIDATOR)) {
    const mod = require(PRECOMPILED_VALIDATOR) as Validator & { default?: Validator; schemaHash?: string };
    if (mod.schemaHash === createHash('sha256').update(text).digest('hex')) return mod.default ?? mod;
  }
  const { Ajv } = require('ajv') as typeof import('ajv');
  return new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(JSON.parse(text));
}

let validator: Validator | undefined;
export function validate(data: unknown) {
  validator ??= loadValidator();
  return { ok: validator(data), errors: validator.errors ?? [] };
}
