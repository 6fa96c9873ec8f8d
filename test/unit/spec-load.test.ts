import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { builtinSpecNames, loadSpec, loadSpecs, parseSpec } from '../../src/spec/load.js';
import { BUILTIN_DIR } from '../../src/paths.js';
import { SpecError, formatProblem } from '../../src/errors.js';

// vitest runs from the package root, so fixture names in messages are relative to it.
const FX = 'test/fixtures/specs';
const fx = (name: string) => `${FX}/${name}`;

/** The formatted problems a spec argument gives, one string per problem. */
function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    // The message is the same lines, so CLI output and the problem list cannot drift apart.
    expect(err.message).toBe(err.problems.map(formatProblem).join('\n'));
    expect(err.code).toBe('SPEC_INVALID');
    return err.problems.map(formatProblem);
  }
  throw new Error('expected a SpecError, but the spec loaded');
}

const problems = (name: string) => problemsOf(() => loadSpec(fx(name)));

describe('loading a valid spec', () => {
  it('fills in points, exclusive, vars as strings and where each case stands', () => {
    const spec = loadSpec(fx('valid-tcp.yaml'));
    expect(spec).toMatchObject({
      name: 'fixture-tcp',
      title: 'Fixture TCP',
      service: 'tcp',
      port: 12345,
      file: fx('valid-tcp.yaml'),
    });
    expect(spec.vars).toStrictEqual({ greeting: 'hello', count: '3' });
    const [first, second] = spec.cases;
    expect(first).toMatchObject({ id: 'fx.defaults', points: 1, exclusive: false, tags: ['core'] });
    expect(first.location).toStrictEqual({ file: fx('valid-tcp.yaml'), line: 11, col: 5 });
    expect(second).toMatchObject({ id: 'fx.explicit', points: 2.5, exclusive: true, tags: ['robust', 'extra'] });
    expect(second.location).toStrictEqual({ file: fx('valid-tcp.yaml'), line: 20, col: 5 });
  });

  it('keeps payloads as written, for the runner to render', () => {
    const spec = loadSpec(fx('valid-tcp.yaml'));
    expect(spec.cases[1].steps[0].send).toStrictEqual(['a', { delayMs: 10 }, { hex: '0d0a' }]);
    // A placeholder inside `matches` is not a regex syntax error: it is filled in before compiling.
    expect(spec.cases[1].steps[0].expect?.matches).toBe('^COUNT {{count}}$');
  });

  it('parseSpec names the file it was given', () => {
    const text = readFileSync(fx('valid-tcp.yaml'), 'utf8');
    expect(parseSpec(text, 'elsewhere.yaml').cases[0].location).toStrictEqual({
      file: 'elsewhere.yaml',
      line: 11,
      col: 5,
    });
  });
});

describe('problems with file:line:col and a JSON pointer', () => {
  it('a YAML syntax error, at the offending character', () => {
    expect(problems('bad-yaml.yaml')).toStrictEqual([
      `${fx('bad-yaml.yaml')}:7:12 /: YAML: Nested mappings are not allowed in compact mappings`,
    ]);
  });

  it('an unknown property points at the key', () => {
    expect(problems('bad-unknown-property.yaml')).toStrictEqual([
      `${fx('bad-unknown-property.yaml')}:10:5 /cases/0: unknown property "colour"`,
    ]);
  });

  it('a missing required property points at the object', () => {
    expect(problems('bad-missing-required.yaml')).toStrictEqual([
      `${fx('bad-missing-required.yaml')}:6:5 /cases/0: missing required property "requirement"`,
    ]);
  });

  it('wrong types: one sentence per value, the payload shapes merged', () => {
    const f = fx('bad-wrong-type.yaml');
    expect(problems('bad-wrong-type.yaml')).toStrictEqual([
      `${f}:7:12 /cases/0/title: must be string`,
      `${f}:11:15 /cases/0/steps/0/send: must be string or object or array`,
      // `equals: [1]` is a list, which is allowed: the problem is its element, not the list.
      `${f}:13:20 /cases/0/steps/0/expect/equals/0: must be string or object`,
    ]);
  });

  it('a payload object of the wrong shape: only the shape it came closest to', () => {
    const f = fx('bad-payload-shape.yaml');
    expect(problems('bad-payload-shape.yaml')).toStrictEqual([
      `${f}:11:15 /cases/0/steps/0/send: missing required property "bytes"`,
      `${f}:12:22 /cases/0/steps/1/send/hex: must match pattern "^([0-9a-fA-F]{2}|\\s)*$"`,
      `${f}:13:32 /cases/0/steps/2/send/1/delayMs: must be integer`,
    ]);
  });

  it('bad enum values list what is allowed', () => {
    const f = fx('bad-enum.yaml');
    expect(problems('bad-enum.yaml')).toStrictEqual([
      `${f}:3:10 /service: must be one of "udp", "tcp", "http"`,
      `${f}:12:15 /cases/0/steps/0/then: must be one of "half-close", "keep-open", "close", "reset"`,
    ]);
  });

  it('a case id used twice in one file points at the second', () => {
    expect(problems('bad-duplicate-id.yaml')).toStrictEqual([
      `${fx('bad-duplicate-id.yaml')}:12:5 /cases/1: case id "same" is used twice in this spec`,
    ]);
  });

  it('a case id used in two files, through loadSpecs', () => {
    expect(problemsOf(() => loadSpecs([fx('dup-across-a.yaml'), fx('dup-across-b.yaml')]))).toStrictEqual([
      `${fx('dup-across-b.yaml')}:12:5 /cases/1: case id "shared.id" is also used in ${fx('dup-across-a.yaml')}`,
    ]);
  });

  it('an unknown variable and an unknown filter', () => {
    const f = fx('bad-template.yaml');
    expect(problems('bad-template.yaml')).toStrictEqual([
      `${f}:11:15 /cases/0/steps/0/send: unknown variable {{nope}}: declare it under "vars" or "draw", or capture it in an earlier step`,
      `${f}:11:15 /cases/0/steps/0/send: unknown filter "shout" in {{uid}}`,
    ]);
  });

  it('a regex that does not compile, said once', () => {
    expect(problems('bad-regex.yaml')).toStrictEqual([
      `${fx('bad-regex.yaml')}:13:11 /cases/0/steps/0/expect: invalid regular expression: /a(b/u: Unterminated group`,
    ]);
  });

  it('connect without a client', () => {
    expect(problems('bad-connect.yaml')).toStrictEqual([
      `${fx('bad-connect.yaml')}:11:9 /cases/0/steps/0: "connect" needs "client" too`,
    ]);
  });

  it('then in a udp spec points at the key', () => {
    expect(problems('bad-udp-then.yaml')).toStrictEqual([
      `${fx('bad-udp-then.yaml')}:12:9 /cases/0/steps/0: udp steps do not use "then" (tcp steps do)`,
    ]);
  });

  it('reports every problem of a file at once', () => {
    const f = fx('bad-several.yaml');
    expect(problems('bad-several.yaml')).toStrictEqual([
      `${f}:1:7 /name: must match pattern "^[a-z0-9][a-z0-9-]*$"`,
      `${f}:4:7 /port: must be <= 65535`,
      `${f}:9:11 /cases/0/tags: must NOT have fewer than 1 items`,
      // A udp step resends only while it waits for an expected reply.
      `${f}:11:9 /cases/0/steps/0: "retries" needs "expect" too`,
      `${f}:12:18 /cases/0/steps/0/retries: must be >= 0`,
      `${f}:13:5 /cases/1: missing required property "title"`,
      `${f}:16:12 /cases/1/steps: must NOT have fewer than 1 items`,
    ]);
  });

  it('loadSpecs collects the problems of every file before throwing', () => {
    expect(
      problemsOf(() => loadSpecs([fx('bad-connect.yaml'), fx('valid-tcp.yaml'), fx('bad-udp-then.yaml')])),
    ).toStrictEqual([
      `${fx('bad-connect.yaml')}:11:9 /cases/0/steps/0: "connect" needs "client" too`,
      `${fx('bad-udp-then.yaml')}:12:9 /cases/0/steps/0: udp steps do not use "then" (tcp steps do)`,
    ]);
  });

  it('an unknown built-in name lists the built-ins', () => {
    expect(problemsOf(() => loadSpec('nosuch'))).toStrictEqual([
      `nosuch:1:1 /: no built-in spec "nosuch" (built-in: ${builtinSpecNames().join(', ')}); give a path to a .yaml file for your own`,
    ]);
  });

  it('a missing file', () => {
    expect(problems('nope.yaml')).toStrictEqual([`${fx('nope.yaml')}:1:1 /: cannot read nope.yaml: no such file`]);
  });

  it('an empty document is not a spec', () => {
    expect(problemsOf(() => parseSpec('', 'empty.yaml'))).toStrictEqual(['empty.yaml:1:1 /: must be object']);
  });
});

describe('the built-in specs', () => {
  const names = builtinSpecNames();

  it('start with udp-echo and tcp-echo, the order of the lab', () => {
    expect(names.slice(0, 2)).toStrictEqual(['udp-echo', 'tcp-echo']);
  });

  it.each(names)('%s loads, named by its path in the package', (name) => {
    const spec = loadSpec(name);
    expect(spec.name).toBe(name);
    expect(spec.file).toBe(`specs/${name}.yaml`);
    expect(spec.cases.length).toBeGreaterThan(0);
  });

  it.each(names)('%s points editors at the schema on its first line', (name) => {
    const first = readFileSync(path.join(BUILTIN_DIR, `${name}.yaml`), 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=../schema/spec.schema.json');
  });

  it('load together without a case id used twice', () => {
    const specs = loadSpecs(names);
    const ids = specs.flatMap((s) => s.cases.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
