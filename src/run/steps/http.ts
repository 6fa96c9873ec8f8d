// Steps of the http service: write a request (declarative or raw bytes), read
// one response with the lenient parser, capture values, keep cookies as a
// browser would, and judge the response. Nothing here knows a case id.
import { checkResponse, cutShort, type HttpExpect, type HttpObservation } from '../../check/http.js';
import { checkCollection } from '../../check/collect.js';
import { buildRequest, hostHeader, splitBytes } from '../../http/request.js';
import {
  contentLengthMismatch,
  fieldText,
  header,
  headerAll,
  parseResponse,
  trailingBytesDeviation,
  type Deviation,
  type HttpResponse,
  type ParseResult,
} from '../../http/response.js';
import { parseSetCookie } from '../../http/set-cookie.js';
import { renderTemplate } from '../../spec/template.js';
import type { Capture, Step, StepExpect } from '../../spec/types.js';
import { MAX_EXCHANGE_BYTES } from '../../transport/errors.js';
import type { TcpClient } from '../../transport/tcp.js';
import { causedBy, unansweredCause, type CaseContext } from '../context.js';
import { renderBytes, renderWrites, type Write } from '../payload.js';
import { renderMatches } from '../expect.js';
import { fanOut, SETTLE_MS, stepTimeout, tcpConnection, writeAll } from './common.js';
import { formatImfFixdate, parseHttpDate } from '../../http/date.js';
import { previewBytes } from '../../text/escape.js';
import { CaseErrored, StepFailed, type NetError } from '../../errors.js';

const t = (s: string, vars: Record<string, string>) => renderTemplate(s, vars);

function renderHttpExpect(e: StepExpect, vars: Record<string, string>): HttpExpect {
  const c = e.setCookie;
  return {
    status: e.status === undefined ? undefined : ([] as number[]).concat(e.status),
    orClosed: e.orClosed,
    headers: Object.entries(e.headers ?? {}).map(([name, m]) => [
      name,
      { ...renderMatches(m, vars), present: m.present },
    ]),
    body: e.body && renderMatches(e.body, vars),
    framing: e.framing,
    setCookie: c && {
      ...c,
      kept: c.kept && { name: t(c.kept.name, vars), value: t(c.kept.value, vars) },
      fresh: c.fresh && {
        name: t(c.fresh.name, vars),
        not: c.fresh.not && t(c.fresh.not, vars),
        notIssued: c.fresh.notIssued?.map((v) => t(v, vars)),
      },
      value: c.value && renderMatches(c.value, vars),
    },
    keepAlive: e.keepAlive,
  };
}

function requestUrl(ctx: CaseContext, target: string): string {
  const path = target.startsWith('/') ? target : '/';
  return `http://${hostHeader(ctx.endpoint.host, ctx.endpoint.port)}${path}`;
}

/** The writes of a step's request, and the method the response answers (HEAD has no body). */
async function requestWrites(
  ctx: CaseContext,
  step: Step,
  vars: Record<string, string>,
): Promise<{ writes: Write[]; method: string; url: string }> {
  if (step.raw !== undefined) {
    const writes = renderWrites(step.raw, vars);
    const method = /^[A-Z]+/.exec(writes[0]?.data.toString('latin1') ?? '')?.[0] ?? 'GET';
    return { writes, method, url: requestUrl(ctx, '/') };
  }
  const r = step.request ?? {};
  const method = t(r.method ?? 'GET', vars);
  const target = t(r.target ?? '/', vars);
  const jar = step.jar ? ctx.http.jars.get(step.jar) : undefined;
  const url = requestUrl(ctx, target);
  const bytes = buildRequest({
    method,
    target,
    version: r.version ?? 'HTTP/1.1',
    // Names are templates too: {{validatorName}} is If-None-Match or If-Modified-Since, whichever the server offers.
    headers: Object.entries(r.headers ?? {}).map(([n, v]) => [t(n, vars), v === null ? null : t(v, vars)]),
    body: r.body === undefined ? undefined : renderBytes(r.body, vars),
    host: hostHeader(ctx.endpoint.host, ctx.endpoint.port),
    close: !step.client,
    cookie: jar ? await jar.getCookieString(url) : undefined,
  });
  const pieces = r.split ? splitBytes(bytes, r.split.pieces) : [bytes];
  return { writes: pieces.map((data, k) => ({ data, delayMs: k === 0 ? 0 : r.split!.delayMs })), method, url };
}

interface Received {
  response?: HttpResponse;
  /** Bytes that came without making a whole response (cut off by the deadline). */
  partial?: Buffer;
  deviations: Deviation[];
  timedOut: boolean;
  error?: NetError;
  peerClosed: boolean;
  /** netgrade stopped reading at its byte cap before the response was whole by its own framing. */
  capped: boolean;
}

/** How many bytes after a whole response netgrade reads to judge them. */
const EXTRA_BYTES_SEEN = 64 * 1024;
/** How long a response with more body than its Content-Length is read on for the close netgrade asked for. */
const READ_ON_MS = 1000;

/** RFC 9110 §15.2: a 1xx other than 101 is interim; the final response follows it. */
const isInterim = (res: HttpResponse) =>
  res.status !== null && res.status >= 100 && res.status < 200 && res.status !== 101;

/**
 * One response from the bytes, skipping interim 1xx responses that another response follows:
 * RFC 9110 §15.2 says a client must parse them "even if the client does not expect one".
 * A 1xx with nothing after it before the close is judged as the answer (HEAD → 100 CONTINUE).
 */
function parseFinal(bytes: Buffer, method: string, closed: boolean): ParseResult {
  let p = parseResponse(bytes, { method, closed });
  while (p.state === 'complete' && isInterim(p.response)) {
    const next = parseResponse(p.rest, { method, closed });
    if (next.state === 'incomplete') return next;
    if (next.state === 'empty') break;
    p = next;
  }
  return p;
}

/** Whether the request's head says `Connection: close` (a raw request may not). */
function asksToClose(writes: Write[]): boolean {
  const head = Buffer.concat(writes.map((w) => w.data))
    .toString('latin1')
    .split('\r\n\r\n')[0];
  return /^connection:[ \t]*(?:[^\r\n]*,[ \t]*)?close[ \t]*(?:,[^\r\n]*)?$/im.test(head);
}

/**
 * Reads one response: until the parser has a whole one, the server closes, or the deadline. `fresh`: the connection
 * is this request's own; `askedClose`: the request said Connection: close, so a close is due after the response.
 */
async function readResponse(
  client: TcpClient,
  method: string,
  deadline: number,
  fresh: boolean,
  askedClose: boolean,
): Promise<Received> {
  let parsed: { response: HttpResponse; rest: Buffer } | undefined;
  let wholeBeforeEnd = false;
  const r = await client.read(deadline, (bytes, closed) => {
    const p = parseFinal(bytes, method, closed);
    if (p.state !== 'complete') return false;
    parsed = p;
    // Whole by its own framing, even if the cap or a close came in the same read.
    wholeBeforeEnd = !closed || parseFinal(bytes, method, false).state === 'complete';
    return bytes.length - p.rest.length;
  });
  const ended = client.peerClosedAt !== undefined || r.capped || r.error !== undefined;
  if (!parsed && ended && r.bytes.length > 0) {
    // The server closed first: judge what did arrive. (At a deadline nothing is judged as if complete.)
    const p = parseFinal(r.bytes, method, true);
    if (p.state === 'complete') parsed = p;
  }
  if (!parsed && r.timedOut && r.bytes.length > 0) {
    // Only a 1xx came and the connection stayed open: that 1xx was the answer.
    const p = parseResponse(r.bytes, { method, closed: false });
    if (p.state === 'complete' && isInterim(p.response) && p.rest.length === 0) parsed = p;
  }
  const deviations = [...(parsed?.response.deviations ?? [])];
  if (parsed && fresh) {
    // The first read left the bytes after the response unread: this read returns them and anything later.
    // 64 KiB of them say enough: a flooding server must not make every case hold 1 MiB.
    const after = await client.read(Math.min(deadline, Date.now() + SETTLE_MS), (b) => b.length >= EXTRA_BYTES_SEEN);
    let extra = after.bytes;
    const closed = () => client.peerClosedAt !== undefined || client.error !== undefined;
    const moreBody =
      extra.length > 0 && extra.length < EXTRA_BYTES_SEEN && contentLengthMismatch(parsed.response, extra);
    if (moreBody && askedClose && !closed()) {
      // More body than Content-Length said, on a connection netgrade asked to close: read on to the
      // close (a second at most), so the body judged is all the server sent, whenever its close came.
      const readOn = Math.min(deadline, Date.now() + READ_ON_MS);
      const more = await client.read(readOn, (b) => extra.length + b.length >= EXTRA_BYTES_SEEN);
      extra = Buffer.concat([extra, more.bytes]);
    }
    // Bytes after a Content-Length body count whether or not the server closed: one that ignores
    // Connection: close and sends a Content-Length that counts characters passed otherwise.
    const d = trailingBytesDeviation(parsed.response, extra) ?? contentLengthMismatch(parsed.response, extra, closed());
    if (d) deviations.push(d);
    // A Content-Length that counted characters fails the framing rule; the body rules judge the bytes
    // that came before the close, so a listing with one UTF-8 pair in it does not fail every body check.
    if (d?.code === 'content-length-mismatch' && closed()) {
      parsed = { ...parsed, response: { ...parsed.response, body: Buffer.concat([parsed.response.body, extra]) } };
    }
  }
  const partial = parsed ? undefined : r.bytes;
  // A response that looked whole only because netgrade stopped reading at its cap (an endless
  // chunk, a Content-Length of 99999999) is no answer: it passed `status` checks before.
  const capped = r.capped && !wholeBeforeEnd;
  return {
    response: parsed?.response,
    partial,
    deviations,
    timedOut: !parsed && r.timedOut,
    error: r.error,
    peerClosed: client.peerClosedAt !== undefined || r.capped,
    capped,
  };
}

/**
 * The validator a response offers, ETag first, else Last-Modified (RFC 9110 §13.2.2 tests
 * If-None-Match first): the request header that tests it, a value that matches, or one that
 * does not. A check about 304 responses then gets its 304 from a server with either validator.
 */
function validator(
  res: HttpResponse,
  part: 'name' | 'value' | 'stale',
  vars: Record<string, string>,
): string | undefined {
  const etag = headerAll(res, 'etag');
  if (etag.length > 0)
    return { name: 'If-None-Match', value: fieldText(etag.join(', ')), stale: `"nomatch-${vars.uid}"` }[part];
  const lm = header(res, 'last-modified');
  if (lm === undefined) return undefined;
  if (part === 'stale')
    return parseHttpDate(lm) ? formatImfFixdate(new Date(parseHttpDate(lm)!.date.getTime() - 86_400_000)) : undefined;
  return part === 'name' ? 'If-Modified-Since' : lm;
}

function capture(c: Capture, res: HttpResponse, vars: Record<string, string>): string | undefined {
  // As text whose UTF-8 is the bytes the server sent, so {{name}} puts those bytes back on the wire.
  if ('header' in c)
    return headerAll(res, c.header).length > 0 ? fieldText(headerAll(res, c.header).join(', ')) : undefined;
  if ('body' in c) {
    const m = new RegExp(c.body, 'u').exec(res.body.toString('utf8'));
    return m ? (m[1] ?? m[0]) : undefined;
  }
  if ('validator' in c) return validator(res, c.validator, vars);
  const first = headerAll(res, 'set-cookie')[0];
  const parsed = first === undefined ? undefined : parseSetCookie(first);
  return c.setCookie === 'name' ? parsed?.name : parsed?.value;
}

function missingCapture(c: Capture, name: string): string {
  if ('header' in c) return `the response has no ${c.header} header, which the next request needs (as {{${name}}})`;
  if ('body' in c) return `the body does not match /${c.body}/, so {{${name}}} cannot be read from it`;
  if ('validator' in c)
    return (
      `the response has neither an ETag nor a valid Last-Modified header, so a conditional request cannot be ` +
      `made (as {{${name}}})`
    );
  return `the response has no Set-Cookie header to read the cookie ${c.setCookie} from`;
}

function takeCaptures(ctx: CaseContext, step: Step, res: HttpResponse, vars: Record<string, string>): void {
  for (const [name, c] of Object.entries(step.capture ?? {})) {
    const value = capture(c, res, vars);
    if (value === undefined)
      throw new StepFailed({
        message: missingCapture(c, name),
        actual: `HTTP ${res.status ?? '?'}; ${header(res, 'content-type') ?? 'no Content-Type'}`,
      });
    ctx.vars[name] = value;
    vars[name] = value;
    const list = ctx.http.collected.get(name) ?? [];
    list.push(value);
    ctx.http.collected.set(name, list);
  }
}

async function httpExchange(ctx: CaseContext, step: Step, label: string, vars: Record<string, string>): Promise<void> {
  const state = ctx.http;
  if (step.client && state.closedAsAnnounced.has(step.client)) return;
  const timeoutMs = stepTimeout(ctx, step);
  const { writes, method, url } = await requestWrites(ctx, step, vars);
  // The deadline is the server's time: it starts once netgrade has built the request (16 MiB takes a while).
  const deadline = Date.now() + timeoutMs;
  const client = await tcpConnection(ctx, { named: step.client, label, deadline, mismatch: 'is not a tcp connection' });
  const fresh = !step.client;
  try {
    if (!fresh && !client.open)
      throw new StepFailed({
        message:
          'the server had already closed this connection, after the previous response, without sending Connection: ' +
          'close',
      });
    await writeAll(ctx, step, client, {
      writes,
      deadline,
      timeoutMs,
      beforePiece: (k) => answeredEarly(client, k, writes.length),
    });
    const got = await readResponse(client, method, deadline, fresh, fresh && asksToClose(writes));
    let closedAfter: boolean | undefined;
    if (step.expect?.keepAlive && got.response) {
      const saidClose = /(^|,)\s*close\s*(,|$)/i.test(header(got.response, 'connection') ?? '');
      closedAfter = (await client.waitForClose(Date.now() + (saidClose ? 1000 : SETTLE_MS))) !== undefined;
      if (saidClose && closedAfter && step.client) state.closedAsAnnounced.add(step.client);
    }
    const obs: HttpObservation = {
      ...got,
      timeoutMs,
      error: got.error && { code: got.error.code, message: got.error.message },
      closedAfter,
      capBytes: MAX_EXCHANGE_BYTES,
      now: new Date(),
    };
    // A response cut short says so, rather than "the response has no ETag header" from a capture.
    // RFC 9110 §15.6.4: a 503 says the server cannot handle the request now (overloaded): no answer to it.
    const busy = got.response?.status === 503;
    const cause = busy
      ? { code: 'UNAVAILABLE' }
      : unansweredCause({
          answered: got.response !== undefined && !got.response.headCut && !got.capped,
          timedOut: got.timedOut,
          error: obs.error,
        });
    const cut = got.response && step.capture ? cutShort({ orClosed: step.expect?.orClosed }, obs) : undefined;
    if (cut) throw new StepFailed(causedBy(cut, cause));
    if (got.response && step.jar) await storeCookies(ctx, step.jar, got.response, url);
    if (got.response && step.capture) takeCaptures(ctx, step, got.response, vars);
    if (!step.expect) return;
    const failure = checkResponse(renderHttpExpect(step.expect, vars), obs);
    if (failure) throw new StepFailed(causedBy(failure, cause));
  } finally {
    if (fresh) client.close();
  }
}

/** A request sent in pieces: the server must wait for all of them before it answers or closes. */
function answeredEarly(client: TcpClient, sent: number, pieces: number): void {
  const early = client.unread();
  const when = `after piece ${sent} of ${pieces}, before the whole request had arrived`;
  const hint =
    'a server must keep reading until the empty line after the headers and then Content-Length bytes of body';
  if (early.length > 0)
    throw new StepFailed({
      message: `the server answered ${when}; ${hint}`,
      expected: 'no answer before the last piece',
      actual: previewBytes(early, 256),
    });
  if (client.peerClosedAt !== undefined || client.error)
    throw new StepFailed({
      message: `the server closed the connection ${when}; ${hint}`,
      expected: 'no answer before the last piece',
      actual: '(close)',
      ...(client.error && { cause: client.error.code }),
    });
}

async function storeCookies(ctx: CaseContext, name: string, res: HttpResponse, url: string): Promise<void> {
  const jar = ctx.http.jars.get(name)!;
  for (const value of headerAll(res, 'set-cookie')) await jar.setCookie(value, url, { ignoreError: true });
}

/** Runs an http step: one exchange, `repeat` in turn, or a group of `clients` at once. */
export async function runHttpStep(ctx: CaseContext, step: Step): Promise<void> {
  if (step.connect || step.close)
    throw new CaseErrored(
      '"connect" and "close" are not used with http steps; a named client connects on its first request',
    );
  if (step.request === undefined && step.raw === undefined) return;
  const state = ctx.http;
  if (step.jar && !state.jars.has(step.jar)) {
    // Loaded on first use: most runs have no cookie jar, and start-up time is the student's wait.
    const { CookieJar } = await import('tough-cookie');
    state.jars.set(step.jar, new CookieJar());
  }
  for (const name of Object.keys(step.capture ?? {})) state.collected.delete(name);
  await fanOut(ctx, step, 'request', (ref) => httpExchange(ctx, step, ref.label, ref.vars));
  for (const [name, check] of Object.entries(step.collect ?? {})) {
    const f = checkCollection(name, check, state.collected.get(name) ?? []);
    if (f) throw new StepFailed(f);
  }
}
