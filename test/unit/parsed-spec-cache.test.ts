// The build parses the built-in specs once (scripts/build-spec-cache.mjs); built code reads
// them from there. What it reads must be what parsing gives now, and a spec whose text changed
// since the build must be parsed anew. (npm test builds first, so dist/ is this tree's build.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DIR, PARSED_SPECS } from '../../src/paths.js';
import { builtinSpecNames, loadSpec, parseSpec } from '../../src/spec/load.js';

type Load = typeof import('../../src/spec/load.js');
const built = (): Promise<Load> => import(path.join('..', '..', 'dist', 'src', 'spec', 'load.js')) as Promise<Load>;

describe('the built-in specs parsed at build time', () => {
  it('holds every built-in spec, exactly as the sources parse it now', async () => {
    const cache = JSON.parse(readFileSync(PARSED_SPECS, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(cache)).toHaveLength(builtinSpecNames().length);
    const { loadSpec: loadBuilt, parsedSpecKey } = await built();
    for (const name of builtinSpecNames()) {
      const text = readFileSync(path.join(BUILTIN_DIR, `${name}.yaml`), 'utf8');
      expect(cache[parsedSpecKey(text, `specs/${name}.yaml`)], name).toBeDefined();
      expect(loadBuilt(name), name).toEqual(loadSpec(name));
    }
  });

  it('is not used for a spec whose text changed since the build', async () => {
    const { parseSpec: parseBuilt } = await built();
    const file = 'specs/kv-http.yaml';
    const text = readFileSync(path.join(BUILTIN_DIR, 'kv-http.yaml'), 'utf8');
    const changed = text.replace(/^title: .*$/m, 'title: Changed since the build');
    expect(parseBuilt(text, file).title).not.toBe('Changed since the build');
    expect(parseBuilt(changed, file)).toEqual(parseSpec(changed, file));
    expect(parseBuilt(changed, file).title).toBe('Changed since the build');
    // A broken spec is still refused, with its location, not served from the cache.
    const broken = text.replace(/^service: http$/m, 'service: htp');
    expect(() => parseBuilt(broken, file)).toThrow(/kv-http\.yaml:\d+:\d+/);
  });
});
