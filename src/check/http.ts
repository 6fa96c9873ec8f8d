// Pure evaluation of one HTTP response against a step's expectations:
// (expectations, what the server did) → a Failure or nothing. Framing
// mistakes fail only the framing rules a step asks for, so one mistake in
// line ends does not hide whether the status codes are right.
import {
  declaredLength,
  header,
  headerAll,
  type Deviation,
  type DeviationCode,
  type HttpResponse,
} from '../http/response.js';
import { parseSetCookie, cookieAttribute, cookieLifetime, type SetCookieCheck } from '../http/set-cookie.js';
import type { FramingRule } from '../spec/types.js';
import { previewBytes } from '../text/escape.js';
import type { Failure } from '../model/result.js';
import { judge, wantedAll, type MatchSet, type Subject } from './predicate.js';

/** A header's matchers (src/spec/matchers.ts), and whether it is there at all. */
export interface HeaderExpect extends MatchSet {
  present?: boolean;
}

export interface SetCookieExpect {
  present?: boolean;
  valid?: boolean;
  path?: string;
  httpOnly?: boolean;
  persistent?: boolean;
  kept?: { name: string; value: string };
  /**
   * The response sets cookie `name` to a new value: not `not` (an id the client made up), none of `notIssued` (ids
   * issued before).
   */
  fresh?: { name: string; not?: string; notIssued?: string[] };
  /** Matchers on the value of the first Set-Cookie. */
  value?: MatchSet;
}

export interface HttpExpect {
  status?: number[];
  orClosed?: boolean;
  headers?: Array<[string, HeaderExpect]>;
  body?: MatchSet;
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
  /** That cap (bytes). */
  capBytes?: number;
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
    return {
      message:
        `the response was not complete within ${o.timeoutMs} ms (${o.partial.length} ` +
        `byte${o.partial.length === 1 ? '' : 's'} came)`,
      expected: 'a whole response',
      actual: show(o.partial),
    };
  }
  const message = o.peerClosed
    ? 'the server closed the connection without answering'
    : `no response within ${o.timeoutMs} ms`;
  return {
    message,
    expected: e.status ? `status ${e.status.join(' or ')}` : 'a response',
    actual: o.peerClosed ? '(nothing, then close)' : '(nothing)',
  };
}

/**
 * A response is judged only when it is whole: its header block ended, and netgrade did not
 * have to stop reading first. "HTTP/1.1 200" and a close, or an endless chunk, passed
 * `status: 200` (and `framing: [crlf]`) when the parser's best effort was judged as an answer.
 */
const mib = (n: number) => (n % 1048576 === 0 ? `${n / 1048576} MiB` : `${n} bytes`);

export function cutShort(e: HttpExpect, o: HttpObservation): Failure | undefined {
  const res = o.response!;
  if (o.capped) {
    const declared = declaredLength(res);
    // An honest Content-Length over the cap is most often a store that kept every earlier run's pairs.
    if (declared && 'length' in declared && o.capBytes !== undefined && declared.length > o.capBytes)
      return {
        message:
          `the response says Content-Length: ${declared.length}, more than the ${mib(o.capBytes)} netgrade reads; ` +
          'if this is a listing, your store has grown with the pairs of earlier runs: restart your server to empty it',
        expected: `a response of at most ${mib(o.capBytes)}`,
        actual: responseHead(res),
      };
    return {
      message: 'the server sent more than 1 MiB without finishing the response; netgrade stopped reading',
      expected: 'a whole response',
      actual: responseHead(res),
    };
  }
  if (!res.headCut || (e.orClosed && o.peerClosed)) return undefined;
  const why = o.deviations.find((d) => d.code === 'truncated' || d.code === 'header-too-large');
  return {
    message: why?.message ?? 'the header block did not end',
    expected: 'a header block ended by an empty line (CRLF CRLF)',
    actual: responseHead(res),
  };
}

function notHttp(_e: HttpExpect, o: HttpObservation): Failure | undefined {
  const res = o.response!;
  if (res.status !== null) return undefined;
  return {
    message: 'the response does not start with an HTTP status line',
    expected: 'HTTP/1.1 <code> <reason>',
    actual: show(Buffer.concat([Buffer.from(res.statusLine, 'latin1'), Buffer.from('\n'), res.body]), 256),
  };
}

function status(e: HttpExpect, o: HttpObservation): Failure | undefined {
  const res = o.response!;
  if (!e.status || e.status.includes(res.status!)) return undefined;
  const interim = o.deviations.find((d) => d.code === 'interim-status');
  const want = e.status.join(' or ');
  const message = interim
    ? `expected status ${want}; ${interim.message}`
    : `expected status ${want}, got ${res.status}`;
  return { message, expected: `status ${want}`, actual: res.statusLine ? show(res.statusLine) : String(res.status) };
}

// ---- framing ----------------------------------------------------------------

const FRAMING: Record<FramingRule, { codes: DeviationCode[]; rule: string }> = {
  'status-line': {
    codes: ['bad-status-line', 'missing-reason', 'not-http'],
    rule: 'a status line "HTTP/1.1 SP 3DIGIT SP reason CRLF"',
  },
  crlf: { codes: ['lf-line-end'], rule: 'every line ending in CRLF, the header block in CRLF CRLF' },
  'content-length': {
    codes: ['no-content-length', 'content-length-mismatch', 'bad-content-length'],
    rule: 'a Content-Length equal to the body length in bytes',
  },
  'no-body': { codes: ['body-not-allowed'], rule: 'no bytes after the header block' },
  'header-syntax': {
    codes: ['bad-header-line'],
    rule: 'every header line "name: value", the name a token, the value free of control characters',
  },
};

function framing(e: HttpExpect, o: HttpObservation): Failure | undefined {
  for (const rule of e.framing ?? []) {
    const d = o.deviations.find((x) => FRAMING[rule].codes.includes(x.code));
    if (d) return { message: d.message, expected: FRAMING[rule].rule, actual: responseHead(o.response!) };
  }
  return undefined;
}

// ---- headers ----------------------------------------------------------------

/** A header's value as a subject: every field of that name joined, as the bytes the server sent. */
function headerSubject(name: string, res: HttpResponse, receivedAt?: Date): Subject | undefined {
  const all = headerAll(res, name);
  if (all.length === 0) return undefined;
  const bytes = Buffer.from(all.join(', '), 'latin1');
  return { kind: 'header', name, bytes, header: (other) => header(res, other), receivedAt };
}

/** One header against its expectations: its presence here, its value by the matcher table. */
export function headerProblem(
  name: string,
  m: HeaderExpect,
  res: HttpResponse,
  receivedAt?: Date,
): Failure | undefined {
  const subject = headerSubject(name, res, receivedAt);
  const all = headerAll(res, name);
  const actual = all.length ? all.map((v) => `${name}: ${showField(v)}`).join('\n') : `(no ${name} header)`;
  if (m.present === false)
    return subject
      ? {
          message: `the response has a ${name} header ("${showField(all.join(', '))}"), which it must not`,
          expected: `no ${name} header`,
          actual,
        }
      : undefined;
  const wants = wantedAll(m);
  // A header named in a step must be there (`ETag: {}` asks for just that), unless `present: false`.
  if (!subject)
    return {
      message: `the response has no ${name} header`,
      expected: `${name}: ${wants.join(', ') || 'present'}`,
      actual,
    };
  const bad = judge(m, subject);
  return bad && { message: bad.message, expected: `${name}: ${bad.expected}`, actual };
}

function headers(e: HttpExpect, o: HttpObservation): Failure | undefined {
  for (const [name, m] of e.headers ?? []) {
    const problem = headerProblem(name, m, o.response!, o.now);
    if (problem) return problem;
  }
  return undefined;
}

// ---- body -------------------------------------------------------------------

function body(e: HttpExpect, o: HttpObservation): Failure | undefined {
  const bad = e.body && judge(e.body, { kind: 'body', name: 'the body', bytes: o.response!.body });
  return bad && { message: bad.message, expected: bad.expected, actual: bad.actual };
}

// ---- cookies ----------------------------------------------------------------

function setCookies(res: HttpResponse): Array<{ raw: string; check: SetCookieCheck }> {
  return headerAll(res, 'set-cookie').map((raw) => ({ raw, check: parseSetCookie(raw) }));
}

/** Set-Cookie expectations; the first cookie is the one a session check is about. */
export function setCookieProblem(m: SetCookieExpect, res: HttpResponse, now: Date): string | undefined {
  const cookies = setCookies(res);
  const first = cookies[0];
  if (m.present === false)
    return first ? `the response sets a cookie ("${show(first.raw)}"), which it must not` : undefined;
  if (m.kept) {
    const again = cookies.find((c) => c.check.name === m.kept!.name);
    if (again && again.check.value !== m.kept.value)
      return (
        `the server set a new ${m.kept.name} cookie ("${show(again.check.value ?? '')}") although the request ` +
        `carried ${m.kept.name}=${show(m.kept.value)}`
      );
  }
  if (m.fresh && !cookies.some((x) => x.check.name === m.fresh!.name))
    return `the response sets no ${m.fresh.name} cookie; a new session needs a new id`;
  const needsOne = m.present || m.valid || m.path !== undefined || m.httpOnly || m.persistent || m.value !== undefined;
  if (!first) return needsOne ? 'the response has no Set-Cookie header' : undefined;
  if (m.valid) {
    const bad = cookies.find((c) => c.check.problems.length > 0);
    if (bad) return `Set-Cookie "${show(bad.raw)}" is not valid RFC 6265 syntax: ${bad.check.problems.join('; ')}`;
  }
  if (m.path !== undefined && cookieAttribute(first.check, 'Path')?.value !== m.path)
    return `the cookie has no Path=${m.path} attribute`;
  if (m.httpOnly && !cookieAttribute(first.check, 'HttpOnly')) return 'the cookie has no HttpOnly attribute';
  if (m.persistent) {
    const life = cookieLifetime(first.check, now);
    if (!life.persistent) return 'the cookie has neither Max-Age nor Expires, so it is a session cookie';
    if (!life.future) return 'the cookie has already expired (Max-Age <= 0 or an Expires in the past)';
  }
  if (m.value) {
    const bad = judge(m.value, {
      kind: 'cookie',
      name: `the cookie ${first.check.name ?? ''}`.trimEnd(),
      bytes: Buffer.from(first.check.value ?? '', 'latin1'),
    });
    if (bad) return bad.message;
  }
  if (m.fresh) {
    const c = cookies.find((x) => x.check.name === m.fresh!.name)!;
    if (m.fresh.not !== undefined && c.check.value === m.fresh.not)
      return (
        `the server adopted the id the client made up (${m.fresh.name}=${show(m.fresh.not)}) instead of ` +
        `issuing a fresh one`
      );
    if (m.fresh.notIssued?.includes(c.check.value ?? ''))
      return (
        `the server issued ${m.fresh.name}=${show(c.check.value ?? '')} again, an id it had already given ` +
        `another session; every new session needs its own id`
      );
  }
  return undefined;
}

function cookie(e: HttpExpect, o: HttpObservation): Failure | undefined {
  if (!e.setCookie) return undefined;
  const problem = setCookieProblem(e.setCookie, o.response!, o.now);
  if (!problem) return undefined;
  const all = headerAll(o.response!, 'set-cookie');
  return {
    message: problem,
    actual: all.length ? all.map((v) => `Set-Cookie: ${showField(v)}`).join('\n') : '(no Set-Cookie header)',
  };
}

// ---- connection -------------------------------------------------------------

const tokenList = (value: string) =>
  value
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);

function keepAlive(e: HttpExpect, o: HttpObservation): Failure | undefined {
  if (!e.keepAlive) return undefined;
  const saidClose = tokenList(header(o.response!, 'connection') ?? '').includes('close');
  if (saidClose && !o.closedAfter)
    return {
      message: 'the response says Connection: close, but the server kept the connection open',
      expected: 'the server closes the connection',
      actual: 'still open',
    };
  if (!saidClose && o.closedAfter)
    return {
      message: 'the server closed the connection after the response without sending Connection: close',
      expected: 'Connection: close, or a connection that stays open',
      actual: 'closed, with no Connection: close',
    };
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
