import { describe, it, expect } from 'vitest';
import { parseHttpDate, isImfFixdate, formatImfFixdate, explainDate, dateProblem } from '../../src/http/date.js';

// RFC 9110 §5.6.7 example instant: Sun, 06 Nov 1994 08:49:37 GMT.
const EXAMPLE = new Date(Date.UTC(1994, 10, 6, 8, 49, 37));
const NOW = new Date('2025-06-01T00:00:00Z');

describe('parseHttpDate', () => {
  it('parses the three RFC 9110 §5.6.7 examples to the same instant', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toStrictEqual({ date: EXAMPLE, form: 'imf-fixdate' });
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toStrictEqual({ date: EXAMPLE, form: 'rfc850' });
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toStrictEqual({ date: EXAMPLE, form: 'asctime' });
  });

  it('accepts a two-digit asctime day', () => {
    expect(parseHttpDate('Sun Nov 06 08:49:37 1994')).toStrictEqual({ date: EXAMPLE, form: 'asctime' });
    expect(parseHttpDate('Wed Nov 16 08:49:37 1994')?.date).toEqual(new Date(Date.UTC(1994, 10, 16, 8, 49, 37)));
  });

  it('returns undefined for garbage and broken syntax', () => {
    for (const s of [
      'not a date',
      '',
      'Sun, 06 Nov 1994 08:49:37 KST',
      'Sun, 06 Nov 1994 08:49:37 UTC',
      'Sun, 06 Nov 1994 08:49:37 +0000',
      'Sun, 06 Nov 1994 08:49:37',
      ' Sun, 06 Nov 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 08:49:37 GMT ',
      'Sun, 6 Nov 1994 08:49:37 GMT',
      'Sun, 06 Nov 94 08:49:37 GMT',
      'Sun, 06 Nov 1994 8:49:37 GMT',
      'Sun 06 Nov 1994 08:49:37 GMT',
      'Sun,  06 Nov 1994 08:49:37 GMT',
      'Sun Nov 6 08:49:37 1994',
      'Sun, 06-Nov-94 08:49:37 GMT',
      'Sunday, 06-Nov-1994 08:49:37 GMT',
      '1994-11-06T08:49:37Z',
    ]) {
      expect(parseHttpDate(s), s).toBeUndefined();
    }
  });

  it('is case-sensitive about day and month names', () => {
    expect(parseHttpDate('sun, 06 Nov 1994 08:49:37 GMT')).toBeUndefined();
    expect(parseHttpDate('Sun, 06 NOV 1994 08:49:37 GMT')).toBeUndefined();
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 gmt')).toBeUndefined();
    expect(parseHttpDate('Xyz, 06 Nov 1994 08:49:37 GMT')).toBeUndefined();
    expect(parseHttpDate('Sun, 06 Foo 1994 08:49:37 GMT')).toBeUndefined();
  });

  it('rejects out-of-range fields', () => {
    expect(parseHttpDate('Sun, 32 Nov 1994 08:49:37 GMT')).toBeUndefined();
    expect(parseHttpDate('Sun, 31 Nov 1994 08:49:37 GMT')).toBeUndefined();
    expect(parseHttpDate('Sun, 00 Nov 1994 08:49:37 GMT')).toBeUndefined();
    expect(parseHttpDate('Sun, 06 Nov 1994 24:00:00 GMT')).toBeUndefined();
    expect(parseHttpDate('Sun, 06 Nov 1994 08:60:00 GMT')).toBeUndefined();
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:60 GMT')).toBeUndefined();
    expect(parseHttpDate('Thu, 29 Feb 1900 00:00:00 GMT')).toBeUndefined();
    expect(parseHttpDate('Sunday, 31-Nov-94 08:49:37 GMT', NOW)).toBeUndefined();
    expect(parseHttpDate('Sun Nov 31 08:49:37 1994')).toBeUndefined();
  });

  it('knows leap years', () => {
    expect(parseHttpDate('Tue, 29 Feb 2000 00:00:00 GMT')).toStrictEqual({
      date: new Date(Date.UTC(2000, 1, 29)),
      form: 'imf-fixdate',
    });
    expect(parseHttpDate('Thu, 29 Feb 2024 12:00:00 GMT')?.form).toBe('imf-fixdate');
  });

  it('tolerates a wrong weekday but says so', () => {
    expect(parseHttpDate('Mon, 06 Nov 1994 08:49:37 GMT')).toStrictEqual({
      date: EXAMPLE,
      form: 'imf-fixdate',
      weekdayMismatch: true,
    });
    expect(parseHttpDate('Monday, 06-Nov-94 08:49:37 GMT', NOW)?.weekdayMismatch).toBe(true);
    expect(parseHttpDate('Mon Nov  6 08:49:37 1994')?.weekdayMismatch).toBe(true);
  });

  it('handles 4-digit years below 100 literally', () => {
    const parsed = parseHttpDate('Sat, 01 Jan 0000 00:00:00 GMT');
    expect(parsed?.date.getUTCFullYear()).toBe(0);
    expect(parsed?.weekdayMismatch).toBeUndefined();
    expect(parseHttpDate('Thu, 01 Jan 0099 00:00:00 GMT')?.date.getUTCFullYear()).toBe(99);
  });

  describe('rfc850 two-digit years (more than 50 years ahead means the previous century)', () => {
    const year = (s: string) => parseHttpDate(s, NOW)?.date.getUTCFullYear();

    it('maps years relative to now = 2025-06-01', () => {
      expect(year('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(1994);
      expect(year('Wednesday, 06-Nov-30 08:49:37 GMT')).toBe(2030);
      expect(year('Friday, 06-Nov-76 08:49:37 GMT')).toBe(1976);
      expect(year('Saturday, 01-Jan-00 00:00:00 GMT')).toBe(2000);
    });

    it('compares the full timestamp in the 50th year', () => {
      // 2075-01-01 is less than 50 years after 2025-06-01; 2075-11-06 is more.
      expect(year('Tuesday, 01-Jan-75 00:00:00 GMT')).toBe(2075);
      expect(year('Thursday, 06-Nov-75 08:49:37 GMT')).toBe(1975);
    });

    it('moves with now', () => {
      const later = new Date('2090-01-01T00:00:00Z');
      expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', later)?.date.getUTCFullYear()).toBe(2094);
      expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', later)?.weekdayMismatch).toBe(true);
    });
  });
});

describe('isImfFixdate', () => {
  it('accepts only a real IMF-fixdate', () => {
    expect(isImfFixdate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(true);
    expect(isImfFixdate('Wed, 21 Oct 2099 07:28:00 GMT')).toBe(true);
    expect(isImfFixdate('Tue, 29 Feb 2000 23:59:59 GMT')).toBe(true);
  });

  it('rejects other zones, obsolete forms, bad dates and wrong weekdays', () => {
    expect(isImfFixdate('Sun, 06 Nov 1994 08:49:37 KST')).toBe(false);
    expect(isImfFixdate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(false);
    expect(isImfFixdate('Sun Nov  6 08:49:37 1994')).toBe(false);
    expect(isImfFixdate('Sun, 32 Nov 1994 08:49:37 GMT')).toBe(false);
    expect(isImfFixdate('Mon, 06 Nov 1994 08:49:37 GMT')).toBe(false);
    expect(isImfFixdate('Sun, 06 Nov 1994 08:49:37 GMT ')).toBe(false);
    expect(isImfFixdate('not a date')).toBe(false);
  });
});

describe('formatImfFixdate', () => {
  it('writes the RFC example', () => {
    expect(formatImfFixdate(EXAMPLE)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(formatImfFixdate(new Date(Date.UTC(2099, 9, 21, 7, 28, 0)))).toBe('Wed, 21 Oct 2099 07:28:00 GMT');
  });

  it('drops milliseconds, pads small years, round-trips', () => {
    expect(formatImfFixdate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 999)))).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    const d = new Date(0);
    d.setUTCFullYear(5, 0, 1);
    expect(formatImfFixdate(d)).toBe('Sat, 01 Jan 0005 00:00:00 GMT');
    const s = formatImfFixdate(new Date(Date.UTC(2031, 6, 15, 23, 0, 1)));
    expect(parseHttpDate(s)).toStrictEqual({ date: new Date(Date.UTC(2031, 6, 15, 23, 0, 1)), form: 'imf-fixdate' });
    expect(s).toBe(new Date(Date.UTC(2031, 6, 15, 23, 0, 1)).toUTCString());
  });

  it('throws for dates that have no IMF-fixdate', () => {
    expect(() => formatImfFixdate(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => formatImfFixdate(new Date(Date.UTC(10000, 0, 1)))).toThrow(RangeError);
  });
});

describe('explainDate', () => {
  const cases: Array<[string, string]> = [
    ['Sun, 06 Nov 1994 08:49:37 KST', '"Sun, 06 Nov 1994 08:49:37 KST" ends in KST; HTTP dates are always GMT'],
    ['Sun, 06 Nov 1994 08:49:37 +0000', '"Sun, 06 Nov 1994 08:49:37 +0000" ends in +0000; HTTP dates are always GMT'],
    ['Sun, 06 Nov 1994 08:49:37', '"Sun, 06 Nov 1994 08:49:37" has no time zone; HTTP dates always end in GMT'],
    ['Sun Nov  6 08:49:37 1994', '"Sun Nov  6 08:49:37 1994" uses the asctime form; send IMF-fixdate'],
    [
      'Sunday, 06-Nov-94 08:49:37 GMT',
      '"Sunday, 06-Nov-94 08:49:37 GMT" uses the obsolete RFC 850 form; send IMF-fixdate',
    ],
    ['not a date', '"not a date" is not an HTTP date'],
    ['', '"" is empty; send an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT"'],
    ['Sun, 32 Nov 1994 08:49:37 GMT', '"Sun, 32 Nov 1994 08:49:37 GMT" has day 32, but November 1994 has 30 days'],
    ['Thu, 29 Feb 1900 00:00:00 GMT', '"Thu, 29 Feb 1900 00:00:00 GMT" has day 29, but February 1900 has 28 days'],
    ['Sun, 06 Nov 1994 25:49:37 GMT', '"Sun, 06 Nov 1994 25:49:37 GMT" has an impossible time 25:49:37'],
    [
      'Mon, 06 Nov 1994 08:49:37 GMT',
      '"Mon, 06 Nov 1994 08:49:37 GMT" names the wrong weekday; 06 Nov 1994 is a Sunday',
    ],
    ['sun, 06 Nov 1994 08:49:37 GMT', '"sun, 06 Nov 1994 08:49:37 GMT" writes the day name as "sun"; it must be "Sun"'],
    [
      'Sunday, 06 Nov 1994 08:49:37 GMT',
      '"Sunday, 06 Nov 1994 08:49:37 GMT" writes the day name in full ("Sunday"); IMF-fixdate uses "Sun"',
    ],
    [
      'Sun, 06 November 1994 08:49:37 GMT',
      '"Sun, 06 November 1994 08:49:37 GMT" writes the month in full ("November"); IMF-fixdate uses "Nov"',
    ],
    ['Sun, 06 Foo 1994 08:49:37 GMT', '"Sun, 06 Foo 1994 08:49:37 GMT" has an unknown month "Foo"'],
    ['Sun, 6 Nov 1994 08:49:37 GMT', '"Sun, 6 Nov 1994 08:49:37 GMT" writes the day with 1 digit; use two, e.g. "06"'],
    [
      'Sun, 06 Nov 94 08:49:37 GMT',
      '"Sun, 06 Nov 94 08:49:37 GMT" writes the year with 2 digits; use four, e.g. "1994"',
    ],
    [
      'Sun, 06 Nov 1994 8:49:37 GMT',
      '"Sun, 06 Nov 1994 8:49:37 GMT" writes the time without leading zeros; use HH:MM:SS, e.g. "08:49:37"',
    ],
    [
      'Sun 06 Nov 1994 08:49:37 GMT',
      '"Sun 06 Nov 1994 08:49:37 GMT" has the wrong punctuation; put a comma after the day name and exactly one space between fields',
    ],
    [' Sun, 06 Nov 1994 08:49:37 GMT', '" Sun, 06 Nov 1994 08:49:37 GMT" has spaces at the start or end'],
    ['1994-11-06T08:49:37Z', '"1994-11-06T08:49:37Z" is an ISO 8601 timestamp; HTTP dates use IMF-fixdate'],
    [
      'Sun Nov 06 1994 17:49:37 GMT+0900 (Korean Standard Time)',
      '"Sun Nov 06 1994 17:49:37 GMT+0900 (Korean Standard Time)" is JavaScript\'s Date.toString() output; use toUTCString(), which gives IMF-fixdate',
    ],
    ['Sun, 06 Nov 1994 08:49:37 GMT', '"Sun, 06 Nov 1994 08:49:37 GMT" is a valid IMF-fixdate'],
  ];

  it.each(cases)('explains %j', (input, sentence) => {
    expect(explainDate(input)).toBe(sentence);
  });

  it('dateProblem is the subject-less predicate, undefined when valid', () => {
    expect(dateProblem('Sun, 06 Nov 1994 08:49:37 KST')).toBe('ends in KST; HTTP dates are always GMT');
    expect(dateProblem('not a date')).toBe('is not an HTTP date');
    expect(dateProblem('Sun, 06 Nov 1994 08:49:37 GMT')).toBeUndefined();
  });
});
