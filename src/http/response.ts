// Lenient, incremental HTTP/1.1 response parser, built to diagnose students' servers.
//
// Hand-written on purpose: Node's llhttp (behind http.request) rejects or silently
// reinterprets exactly the broken framing we must report (bare LF line ends, a status line
// without reason phrase, 100 answered to HEAD, a Content-Length that counts characters).
// This parser accepts all of it, recovers a meaning where one exists, and records every
// departure from RFC 9112 as a Deviation written for the student.
//
// It keeps no state: call it with the whole accumulated buffer each time bytes arrive.
// Reparsing from scratch is cheap enough because buffers are capped (~1 MiB).
// Header text is decoded as latin1 so that every byte survives into messages unchanged.

import { escapeBytes } from '../text/escape.js';
import { STATUS_CODES } from 'node:http';

export type DeviationCode =
  | 'lf-line-end' // a line ended in bare LF instead of CRLF (status line or header line or the blank line)
  | 'bad-status-line' // status line not `HTTP/1.1 SP 3DIGIT SP reason`; the message says what exactly
  | 'missing-reason' // no reason phrase (also no SP after the code)
  | 'interim-status' // a 1xx status given as the (final) answer, e.g. HEAD answered with `100 CONTINUE`
  | 'no-content-length' // neither Content-Length nor Transfer-Encoding: body read until close
  | 'content-length-mismatch' // Content-Length disagrees with the bytes that actually came before close
  | 'bad-content-length' // Content-Length not a decimal number, several differing values, or sent with TE
  | 'body-not-allowed' // bytes after a response that must have no body (HEAD, 304, 204, 1xx)
  | 'bad-header-line' // header line without a colon, or whitespace before the colon (RFC 9112 §5.1), obs-fold
  | 'header-too-large' // header block over the cap
  | 'body-too-large' // body over the cap (truncated)
  | 'not-http' // the bytes do not start with `HTTP/` at all
  | 'chunked' // informational: transfer-encoding chunked was used (and decoded)
  | 'truncated' // the peer closed in the middle of the header block or of a chunked body
  | 'bad-chunked'; // chunked framing that cannot be decoded (bad size line, data not followed by CRLF)

export interface Deviation {
  code: DeviationCode;
  message: string;
}

export interface HttpResponse {
  statusLine: string; // raw first line without its line end
  version: string | null; // as sent, e.g. 'HTTP/1.1'; null when the line does not start with HTTP/
  status: number | null; // null when unparseable
  reason: string | null; // null when absent (no SP after the code) or the status is unparseable
  headers: Array<[string, string]>; // in order, names as sent, values trimmed of OWS
  body: Buffer; // decoded (chunked removed) body
  headerBytes: number; // length of the header block including the blank line
  deviations: Deviation[];
  headCut?: true; // the header block never ended (closed first, or over the cap): not a whole response
  closeDelimited: boolean; // body length determined by connection close
  method?: string; // request method this answers; parseResponse sets it (HEAD means no body)
}

export interface ParseOptions {
  method: string; // request method: HEAD means no body (RFC 9112 §6.3 rule 1)
  closed: boolean; // whether the peer has closed (no more bytes will come)
  maxHeaderBytes?: number; // default 64 * 1024
  maxBodyBytes?: number; // default 1024 * 1024
}

export type ParseResult =
  | { state: 'incomplete' }
  | { state: 'complete'; response: HttpResponse; rest: Buffer }
  | { state: 'empty' };

export const DEFAULT_MAX_HEADER_BYTES = 64 * 1024;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);
const INCOMPLETE: ParseResult = { state: 'incomplete' };
const UNTIL_CLOSE = 'so the body was read until the server closed the connection';

interface Line {
  text: string;
  bare: boolean;
  next: number;
}

export function parseResponse(buf: Buffer, opts: ParseOptions): ParseResult {
  const maxHeader = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (buf.length === 0) return opts.closed ? { state: 'empty' } : INCOMPLETE;
  if (!startsLikeHttp(buf)) return notHttp(buf, opts, maxHeader);
  const head = scanHead(buf, maxHeader);
  if (head.end === null) {
    if (!opts.closed && buf.length < maxHeader) return INCOMPLETE;
    return cutHead(buf, head.lines, opts, maxHeader);
  }
  const res = buildResponse(head.lines, head.blankBare, head.end, opts.method);
  return frameBody(res, buf, opts);
}

export function header(res: HttpResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return res.headers.find(([n]) => n.toLowerCase() === wanted)?.[1];
}

export function headerAll(res: HttpResponse, name: string): string[] {
  const wanted = name.toLowerCase();
  return res.headers.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v);
}

// RFC 9112 §6.3 rule 1: why this response must not have a body, or undefined if it may.
export function bodyForbiddenReason(res: HttpResponse): string | undefined {
  if (res.method?.toUpperCase() === 'HEAD') return 'a response to HEAD';
  const s = res.status;
  if (s !== null && s >= 100 && s < 200) return `a ${s} (1xx) response`;
  if (s === 204 || s === 304) return `a ${s} response`;
  return undefined;
}

// For the caller's final diagnosis: bytes that followed a response which must have no body.
export function trailingBytesDeviation(res: HttpResponse, rest: Buffer): Deviation | undefined {
  const why = bodyForbiddenReason(res);
  if (rest.length === 0 || why === undefined) return undefined;
  return dev('body-not-allowed', `${plural(rest.length, 'byte')} came after ${why}, which must not have a body`);
}

// For when the connection closed and the bytes after a Content-Length body were evidently
// meant as body too (typically Content-Length counted characters instead of UTF-8 bytes).
// `closed` false: the server sent the bytes and kept the connection open (a request said Connection: close).
export function contentLengthMismatch(res: HttpResponse, extra: Buffer, closed = true): Deviation | undefined {
  if (extra.length === 0 || res.closeDelimited || bodyForbiddenReason(res) !== undefined) return undefined;
  if (headerAll(res, 'transfer-encoding').length > 0) return undefined;
  const declared = declaredLength(res);
  if (declared === null || !('length' in declared)) return undefined;
  const actual = res.body.length + extra.length;
  return dev(
    'content-length-mismatch',
    closed
      ? `Content-Length says ${declared.length} but the body that came before close is ${actual} bytes`
      : `Content-Length says ${declared.length} but ${plural(extra.length, 'more byte')} came right after that body`,
  );
}

// Header values are decoded as latin1 so every byte survives; as text a spec compares with
// (and sends back in a {{capture}}), a value that is valid UTF-8 reads as UTF-8.
export function fieldText(latin1: string): string {
  const bytes = Buffer.from(latin1, 'latin1');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : latin1;
}

// ---- header block -------------------------------------------------------------------

// Lowercase `http/1.1` still counts as HTTP (it gets a bad-status-line instead).
function startsLikeHttp(buf: Buffer): boolean {
  const n = Math.min(buf.length, 5);
  return buf.toString('latin1', 0, n).toUpperCase() === 'HTTP/'.slice(0, n);
}

// RFC 9112 §2.2 lets a recipient accept a bare LF as line end; we accept it and report it.
function readLine(buf: Buffer, pos: number, limit = buf.length): Line | null {
  const lf = buf.indexOf(LF, pos);
  if (lf < 0 || lf >= limit) return null;
  const bare = lf === pos || buf[lf - 1] !== CR;
  return { text: buf.toString('latin1', pos, bare ? lf : lf - 1), bare, next: lf + 1 };
}

// RFC 9112 §2.1: the header block ends at the first empty line, which must lie within limit.
function scanHead(buf: Buffer, limit: number): { lines: Line[]; end: number | null; blankBare: boolean } {
  const lines: Line[] = [];
  let pos = 0;
  for (let line = readLine(buf, pos, limit); line; line = readLine(buf, pos, limit)) {
    pos = line.next;
    if (line.text === '' && lines.length > 0) return { lines, end: pos, blankBare: line.bare };
    lines.push(line);
  }
  return { lines, end: null, blankBare: false };
}

function notHttp(buf: Buffer, opts: ParseOptions, maxHeader: number): ParseResult {
  const line = readLine(buf, 0, maxHeader);
  if (!line && !opts.closed && buf.length < maxHeader) return INCOMPLETE;
  const next = line ? line.next : Math.min(buf.length, maxHeader);
  // Everything after the first line goes into body: a server that forgot the head entirely
  // then shows its payload there, and the caller does not loop over the remaining garbage.
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const res: HttpResponse = {
    statusLine: line ? line.text : buf.toString('latin1', 0, next),
    version: null,
    status: null,
    reason: null,
    headers: [],
    body: buf.subarray(next, next + maxBody),
    headerBytes: next,
    closeDelimited: false,
    method: opts.method,
    deviations: [
      dev(
        'not-http',
        `the response does not start with "HTTP/" (it starts with ${quote(buf.toString('latin1', 0, 40))})`,
      ),
    ],
  };
  return { state: 'complete', response: res, rest: EMPTY };
}

// The header block never ended: return what we have instead of waiting any longer.
function cutHead(buf: Buffer, lines: Line[], opts: ParseOptions, maxHeader: number): ParseResult {
  const head =
    lines.length > 0
      ? lines
      : [{ text: buf.toString('latin1', 0, Math.min(buf.length, maxHeader)), bare: false, next: buf.length }];
  const res = buildResponse(head, false, buf.length, opts.method);
  res.headCut = true;
  res.deviations.push(
    buf.length >= maxHeader
      ? dev(
          'header-too-large',
          `the header block is longer than the ${maxHeader}-byte limit without reaching the empty line that ends it`,
        )
      : dev(
          'truncated',
          'the server closed the connection before the header block ended (no empty line after the headers)',
        ),
  );
  return { state: 'complete', response: res, rest: EMPTY };
}

function buildResponse(lines: Line[], blankBare: boolean, headerBytes: number, method: string): HttpResponse {
  const deviations: Deviation[] = [];
  const lf = lineEndDeviation(lines, blankBare);
  if (lf) deviations.push(lf);
  const statusLine = lines[0].text;
  const { version, status, reason } = parseStatusLine(statusLine, deviations);
  const headers = parseHeaderLines(lines.slice(1), deviations);
  if (status !== null && status >= 100 && status < 200) {
    deviations.push(dev('interim-status', `got ${status}, a 1xx status is not a final response`));
  }
  return {
    statusLine,
    version,
    status,
    reason,
    headers,
    body: EMPTY,
    headerBytes,
    deviations,
    closeDelimited: false,
    method,
  };
}

// One deviation for the whole head: the first offending line, and how many others.
function lineEndDeviation(lines: Line[], blankBare: boolean): Deviation | undefined {
  const bare = lines.flatMap((l, i) => (l.bare ? [i] : []));
  if (blankBare) bare.push(lines.length);
  if (bare.length === 0) return undefined;
  const i = bare[0];
  const what =
    i === 0
      ? 'the status line'
      : i === lines.length
        ? 'the empty line that ends the headers'
        : quote(lines[i].text, 40);
  const others = bare.length - 1;
  const more = others === 0 ? '' : others === 1 ? ', as does 1 more line' : `, as do ${others} more lines`;
  return dev('lf-line-end', `line ${i + 1} (${what}) ends in LF without CR${more}; every line must end in CRLF`);
}

// RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
// Parsed leniently (any whitespace runs), then every departure is reported.
function parseStatusLine(line: string, devs: Deviation[]): Pick<HttpResponse, 'version' | 'status' | 'reason'> {
  const [, version, sep, after] = /^([^ \t]*)([ \t]*)(.*)$/s.exec(line) ?? ['', '', '', ''];
  const out = {
    version: /^HTTP\//i.test(version) ? version : null,
    status: null as number | null,
    reason: null as string | null,
  };
  const bad = (message: string) => devs.push(dev('bad-status-line', message));
  checkVersion(version, bad);
  if (sep.length > 0 && sep !== ' ')
    bad(
      `status line ${quote(line)} has ${describeSpace(sep)} between ${quote(version)} and the status code (expected ` +
        `exactly one space)`,
    );
  const code = /^(\d+)(.*)$/s.exec(after);
  if (!code) {
    bad(`status line ${quote(line)} has no 3-digit status code`);
    return out;
  }
  const [, digits, tail] = code;
  if (digits.length !== 3) {
    bad(`status code "${digits}" in status line ${quote(line)} is not 3 digits`);
    return out;
  }
  out.status = Number(digits);
  if (out.status < 100 || out.status > 599) bad(`status code ${digits} is outside the range 100 to 599`);
  if (tail === '') {
    devs.push(
      dev('missing-reason', `status line ${quote(line)} has no reason phrase (expected ${expectedLine(out.status)})`),
    );
  } else if (tail[0] === ' ') {
    out.reason = tail.slice(1); // an empty reason is fine; the SP is what is required
    checkReason(out.reason, bad);
  } else if (tail[0] === '\t') {
    out.reason = tail.replace(/^[ \t]+/, '');
    bad(`status line ${quote(line)} has a tab after the status code (expected exactly one space)`);
  } else {
    out.reason = tail;
    bad(`status line ${quote(line)} has no space between the status code and the reason phrase`);
  }
  return out;
}

// RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ); a control byte (NUL, ESC, DEL) is none of them.
function checkReason(reason: string, bad: (message: string) => void): void {
  const ctl = /[\x00-\x08\x0a-\x1f\x7f]/.exec(reason);
  if (ctl)
    bad(
      `the reason phrase ${quote(reason)} holds the control character ${quote(ctl[0])}; only tabs, spaces and ` +
        `visible characters are allowed (RFC 9112 §4)`,
    );
}

function checkVersion(version: string, bad: (message: string) => void): void {
  if (version === 'HTTP/1.1') return;
  if (version.toUpperCase() === 'HTTP/1.1')
    bad(`status line starts with ${quote(version)}, but the protocol name is case-sensitive: write "HTTP/1.1"`);
  else if (/^HTTP\/1\.0$/i.test(version)) bad('status line uses HTTP/1.0 instead of HTTP/1.1');
  else bad(`status line starts with ${quote(version)} instead of "HTTP/1.1"`);
}

function expectedLine(status: number): string {
  const reason = STATUS_CODES[status];
  return reason ? `"HTTP/1.1 ${status} ${reason}"` : `"HTTP/1.1 ${status} " followed by a reason phrase`;
}

// RFC 9110 §5.6.2: token = 1*tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// RFC 9112 §5: field-line = field-name ":" OWS field-value OWS; §5.2 obs-fold is joined with SP.
function parseHeaderLines(lines: Line[], devs: Deviation[]): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const bad = (message: string) => devs.push(dev('bad-header-line', message));
  lines.forEach((line, i) => {
    const where = `line ${i + 2} (${quote(line.text, 40)})`; // the status line is line 1
    const previous = headers[headers.length - 1];
    if (/^[ \t]/.test(line.text)) {
      if (!previous) {
        bad(`${where} starts with whitespace but there is no header before it to continue; it was ignored`);
        return;
      }
      previous[1] = trimOws(`${previous[1]} ${trimOws(line.text)}`);
      bad(
        `${where} starts with whitespace, an obsolete way to continue the previous header (RFC 9112 §5.2); it was ` +
          `joined to that header`,
      );
      return;
    }
    const colon = line.text.indexOf(':');
    if (colon < 0) {
      bad(`${where} has no colon, so it is not a header; it was ignored`);
      return;
    }
    if (colon === 0) {
      bad(`${where} has no header name before the colon; it was ignored`);
      return;
    }
    const name = line.text.slice(0, colon);
    if (/[ \t]$/.test(name))
      bad(`${where} has whitespace between the header name and the colon, which RFC 9112 §5.1 forbids`);
    else if (!TOKEN.test(name))
      bad(`${where} has a header name that is not a token (letters, digits and !#$%&'*+-.^_\`|~ only, RFC 9110 §5.1)`);
    const ctl = /[\x00-\x08\x0a-\x1f\x7f]/.exec(line.text.slice(colon + 1));
    if (ctl) bad(`${where} has the control character ${quote(ctl[0])} in its value, which RFC 9110 §5.5 forbids`);
    headers.push([name.replace(/[ \t]+$/, ''), trimOws(line.text.slice(colon + 1))]);
  });
  return headers;
}

// ---- body -------------------------------------------------------------------------

// RFC 9112 §6.3 message body length, rules 1 (no body), 3-4 (Transfer-Encoding),
// 5-6 (Content-Length) and 8 (read until close); rules 2 and 7 do not apply to us.
function frameBody(res: HttpResponse, buf: Buffer, opts: ParseOptions): ParseResult {
  const start = res.headerBytes;
  if (bodyForbiddenReason(res) !== undefined) return { state: 'complete', response: res, rest: buf.subarray(start) };
  const te = headerAll(res, 'transfer-encoding');
  if (te.length > 0) {
    if (header(res, 'content-length') !== undefined) {
      res.deviations.push(
        dev(
          'bad-content-length',
          'the response has both Transfer-Encoding and Content-Length; Content-Length was ignored (RFC 9112 §6.3)',
        ),
      );
    }
    const codings = te
      .join(',')
      .split(',')
      .map(trimOws)
      .filter((c) => c !== '');
    if (codings[codings.length - 1]?.toLowerCase() === 'chunked') return chunkedBody(res, buf, start, opts);
    return untilClose(
      res,
      buf,
      start,
      opts,
      dev('no-content-length', `Transfer-Encoding ${quote(te.join(', '))} does not end in chunked, ${UNTIL_CLOSE}`),
    );
  }
  const declared = declaredLength(res);
  if (declared === null) {
    return untilClose(
      res,
      buf,
      start,
      opts,
      dev('no-content-length', `the response has neither Content-Length nor Transfer-Encoding, ${UNTIL_CLOSE}`),
    );
  }
  if ('problem' in declared)
    return untilClose(res, buf, start, opts, dev('bad-content-length', `${declared.problem}, ${UNTIL_CLOSE}`));
  return lengthBody(res, buf, start, declared.length, opts);
}

// RFC 9112 §6.3 rule 5: a list of identical values is acceptable, differing ones are not.
export function declaredLength(res: HttpResponse): { length: number } | { problem: string } | null {
  const values = headerAll(res, 'content-length');
  if (values.length === 0) return null;
  const items = values.flatMap((v) => v.split(',')).map(trimOws);
  const notNumber = items.find((v) => !/^\d+$/.test(v));
  if (notNumber !== undefined) return { problem: `Content-Length ${quote(notNumber)} is not a decimal number` };
  const distinct = [...new Set(items.map(Number))];
  if (distinct.length > 1)
    return { problem: `the response has several different Content-Length values (${distinct.join(', ')})` };
  if (!Number.isSafeInteger(distinct[0])) return { problem: `Content-Length ${items[0]} is too large` };
  return { length: distinct[0] };
}

function lengthBody(res: HttpResponse, buf: Buffer, start: number, length: number, opts: ParseOptions): ParseResult {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const avail = buf.length - start;
  if (avail >= length || (length > maxBody && avail > maxBody)) {
    const end = start + Math.min(length, avail);
    return finishBody(res, buf.subarray(start, end), maxBody, buf.subarray(end));
  }
  if (!opts.closed) return INCOMPLETE;
  res.deviations.push(
    dev('content-length-mismatch', `Content-Length says ${length} bytes but the server closed after ${avail}`),
  );
  return finishBody(res, buf.subarray(start), maxBody, EMPTY);
}

function untilClose(res: HttpResponse, buf: Buffer, start: number, opts: ParseOptions, why: Deviation): ParseResult {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!opts.closed && buf.length - start <= maxBody) return INCOMPLETE;
  res.closeDelimited = true;
  res.deviations.push(why);
  return finishBody(res, buf.subarray(start), maxBody, EMPTY);
}

function finishBody(res: HttpResponse, body: Buffer, maxBody: number, rest: Buffer): ParseResult {
  res.body = body.length > maxBody ? body.subarray(0, maxBody) : body;
  if (body.length > maxBody) res.deviations.push(tooLarge(maxBody));
  return { state: 'complete', response: res, rest };
}

function chunkedBody(res: HttpResponse, buf: Buffer, start: number, opts: ParseOptions): ParseResult {
  const decoded = decodeChunked(buf, start, opts.closed, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (!decoded) return INCOMPLETE;
  res.body = decoded.body;
  res.deviations.push(
    dev(
      'chunked',
      `the body was sent with Transfer-Encoding: chunked (${plural(decoded.chunks, 'chunk')}, ` +
        `${plural(decoded.body.length, 'byte')}) and was decoded`,
    ),
    ...decoded.deviations,
  );
  return { state: 'complete', response: res, rest: buf.subarray(decoded.end) };
}

interface Chunked {
  body: Buffer;
  end: number;
  chunks: number;
  deviations: Deviation[];
}

// RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF, ended by a 0-size
// chunk and the trailer section. Lenient about LF; null means "wait for more bytes".
// Once the framing is lost (bad size line, data not followed by a line end) decoding stops
// and the undecodable bytes are left in rest: guessing further would invent a body.
function decodeChunked(buf: Buffer, start: number, closed: boolean, maxBody: number): Chunked | null {
  const parts: Buffer[] = [];
  const deviations: Deviation[] = [];
  let pos = start,
    size = 0,
    chunks = 0,
    bareLf = false;
  const finish = (end: number, problem?: Deviation): Chunked => {
    if (bareLf)
      deviations.unshift(
        dev('lf-line-end', 'the chunked body has lines that end in LF without CR; every line must end in CRLF'),
      );
    if (problem) deviations.push(problem);
    return { body: Buffer.concat(parts), end, chunks, deviations };
  };
  const cut = () =>
    closed
      ? finish(
          buf.length,
          dev(
            'truncated',
            `the server closed the connection in the middle of the chunked body (after ${plural(size, 'byte')} of ` +
              `data)`,
          ),
        )
      : null;
  for (;;) {
    const line = readLine(buf, pos);
    if (!line) return cut();
    bareLf ||= line.bare;
    const m = /^[ \t]*([0-9a-fA-F]{1,13})[ \t]*(;.*)?$/s.exec(line.text); // 13 hex digits stay below 2^53
    if (!m)
      return finish(pos, dev('bad-chunked', `chunk size line ${quote(line.text, 40)} is not a hexadecimal chunk size`));
    pos = line.next;
    const n = parseInt(m[1], 16);
    if (n === 0) return trailerSection(buf, pos, () => (bareLf = true), finish, cut);
    const take = Math.min(n, buf.length - pos);
    if (size + take > maxBody) {
      parts.push(buf.subarray(pos, pos + maxBody - size));
      return finish(buf.length, tooLarge(maxBody));
    }
    if (take < n && !closed) return null;
    parts.push(buf.subarray(pos, pos + take));
    size += take;
    pos += take;
    if (take < n) return cut();
    chunks++;
    const ending = lineEndAt(buf, pos);
    if (ending < 0) return cut();
    if (ending === 0) {
      return finish(
        pos,
        dev(
          'bad-chunked',
          `chunk ${chunks} is not followed by CRLF after its ${plural(n, 'byte')}; the chunk size must be the ` +
            `length of the data in bytes, in hex`,
        ),
      );
    }
    if (ending === 1) bareLf = true;
    pos += ending;
  }
}

// Trailer fields are skipped: we only need to find the empty line that ends the message.
function trailerSection(
  buf: Buffer,
  pos: number,
  sawBareLf: () => void,
  finish: (end: number) => Chunked,
  cut: () => Chunked | null,
): Chunked | null {
  for (let line = readLine(buf, pos); line; line = readLine(buf, pos)) {
    if (line.bare) sawBareLf();
    pos = line.next;
    if (line.text === '') return finish(pos);
  }
  return cut();
}

// Length of the line end at pos: 2 for CRLF, 1 for LF, 0 for none, -1 when bytes are missing.
function lineEndAt(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  if (buf[pos] === LF) return 1;
  if (buf[pos] !== CR) return 0;
  if (pos + 1 >= buf.length) return -1;
  return buf[pos + 1] === LF ? 2 : 0;
}

// ---- messages ---------------------------------------------------------------------

function dev(code: DeviationCode, message: string): Deviation {
  return { code, message };
}

function tooLarge(maxBody: number): Deviation {
  return dev(
    'body-too-large',
    `the body is larger than the ${maxBody}-byte limit, so only the first ${maxBody} bytes were kept`,
  );
}

function trimOws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describeSpace(sep: string): string {
  return /^ +$/.test(sep) ? `${sep.length} spaces` : `the whitespace ${quote(sep)}`;
}

// Quotes header bytes (decoded as latin1) for a message through the one escaper, so a
// server's bytes read the same here as in every reporter (valid UTF-8 stays readable).
function quote(text: string, max = 60): string {
  const shown = text.length > max ? text.slice(0, max) : text;
  return `"${escapeBytes(Buffer.from(shown, 'latin1'))}${text.length > max ? '...' : ''}"`;
}
