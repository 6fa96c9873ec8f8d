// The check catalogue lives in the repository: README.md's table is generated
// from the built-in specs (and fails here when stale), and every check's
// `source:` points at a section of docs/protocols.md that exists. Reads only
// files of the repository, so it runs on a clean clone and in CI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueMarkdown } from '../../src/commands/inspect.js';
import { builtinSpecNames, loadSpecs } from '../../src/spec/load.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

const README = path.join(PACKAGE_ROOT, 'README.md');
const PROTOCOLS = path.join(PACKAGE_ROOT, 'docs', 'protocols.md');
const START = /<!-- catalogue:start[^>]*-->\n/;
const END = '<!-- catalogue:end -->';
const REGENERATE =
  "README.md's catalogue is stale: regenerate it with `npm run build && node dist/src/cli.js list --format markdown` and paste it between the catalogue markers (or run `node scripts/catalogue.mjs`)";

function readmeCatalogue(): string {
  const text = readFileSync(README, 'utf8');
  const start = START.exec(text);
  const end = text.indexOf(END);
  if (!start || end < 0) throw new Error('README.md has no <!-- catalogue:start --> … <!-- catalogue:end --> markers');
  return text.slice(start.index + start[0].length, end);
}

describe('the check catalogue', () => {
  const specs = loadSpecs(builtinSpecNames());

  it('in README.md is the one the built-in specs generate', () => {
    expect(readmeCatalogue(), REGENERATE).toBe(catalogueMarkdown(specs));
  });

  it('lists every built-in case once, with its tags', () => {
    const rows = [...readmeCatalogue().matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)].map((m) => `${m[1]} ${m[2].trim()}`);
    expect(rows).toEqual(specs.flatMap((s) => s.cases.map((c) => `${c.id} ${c.tags.join(', ')}`)));
    expect(new Set(rows.map((r) => r.split(' ')[0])).size).toBe(rows.length);
  });

  it('cites, for every check, a section of docs/protocols.md that exists', () => {
    const anchors = new Set([...readFileSync(PROTOCOLS, 'utf8').matchAll(/<a id="([\w-]+)"><\/a>/g)].map((m) => m[1]));
    expect([...anchors]).toEqual(
      expect.arrayContaining(['udp-echo', 'tcp-echo', 'kv-http', 'conditional-get', 'cookies']),
    );
    const cited = specs.flatMap((s) =>
      s.cases.map((c) => ({ id: c.id, anchor: /^docs\/protocols\.md#([\w-]+)(;|$)/.exec(c.source ?? '')?.[1] })),
    );
    expect(cited.filter((c) => !c.anchor || !anchors.has(c.anchor))).toEqual([]);
  });
});
