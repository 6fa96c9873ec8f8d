// HTTP-date (RFC 9110 §5.6.7): format as IMF-fixdate, parse all three forms.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT   (Sun, 06 Nov 1994 08:49:37 GMT)
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
// rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT (Sunday, 06-Nov-94 08:49:37 GMT)
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
// asctime-date = day-name SP date3 SP time-of-day SP year      (Sun Nov  6 08:49:37 1994)
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** Epoch milliseconds as IMF-fixdate; `toUTCString` produces exactly that form (ECMA-262 §21.4.4.43). */
export function formatHttpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

interface DateParts {
  year: number;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

/**
 * Parses an HTTP-date in any of its three forms; returns epoch milliseconds, or undefined when the
 * value is not a valid HTTP-date (RFC 9110 §13.1.3 then says the field is ignored).
 */
export function parseHttpDate(value: string, nowMs: number = Date.now()): number | undefined {
  const text = value.replace(/^[ \t]+|[ \t]+$/g, '');
  let m = IMF_FIXDATE.exec(text);
  if (m) return toEpoch({ day: m[2], month: m[3], year: Number(m[4]), hour: m[5], minute: m[6], second: m[7] });
  m = RFC850_DATE.exec(text);
  if (m) {
    const year = fullYear(Number(m[4]), nowMs);
    return toEpoch({ day: m[2], month: m[3], year, hour: m[5], minute: m[6], second: m[7] });
  }
  m = ASCTIME_DATE.exec(text);
  if (m) return toEpoch({ month: m[2], day: m[3].trim(), hour: m[4], minute: m[5], second: m[6], year: Number(m[7]) });
  return undefined;
}

// RFC 9110 §5.6.7: a two-digit year that appears to be more than 50 years in the future is the
// most recent past year with the same last two digits.
function fullYear(twoDigits: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + twoDigits;
  if (year > thisYear + 50) year -= 100;
  return year;
}

function toEpoch(parts: DateParts): number | undefined {
  const month = MONTHS.indexOf(parts.month);
  const [day, hour, minute, second] = [parts.day, parts.hour, parts.minute, parts.second].map(Number);
  // second 60 is a leap second (RFC 9110 §5.6.7 time-of-day allows it).
  if (hour > 23 || minute > 59 || second > 60 || day < 1) return undefined;
  const date = new Date(0); // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 19xx
  date.setUTCFullYear(parts.year, month, day);
  date.setUTCHours(hour, minute, Math.min(second, 59));
  // Reject 31 Feb and the like, which would roll over into the next month.
  return date.getUTCDate() === day ? date.getTime() : undefined;
}
