import { describe, it, expect } from 'vitest';
import {
  parseEntityTag,
  parseEtagList,
  strongMatch,
  weakMatch,
  formatEntityTag,
  toWeak,
  ifNoneMatchMatches,
  type EntityTag,
} from '../../src/http/etag.js';

const tag = (s: string): EntityTag => {
  const t = parseEntityTag(s);
  if (!t) throw new Error(`test setup: ${s} is not an entity-tag`);
  return t;
};

describe('parseEntityTag', () => {
  it('parses strong and weak tags, keeping the quotes', () => {
    expect(parseEntityTag('"abc"')).toStrictEqual({ weak: false, opaque: '"abc"' });
    expect(parseEntityTag('W/"abc"')).toStrictEqual({ weak: true, opaque: '"abc"' });
    expect(parseEntityTag('""')).toStrictEqual({ weak: false, opaque: '""' });
    expect(parseEntityTag('W/""')).toStrictEqual({ weak: true, opaque: '""' });
  });

  it('allows every etagc, including comma, and obs-text', () => {
    expect(parseEntityTag('"a,b"')).toStrictEqual({ weak: false, opaque: '"a,b"' });
    expect(parseEntityTag('"!#$~/W"')?.opaque).toBe('"!#$~/W"');
    expect(parseEntityTag('"caf\u00e9"')?.opaque).toBe('"caf\u00e9"');
  });

  it('rejects anything outside the grammar', () => {
    for (const s of [
      '',
      'abc',
      '"abc',
      'abc"',
      '"a"b"',
      '"a b"',
      '"a\tb"',
      '"a\u007fb"',
      '"\u0100"',
      'w/"abc"',
      'W/abc',
      'W/ "abc"',
      ' "abc"',
      '"abc" ',
      '"abc"x',
      '*',
    ]) {
      expect(parseEntityTag(s), JSON.stringify(s)).toBeUndefined();
    }
  });
});

describe('parseEtagList', () => {
  it('parses "*" on its own', () => {
    expect(parseEtagList('*')).toBe('*');
    expect(parseEtagList('  * ')).toBe('*');
  });

  it('rejects "*" inside a list', () => {
    expect(parseEtagList('*, "a"')).toBeUndefined();
    expect(parseEtagList('"a", *')).toBeUndefined();
  });

  it('parses comma lists with OWS and commas inside tags', () => {
    expect(parseEtagList('"a", W/"b",\t"c,d"')).toStrictEqual([
      { weak: false, opaque: '"a"' },
      { weak: true, opaque: '"b"' },
      { weak: false, opaque: '"c,d"' },
    ]);
    expect(parseEtagList('"a","b"')).toStrictEqual([
      { weak: false, opaque: '"a"' },
      { weak: false, opaque: '"b"' },
    ]);
  });

  it('tolerates empty elements (RFC 9110 §5.6.1)', () => {
    expect(parseEtagList(', "a",, "b" ,')).toStrictEqual([
      { weak: false, opaque: '"a"' },
      { weak: false, opaque: '"b"' },
    ]);
    expect(parseEtagList('')).toStrictEqual([]);
    expect(parseEtagList(' , ,')).toStrictEqual([]);
  });

  it('returns undefined when any element is invalid', () => {
    expect(parseEtagList('"a", b')).toBeUndefined();
    expect(parseEtagList('"a" "b"')).toBeUndefined();
    expect(parseEtagList('"a", "b')).toBeUndefined();
    expect(parseEtagList('"a", w/"b"')).toBeUndefined();
    expect(parseEtagList('abc')).toBeUndefined();
  });
});

describe('comparison (RFC 9110 §8.8.3.2 table)', () => {
  const table: Array<[string, string, boolean, boolean]> = [
    // ETag 1, ETag 2, strong, weak
    ['W/"1"', 'W/"1"', false, true],
    ['W/"1"', 'W/"2"', false, false],
    ['W/"1"', '"1"', false, true],
    ['"1"', '"1"', true, true],
  ];

  it.each(table)('%s vs %s: strong %s, weak %s', (a, b, strong, weak) => {
    expect(strongMatch(tag(a), tag(b))).toBe(strong);
    expect(weakMatch(tag(a), tag(b))).toBe(weak);
    // Both functions are symmetric.
    expect(strongMatch(tag(b), tag(a))).toBe(strong);
    expect(weakMatch(tag(b), tag(a))).toBe(weak);
  });

  it('is case-sensitive and exact on the opaque-tag', () => {
    expect(weakMatch(tag('"abc"'), tag('"ABC"'))).toBe(false);
    expect(strongMatch(tag('"1"'), tag('"2"'))).toBe(false);
  });
});

describe('formatEntityTag and toWeak', () => {
  it('formats', () => {
    expect(formatEntityTag({ weak: false, opaque: '"x"' })).toBe('"x"');
    expect(formatEntityTag({ weak: true, opaque: '"x"' })).toBe('W/"x"');
    expect(formatEntityTag(tag('W/"a,b"'))).toBe('W/"a,b"');
  });

  it('weakens', () => {
    expect(toWeak('"x"')).toBe('W/"x"');
    expect(toWeak('W/"x"')).toBe('W/"x"');
    expect(toWeak('x')).toBeUndefined();
    expect(toWeak('w/"x"')).toBeUndefined();
  });
});

describe('ifNoneMatchMatches', () => {
  const current = tag('"v2"');

  it('matches "*"', () => {
    expect(ifNoneMatchMatches('*', current)).toBe(true);
    expect(ifNoneMatchMatches('*', tag('W/"anything"'))).toBe(true);
  });

  it('uses weak comparison against every listed tag', () => {
    expect(ifNoneMatchMatches('"v2"', current)).toBe(true);
    expect(ifNoneMatchMatches('W/"v2"', current)).toBe(true);
    expect(ifNoneMatchMatches('"v2"', tag('W/"v2"'))).toBe(true);
    expect(ifNoneMatchMatches('"v1", W/"v2"', current)).toBe(true);
    expect(ifNoneMatchMatches('"v1", "v3"', current)).toBe(false);
    expect(ifNoneMatchMatches('"V2"', current)).toBe(false);
  });

  it('never matches an invalid or empty field', () => {
    expect(ifNoneMatchMatches('v2', current)).toBe(false);
    expect(ifNoneMatchMatches('"v2", v3', current)).toBe(false);
    expect(ifNoneMatchMatches('*, "v2"', current)).toBe(false);
    expect(ifNoneMatchMatches('', current)).toBe(false);
  });
});
