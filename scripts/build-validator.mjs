// Compiles schema/spec.schema.json into plain JavaScript at build time (ajv
// standalone), so the CLI does not load and compile ajv on every start: that
// was a fifth of its start-up. The file records a hash of the schema; if the
// schema changes without a rebuild, the loader compiles it at run time instead.
//
// First it writes the matchers' schema fragments from their one table
// (src/spec/matchers.ts, compiled by tsc before this runs) into the schema, so a
// new matcher is one entry there; test/unit/matchers.test.ts checks they agree.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { syncMatcherSchema } from '../dist/src/spec/matchers.js';

const schemaFile = new URL('../schema/spec.schema.json', import.meta.url);
const written = readFileSync(schemaFile, 'utf8');
const text = JSON.stringify(syncMatcherSchema(JSON.parse(written)), null, 2) + '\n';
if (text !== written) {
  writeFileSync(schemaFile, text);
  console.log('schema/spec.schema.json: matcher properties written from src/spec/matchers.ts');
}
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, code: { source: true, esm: false } });
const validate = ajv.compile(JSON.parse(text));
const hash = createHash('sha256').update(text).digest('hex');
const out = new URL('../dist/schema/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL('spec-validator.cjs', out),
  `${standaloneCode.default(ajv, validate)}\nmodule.exports.schemaHash = ${JSON.stringify(hash)};\n`,
);
