// Parses the built-in specs once, at build time, into dist/schema/builtin-specs.json: yaml
// parsing them was most of a run's start-up. The loader (src/spec/load.ts) uses an entry only
// when the spec's display name and text are the ones parsed here; anything else is parsed anew.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { PARSED_SPECS } from '../dist/src/paths.js';

// The loader must parse, not read a cache left by an earlier build.
rmSync(PARSED_SPECS, { force: true });
const { builtinSpecNames, loadSpec, parsedSpecKey, resolveSpecPath, readSource } = await import(
  '../dist/src/spec/load.js'
);
process.chdir(new URL('..', import.meta.url).pathname);
const entries = {};
for (const name of builtinSpecNames()) {
  const { path: _abs, ...spec } = loadSpec(name);
  entries[parsedSpecKey(readSource(resolveSpecPath(name)), spec.file)] = spec;
}
mkdirSync(new URL('../dist/schema/', import.meta.url), { recursive: true });
writeFileSync(PARSED_SPECS, JSON.stringify(entries));
