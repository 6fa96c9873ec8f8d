// Set-Cookie checked against the strict server grammar of RFC 6265 §4.1.1 (what a server SHOULD send),
// not the lenient user-agent parse of §5.2; plus the request Cookie header of §4.2.1.
import { dateProblem, parseHttpDate } from './date.js';

export interface CookieAttribute {
  name: string;
  value: string | undefined;
}

export interface SetCookieCheck {
  // Name and value with surrounding whitespace removed (RFC 6265 §5.2 step 4); quotes are kept.
  name: string | undefined;
  value: string | undefined;
  attributes: CookieAttribute[];
  // Empty when the header is a valid set-cookie-string; otherwise one plain sentence per problem.
  problems: string[];
}

const SEPARATOR_PROBLEM = 'the separator between attributes must be "; " (semicolon and one space)';
const FORBIDDEN_IN_VALUE =
  'cookie values may not contain spaces, commas, semicolons or backslashes, even inside quotes';

// RFC 2616 §2.2 (used by RFC 6265 §4.1.1 for cookie-name): token = 1*<any CHAR except CTLs or separators>.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 1034 §3.5 as relaxed by RFC 1123 §2.1: a label is letters, digits and inner hyphens, at most 63 long.
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

// RFC 5234 B.1: CHAR is %x01-7F and CTL is %x00-1F / %x7F, so "CHAR except CTLs" is %x20-7E.
function hasCtlOrNonAscii(s: string): boolean {
  return /[^\x20-\x7e]/.test(s);
}

function isWsp(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

// RFC 6265 §4.1.1: cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E.
function valueCharProblem(c: string): string | undefined {
  const code = c.charCodeAt(0);
  if (c === ' ') return `cookie value contains a space; ${FORBIDDEN_IN_VALUE}`;
  if (c === ',') return `cookie value contains a comma; ${FORBIDDEN_IN_VALUE}`;
  if (c === '\\') return `cookie value contains a backslash; ${FORBIDDEN_IN_VALUE}`;
  if (c === '"') return 'cookie value contains a double quote; quotes may only wrap the whole value';
  if (code < 0x20 || code === 0x7f) return 'cookie value contains a control character (such as a tab or line break)';
  if (code > 0x7f) return 'cookie value contains a non-ASCII character; percent-encode or base64 it';
  return undefined;
}

function valueProblems(value: string): string[] {
  // RFC 6265 §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ) — same octets either way.
  const quoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"');
  const inner = quoted ? value.slice(1, -1) : value;
  return [...inner].map(valueCharProblem).filter((p): p is string => p !== undefined);
}

interface Pair {
  name: string | undefined;
  value: string | undefined;
  problems: string[];
}

// RFC 6265 §4.1.1: cookie-pair = cookie-name "=" cookie-value.
function checkPair(text: string): Pair {
  if (text.trim() === '')
    return { name: undefined, value: undefined, problems: ['the header does not start with a name=value pair'] };
  const eq = text.indexOf('=');
  if (eq < 0)
    return { name: undefined, value: undefined, problems: [`the cookie-pair "${text}" has no "="; write name=value`] };
  const rawName = text.slice(0, eq);
  const rawValue = text.slice(eq + 1);
  const problems: string[] = [];
  const spaced = isWsp(rawName.at(-1)) || isWsp(rawValue[0]);
  if (spaced) problems.push('the cookie-pair must not have spaces around "="');
  const name = spaced ? rawName.trimEnd() : rawName;
  const value = spaced ? rawValue.trimStart() : rawValue;
  if (name === '') problems.push('the cookie has no name before "="');
  else if (!TOKEN.test(name)) problems.push(`cookie name "${name}" is not a token`);
  problems.push(...valueProblems(value));
  return { name: rawName.trim(), value: rawValue.trim(), problems };
}

const EXAMPLES: Record<string, string> = {
  expires: 'Expires=Wed, 21 Oct 2099 07:28:00 GMT',
  'max-age': 'Max-Age=3600',
  domain: 'Domain=example.com',
  path: 'Path=/',
};

// RFC 6265 §4.1.1: expires-av = "Expires=" sane-cookie-date (RFC 2616 rfc1123-date, i.e. IMF-fixdate).
function expiresProblem(value: string): string | undefined {
  const why = dateProblem(value);
  if (why === undefined) return undefined;
  return why === 'is not an HTTP date'
    ? `Expires "${value}" is not an HTTP date (use IMF-fixdate)`
    : `Expires "${value}" ${why}`;
}

// RFC 6265 §4.1.1: max-age-av = "Max-Age=" non-zero-digit *DIGIT.
function maxAgeProblem(av: string, value: string): string | undefined {
  if (!/^-?\d+$/.test(value)) return `attribute "${av}" is not a number`;
  if (/^(-.*|0+)$/.test(value)) {
    return `attribute "${av}" must be at least 1; to delete a cookie send an Expires date in the past`;
  }
  if (value.startsWith('0')) return `attribute "${av}" has a leading zero`;
  return undefined;
}

// RFC 6265 §4.1.1: domain-av = "Domain=" domain-value, domain-value = <subdomain> (RFC 1034 §3.5, RFC 1123 §2.1).
function domainProblem(value: string): string | undefined {
  // RFC 6265 §4.1.2.3: a leading dot is ignored by browsers, but <subdomain> does not allow it.
  if (value.startsWith('.')) return `Domain "${value}" starts with a dot; write it without the dot`;
  const ok = value.length <= 255 && value.split('.').every((label) => LABEL.test(label));
  return ok ? undefined : `Domain "${value}" is not a host name (letters, digits, hyphens and dots only; no port)`;
}

// RFC 6265 §4.1.1: secure-av = "Secure", httponly-av = "HttpOnly" — flags without "=".
function flagProblem(av: string, canonical: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `attribute "${av}" takes no value; write just "${canonical}"`;
}

function knownAttributeProblem(av: string, key: string, value: string | undefined): string | undefined {
  if (key === 'secure') return flagProblem(av, 'Secure', value);
  if (key === 'httponly') return flagProblem(av, 'HttpOnly', value);
  if (!(key in EXAMPLES)) return undefined; // RFC 6265 §4.1.1: any other name is an extension-av.
  if (value === undefined || value === '') return `attribute "${av}" needs a value, e.g. "${EXAMPLES[key]}"`;
  if (key === 'expires') return expiresProblem(value);
  if (key === 'max-age') return maxAgeProblem(av, value);
  if (key === 'domain') return domainProblem(value);
  return undefined; // path-value = <any CHAR except CTLs or ";">, already checked for every attribute.
}

function checkAttribute(av: string): { attribute: CookieAttribute; problems: string[] } {
  const eq = av.indexOf('=');
  const rawName = eq < 0 ? av : av.slice(0, eq);
  const rawValue = eq < 0 ? undefined : av.slice(eq + 1);
  const name = rawName.trim();
  const value = rawValue?.trim();
  const key = name.toLowerCase();
  const problems: string[] = [];
  // RFC 6265 §4.1.1: every cookie-av is made of CHARs other than CTLs.
  if (hasCtlOrNonAscii(av)) problems.push(`attribute "${av}" contains a control or non-ASCII character`);
  // "Path = /" is not path-av; it only happens to fit extension-av, so call it out.
  const spaced = rawName !== rawName.trimEnd() || isWsp(rawValue?.[0]);
  if (spaced && (key in EXAMPLES || key === 'secure' || key === 'httponly')) {
    problems.push(`attribute "${av}" must not have spaces around "="`);
  }
  const known = knownAttributeProblem(av, key, value);
  if (known) problems.push(known);
  return { attribute: { name, value }, problems };
}

// RFC 6265 §4.1.1: set-cookie-string = cookie-pair *( ";" SP cookie-av ) — exactly one SP after each ";".
function separatorOk(segment: string, before: string): boolean {
  return segment[0] === ' ' && !isWsp(segment[1]) && !isWsp(before.at(-1));
}

/** Parses one Set-Cookie field value, listing where it departs from RFC 6265 §4.1.1. */
export function parseSetCookie(header: string): SetCookieCheck {
  if (header === '')
    return { name: undefined, value: undefined, attributes: [], problems: ['the Set-Cookie header is empty'] };
  // No element of the grammar may contain ";", so splitting on it is exact.
  const [pairText, ...avTexts] = header.split(';');
  const lastIndex = avTexts.length - 1;
  const pair = checkPair(avTexts.length > 0 ? pairText.trimEnd() : pairText);
  const problems = [...pair.problems];
  const attributes: CookieAttribute[] = [];
  let before = pairText;
  avTexts.forEach((text, i) => {
    const isLast = i === lastIndex;
    if (text.trim() === '') {
      problems.push(
        isLast
          ? 'the header ends with ";"; remove the trailing semicolon'
          : 'there is an empty attribute between two semicolons',
      );
    } else {
      if (!separatorOk(text, before)) problems.push(SEPARATOR_PROBLEM);
      // Surrounding space belongs to the (bad) separator, except after the last attribute.
      const av = isLast ? text.trimStart() : text.trim();
      const checked = checkAttribute(av);
      attributes.push(checked.attribute);
      problems.push(...checked.problems);
      // An empty attribute is reported once, above; only real ones set up the next separator check.
      before = text;
    }
  });
  return { name: pair.name, value: pair.value, attributes, problems: [...new Set(problems)] };
}

// Array.prototype.findLast is ES2023; the project targets ES2022.
function lastWhere<T>(items: T[], keep: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (keep(items[i])) return items[i];
  return undefined;
}

/** The last attribute with this name, case-insensitively (RFC 6265 §5.3 uses the last one). */
export function cookieAttribute(c: SetCookieCheck, name: string): CookieAttribute | undefined {
  const key = name.toLowerCase();
  return lastWhere(c.attributes, (a) => a.name.toLowerCase() === key);
}

// RFC 6265 §5.2.2: Max-Age is "-"? DIGITs; anything else is ignored as if absent.
function effectiveMaxAge(c: SetCookieCheck): number | undefined {
  const a = lastWhere(c.attributes, (x) => x.name.toLowerCase() === 'max-age' && /^-?\d+$/.test(x.value ?? ''));
  return a && Number(a.value);
}

// RFC 6265 §5.2.1: an Expires that does not parse is ignored (HTTP-date forms stand in for §5.1.1 here).
function effectiveExpires(c: SetCookieCheck, now: Date): Date | undefined {
  const parse = (a: CookieAttribute) =>
    a.name.toLowerCase() === 'expires' && a.value !== undefined ? parseHttpDate(a.value, now) : undefined;
  const a = lastWhere(c.attributes, (x) => parse(x) !== undefined);
  return a && parse(a)?.date;
}

// ECMA-262 §21.4.1.1: a Date holds at most ±8.64e15 ms.
const LATEST_MS = 8.64e15;
const EARLIEST_MS = -8.64e15;

/**
 * When the cookie expires, as a browser would compute it at `now`.
 * `expires` is the effective expiry time; `future` is true if the cookie is still alive after `now`
 * (session cookies are).
 */
export function cookieLifetime(
  c: SetCookieCheck,
  now: Date,
): { maxAgeSeconds?: number; expires?: Date; persistent: boolean; future: boolean } {
  // RFC 6265 §5.3 step 3: Max-Age, if present, wins over Expires.
  const maxAgeSeconds = effectiveMaxAge(c);
  if (maxAgeSeconds !== undefined) {
    // RFC 6265 §5.2.2: delta-seconds <= 0 means the earliest representable time.
    const ms = maxAgeSeconds <= 0 ? EARLIEST_MS : Math.min(now.getTime() + maxAgeSeconds * 1000, LATEST_MS);
    return { maxAgeSeconds, expires: new Date(ms), persistent: true, future: ms > now.getTime() };
  }
  const expires = effectiveExpires(c, now);
  if (expires) return { expires, persistent: true, future: expires.getTime() > now.getTime() };
  // RFC 6265 §5.3 step 3: neither attribute means a session cookie, kept until the browser closes.
  return { persistent: false, future: true };
}

/**
 * Splits a request Cookie header ("theme=dark; sid=abc") into [name, value] pairs in order,
 * duplicates kept. Pieces without "=" are skipped; values keep any quotes.
 */
export function parseCookieHeader(h: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  // RFC 6265 §4.2.1: cookie-string = cookie-pair *( ";" SP cookie-pair ); OWS tolerated here.
  for (const piece of h.split(';')) {
    const eq = piece.indexOf('=');
    if (eq >= 0) pairs.push([piece.slice(0, eq).trim(), piece.slice(eq + 1).trim()]);
  }
  return pairs;
}

/** Joins pairs as a user agent does (RFC 6265 §4.2.1 / §5.4 step 4): "a=1; b=2". No validation. */
export function formatCookieHeader(pairs: Array<[string, string]>): string {
  return pairs.map(([name, value]) => `${name}=${value}`).join('; ');
}
