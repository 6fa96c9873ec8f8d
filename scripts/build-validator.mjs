// Compiles schema/spec.schema.json into plain JavaScript at build time (ajv
// standalone), so the CLI does not load and compile ajv on every start: that
// was a fifth of its start-up. The file records a hash of the schema; if the
// schema changes without a rebuild, the loader compiles it at run time instead.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const text = readFileSync(new URL('../schema/spec.schema.json', import.meta.url), 'utf8');
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, code: { source: true, esm: false } });
const validate = ajv.compile(JSON.parse(text));
const hash = createHash('sha256').update(text).digest('hex');
const out = new URL('../dist/schema/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('spec-validator.cjs', out), `${standaloneCode.default(ajv, validate)}\nmodule.exports.schemaHash = ${JSON.stringify(hash)};\n`);
