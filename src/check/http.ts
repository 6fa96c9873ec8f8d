// Pure evaluation of one HTTP response against a step's expectations:
// (expectations, what the server did) → a Failure or nothing. Framing
// mistakes fail only the framing rules a step asks for, so one mistake in
// line ends does not hide whether the status codes are right.
import { parseHttpDate, isImfFixdate, explainDate } from '../http/date.js';
import { parseEntityTag } from '../http/etag.js';
import { fieldText, header, headerAll, type Deviation, type DeviationCode, type HttpResponse } from '../http/response.js';
import { checkSetCookie, cookieAttribute, cookieLifetime, type SetCookieCheck } from '../http/set-cookie.js';
import type { FramingRule } from '../spec/types.js';
import { escapeBytes, previewBytes } from '../text/escape.js';
import type { Failure } from '../run/result.js';

export interface TextExpect {
  equals?: Buffer;
  contains?: string;
  notContains?: string;
  containsEach?: string[];
  matches?: RegExp;
  length?: number;
}

export interface HeaderExpect {
  present?: boolean;
  equals?: string;
  notEquals?: string;
  contains?: string;
  matches?: RegExp;
  tokens?: string[];
  imfFixdate?: boolean;
  entityTag?: boolean;
  notAfter?: string;
}

export interface SetCookieExpect {
  present?: boolean;
  valid?: boolean;
  path?: string;
  httpOnly?: boolean;
  persistent?: boolean;
  kept?: { name: string; value: string };
  fresh?: { name: string; not: string };
}

export interface HttpExpect {
  status?: number[];
  orClosed?: boolean;
  headers?: Array<[string, HeaderExpect]>;
  body?: TextExpect;
  framing?: FramingRule[];
  setCookie?: SetCookieExpect;
  keepAlive?: boolean;
}

export interface HttpObservation {
  response?: HttpResponse;
  /** Bytes that came without making a whole response before the deadline. */
  partial?: Buffer;
  /** The parser's deviations plus those found after the response (trailing bytes, length mismatch). */
  deviations: Deviation[];
  timedOut: boolean;
  timeoutMs: number;
  error?: { code: string; message: string };
  /** The server closed the connection (without a response, when there is none). */
  peerClosed: boolean;
  /** netgrade stopped reading at its byte cap before the response was whole. */
  capped?: boolean;
  /** For keepAlive: did the server close after this response? */
  closedAfter?: boolean;
  now: Date;
}

const show = (s: string | Buffer, max = 512) => previewBytes(typeof s === 'string' ? Buffer.from(s, 'utf8') : s, max);

/** The head of a response as a student would see it in a packet capture, escaped. */
export function responseHead(res: HttpResponse): string {
  // The head was decoded as latin1: its bytes are that string's latin1 encoding, not its UTF-8.
  return show(Buffer.from([res.statusLine, ...res.headers.map(([n, v]) => `${n}: ${v}`)].join('\n'), 'latin1'), 1024);
}

/** A header value as the bytes the server sent, escaped. */
const showField = (v: string) => show(Buffer.from(v, 'latin1'));

// ---- response or not --------------------------------------------------------

function noResponse(e: HttpExpect, o: HttpObservation): Failure | undefined {
  if (o.response) return undefined;
  if (e.orClosed && (o.peerClosed || o.error?.code === 'RESET')) return undefined;
  if (o.error) return { message: o.error.message };
  if (o.partial && o.partial.length > 0) {
    return { message: `the response was not complete within ${o.timeoutMs} ms (${o.partial.length} byte${o.partial.length === 1 ? '' : 's'} came)`, expected: 'a whole response', actual: show(o.partial) };
  }
  const message = o.peerClosed ? 'the server closed the connection without answering' : `no response within ${o.timeoutMs} ms`;
  return { message, expected: e.status ? `status ${e.status.join(' or ')}` : 'a response', actual: o.peerClosed ? '(nothing, then close)' : '(nothing)' };
}

/**
 * A response is judged only when it is whole: its header block ended, and netgrade did not
 * have to stop reading first. "HTTP/1.1 200" and a close, or an endless chunk, passed
 * `status: 200` (and `framing: [crlf]`) when the parser's best effort was judged as an answer.
 */
export function cutShort(e: HttpExpect, o: HttpObservation): Failure | undefined {
  const res = o.response!;
  if (o.capped) {
    return { message: 'the server sent more than 1 MiB without finishing the response; netgrade stopped reading', expected: 'a whole response', actual: responseHead(res) };
  }
  if (!res.headCut || (e.orClosed && o.peerClosed)) return undefined;
  const why = o.deviations.find((d) => d.code === 'truncated' || d.code === 'header-too-large');
  return { message: why?.message ?? 'the header block did not end', expected: 'a header block ended by an empty line (CRLF CRLF)', actual: responseHead(res) };
}

function notHttp(_e: HttpExpect, o: HttpObservation): Failure | undefined {
  const res = o.response!;
  if (res.status !== null) return undefined;
  return { message: 'the response does not start with an HTTP status line', expected: 'HTTP/1.1 <code> <reason>', actual: show(Buffer.concat([Buffer.from(res.statusLine, 'latin1'), Buffer.from('\n'), res.body]), 256) };
}

function status(e: HttpExpect, o: HttpObservation): Failure | undefined {
  const res = o.response!;
  if (!e.status || e.status.includes(res.status!)) return undefined;
  const interim = o.deviations.find((d) => d.code === 'interim-status');
  const want = e.status.join(' or ');
  const message = interim ? `expected status ${want}; ${interim.message}` : `expected status ${want}, got ${res.status}`;
  return { message, expected: `status ${want}`, actual: res.statusLine ? show(res.statusLine) : String(res.status) };
}

// ---- framing ----------------------------------------------------------------

const FRAMING: Record<FramingRule, { codes: DeviationCode[]; rule: string }> = {
  'status-line': { codes: ['bad-status-line', 'missing-reason', 'not-http'], rule: 'a status line "HTTP/1.1 SP 3DIGIT SP reason CRLF"' },
  crlf: { codes: ['lf-line-end'], rule: 'every line ending in CRLF, the header block in CRLF CRLF' },
  'content-length': { codes: ['no-content-length', 'content-length-mismatch', 'bad-content-length'], rule: 'a Content-Length equal to the body length in bytes' },
  'no-body': { codes: ['body-not-allowed'], rule: 'no bytes after the header block' },
};

function framing(e: HttpExpect, o: HttpObservation): Failure | undefined {
  for (const rule of e.framing ?? []) {
    const d = o.deviations.find((x) => FRAMING[rule].codes.includes(x.code));
    if (d) return { message: d.message, expected: FRAMING[rule].rule, actual: responseHead(o.response!) };
  }
  return undefined;
}

// ---- headers ----------------------------------------------------------------

function tokenList(value: string): string[] {
  return value.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
}

/** One header against its expectations; `all` are every value of that header. */
export function headerProblem(name: string, m: HeaderExpect, res: HttpResponse): string | undefined {
  const all = headerAll(res, name);
  // Compared as text (UTF-8 when the bytes are), as the spec's strings and {{captures}} are.
  // The grammars (entity-tag, HTTP-date) are checked on the bytes, as latin1.
  const raw = all.join(', ');
  const value = all.length > 0 ? fieldText(raw) : undefined;
  const v = escapeBytes(Buffer.from(raw, 'latin1'));
  if (m.present === false) return value === undefined ? undefined : `the response has a ${name} header ("${v}"), which it must not`;
  if (value === undefined) return m.present || Object.keys(m).length > 0 ? `the response has no ${name} header` : undefined;
  if (m.equals !== undefined && value !== m.equals) return `${name} is "${v}"; expected "${escapeBytes(Buffer.from(m.equals))}"`;
  if (m.notEquals !== undefined && value === m.notEquals) return `${name} is still "${v}"; it must have changed`;
  if (m.contains !== undefined && !value.includes(m.contains)) return `${name} is "${v}"; it must contain "${escapeBytes(Buffer.from(m.contains))}"`;
  if (m.matches && !m.matches.test(value)) return `${name} is "${v}"; it must match /${m.matches.source}/`;
  if (m.tokens) {
    const have = tokenList(value);
    const missing = m.tokens.filter((t) => !have.includes(t.toLowerCase()));
    if (missing.length > 0) return `${name} is "${v}"; it must list ${m.tokens.join(', ')} (missing ${missing.join(', ')})`;
  }
  if (m.imfFixdate && !isImfFixdate(raw)) return `${name} ${explainDate(raw)} (the form is "Sun, 06 Nov 1994 08:49:37 GMT", IMF-fixdate)`;
  if (m.entityTag && !parseEntityTag(raw)) return `${name} is "${v}", which is not an entity-tag: it must be a quoted string such as "abc" or W/"abc"`;
  if (m.notAfter !== undefined) return notAfter(name, raw, m.notAfter, res);
  return undefined;
}

function notAfter(name: string, value: string, other: string, res: HttpResponse): string | undefined {
  const mine = parseHttpDate(value);
  const theirs = header(res, other);
  const ref = theirs === undefined ? undefined : parseHttpDate(theirs);
  if (!mine) return `${name} ${explainDate(value)}`;
  if (!ref) return `the response has no valid ${other} header to compare ${name} with`;
  return mine.date.getTime() > ref.date.getTime() ? `${name} (${value}) is later than ${other} (${theirs}); it must not be in the future` : undefined;
}

function headers(e: HttpExpect, o: HttpObservation): Failure | undefined {
  for (const [name, m] of e.headers ?? []) {
    const problem = headerProblem(name, m, o.response!);
    if (problem) {
      const all = headerAll(o.response!, name);
      return { message: problem, expected: describeHeaderExpect(name, m), actual: all.length ? all.map((v) => `${name}: ${showField(v)}`).join('\n') : `(no ${name} header)` };
    }
  }
  return undefined;
}

function describeHeaderExpect(name: string, m: HeaderExpect): string {
  if (m.present === false) return `no ${name} header`;
  const parts = [
    m.equals !== undefined && `"${show(m.equals)}"`,
    m.notEquals !== undefined && `not "${show(m.notEquals)}"`,
    m.contains !== undefined && `containing "${show(m.contains)}"`,
    m.matches && `matching /${m.matches.source}/`,
    m.tokens && `listing ${m.tokens.join(', ')}`,
    m.imfFixdate && 'an IMF-fixdate',
    m.entityTag && 'an entity-tag',
    m.notAfter && `not later than ${m.notAfter}`,
  ].filter(Boolean);
  return `${name}: ${parts.join(', ') || 'present'}`;
}

// ---- body -------------------------------------------------------------------

/** A body (or any bytes) against a text expectation; returns the failure sentence. */
export function textProblem(m: TextExpect, bytes: Buffer, what = 'the body'): Failure | undefined {
  const text = bytes.toString('utf8');
  const actual = show(bytes);
  if (m.equals && !bytes.equals(m.equals)) return { message: `${what} is not the expected bytes`, expected: show(m.equals), actual };
  if (m.length !== undefined && bytes.length !== m.length) return { message: `${what} is ${bytes.length} bytes; expected ${m.length}`, expected: `${m.length} bytes`, actual };
  if (m.contains !== undefined && !text.includes(m.contains)) return { message: `${what} does not contain "${show(m.contains, 200)}"`, expected: `contains "${show(m.contains)}"`, actual };
  if (m.notContains !== undefined && text.includes(m.notContains)) return { message: `${what} contains "${show(m.notContains, 200)}", which it must not`, expected: `no "${show(m.notContains)}"`, actual };
  if (m.matches && !m.matches.test(text)) return { message: `${what} does not match /${m.matches.source}/`, expected: `matches /${m.matches.source}/`, actual };
  if (m.containsEach) {
    const missing = m.containsEach.filter((s) => !text.includes(s));
    if (missing.length > 0) return { message: `${what} lacks ${missing.length} of ${m.containsEach.length} expected entries, e.g. "${show(missing[0], 200)}"`, expected: `all ${m.containsEach.length} entries`, actual: `${m.containsEach.length - missing.length} of them; ${previewBytes(bytes, 256)}` };
  }
  return undefined;
}

function body(e: HttpExpect, o: HttpObservation): Failure | undefined {
  return e.body ? textProblem(e.body, o.response!.body) : undefined;
}

// ---- cookies ----------------------------------------------------------------

function setCookies(res: HttpResponse): Array<{ raw: string; check: SetCookieCheck }> {
  return headerAll(res, 'set-cookie').map((raw) => ({ raw, check: checkSetCookie(raw) }));
}

/** Set-Cookie expectations; the first cookie is the one a session check is about. */
export function setCookieProblem(m: SetCookieExpect, res: HttpResponse, now: Date): string | undefined {
  const cookies = setCookies(res);
  const first = cookies[0];
  if (m.present === false) return first ? `the response sets a cookie ("${show(first.raw)}"), which it must not` : undefined;
  if (m.kept) {
    const again = cookies.find((c) => c.check.name === m.kept!.name);
    if (again && again.check.value !== m.kept.value) return `the server set a new ${m.kept.name} cookie ("${show(again.check.value ?? '')}") although the request carried ${m.kept.name}=${show(m.kept.value)}`;
  }
  if (m.fresh && !cookies.some((x) => x.check.name === m.fresh!.name)) return `the response sets no ${m.fresh.name} cookie; a new session needs a new id`;
  const needsOne = m.present || m.valid || m.path !== undefined || m.httpOnly || m.persistent;
  if (!first) return needsOne ? 'the response has no Set-Cookie header' : undefined;
  if (m.valid) {
    const bad = cookies.find((c) => c.check.problems.length > 0);
    if (bad) return `Set-Cookie "${show(bad.raw)}" is not valid RFC 6265 syntax: ${bad.check.problems.join('; ')}`;
  }
  if (m.path !== undefined && cookieAttribute(first.check, 'Path')?.value !== m.path) return `the cookie has no Path=${m.path} attribute`;
  if (m.httpOnly && !cookieAttribute(first.check, 'HttpOnly')) return 'the cookie has no HttpOnly attribute';
  if (m.persistent) {
    const life = cookieLifetime(first.check, now);
    if (!life.persistent) return 'the cookie has neither Max-Age nor Expires, so it is a session cookie';
    if (!life.future) return 'the cookie has already expired (Max-Age <= 0 or an Expires in the past)';
  }
  if (m.fresh) {
    const c = cookies.find((x) => x.check.name === m.fresh!.name)!;
    if (c.check.value === m.fresh.not) return `the server adopted the id the client made up (${m.fresh.name}=${show(m.fresh.not)}) instead of issuing a fresh one`;
  }
  return undefined;
}

function cookie(e: HttpExpect, o: HttpObservation): Failure | undefined {
  if (!e.setCookie) return undefined;
  const problem = setCookieProblem(e.setCookie, o.response!, o.now);
  if (!problem) return undefined;
  const all = headerAll(o.response!, 'set-cookie');
  return { message: problem, actual: all.length ? all.map((v) => `Set-Cookie: ${showField(v)}`).join('\n') : '(no Set-Cookie header)' };
}

// ---- connection -------------------------------------------------------------

function keepAlive(e: HttpExpect, o: HttpObservation): Failure | undefined {
  if (!e.keepAlive) return undefined;
  const saidClose = tokenList(header(o.response!, 'connection') ?? '').includes('close');
  if (saidClose && !o.closedAfter) return { message: 'the response says Connection: close, but the server kept the connection open', expected: 'the server closes the connection', actual: 'still open' };
  if (!saidClose && o.closedAfter) return { message: 'the server closed the connection after the response without sending Connection: close', expected: 'Connection: close, or a connection that stays open', actual: 'closed, with no Connection: close' };
  return undefined;
}

type Check = (e: HttpExpect, o: HttpObservation) => Failure | undefined;
/** Order matters: the first failing check names the most basic problem. */
const CHECKS: Check[] = [status, framing, headers, body, cookie, keepAlive];

export function checkResponse(e: HttpExpect, o: HttpObservation): Failure | undefined {
  const missing = noResponse(e, o);
  if (missing || !o.response) return missing;
  const garbage = cutShort(e, o) ?? notHttp(e, o);
  if (garbage) return garbage;
  for (const check of CHECKS) {
    const f = check(e, o);
    if (f) return f;
  }
  return undefined;
}
