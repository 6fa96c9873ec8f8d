import { describe, it, expect } from 'vitest';
import {
  parseSetCookie,
  cookieAttribute,
  cookieLifetime,
  parseCookieHeader,
  formatCookieHeader,
} from '../../src/http/set-cookie.js';

const VALUE_TAIL = 'cookie values may not contain spaces, commas, semicolons or backslashes, even inside quotes';
const SEPARATOR = 'the separator between attributes must be "; " (semicolon and one space)';
const NOW = new Date('2025-06-01T00:00:00Z');

const problemsOf = (h: string) => parseSetCookie(h).problems;

describe('parseSetCookie: valid headers', () => {
  it('splits name, value and attributes', () => {
    expect(parseSetCookie('sid=3f2a9c0e; Path=/; HttpOnly; Max-Age=3600')).toStrictEqual({
      name: 'sid',
      value: '3f2a9c0e',
      attributes: [
        { name: 'Path', value: '/' },
        { name: 'HttpOnly', value: undefined },
        { name: 'Max-Age', value: '3600' },
      ],
      problems: [],
    });
  });

  it('accepts an IMF-fixdate Expires', () => {
    expect(parseSetCookie('sid=abc; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Path=/')).toStrictEqual({
      name: 'sid',
      value: 'abc',
      attributes: [
        { name: 'Expires', value: 'Wed, 21 Oct 2099 07:28:00 GMT' },
        { name: 'Path', value: '/' },
      ],
      problems: [],
    });
  });

  it('accepts the RFC 6265 §3.1 examples and other valid forms', () => {
    for (const h of [
      'SID=31d4d96e407aad42',
      'SID=31d4d96e407aad42; Path=/; Domain=example.com',
      'SID=31d4d96e407aad42; Path=/; Secure; HttpOnly',
      'lang=en-US; Path=/; Domain=example.com',
      'lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT',
      'sid="abc"',
      'sid=',
      "sid=a!#$%&'()*+-./:<=>?@[]^_`{|}~",
      'sid=abc; secure; httponly; path=/; max-age=60',
      'sid=abc; SameSite=Lax; Partitioned',
      'sid=abc; Path=/a b',
      'sid=abc; Domain=127.0.0.1',
      'sid=abc; Domain=localhost',
    ]) {
      expect(problemsOf(h), h).toStrictEqual([]);
    }
  });

  it('keeps the quotes of a quoted value', () => {
    expect(parseSetCookie('sid="abc"').value).toBe('"abc"');
  });
});

describe('parseSetCookie: problems', () => {
  const cases: Array<[string, string[]]> = [
    ['a b=c', ['cookie name "a b" is not a token']],
    ['a/b=c', ['cookie name "a/b" is not a token']],
    ['=abc', ['the cookie has no name before "="']],
    ['abc', ['the cookie-pair "abc" has no "="; write name=value']],
    ['', ['the Set-Cookie header is empty']],
    ['; Path=/', ['the header does not start with a name=value pair']],
    ['sid = abc', ['the cookie-pair must not have spaces around "="']],
    ['sid=hello world', [`cookie value contains a space; ${VALUE_TAIL}`]],
    ['sid="hello world"', [`cookie value contains a space; ${VALUE_TAIL}`]],
    [
      'sid=a,b\\c',
      [`cookie value contains a comma; ${VALUE_TAIL}`, `cookie value contains a backslash; ${VALUE_TAIL}`],
    ],
    ['sid=a b c', [`cookie value contains a space; ${VALUE_TAIL}`]],
    ['sid=a"b', ['cookie value contains a double quote; quotes may only wrap the whole value']],
    ['sid="abc', ['cookie value contains a double quote; quotes may only wrap the whole value']],
    ['sid=a\tb', ['cookie value contains a control character (such as a tab or line break)']],
    ['sid=caf\u00e9', ['cookie value contains a non-ASCII character; percent-encode or base64 it']],
    ['sid=abc;Path=/', [SEPARATOR]],
    ['sid=abc;  Path=/', [SEPARATOR]],
    ['sid=abc ; Path=/', [SEPARATOR]],
    ['sid=abc;\tPath=/', [SEPARATOR]],
    ['sid=abc;Path=/;HttpOnly', [SEPARATOR]],
    ['sid=abc; Path=/;', ['the header ends with ";"; remove the trailing semicolon']],
    ['sid=abc;', ['the header ends with ";"; remove the trailing semicolon']],
    ['sid=abc; ; Path=/', ['there is an empty attribute between two semicolons']],
    ['sid=abc; Max-Age=abc', ['attribute "Max-Age=abc" is not a number']],
    ['sid=abc; Max-Age=1.5', ['attribute "Max-Age=1.5" is not a number']],
    [
      'sid=abc; Max-Age=0',
      ['attribute "Max-Age=0" must be at least 1; to delete a cookie send an Expires date in the past'],
    ],
    [
      'sid=abc; Max-Age=-1',
      ['attribute "Max-Age=-1" must be at least 1; to delete a cookie send an Expires date in the past'],
    ],
    ['sid=abc; Max-Age=0600', ['attribute "Max-Age=0600" has a leading zero']],
    ['sid=abc; Max-Age', ['attribute "Max-Age" needs a value, e.g. "Max-Age=3600"']],
    ['sid=abc; Expires=tomorrow', ['Expires "tomorrow" is not an HTTP date (use IMF-fixdate)']],
    [
      'sid=abc; Expires=Wed, 21 Oct 2099 07:28:00 KST',
      ['Expires "Wed, 21 Oct 2099 07:28:00 KST" ends in KST; HTTP dates are always GMT'],
    ],
    [
      'sid=abc; Expires=Sunday, 06-Nov-94 08:49:37 GMT',
      ['Expires "Sunday, 06-Nov-94 08:49:37 GMT" uses the obsolete RFC 850 form; send IMF-fixdate'],
    ],
    [
      'sid=abc; Expires=Sun Nov  6 08:49:37 1994',
      ['Expires "Sun Nov  6 08:49:37 1994" uses the asctime form; send IMF-fixdate'],
    ],
    [
      'sid=abc; Expires=Thu, 21 Oct 2099 07:28:00 GMT',
      ['Expires "Thu, 21 Oct 2099 07:28:00 GMT" names the wrong weekday; 21 Oct 2099 is a Wednesday'],
    ],
    ['sid=abc; Expires', ['attribute "Expires" needs a value, e.g. "Expires=Wed, 21 Oct 2099 07:28:00 GMT"']],
    ['sid=abc; Path', ['attribute "Path" needs a value, e.g. "Path=/"']],
    ['sid=abc; Path=', ['attribute "Path=" needs a value, e.g. "Path=/"']],
    ['sid=abc; Path = /', ['attribute "Path = /" must not have spaces around "="']],
    ['sid=abc; Domain=.example.com', ['Domain ".example.com" starts with a dot; write it without the dot']],
    [
      'sid=abc; Domain=localhost:8080',
      ['Domain "localhost:8080" is not a host name (letters, digits, hyphens and dots only; no port)'],
    ],
    [
      'sid=abc; Domain=-bad.example',
      ['Domain "-bad.example" is not a host name (letters, digits, hyphens and dots only; no port)'],
    ],
    ['sid=abc; Secure=true', ['attribute "Secure=true" takes no value; write just "Secure"']],
    ['sid=abc; httponly=1', ['attribute "httponly=1" takes no value; write just "HttpOnly"']],
    ['sid=abc; Foo=b\u00e4r', ['attribute "Foo=b\u00e4r" contains a control or non-ASCII character']],
    [
      'a b=c d;Max-Age=x',
      [
        'cookie name "a b" is not a token',
        `cookie value contains a space; ${VALUE_TAIL}`,
        SEPARATOR,
        'attribute "Max-Age=x" is not a number',
      ],
    ],
  ];

  it.each(cases)('%j', (header, problems) => {
    expect(problemsOf(header)).toStrictEqual(problems);
  });

  it('still reports what it could read from a bad header', () => {
    expect(parseSetCookie('sid = abc ;Path=/')).toStrictEqual({
      name: 'sid',
      value: 'abc',
      attributes: [{ name: 'Path', value: '/' }],
      problems: ['the cookie-pair must not have spaces around "="', SEPARATOR],
    });
    expect(parseSetCookie('abc; Path=/')).toStrictEqual({
      name: undefined,
      value: undefined,
      attributes: [{ name: 'Path', value: '/' }],
      problems: ['the cookie-pair "abc" has no "="; write name=value'],
    });
  });
});

describe('cookieAttribute', () => {
  const c = parseSetCookie('sid=abc; Path=/a; HttpOnly; path=/b');

  it('finds the last attribute with the name, case-insensitively', () => {
    expect(cookieAttribute(c, 'PATH')).toStrictEqual({ name: 'path', value: '/b' });
    expect(cookieAttribute(c, 'httponly')).toStrictEqual({ name: 'HttpOnly', value: undefined });
    expect(cookieAttribute(c, 'Secure')).toBeUndefined();
  });
});

describe('cookieLifetime', () => {
  const lifetime = (h: string) => cookieLifetime(parseSetCookie(h), NOW);

  it('treats a cookie without Max-Age or Expires as a session cookie', () => {
    expect(lifetime('sid=abc; Path=/')).toStrictEqual({ persistent: false, future: true });
  });

  it('uses Max-Age', () => {
    expect(lifetime('sid=abc; Max-Age=3600')).toStrictEqual({
      maxAgeSeconds: 3600,
      expires: new Date('2025-06-01T01:00:00Z'),
      persistent: true,
      future: true,
    });
  });

  it('treats Max-Age <= 0 as already expired (earliest representable time)', () => {
    expect(lifetime('sid=abc; Max-Age=0')).toStrictEqual({
      maxAgeSeconds: 0,
      expires: new Date(-8.64e15),
      persistent: true,
      future: false,
    });
    expect(lifetime('sid=abc; Max-Age=-5').future).toBe(false);
  });

  it('uses Expires', () => {
    expect(lifetime('sid=abc; Expires=Wed, 21 Oct 2099 07:28:00 GMT')).toStrictEqual({
      expires: new Date('2099-10-21T07:28:00Z'),
      persistent: true,
      future: true,
    });
    expect(lifetime('sid=; Expires=Sun, 06 Nov 1994 08:49:37 GMT')).toStrictEqual({
      expires: new Date('1994-11-06T08:49:37Z'),
      persistent: true,
      future: false,
    });
  });

  it('lets Max-Age win over Expires in either order (RFC 6265 §5.3 step 3)', () => {
    const expected = { maxAgeSeconds: 60, expires: new Date('2025-06-01T00:01:00Z'), persistent: true, future: true };
    expect(lifetime('sid=abc; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=60')).toStrictEqual(expected);
    expect(lifetime('sid=abc; Max-Age=60; Expires=Sun, 06 Nov 1994 08:49:37 GMT')).toStrictEqual(expected);
    expect(lifetime('sid=abc; Max-Age=0; Expires=Wed, 21 Oct 2099 07:28:00 GMT').future).toBe(false);
  });

  it('uses the last valid attribute and ignores unparsable ones', () => {
    expect(lifetime('sid=abc; Max-Age=60; Max-Age=120').maxAgeSeconds).toBe(120);
    expect(lifetime('sid=abc; Max-Age=60; Max-Age=abc').maxAgeSeconds).toBe(60);
    expect(lifetime('sid=abc; Max-Age=abc; Expires=Wed, 21 Oct 2099 07:28:00 GMT')).toStrictEqual({
      expires: new Date('2099-10-21T07:28:00Z'),
      persistent: true,
      future: true,
    });
    expect(lifetime('sid=abc; Expires=tomorrow')).toStrictEqual({ persistent: false, future: true });
  });

  it('clamps a huge Max-Age to the latest representable time', () => {
    expect(lifetime('sid=abc; Max-Age=99999999999999999999').expires).toEqual(new Date(8.64e15));
  });
});

describe('Cookie request header', () => {
  it('parses pairs in order', () => {
    expect(parseCookieHeader('theme=dark; sid=abc; lang=ko')).toStrictEqual([
      ['theme', 'dark'],
      ['sid', 'abc'],
      ['lang', 'ko'],
    ]);
  });

  it('tolerates sloppy spacing, keeps duplicates and quotes, skips pieces without "="', () => {
    expect(parseCookieHeader(' a=1;b=2 ;  a="3" ; junk; ; c=x=y')).toStrictEqual([
      ['a', '1'],
      ['b', '2'],
      ['a', '"3"'],
      ['c', 'x=y'],
    ]);
    expect(parseCookieHeader('')).toStrictEqual([]);
  });

  it('formats and round-trips', () => {
    const pairs: Array<[string, string]> = [
      ['theme', 'dark'],
      ['sid', 'abc'],
      ['lang', 'ko'],
    ];
    expect(formatCookieHeader(pairs)).toBe('theme=dark; sid=abc; lang=ko');
    expect(parseCookieHeader(formatCookieHeader(pairs))).toStrictEqual(pairs);
    expect(formatCookieHeader([])).toBe('');
  });
});
