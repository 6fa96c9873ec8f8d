// The matcher table (src/spec/matchers.ts) and its one predicate module: the schema
// says what the table says, every matcher has a passing and a failing example here,
// and a wrong value gets the same sentence whichever subject it is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkResponse, type HttpObservation } from '../../src/check/http.js';
import { judge, type MatchSet, type Subject } from '../../src/check/predicate.js';
import { checkReply } from '../../src/check/reply.js';
import { parseResponse, type HttpResponse } from '../../src/http/response.js';
import { SCHEMA_PATH } from '../../src/paths.js';
import {
  MATCHERS,
  MATCHER_HOMES,
  MATCHER_KEYWORDS,
  SUBJECT_KINDS,
  matcherProperties,
  syncMatcherSchema,
  type MatcherKeyword,
} from '../../src/spec/matchers.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));

function response(raw: string): HttpResponse {
  const p = parseResponse(Buffer.from(raw, 'utf8'), { method: 'GET', closed: true });
  if (p.state !== 'complete') throw new Error('incomplete');
  return p.response;
}
const observe = (res: HttpResponse): HttpObservation => ({
  response: res,
  deviations: [],
  timedOut: false,
  timeoutMs: 2000,
  peerClosed: true,
  now: new Date(),
});
const withBody = (body: string) => response(`HTTP/1.1 200 OK\r\nContent-Length: ${b(body).length}\r\n\r\n${body}`);
const subject = (bytes: string, kind: Subject['kind'] = 'reply'): Subject => ({ kind, name: 'X', bytes: b(bytes) });

describe('the schema and the table agree', () => {
  it("each home in the schema lists exactly the matchers of its subject, with the table's fragment (run `npm run build` to write them)", () => {
    expect(syncMatcherSchema(schema)).toStrictEqual(schema);
  });

  it('a matcher keyword in the schema that the table does not have fails the check', () => {
    const stale = structuredClone(schema);
    stale.definitions.bodyMatch.properties.tokens = { type: 'array' };
    expect(syncMatcherSchema(stale)).not.toStrictEqual(stale);
    expect(syncMatcherSchema(stale).definitions.bodyMatch.properties.tokens).toBeUndefined();
  });

  it('every subject has a home, and every matcher a subject', () => {
    expect(new Set(Object.values(MATCHER_HOMES))).toStrictEqual(new Set(SUBJECT_KINDS));
    for (const k of MATCHER_KEYWORDS)
      expect([k, MATCHERS[k].subjects.length > 0 && MATCHERS[k].description.length > 0]).toStrictEqual([k, true]);
  });

  it('the reply, body, header and cookie homes take the keywords the table gives them', () => {
    expect(Object.keys(matcherProperties('reply'))).toStrictEqual([
      'equals',
      'notEquals',
      'length',
      'contains',
      'notContains',
      'matches',
      'containsEach',
    ]);
    expect(Object.keys(matcherProperties('header'))).toStrictEqual([
      'equals',
      'notEquals',
      'length',
      'contains',
      'notContains',
      'matches',
      'tokens',
      'imfFixdate',
      'entityTag',
      'notAfter',
      'nearNow',
      'laterThan',
    ]);
    expect(Object.keys(schema.definitions.tcpExpect.properties)).toStrictEqual([
      ...Object.keys(matcherProperties('reply')),
      'replyWithinMs',
      'closedWithinMs',
      'noReply',
    ]);
    expect(Object.keys(schema.definitions.headerMatch.properties)).toStrictEqual([
      ...Object.keys(matcherProperties('header')),
      'present',
    ]);
  });
});

/** For each matcher: a rendered argument, a subject that meets it, one that does not, and the sentence. */
const EXAMPLES: Record<
  MatcherKeyword,
  { want: MatchSet; pass: Subject; fail: Subject; message: string; expected: string }
> = {
  equals: {
    want: { equals: b('HELLO') },
    pass: subject('HELLO'),
    fail: subject('HELLO\n'),
    message: 'X has 1 extra byte at the end: "\\n"',
    expected: 'HELLO',
  },
  notEquals: {
    want: { notEquals: '"v1"' },
    pass: subject('"v2"'),
    fail: subject('"v1"'),
    message: 'X is still ""v1""; it must differ from that',
    expected: 'not ""v1""',
  },
  length: {
    want: { length: 3 },
    pass: subject('abc'),
    fail: subject('ab'),
    message: 'X is 2 bytes; expected 3',
    expected: '3 bytes',
  },
  contains: {
    want: { contains: 'OK' },
    pass: subject('is OK'),
    fail: subject('ERR\r\n'),
    message: 'X does not contain "OK"',
    expected: 'contains "OK"',
  },
  notContains: {
    want: { notContains: 'debug' },
    pass: subject('clean'),
    fail: subject('a debug b'),
    message: 'X contains "debug", which it must not',
    expected: 'no "debug"',
  },
  matches: {
    want: { matches: /^\d+$/u },
    pass: subject('42'),
    fail: subject('4x'),
    message: 'X does not match /^\\d+$/',
    expected: 'matches /^\\d+$/',
  },
  containsEach: {
    want: { containsEach: ['k1', 'k2'] },
    pass: subject('k2 k1'),
    fail: subject('k1'),
    message: 'X lacks 1 of 2 expected entries, e.g. "k2"',
    expected: 'all 2 entries',
  },
  tokens: {
    want: { tokens: ['GET', 'HEAD'] },
    pass: subject('get, head, post', 'header'),
    fail: subject('GET', 'header'),
    message: 'X is "GET"; it must list GET, HEAD (missing HEAD)',
    expected: 'listing GET, HEAD',
  },
  imfFixdate: {
    want: { imfFixdate: true },
    pass: subject('Sun, 06 Nov 1994 08:49:37 GMT', 'header'),
    fail: subject('Sun, 06 Nov 1994 08:49:37 KST', 'header'),
    message:
      'X "Sun, 06 Nov 1994 08:49:37 KST" ends in KST; HTTP dates are always GMT (the form is "Sun, 06 Nov 1994 08:49:37 GMT", IMF-fixdate)',
    expected: 'an IMF-fixdate',
  },
  entityTag: {
    want: { entityTag: true },
    pass: subject('W/"a"', 'header'),
    fail: subject('abc', 'header'),
    message: 'X is "abc", which is not an entity-tag: it must be a quoted string such as "abc" or W/"abc"',
    expected: 'an entity-tag',
  },
  notAfter: {
    want: { notAfter: 'Date' },
    pass: { ...subject('Sun, 06 Nov 1994 08:49:37 GMT', 'header'), header: () => 'Sun, 06 Nov 1994 08:49:38 GMT' },
    fail: { ...subject('Sun, 06 Nov 1994 08:49:39 GMT', 'header'), header: () => 'Sun, 06 Nov 1994 08:49:38 GMT' },
    message:
      'X (Sun, 06 Nov 1994 08:49:39 GMT) is later than Date (Sun, 06 Nov 1994 08:49:38 GMT); it must not be in the future',
    expected: 'not later than Date',
  },
  nearNow: {
    want: { nearNow: 900 },
    pass: { ...subject('Sun, 06 Nov 1994 08:49:37 GMT', 'header'), receivedAt: new Date('1994-11-06T08:50:00Z') },
    fail: { ...subject('Sun, 06 Nov 1994 08:49:37 GMT', 'header'), receivedAt: new Date('2026-11-28T12:00:00Z') },
    message:
      'X is "Sun, 06 Nov 1994 08:49:37 GMT", 11710 days before the response came (Sat, 28 Nov 2026 12:00:00 GMT); ' +
      'it must be the time the response was sent, within 900 s',
    expected: 'within 900 s of the time the response came',
  },
  laterThan: {
    want: { laterThan: 'Sun, 06 Nov 1994 08:49:37 GMT' },
    pass: subject('Sun, 06 Nov 1994 08:49:38 GMT', 'header'),
    fail: subject('Sun, 06 Nov 1994 08:49:37 GMT', 'header'),
    message:
      'X is "Sun, 06 Nov 1994 08:49:37 GMT"; after the change it must be later than "Sun, 06 Nov 1994 08:49:37 GMT"',
    expected: 'later than Sun, 06 Nov 1994 08:49:37 GMT',
  },
};

describe('each matcher', () => {
  it('has an example here (add one with a new matcher)', () => {
    expect(Object.keys(EXAMPLES).sort()).toStrictEqual([...MATCHER_KEYWORDS].sort());
  });

  it.each(MATCHER_KEYWORDS)('%s: passes the right value, fails the wrong one with its sentence', (k) => {
    const ex = EXAMPLES[k];
    expect(judge(ex.want, ex.pass)).toBeUndefined();
    expect(judge(ex.want, ex.fail)).toMatchObject({ keyword: k, message: ex.message, expected: ex.expected });
  });

  it('the first failing matcher in table order names the problem: equals before length before contains', () => {
    expect(judge({ contains: 'Z', length: 9, equals: b('abc') }, subject('abd'))?.keyword).toBe('equals');
    expect(judge({ contains: 'Z', length: 9 }, subject('abd'))?.keyword).toBe('length');
  });
});

describe('one sentence for the same wrong bytes, whatever the subject', () => {
  const reply = (want: MatchSet, got: string) => checkReply(want, { bytes: b(got), timedOut: false, timeoutMs: 2000 });
  const body = (want: MatchSet, got: string) => checkResponse({ body: want }, observe(withBody(got)));

  it('an HTTP body with one extra byte gets the explanation a TCP reply gets', () => {
    expect(reply({ equals: b('HELLO') }, 'HELLO\n')?.message).toBe('the reply has 1 extra byte at the end: "\\n"');
    expect(body({ equals: b('HELLO') }, 'HELLO\n')).toStrictEqual({
      message: 'the body has 1 extra byte at the end: "\\n"',
      expected: 'HELLO',
      actual: 'HELLO\\n',
    });
  });

  it.each([
    [{ equals: b('HELLO WORLD') }, 'HELLO world'],
    [{ equals: b('HELLO WORLD') }, 'HELLO'],
    [{ length: 5 }, 'abc'],
    [{ contains: 'OK\r\n' }, 'ERR\r\n'],
    [{ notContains: 'debug' }, 'x debug y'],
    [{ matches: /^HELLO \d+$/u }, 'HELLO x'],
    [{ containsEach: ['a1', 'a2'] }, 'a1'],
  ] as Array<[MatchSet, string]>)('%o against %j: reply and body say the same', (want, got) => {
    const r = reply(want, got)!;
    const h = body(want, got)!;
    expect(h.message).toBe(r.message.replace(/^the reply/, 'the body'));
    expect([h.expected, h.actual]).toStrictEqual([r.expected, r.actual]);
  });

  it('a header value and a cookie value get the same explanation too', () => {
    const res = response('HTTP/1.1 200 OK\r\nETag: "v1"x\r\nSet-Cookie: sid=abcx; Path=/\r\nContent-Length: 0\r\n\r\n');
    expect(checkResponse({ headers: [['ETag', { equals: b('"v1"') }]] }, observe(res))).toStrictEqual({
      message: 'ETag has 1 extra byte at the end: "x"',
      expected: 'ETag: "v1"',
      actual: 'ETag: "v1"x',
    });
    expect(checkResponse({ setCookie: { value: { equals: b('abc') } } }, observe(res))?.message).toBe(
      'the cookie sid has 1 extra byte at the end: "x"',
    );
    expect(checkResponse({ setCookie: { value: { matches: /^[0-9a-f]{32}$/u } } }, observe(res))?.message).toBe(
      'the cookie sid does not match /^[0-9a-f]{32}$/',
    );
    expect(checkResponse({ setCookie: { value: { length: 4 } } }, observe(res))).toBeUndefined();
  });

  it('a cookie matcher without a Set-Cookie says so', () => {
    expect(checkResponse({ setCookie: { value: { length: 4 } } }, observe(withBody('')))?.message).toBe(
      'the response has no Set-Cookie header',
    );
  });

  it('a header named with no matchers must be there', () => {
    expect(checkResponse({ headers: [['ETag', {}]] }, observe(withBody('')))?.message).toBe(
      'the response has no ETag header',
    );
    expect(checkResponse({ headers: [['ETag', { present: false }]] }, observe(withBody('')))).toBeUndefined();
  });

  it('a missing header names what it should have been', () => {
    expect(checkResponse({ headers: [['ETag', { entityTag: true }]] }, observe(withBody('')))).toStrictEqual({
      message: 'the response has no ETag header',
      expected: 'ETag: an entity-tag',
      actual: '(no ETag header)',
    });
  });
});
