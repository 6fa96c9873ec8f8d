// A misspelt tag or spec name never silently selects or grades nothing: specs,
// --tags, --skip-tags and profiles refuse names that do not exist, with "did you mean".
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTags, resolvePlan } from '../../src/commands/plan.js';
import { loadProfile } from '../../src/run/profile.js';
import { loadSpecs, parseSpec } from '../../src/spec/load.js';
import { SCHEMA_PATH } from '../../src/paths.js';
import { CATALOGUE_TAGS } from '../../src/spec/tags.js';
import { didYouMean, editDistance, similar } from '../../src/text/suggest.js';
import { UsageError, SpecError, formatProblem } from '../../src/errors.js';

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof SpecError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected a SpecError');
}

const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error('expected a UsageError');
};

const spec = (extra: string, tags: string) => `name: r
title: R
service: tcp
port: 1
${extra}cases:
  - id: r.a
    title: A
    requirement: R
    tags: ${tags}
    steps:
      - send: x
`;

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('cor', 'core')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
  });

  it('offers the nearest names, or a name the word begins, or nothing', () => {
    expect(similar('cor', Object.keys(CATALOGUE_TAGS))).toStrictEqual(['core']);
    expect(similar('robst', Object.keys(CATALOGUE_TAGS))).toStrictEqual(['robust']);
    expect(similar('cond', ['udp-echo', 'conditional-get', 'cookies'])).toStrictEqual(['conditional-get']);
    expect(didYouMean('zzzz', Object.keys(CATALOGUE_TAGS))).toBe('');
  });
});

describe('tags in a spec', () => {
  it("editors offer the catalogue's tags (the schema lists them as examples)", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    expect(schema.definitions.case.properties.tags.items.examples).toStrictEqual(Object.keys(CATALOGUE_TAGS));
  });

  it('a case tag outside the catalogue is refused where it stands, with a suggestion', () => {
    expect(problemsOf(() => parseSpec(spec('', '[cor]'), 'r.yaml'))).toStrictEqual([
      'r.yaml:9:12 /cases/0/tags/0: unknown tag "cor" (did you mean "core"?); tags are core, unicode, robust, rfc, security, kv, or add it to the spec\'s top-level "tags" list',
    ]);
  });

  it('a tag the spec declares at the top is allowed, and only in that spec', () => {
    expect(parseSpec(spec('tags: [lab3]\n', '[core, lab3]'), 'r.yaml').cases[0].tags).toStrictEqual(['core', 'lab3']);
    expect(problemsOf(() => parseSpec(spec('tags: [lab3]\n', '[lab4]'), 'r.yaml'))[0]).toMatch(
      /^r\.yaml:10:12 \/cases\/0\/tags\/0: unknown tag "lab4" \(did you mean "lab3"\?\); tags are .*, lab3, or add it/,
    );
  });
});

describe('--tags and --skip-tags', () => {
  const specs = loadSpecs(['udp-echo', 'tcp-echo']);

  it('a misspelt tag is a usage error with a suggestion', () => {
    expect(usage(() => checkTags(specs, ['cor']))).toBe(
      '--tags: no case has tag cor (did you mean "core"?) (tags: core, robust, unicode, or all)',
    );
    expect(usage(() => checkTags(specs, ['core', 'zzz']))).toBe(
      '--tags: no case has tag zzz (tags: core, robust, unicode, or all)',
    );
  });

  it('--skip-tags is checked the same way', () => {
    expect(usage(() => resolvePlan(['udp-echo', 'tcp-echo'], { skipTags: 'robst' }))).toBe(
      '--skip-tags: no case has tag robst (did you mean "robust"?) (tags: core, robust, unicode)',
    );
    expect(resolvePlan(['udp-echo'], { skipTags: 'robust' }).selection.skipTags).toStrictEqual(['robust']);
  });
});

describe('profiles', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netgrade-profile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const profile = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('a tag and a weighted spec that do not exist are refused where they stand', () => {
    const file = profile('bad.yaml', 'name: lab\ntags: [core, securty]\nweights:\n  kv-htp: 2\n  cookies: 1\n');
    expect(problemsOf(() => resolvePlan(['kv-http'], { profile: file }))).toStrictEqual([
      `${file}:2:14 /tags/1: unknown tag "securty" (did you mean "security"?); tags are core, unicode, robust, rfc, security, kv`,
      `${file}:4:3 /weights/kv-htp: weight for "kv-htp", which is not a spec (did you mean "kv-http"?); specs are udp-echo, tcp-echo, kv-http, conditional-get, cookies`,
    ]);
  });

  it('weights for built-in specs that this run leaves out are fine, and so are tags of the chosen specs', () => {
    const file = profile('good.yaml', 'tags: [core, robust]\nweights: { cookies: 2, udp-echo: 0.5 }\n');
    expect(resolvePlan(['udp-echo'], { profile: file }).profile).toMatchObject({
      tags: ['core', 'robust'],
      weights: { cookies: 2, 'udp-echo': 0.5 },
    });
  });

  it("a misspelt key of the profile itself gets a suggestion from the profile's keys", () => {
    const file = profile('typo.yaml', 'tags: [core]\nwieghts: { kv-http: 2 }\n');
    expect(problemsOf(() => loadProfile(file))).toStrictEqual([
      `${file}:2:1 /: unknown property "wieghts" (did you mean "weights"?)`,
    ]);
  });

  it('without names to check against, a profile loads as written', () => {
    expect(loadProfile(profile('loose.yaml', 'tags: [whatever]\n')).tags).toStrictEqual(['whatever']);
  });
});
