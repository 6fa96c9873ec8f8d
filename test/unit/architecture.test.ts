// docs/architecture.md is the map of where each change goes: every file or folder it
// names in backticks must exist, so the map cannot drift from the house.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync('docs/architecture.md', 'utf8');
const named = [
  ...new Set([...doc.matchAll(/`((?:src|test|specs|schema|reference|scripts|docs)\/[^`*\s]*)`/g)].map((m) => m[1])),
];

describe('docs/architecture.md', () => {
  it('names the files of every kind of change', () => {
    expect(named.length).toBeGreaterThan(20);
    for (const home of ['src/spec/matchers.ts', 'src/report/index.ts', 'src/run/steps/index.ts', 'src/errors.ts']) {
      expect(named).toContain(home);
    }
  });

  it('names only paths that exist', () => {
    expect(named.filter((p) => !existsSync(p.replace(/\/$/, '')))).toStrictEqual([]);
  });
});
