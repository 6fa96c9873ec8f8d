// The check catalogue (shared/CHECKS.md, beside the repository) is the contract:
// every id there exists in the built-in specs with exactly its tags.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinSpecNames, loadSpecs, PACKAGE_ROOT } from '../../src/spec/load.js';

const CATALOGUE = path.resolve(PACKAGE_ROOT, '..', 'shared', 'CHECKS.md');

function catalogue(): Map<string, string[]> {
  const rows = readFileSync(CATALOGUE, 'utf8').split('\n');
  const out = new Map<string, string[]>();
  for (const row of rows) {
    const m = /^\| ((?:udp|tcp|kv|cond|cookie)\.[a-z0-9.-]+) \| ([^|]+) \|/.exec(row);
    if (m) out.set(m[1], m[2].split(',').map((t) => t.trim()).sort());
  }
  return out;
}

describe.skipIf(!existsSync(CATALOGUE))('the built-in specs follow shared/CHECKS.md', () => {
  it('has every catalogue id with exactly its tags', () => {
    const want = catalogue();
    expect(want.size).toBe(72);
    const have = new Map(loadSpecs(builtinSpecNames()).flatMap((s) => s.cases.map((c) => [c.id, [...c.tags].sort()] as const)));
    const got = Object.fromEntries([...want.keys()].map((id) => [id, have.get(id)]));
    expect(got).toEqual(Object.fromEntries(want));
  });
});
