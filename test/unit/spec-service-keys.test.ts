// A spec cannot drop an instruction: each service's steps and expectations take
// exactly the keys its step runner reads (src/run/steps/), and
// a key it would ignore is refused where it stands, by `validate` and by an editor.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/spec/load.js';
import { SCHEMA_PATH } from '../../src/paths.js';
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

// `alone` appends "exclusive: true" after the steps (lines stay put): cases whose verdict depends on other clients need it.
const spec = (service: string, step: string, alone = false) => `name: r
title: R
service: ${service}
port: 1
cases:
  - id: r.a
    title: A
    requirement: R
    tags: [core]
    steps:
${step}${alone ? '    exclusive: true\n' : ''}`;

const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
const keys = (def: string) => Object.keys(schema.definitions[def].properties);

describe('each service takes exactly the keys its runner reads', () => {
  it('udp steps: no connect, then; close only as "close" (a datagram socket has no reset)', () => {
    expect(keys('udpStep').sort()).toStrictEqual([
      'burst',
      'client',
      'clients',
      'close',
      'delayMs',
      'expect',
      'label',
      'repeat',
      'retries',
      'send',
      'timeoutMs',
    ]);
    expect(schema.definitions.udpStep.properties.close).toMatchObject({ const: 'close' });
  });

  it('tcp steps: no burst, no retries', () => {
    expect(keys('tcpStep').sort()).toStrictEqual([
      'client',
      'clients',
      'close',
      'connect',
      'delayMs',
      'expect',
      'label',
      'repeat',
      'send',
      'then',
      'timeoutMs',
    ]);
  });

  it('http steps: no send, then, connect, close, burst or retries', () => {
    expect(keys('httpStep').sort()).toStrictEqual([
      'capture',
      'client',
      'clients',
      'collect',
      'delayMs',
      'expect',
      'jar',
      'label',
      'raw',
      'repeat',
      'request',
      'timeoutMs',
    ]);
  });

  it('expectations: timing and silence where a socket reply has them, HTTP keys only for http', () => {
    const extra = (def: string) => keys(def).filter((k) => !keys('bodyMatch').includes(k));
    expect(extra('udpExpect')).toStrictEqual(['replyWithinMs', 'noReply']);
    expect(extra('tcpExpect')).toStrictEqual(['replyWithinMs', 'closedWithinMs', 'noReply']);
    expect(keys('httpExpect')).toStrictEqual([
      'status',
      'orClosed',
      'headers',
      'body',
      'framing',
      'setCookie',
      'keepAlive',
    ]);
  });
});

describe('a key the service does not use is refused with file:line:col, naming who uses it', () => {
  it('an http step with retries, then: reset and replyWithinMs: three problems, no oneOf or if/then noise', () => {
    expect(
      problems(
        spec(
          'http',
          '      - request: { target: / }\n        retries: 5\n        then: reset\n        expect: { status: 200, replyWithinMs: 0 }\n',
        ),
      ),
    ).toStrictEqual([
      'r.yaml:12:9 /cases/0/steps/0: http steps do not use "retries" (udp steps do)',
      'r.yaml:13:9 /cases/0/steps/0: http steps do not use "then" (tcp steps do)',
      'r.yaml:14:32 /cases/0/steps/0/expect: http expectations do not use "replyWithinMs" (udp and tcp expectations do)',
    ]);
  });

  it('a reply matcher on an http expectation points at the body', () => {
    expect(problems(spec('http', '      - request: { target: / }\n        expect: { contains: x }\n'))).toStrictEqual([
      'r.yaml:12:19 /cases/0/steps/0/expect: http expectations do not use "contains" (udp and tcp expectations do; for the body, write expect.body.contains)',
    ]);
  });

  it('udp: then, connect and closedWithinMs', () => {
    expect(
      problems(
        spec(
          'udp',
          '      - send: x\n        then: close\n        expect: { closedWithinMs: 5 }\n      - client: a\n        connect: true\n',
        ),
      ),
    ).toStrictEqual([
      'r.yaml:12:9 /cases/0/steps/0: udp steps do not use "then" (tcp steps do)',
      'r.yaml:13:19 /cases/0/steps/0/expect: udp expectations do not use "closedWithinMs" (tcp expectations do)',
      'r.yaml:15:9 /cases/0/steps/1: udp steps do not use "connect" (tcp steps do)',
    ]);
  });

  it('tcp: burst and retries; http keys', () => {
    expect(
      problems(
        spec(
          'tcp',
          '      - send: x\n        repeat: 2\n        burst: true\n        retries: 2\n        jar: j\n        expect: { status: 200 }\n',
        ),
      ),
    ).toStrictEqual([
      'r.yaml:13:9 /cases/0/steps/0: tcp steps do not use "burst" (udp steps do)',
      'r.yaml:14:9 /cases/0/steps/0: tcp steps do not use "retries" (udp steps do)',
      'r.yaml:15:9 /cases/0/steps/0: tcp steps do not use "jar" (http steps do)',
      'r.yaml:16:19 /cases/0/steps/0/expect: tcp expectations do not use "status" (http expectations do)',
    ]);
  });

  it('matchers of one subject on another: tokens on a body, containsEach on a header', () => {
    expect(
      problems(
        spec(
          'http',
          '      - request: { target: / }\n        expect:\n          body: { tokens: [a] }\n          headers: { X: { containsEach: { each: a, count: 1 } } }\n',
        ),
      ),
    ).toStrictEqual([
      'r.yaml:13:19 /cases/0/steps/0/expect/body: body expectations do not use "tokens" (header expectations do)',
      'r.yaml:14:27 /cases/0/steps/0/expect/headers/X: header expectations do not use "containsEach" (body expectations do)',
    ]);
  });

  it('a key no service knows gets a suggestion', () => {
    expect(problems(spec('http', '      - request: { target: / }\n        expect: { stauts: 200 }\n'))).toStrictEqual([
      'r.yaml:12:19 /cases/0/steps/0/expect: unknown property "stauts" (did you mean "status"?)',
    ]);
    expect(problems(spec('tcp', '      - sned: x\n'))).toStrictEqual([
      'r.yaml:11:9 /cases/0/steps/0: unknown property "sned" (did you mean "send"?)',
    ]);
  });

  it('an expectation on a step that sends nothing (its runner skips such a step)', () => {
    expect(problems(spec('tcp', '      - client: a\n        expect: { equals: x }\n'))).toStrictEqual([
      'r.yaml:11:9 /cases/0/steps/0: "expect" needs "send" too',
    ]);
    expect(problems(spec('http', '      - client: a\n        expect: { status: 200 }\n'))).toStrictEqual([
      'r.yaml:12:9 /cases/0/steps/0: a step that expects a response must send a "request" or "raw" bytes',
    ]);
  });

  it('an editor reading the schema refuses the same keys', () => {
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
    const data = {
      name: 'r',
      title: 'R',
      service: 'http',
      port: 1,
      cases: [{ id: 'r.a', title: 'A', requirement: 'R', tags: ['core'], steps: [{ request: {}, retries: 5 }] }],
    };
    expect(validate(data)).toBe(false);
    expect(validate.errors).toContainEqual(
      expect.objectContaining({
        instancePath: '/cases/0/steps/0',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'retries' },
      }),
    );
    data.service = 'udp';
    data.cases[0].steps = [{ send: 'x', retries: 5, expect: { equals: 'x' } } as never];
    expect(validate(data)).toBe(true);
  });
});

describe('keys that their neighbours make a no-op', () => {
  it('a connect or close step does nothing else', () => {
    expect(problems(spec('tcp', '      - client: a\n        connect: true\n        send: x\n', true))).toStrictEqual([
      'r.yaml:13:9 /cases/0/steps/0: a "connect" step does only that: its "send" would never be used; put it in a step of its own',
    ]);
  });

  it('nothing is read after then: close or reset', () => {
    expect(
      problems(spec('tcp', '      - send: x\n        then: reset\n        expect: { noReply: true }\n', true)),
    ).toStrictEqual([
      'r.yaml:13:9 /cases/0/steps/0: after "then: reset" nothing is read, so this "expect" would never be checked; use then: half-close or keep-open',
    ]);
  });

  it('a udp burst: no retries, no per-reply timing, no noReply', () => {
    expect(
      problems(
        spec(
          'udp',
          '      - send: x\n        repeat: 3\n        burst: true\n        retries: 1\n        expect: { equals: x, replyWithinMs: 5 }\n',
          true,
        ),
      ),
    ).toStrictEqual([
      'r.yaml:14:9 /cases/0/steps/0: a burst sends each message once: "retries" is not used with "burst"',
      'r.yaml:15:30 /cases/0/steps/0/expect: replies to a burst are not timed one by one: "replyWithinMs" is not used with "burst" (the step\'s timeoutMs bounds them all)',
    ]);
    expect(
      problems(
        spec(
          'udp',
          '      - send: x\n        repeat: 3\n        burst: true\n        expect: { noReply: true }\n',
          true,
        ),
      ),
    ).toStrictEqual([
      'r.yaml:14:19 /cases/0/steps/0/expect: a burst waits for a reply to every message: "noReply" is not used with "burst"',
    ]);
  });

  it('collect needs several requests to collect from', () => {
    expect(
      problems(
        spec(
          'http',
          '      - request: { target: / }\n        capture: { sid: { setCookie: value } }\n        collect: { sid: { distinct: true } }\n',
        ),
      ),
    ).toStrictEqual([
      'r.yaml:13:9 /cases/0/steps/0: "collect" checks the values of several requests: use it with "repeat" or "clients"',
    ]);
  });

  it('a udp step that expects no reply sends once', () => {
    expect(
      problems(spec('udp', '      - send: x\n        retries: 2\n        expect: { noReply: true }\n')),
    ).toStrictEqual([
      'r.yaml:12:9 /cases/0/steps/0: a step that expects no reply sends once: "retries" is not used with "noReply"',
    ]);
  });

  it('what each runner does read still validates', () => {
    expect(
      problems(
        spec(
          'udp',
          '      - send: x\n        retries: 2\n        expect: { equals: x, replyWithinMs: 500 }\n      - send: y\n        repeat: 3\n        burst: true\n        expect: { equals: y }\n',
          true,
        ),
      ),
    ).toStrictEqual([]);
    expect(
      problems(
        spec(
          'tcp',
          '      - client: a\n        connect: true\n      - client: a\n        send: x\n        then: keep-open\n        expect: { equals: x, closedWithinMs: 100 }\n      - client: a\n        close: reset\n',
          true,
        ),
      ),
    ).toStrictEqual([]);
    expect(
      problems(
        spec(
          'http',
          '      - request: { target: / }\n        expect:\n          status: 200\n          body: { containsEach: { each: "k{{n}}", count: 2 } }\n          setCookie: { value: { matches: "^[0-9a-f]+$" } }\n',
        ),
      ),
    ).toStrictEqual([]);
  });
});
