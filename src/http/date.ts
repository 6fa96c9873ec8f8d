// HTTP dates (RFC 9110 §5.6.7): parse all three forms, check and produce IMF-fixdate,
// and explain to a student why a value is not IMF-fixdate.

export type HttpDateForm = 'imf-fixdate' | 'rfc850' | 'asctime';

export interface HttpDate {
  date: Date;
  form: HttpDateForm;
  // Present (and true) only when the day name does not fit the date; the value is still accepted.
  weekdayMismatch?: true;
}

// RFC 9110 §5.6.7: day-name and month are case-sensitive (%s) three-letter names.
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// RFC 9110 §5.6.7: rfc850-date uses the full day name (day-name-l).
const LONG_DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

// RFC 9110 §5.6.7: IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT, date1 = day SP month SP year.
const IMF_FIXDATE = /^([A-Za-z]+), (\d{2}) ([A-Za-z]+) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// RFC 9110 §5.6.7: rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT, date2 = day "-" month "-" 2DIGIT.
const RFC850 = /^([A-Za-z]+), (\d{2})-([A-Za-z]+)-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// RFC 9110 §5.6.7: asctime-date = day-name SP date3 SP time-of-day SP year, date3 = month SP ( 2DIGIT / ( SP DIGIT ) ).
const ASCTIME = /^([A-Za-z]+) ([A-Za-z]+) (\d{2}| \d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

interface Fields {
  year: number;
  month: number; // 0-11
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month];
}

// RFC 9110 §5.6.7 builds on RFC 5322 ranges; a leap second (60) is rejected because Date cannot hold it.
function fieldsInRange(f: Fields): boolean {
  return f.day >= 1 && f.day <= daysInMonth(f.year, f.month) && f.hour <= 23 && f.minute <= 59 && f.second <= 59;
}

// setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
function toDate(f: Fields): Date {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month, f.day);
  d.setUTCHours(f.hour, f.minute, f.second, 0);
  return d;
}

function result(f: Fields, form: HttpDateForm, dayIndex: number): HttpDate | undefined {
  if (!fieldsInRange(f)) return undefined;
  const date = toDate(f);
  // The day name is redundant; a wrong one is tolerated but reported.
  return date.getUTCDay() === dayIndex ? { date, form } : { date, form, weekdayMismatch: true };
}

function timeFields(h: string, m: string, s: string): Pick<Fields, 'hour' | 'minute' | 'second'> {
  return { hour: Number(h), minute: Number(m), second: Number(s) };
}

function parseImfFixdate(s: string): HttpDate | undefined {
  const m = IMF_FIXDATE.exec(s);
  if (!m) return undefined;
  const dayIndex = DAY_NAMES.indexOf(m[1]);
  const month = MONTHS.indexOf(m[3]);
  if (dayIndex < 0 || month < 0) return undefined;
  const f = { year: Number(m[4]), month, day: Number(m[2]), ...timeFields(m[5], m[6], m[7]) };
  return result(f, 'imf-fixdate', dayIndex);
}

// RFC 9110 §5.6.7: a two-digit year that appears to be more than 50 years in the future
// means the most recent past year with the same last two digits.
function expandTwoDigitYear(yy: number, f: Omit<Fields, 'year'>, now: Date): number {
  const limitYear = now.getUTCFullYear() + 50;
  const year = limitYear - ((((limitYear - yy) % 100) + 100) % 100);
  const limit = new Date(now.getTime());
  limit.setUTCFullYear(limitYear);
  // Same last two digits as the limit year: compare the full timestamp, not just the year.
  if (fieldsInRange({ ...f, year }) && toDate({ ...f, year }) > limit) return year - 100;
  return year;
}

function parseRfc850(s: string, now: Date): HttpDate | undefined {
  const m = RFC850.exec(s);
  if (!m) return undefined;
  const dayIndex = LONG_DAY_NAMES.indexOf(m[1]);
  const month = MONTHS.indexOf(m[3]);
  if (dayIndex < 0 || month < 0) return undefined;
  const partial = { month, day: Number(m[2]), ...timeFields(m[5], m[6], m[7]) };
  const year = expandTwoDigitYear(Number(m[4]), partial, now);
  return result({ ...partial, year }, 'rfc850', dayIndex);
}

function parseAsctime(s: string): HttpDate | undefined {
  const m = ASCTIME.exec(s);
  if (!m) return undefined;
  const dayIndex = DAY_NAMES.indexOf(m[1]);
  const month = MONTHS.indexOf(m[2]);
  if (dayIndex < 0 || month < 0) return undefined;
  const f = { year: Number(m[7]), month, day: Number(m[3].trim()), ...timeFields(m[4], m[5], m[6]) };
  return result(f, 'asctime', dayIndex);
}

/**
 * Parses an HTTP-date in any of the three forms of RFC 9110 §5.6.7.
 * No surrounding whitespace is accepted (header parsers strip OWS before this).
 * `now` only matters for rfc850 two-digit years.
 */
export function parseHttpDate(s: string, now: Date = new Date()): HttpDate | undefined {
  return parseImfFixdate(s) ?? parseRfc850(s, now) ?? parseAsctime(s);
}

/** True only for a well-formed, real IMF-fixdate whose day name fits the date. */
export function isImfFixdate(s: string): boolean {
  const parsed = parseImfFixdate(s);
  // RFC 5322 §3.3 (which IMF-fixdate subsets): the day-of-week MUST be the day implied by the date.
  return parsed !== undefined && parsed.weekdayMismatch === undefined;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Formats a Date as IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT". */
export function formatImfFixdate(d: Date): string {
  const year = d.getUTCFullYear();
  // RFC 9110 §5.6.7: year = 4DIGIT, so only years 0000-9999 can be written.
  if (Number.isNaN(d.getTime()) || year < 0 || year > 9999) {
    throw new RangeError(`cannot format ${String(d)} as IMF-fixdate`);
  }
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  // RFC 9110 §5.6.7: date1 = day SP month SP year, e.g. "06 Nov 1994".
  const date1 = `${pad(d.getUTCDate(), 2)} ${MONTHS[d.getUTCMonth()]} ${pad(year, 4)}`;
  return `${DAY_NAMES[d.getUTCDay()]}, ${date1} ${time} GMT`;
}

// What JavaScript's Date.prototype.toString() prints, a common mistake: "Sun Nov 06 1994 17:49:37 GMT+0900 (...)".
const JS_TO_STRING = /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}/;

// Loose IMF-fixdate shape, used only to explain what is wrong with a near-miss.
const LOOSE_IMF = /^([A-Za-z]+)(,?)( +)(\d{1,2})( +)([A-Za-z]+)( +)(\d{1,4})( +)(\d{1,2}):(\d{1,2}):(\d{1,2})( *)(.*)$/;

function nameProblem(found: string, short: string[], long: string[], what: 'day name' | 'month'): string | undefined {
  if (short.includes(found)) return undefined;
  const i = short.findIndex((n) => n.toLowerCase() === found.toLowerCase());
  if (i >= 0) return `writes the ${what} as "${found}"; it must be "${short[i]}"`;
  const j = long.findIndex((n) => n.toLowerCase() === found.toLowerCase());
  if (j >= 0) return `writes the ${what} in full ("${found}"); IMF-fixdate uses "${short[j]}"`;
  return `has an unknown ${what} "${found}"`;
}

function digits(n: number): string {
  return n === 1 ? '1 digit' : `${n} digits`;
}

function layoutProblem(m: RegExpExecArray): string | undefined {
  if (m[4].length !== 2) return `writes the day with ${digits(m[4].length)}; use two, e.g. "06"`;
  if (m[8].length !== 4) return `writes the year with ${digits(m[8].length)}; use four, e.g. "1994"`;
  if (m[10].length !== 2 || m[11].length !== 2 || m[12].length !== 2) {
    return 'writes the time without leading zeros; use HH:MM:SS, e.g. "08:49:37"';
  }
  const spaces = [m[3], m[5], m[7], m[9], m[13]];
  if (m[2] !== ',' || spaces.some((sp) => sp !== ' ')) {
    return 'has the wrong punctuation; put a comma after the day name and exactly one space between fields';
  }
  return undefined;
}

function rangeProblem(m: RegExpExecArray): string | undefined {
  const year = Number(m[8]);
  const month = MONTHS.indexOf(m[6]);
  const day = Number(m[4]);
  const max = daysInMonth(year, month);
  if (day < 1 || day > max) return `has day ${m[4]}, but ${LONG_MONTHS[month]} ${m[8]} has ${max} days`;
  if (Number(m[10]) > 23 || Number(m[11]) > 59 || Number(m[12]) > 59) {
    return `has an impossible time ${m[10]}:${m[11]}:${m[12]}`;
  }
  return undefined;
}

function weekdayProblem(s: string): string | undefined {
  const parsed = parseImfFixdate(s);
  if (!parsed?.weekdayMismatch) return undefined;
  const d = parsed.date;
  const day = `${pad(d.getUTCDate(), 2)} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCFullYear(), 4)}`;
  return `names the wrong weekday; ${day} is a ${LONG_DAY_NAMES[d.getUTCDay()]}`;
}

// Diagnoses a value that looks roughly like IMF-fixdate, most fundamental mistake first.
function nearMissProblem(m: RegExpExecArray): string | undefined {
  const zone = m[14];
  // RFC 9110 §5.6.7: HTTP-date is always UTC and written with the literal "GMT".
  if (zone === '') return 'has no time zone; HTTP dates always end in GMT';
  if (zone !== 'GMT') return `ends in ${zone}; HTTP dates are always GMT`;
  return (
    nameProblem(m[1], DAY_NAMES, LONG_DAY_NAMES, 'day name') ??
    nameProblem(m[6], MONTHS, LONG_MONTHS, 'month') ??
    layoutProblem(m) ??
    rangeProblem(m)
  );
}

/**
 * Why `s` is not IMF-fixdate, as a sentence predicate such as "ends in KST; HTTP dates are always GMT"
 * (no subject, so callers can write `Date header "${v}" ${predicate}`); undefined when it is IMF-fixdate.
 */
export function dateProblem(s: string): string | undefined {
  if (isImfFixdate(s)) return undefined;
  if (s.trim() === '') return 'is empty; send an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT"';
  if (s !== s.trim()) return 'has spaces at the start or end';
  const mismatch = weekdayProblem(s);
  if (mismatch) return mismatch;
  // RFC 9110 §5.6.7: obs-date forms must be accepted by recipients but MUST NOT be generated by senders.
  const form = parseHttpDate(s)?.form;
  if (form === 'rfc850') return 'uses the obsolete RFC 850 form; send IMF-fixdate';
  if (form === 'asctime') return 'uses the asctime form; send IMF-fixdate';
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) return 'is an ISO 8601 timestamp; HTTP dates use IMF-fixdate';
  if (JS_TO_STRING.test(s)) return "is JavaScript's Date.toString() output; use toUTCString(), which gives IMF-fixdate";
  const loose = LOOSE_IMF.exec(s);
  return (loose && nearMissProblem(loose)) ?? 'is not an HTTP date';
}

/** One sentence for a student, e.g. `"Sun, 06 Nov 1994 08:49:37 KST" ends in KST; HTTP dates are always GMT`. */
export function explainDate(s: string): string {
  return `"${s}" ${dateProblem(s) ?? 'is a valid IMF-fixdate'}`;
}
