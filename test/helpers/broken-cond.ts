// Broken KV-HTTP servers for the conditional-get and cookies specs (PROTOCOLS.md §4-5):
// the reference server with one fault injected through its `faults` seam, never a copy
// of it. A fault edits the request before the reference answers it, or edits the answer.
import { parseHttpDate } from '../../reference/http/date.js';
import { headerValue, type HttpRequest } from '../../reference/http/request.js';
import { startHttpServer, type Faults, type RunningServer } from '../../reference/http/server.js';
import { cookieValues, SESSION_COOKIE } from '../../reference/http/session.js';
import type { HttpResponse } from '../../reference/http/wire.js';
import { runHttpStep } from '../../src/run/steps/http.js';
import type { RunOptions } from '../../src/run/run.js';
import type { RunResult } from '../../src/model/result.js';
import { runSpec } from './run-spec.js';

export type { HttpRequest, HttpResponse, RunningServer };
export type Handle = NonNullable<Faults['handle']>;

export function startBrokenHttp(faults: Faults): Promise<RunningServer> {
  return startHttpServer({ port: 0, faults });
}

/**
 * Runs a built-in http spec with every tag selected. The http step runner is passed
 * explicitly: run() has none for http by default (see the report on src/run/run.ts).
 */
export function runHttpSpec(name: string, port: number, extra: Partial<RunOptions> = {}): Promise<RunResult> {
  return runSpec(name, { http: port }, { stepRunners: { http: runHttpStep }, ...extra });
}

// ---- expected failures ------------------------------------------------------

/** A failure a broken server must cause, as data (a RegExp where the message holds run-unique values). */
export interface ExpectedFailure {
  status: 'failed';
  message: string | RegExp;
  stepLabel: string;
}

export const failed = (message: string | RegExp, stepLabel: string): ExpectedFailure => ({
  status: 'failed',
  message,
  stepLabel,
});

/** Expected failures as outcomes a test compares with, each RegExp turned into the runner's matcher. */
export function asOutcomes<M>(
  expected: Record<string, ExpectedFailure>,
  matching: (re: RegExp) => M,
): Record<string, { status: 'failed'; message: string | M; stepLabel: string }> {
  return Object.fromEntries(
    Object.entries(expected).map(([id, f]) => [
      id,
      { ...f, message: typeof f.message === 'string' ? f.message : matching(f.message) },
    ]),
  );
}

// ---- requests ---------------------------------------------------------------

export const reqHeader = (req: HttpRequest, name: string): string | undefined => headerValue(req, name.toLowerCase());

/** A copy of the request with header fields replaced (a value) or removed (null). */
export function editRequest(req: HttpRequest, edits: Record<string, string | null>): HttpRequest {
  const headers = new Map(req.headers);
  for (const [name, value] of Object.entries(edits)) {
    if (value === null) headers.delete(name.toLowerCase());
    else headers.set(name.toLowerCase(), [value]);
  }
  return { ...req, headers };
}

/** The request without If-None-Match and If-Modified-Since: what the full 200 answers. */
export const unconditional = (req: HttpRequest): HttpRequest =>
  editRequest(req, { 'if-none-match': null, 'if-modified-since': null });

/** GET or HEAD of this path (the harness sends origin-form targets). */
export const reads = (req: HttpRequest, path: string): boolean =>
  (req.method === 'GET' || req.method === 'HEAD') && req.target.split('?')[0] === path;

/** Applies `fault` to reads of `path` only; every other request gets the right answer. */
export function on(path: string, fault: Handle): Handle {
  return (req, next) => (reads(req, path) ? fault(req, next) : next(req));
}

// ---- responses --------------------------------------------------------------

export function resHeader(res: HttpResponse, name: string): string | undefined {
  return res.headers?.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/** A copy of the response with header fields replaced in place or appended (a value) or removed (null). */
export function editResponse(res: HttpResponse, edits: Record<string, string | null>): HttpResponse {
  let headers = [...(res.headers ?? [])];
  for (const [name, value] of Object.entries(edits)) {
    const same = ([n]: [string, string]) => n.toLowerCase() === name.toLowerCase();
    if (value === null) headers = headers.filter((h) => !same(h));
    else if (headers.some(same)) headers = headers.map((h) => (same(h) ? [h[0], value] : h));
    else headers.push([name, value]);
  }
  return { ...res, headers };
}

/** Epoch ms of an HTTP-date header of the response, or of the request. */
export const dateOf = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : parseHttpDate(value);

// ---- sessions ---------------------------------------------------------------

export { SESSION_COOKIE };

/** The id a /visits answer sets, if it starts a session. */
export function setCookieId(res: HttpResponse): string | undefined {
  const set = resHeader(res, 'set-cookie');
  return set === undefined ? undefined : new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(set)?.[1];
}

/** The session ids the request's Cookie header carries. */
export const cookieIds = (req: HttpRequest): string[] => cookieValues(req, SESSION_COOKIE);

/** The visit count in a /visits body. */
export const visitsOf = (res: HttpResponse): number => Number(/visits: (\d+)/.exec(res.body ?? '')?.[1]);

/**
 * Ids the client sees in place of the reference's own: a fault hands out an alias
 * (a forged id, a counter, a rotated id) and requests carrying it reach the
 * reference with the real id, so the session itself still works.
 */
export class Aliases {
  private readonly real = new Map<string, string>();

  add(alias: string, realId: string): void {
    this.real.set(alias, realId);
  }

  /** The request with every aliased session id replaced by the reference's id. */
  inbound(req: HttpRequest): HttpRequest {
    const header = reqHeader(req, 'cookie');
    if (header === undefined) return req;
    const pairs = header.split(';').map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0 || pair.slice(0, eq).trim() !== SESSION_COOKIE) return pair;
      const id = pair.slice(eq + 1).trim();
      return ` ${SESSION_COOKIE}=${this.real.get(id) ?? id}`;
    });
    return editRequest(req, { cookie: pairs.join(';').trim() });
  }

  /** The response with the id it sets replaced by `alias` (which then stands for it). */
  outbound(res: HttpResponse, alias: string): HttpResponse {
    const id = setCookieId(res);
    if (id === undefined) return res;
    this.add(alias, id);
    return editResponse(res, {
      'set-cookie': resHeader(res, 'set-cookie')!.replace(`${SESSION_COOKIE}=${id}`, `${SESSION_COOKIE}=${alias}`),
    });
  }
}
