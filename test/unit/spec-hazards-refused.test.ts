// Spec mistakes that would only show in a run are refused at load: a regex that can
// backtrack exponentially (it would block the event loop past every deadline), {{n}}
// outside `each`, a YAML alias bomb, an unknown variable in a header name.
import { describe, expect, it } from 'vitest';
import { loadSpecs, parseSpec } from '../../src/spec/load.js';
import { nestedQuantifier } from '../../src/spec/lint.js';
import { SpecError, formatProblem } from '../../src/errors.js';

function problems(text: string): string[] {
  try {
    parseSpec(text, 'r.yaml');
  } catch (err) {
    if (err instanceof SpecError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

const spec = (service: string, step: string) => `name: r
title: R
service: ${service}
port: 1
cases:
  - id: r.a
    title: A
    requirement: R
    tags: [core]
    steps:
${step}`;

describe('a regular expression that can backtrack exponentially is a spec problem', () => {
  it('names the nested repetition in expect.body.matches', () => {
    expect(
      problems(spec('http', '      - request: { target: / }\n        expect: { body: { matches: "^(a+)+$" } }\n')),
    ).toEqual([
      'r.yaml:12:27 /cases/0/steps/0/expect/body: regular expression /^(a+)+$/ repeats a group that itself repeats ("(a+)+"): on a long reply that takes exponential time and hangs netgrade; rewrite it without the nesting',
    ]);
  });

  it('and in expect.matches, header matches and body captures', () => {
    expect(problems(spec('tcp', '      - send: x\n        expect: { matches: "(\\\\w*,)*$" }\n'))).toHaveLength(1);
    expect(
      problems(
        spec('http', '      - request: { target: / }\n        expect: { headers: { X: { matches: "(?:a*)*b" } } }\n'),
      ),
    ).toHaveLength(1);
    expect(
      problems(spec('http', '      - request: { target: / }\n        capture: { v: { body: "((a+)b){2,}" } }\n')),
    ).toHaveLength(1);
  });

  it('finds the nesting, not merely repetition', () => {
    expect(nestedQuantifier('^(a+)+$')).toBe('(a+)+');
    expect(nestedQuantifier('((a+)b)*')).toBe('((a+)b)*');
    expect(nestedQuantifier('(a+){2,}x')).toBe('(a+){2,}');
    expect(nestedQuantifier('(\\d+)*')).toBe('(\\d+)*');
    for (const safe of [
      'visits: 1(?!\\d)',
      'no-cache="?set-cookie"?|private|no-store',
      '(ab)+',
      '[(]+a+',
      '(a)+\\d+',
      'a\\(+',
      '(a{1,3})',
    ]) {
      expect([safe, nestedQuantifier(safe)]).toEqual([safe, undefined]);
    }
  });

  it('leaves every built-in spec alone', () => {
    expect(() => loadSpecs(['udp-echo', 'tcp-echo', 'kv-http', 'conditional-get', 'cookies'])).not.toThrow();
  });
});

describe('{{n}} outside "each"', () => {
  it('is a spec problem where it stands', () => {
    expect(problems(spec('tcp', '      - send: "x{{n}}"\n        expect: { equals: X1 }\n'))).toEqual([
      'r.yaml:11:15 /cases/0/steps/0/send: {{n}} is only defined inside "each" (the number of the entry, 1 to count)',
    ]);
  });

  it('is fine inside a payload each and a containsEach', () => {
    expect(problems(spec('tcp', '      - send: { each: "k{{n}}", count: 3 }\n'))).toEqual([]);
    expect(
      problems(
        spec(
          'http',
          '      - request: { target: / }\n        expect: { body: { containsEach: { each: "k{{n}}", count: 3 } } }\n',
        ),
      ),
    ).toEqual([]);
  });
});

describe('a YAML alias bomb', () => {
  it('is a one-line spec problem, not an internal error with a stack trace', () => {
    const level = (name: string, of: string) => `  ${name}: &${name} [${Array(10).fill(of).join(', ')}]\n`;
    const text = `name: bomb\ntitle: B\nservice: tcp\nport: 1\nvars:\n${level('a', '"x"')}${level('b', '*a')}${level('c', '*b')}${level('d', '*c')}${level('e', '*d')}cases: []\n`;
    expect(problems(text)).toEqual([
      'r.yaml:1:1 /: YAML: Excessive alias count indicates a resource exhaustion attack',
    ]);
  });
});

describe('a placeholder in a header name', () => {
  it('names a variable like any other: an unknown one is a spec problem', () => {
    expect(problems(spec('http', '      - request: { target: /, headers: { "{{nope}}": x } }\n'))).toEqual([
      'r.yaml:11:54 /cases/0/steps/0/request/headers/{{nope}}: unknown variable {{nope}}: declare it under "vars" or "draw", or capture it in an earlier step',
    ]);
  });

  it('and a captured one is known to the steps after it', () => {
    const steps =
      '      - request: { target: / }\n        capture: { h: { validator: name }, v: { validator: value } }\n      - request: { target: /, headers: { "{{h}}": "{{v}}" } }\n';
    expect(problems(spec('http', steps))).toEqual([]);
  });
});
