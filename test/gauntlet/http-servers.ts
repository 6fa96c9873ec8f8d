// HTTP servers a lazy or cheating student could hand in: constant answers with perfect
// framing, routing without a store, validation without a store, a store without validation,
// constant validators that say 304 to any conditional request, and constant or clock-made
// session ids. Each states the most core points it may earn, and why: only what it truly
// implements. The KV-HTTP parts that a cheat leaves alone are the reference's (its `faults`
// seam), so a bound counts the cheat and nothing else. All bind 127.0.0.1 port 0.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { startHttpServer, type Faults } from '../../reference/http/server.js';
import type { HttpResponse } from '../../reference/http/wire.js';
import { startProxiedHttp } from '../helpers/broken-http.js';

export interface GauntletServer {
  name: string;
  why: string;
  specs: string[];
  maxCorePoints: number;
  /** Checks it must fail whatever else it earns (e.g. security checks, which earn no core points). */
  fails?: string[];
  /** Checks it must pass: what it does implement, whatever the cases beside them do to its state. */
  earns?: string[];
  start(): Promise<{ ports: Partial<Record<'udp' | 'tcp' | 'http', number>>; close(): Promise<void> }>;
}

const HTTP_SPECS = ['kv-http', 'conditional-get', 'cookies'];

// ---- a raw HTTP/1.1 responder with perfect framing ---------------------------

interface Request {
  method: string;
  path: string;
  headers: Map<string, string>;
  body: string;
}

interface Answer {
  status: number;
  body?: string;
  headers?: Array<[string, string]>;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  304: 'Not Modified',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
};

/** One well-framed response: status line, Date, Content-Type, Content-Length, Connection: close. */
function serialize(a: Answer, head: boolean): Buffer {
  const body = Buffer.from(a.status === 304 ? '' : (a.body ?? ''), 'utf8');
  const lines = [
    `HTTP/1.1 ${a.status} ${REASONS[a.status] ?? 'Status'}`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    ...(a.headers ?? []).map(([n, v]) => `${n}: ${v}`),
  ];
  if (a.status !== 304) lines.push(`Content-Length: ${body.length}`);
  lines.push('Connection: close', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), head ? Buffer.alloc(0) : body]);
}

/** The request in `buf` once its head and Content-Length body are all there; null for bytes that are not HTTP. */
function parse(buf: Buffer): Request | null | 'incomplete' {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return 'incomplete';
  const [line, ...fields] = buf.toString('latin1', 0, end).split('\r\n');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(line);
  if (!m) return null;
  const headers = new Map(
    fields.map((f) => [f.slice(0, f.indexOf(':')).trim().toLowerCase(), f.slice(f.indexOf(':') + 1).trim()]),
  );
  const length = Number(headers.get('content-length') ?? 0);
  if (buf.length < end + 4 + length) return 'incomplete';
  return { method: m[1], path: m[2], headers, body: buf.toString('utf8', end + 4, end + 4 + length) };
}

/** A server that answers each connection's one request with `answer` (null: bytes that are not HTTP) and closes. */
async function rawServer(
  answer: (req: Request | null) => Answer,
): Promise<{ ports: { http: number }; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const req = parse(buf);
      if (req === 'incomplete') return;
      s.removeAllListeners('data');
      s.on('data', () => undefined);
      s.end(serialize(answer(req), req?.method === 'HEAD'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ports: { http: (server.address() as net.AddressInfo).port },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- the KV routes, with a store and with validation switched on or off ------

interface KvOptions {
  store: boolean;
  validate: boolean;
}

/** `key: value&...` split as docs/protocols.md#kv-http says; undefined when validation refuses it. */
function pairs(body: string, validate: boolean): Array<[string, string]> | undefined {
  const items = body.split('&').map((item) => {
    const colon = item.indexOf(':');
    return colon < 0
      ? ([item.trim(), ''] as [string, string])
      : ([item.slice(0, colon).trim(), item.slice(colon + 1).trim()] as [string, string]);
  });
  if (!validate) return items;
  const bad =
    body === '' ||
    body.split('&').some((item) => !item.includes(':') || item.slice(0, item.indexOf(':')).trim() === '');
  return bad ? undefined : items;
}

function kvRoutes(opts: KvOptions): (req: Request | null) => Answer {
  const store = new Map<string, string>();
  return (req) => {
    if (!req) return { status: 400, body: 'bad request\n' };
    if (!['GET', 'HEAD', 'POST', 'PUT'].includes(req.method))
      return { status: 405, body: 'method not allowed\n', headers: [['Allow', 'GET, HEAD, POST, PUT']] };
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (req.path === '/' && read)
      return {
        status: 200,
        body: store.size === 0 ? 'no pairs yet\n' : [...store].map(([k, v]) => `${k}: ${v}\n`).join(''),
      };
    const create = req.path === '/create' && req.method === 'POST';
    const update = req.path === '/update' && req.method === 'PUT';
    if (!create && !update) return { status: 404, body: 'not found\n' };
    const items = pairs(req.body, opts.validate);
    if (!items) return { status: 400, body: 'bad pairs\n' };
    if (opts.store) for (const [k, v] of items) store.set(k, v);
    return { status: 200, body: 'ok\n' };
  };
}

// ---- cheats on top of the reference -----------------------------------------

const startReference = async (faults: Faults) => {
  const s = await startHttpServer({ port: 0, faults });
  return { ports: { http: s.port }, close: () => s.close() };
};

const withHeaders = (res: HttpResponse, edits: Record<string, string>): HttpResponse => ({
  ...res,
  headers: [
    ...(res.headers ?? []).filter(([n]) => !Object.keys(edits).some((e) => e.toLowerCase() === n.toLowerCase())),
    ...Object.entries(edits),
  ],
});

/** A correct store whose ETag and Last-Modified never change, and which says 304 to any conditional GET. */
function constantValidators(): Faults {
  const validators = { ETag: '"v1"', 'Last-Modified': new Date().toUTCString() };
  return {
    handle: (req, next) => {
      const res = next(req);
      const listing = (req.method === 'GET' || req.method === 'HEAD') && req.target === '/';
      if (!listing) return res;
      if (req.headers.has('if-none-match') || req.headers.has('if-modified-since'))
        return { status: 304, headers: Object.entries(validators) };
      return withHeaders(res, validators);
    },
  };
}

/**
 * A correct store whose Last-Modified is the time of each response (Python's formatdate() at
 * answer time), compared as a time with If-Modified-Since: it moves although nothing changed.
 */
function lastModifiedNow(): Faults {
  return {
    handle: (req, next) => {
      const listing = (req.method === 'GET' || req.method === 'HEAD') && req.target === '/';
      if (!listing) return next(req);
      const now = Math.floor(Date.now() / 1000) * 1000;
      const since = Date.parse(req.headers.get('if-modified-since')?.[0] ?? '');
      const inm = req.headers.has('if-none-match');
      const plain = next(
        inm ? req : { ...req, headers: new Map([...req.headers].filter(([n]) => n !== 'if-modified-since')) },
      );
      const res = withHeaders(plain, { 'Last-Modified': new Date(now).toUTCString() });
      return !inm && now <= since ? { status: 304, headers: res.headers } : res;
    },
  };
}

/**
 * Sessions counted per id, with ids from `nextId`; a request without a known id starts a session.
 * A constant id restarts the one shared session; ids from the clock are distinct and in order.
 */
function sessions(nextId: () => string): Faults {
  const visits = new Map<string, number>();
  return {
    handle: (req, next) => {
      if (req.target !== '/visits') return next(req);
      const cookie = req.headers.get('cookie')?.join('; ') ?? '';
      const sent = /(?:^|;\s*)sid=([^;]*)/.exec(cookie)?.[1];
      const known = sent !== undefined && visits.has(sent);
      const id = known ? sent : nextId();
      const n = known ? visits.get(id)! + 1 : 1;
      visits.set(id, n);
      const headers: Array<[string, string]> = [['Content-Type', 'text/plain; charset=utf-8']];
      if (!known)
        headers.push(
          ['Set-Cookie', `sid=${id}; Path=/; HttpOnly; Max-Age=3600`],
          ['Cache-Control', 'no-cache="set-cookie"'],
        );
      return { status: 200, headers, body: `visits: ${n}\n` };
    },
  };
}

/** The Set-Cookie and Cache-Control of a new session with a random id. */
const newSession = (): Array<[string, string]> => [
  ['Set-Cookie', `sid=${randomBytes(16).toString('hex')}; Path=/; HttpOnly; Max-Age=3600`],
  ['Cache-Control', 'no-cache="set-cookie"'],
];
const visitsAnswer = (n: number, headers: Array<[string, string]> = []): HttpResponse => ({
  status: 200,
  headers: [['Content-Type', 'text/plain; charset=utf-8'], ...headers],
  body: `visits: ${n}\n`,
});

/**
 * No session table: one visit counter for everybody, restarted (with a new random id) by a
 * request without a Cookie header and counted on by any request with one, whatever it holds.
 */
function oneCounter(): Faults {
  let visits = 0;
  return {
    handle: (req, next) => {
      if (req.target !== '/visits') return next(req);
      if (req.headers.has('cookie')) return visitsAnswer(++visits);
      visits = 1;
      return visitsAnswer(visits, newSession());
    },
  };
}

/** Counts per id in a table, but takes any id of its own form (32 hex digits) as a session: ids made up in that form are adopted. */
function wellFormedAdopted(): Faults {
  const visits = new Map<string, number>();
  return {
    handle: (req, next) => {
      if (req.target !== '/visits') return next(req);
      const sent = /(?:^|;\s*)sid=([0-9a-f]{32})(?:;|$)/.exec(req.headers.get('cookie')?.join('; ') ?? '')?.[1];
      const headers = sent === undefined ? newSession() : [];
      const id = sent ?? /sid=([^;]*)/.exec(headers[0][1])![1];
      visits.set(id, (visits.get(id) ?? 0) + 1);
      return visitsAnswer(visits.get(id)!, headers);
    },
  };
}

/** One session at a time: only the id issued last is known, so every new visitor ends the session before. */
function latestSessionOnly(): Faults {
  let current = '';
  let visits = 0;
  return {
    handle: (req, next) => {
      if (req.target !== '/visits') return next(req);
      const sent = /(?:^|;\s*)sid=([^;]*)/.exec(req.headers.get('cookie')?.join('; ') ?? '')?.[1];
      if (sent !== undefined && sent === current) return visitsAnswer(++visits);
      const headers = newSession();
      current = /sid=([^;]*)/.exec(headers[0][1])![1];
      visits = 1;
      return visitsAnswer(visits, headers);
    },
  };
}

let clock = 0n;
/** Python's str(time.time_ns()). */
const timeNs = () => {
  const now = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  clock = now > clock ? now : clock + 1n;
  return String(clock);
};

// ---- the gauntlet -----------------------------------------------------------

// The three HTTP specs hold 35 core points: 18 of kv-http, 11 of conditional-get, 6 of cookies.
const HTTP_CORE = 35;

// Well-formed framing is the only thing a constant answer implements: kv.status-line and kv.crlf.
const FRAMING_ONLY = 2;

const constants: GauntletServer[] = [200, 400, 404, 405].flatMap((status) =>
  [
    ['empty', ''],
    ['fixed', 'hello world\n'],
  ].map(([kind, body]) => ({
    name: `constant ${status}, ${kind} body`,
    why: `answers every request with the same well-framed ${status}; earns kv.status-line and kv.crlf, whose framing it does get right, and nothing else`,
    specs: HTTP_SPECS,
    maxCorePoints: FRAMING_ONLY,
    start: () =>
      rawServer(() => ({ status, body, headers: status === 405 ? [['Allow', 'GET, HEAD, POST, PUT']] : [] })),
  })),
);

export const HTTP_SERVERS: GauntletServer[] = [
  ...constants,
  {
    name: 'routing only',
    why: 'routes by method and path (404 for a wrong path or pairing, 405 for an unknown method) and stores and validates nothing; earns kv.path.unknown, kv.method.unknown and the framing checks',
    specs: HTTP_SPECS,
    maxCorePoints: FRAMING_ONLY + 2,
    start: () => rawServer(kvRoutes({ store: false, validate: false })),
  },
  {
    name: 'validation without storage',
    why: 'routes, and refuses empty bodies, pairs without a colon and blank keys, but stores nothing: no refusal counts without its accepted control in the listing; earns what routing only earns',
    specs: HTTP_SPECS,
    maxCorePoints: FRAMING_ONLY + 2,
    start: () => rawServer(kvRoutes({ store: false, validate: true })),
  },
  {
    name: 'storage without validation',
    why: 'routes and stores every pair it is sent, also blank keys, pairs without a colon and duplicates; earns the 11 core KV checks about storing, routing and framing, none of the 7 about refusing',
    specs: HTTP_SPECS,
    maxCorePoints: 11,
    start: () => rawServer(kvRoutes({ store: true, validate: false })),
  },
  {
    name: 'constant validators, 304 to any conditional request',
    why: 'a correct store and sessions (the reference) with ETag "v1" and a Last-Modified that never change and a 304 for any If-None-Match or If-Modified-Since: of conditional GET it earns only cond.etag and cond.last-modified, whose headers are valid',
    specs: HTTP_SPECS,
    maxCorePoints: HTTP_CORE - 9,
    fails: [
      'cond.inm.match',
      'cond.inm.nomatch',
      'cond.ims.match',
      'cond.ims.later',
      'cond.ims.older',
      'cond.304.no-body',
      'cond.after-update',
      'cond.after-put',
      'cond.ims.after-update',
      'cond.inm.weak',
      'cond.inm.list',
      'cond.inm.star',
      'cond.head',
      'cond.precedence',
      'cond.ims.invalid',
    ],
    start: () => startReference(constantValidators()),
  },
  {
    name: 'Last-Modified is the time of the response',
    why: 'a correct store, ETag and sessions (the reference) whose Last-Modified is the time each response is sent, compared as a time with If-Modified-Since: it moves although nothing changed, so cond.ims.after-update (whose control asks for 304 after a pause without change) fails',
    specs: HTTP_SPECS,
    maxCorePoints: HTTP_CORE - 1,
    fails: ['cond.ims.after-update'],
    start: () => startReference(lastModifiedNow()),
  },
  {
    name: 'reads a request only up to the empty line',
    why: 'the reference behind a reader that stops at the end of the headers and takes the body bytes that came with them, ignoring Content-Length: every core check (their requests come in one write), but not kv.slow-request, whose body comes in later pieces',
    specs: ['kv-http'],
    maxCorePoints: 18,
    fails: ['kv.slow-request'],
    start: async () => {
      const s = await startProxiedHttp({ ignoreContentLength: true });
      return { ports: { http: s.port }, close: () => s.close() };
    },
  },
  {
    name: 'one visit counter, restarted by each new visitor',
    why: 'a correct store (the reference) with no session table: a request without Cookie restarts one shared counter with a new random id, any Cookie header counts on. It earns cookie.set, cookie.attrs and cookie.kept; cookie.count (a new visitor comes between its visits) and cookie.multiple (other cookies alone must start a session) fail',
    specs: HTTP_SPECS,
    maxCorePoints: HTTP_CORE - 3,
    fails: ['cookie.count', 'cookie.independent', 'cookie.multiple', 'cookie.forged'],
    start: () => startReference(oneCounter()),
  },
  {
    name: 'one session at a time',
    why: 'a correct store (the reference) that knows only the id it issued last: a session ends when another visitor comes. cookie.kept runs alone, so it passes in every run whatever the other cases do; cookie.count and cookie.independent, where another visitor comes mid-session, fail',
    specs: HTTP_SPECS,
    maxCorePoints: HTTP_CORE - 2,
    fails: ['cookie.count', 'cookie.independent'],
    earns: ['cookie.kept'],
    start: () => startReference(latestSessionOnly()),
  },
  {
    name: 'adopts any id of its own form',
    why: 'a correct server (the reference) whose sessions are counted per id, but which takes any 32-hex-digit id as a session, issued or not: every core check passes, and cookie.forged (security) fails on an id of that form it never issued',
    specs: HTTP_SPECS,
    maxCorePoints: HTTP_CORE,
    fails: ['cookie.forged'],
    start: () => startReference(wellFormedAdopted()),
  },
  {
    name: 'one constant session id',
    why: 'a correct store (the reference) whose sessions all get the id 0123456789abcdef0123456789abcdef: a fresh client gets the id another holds, so cookie.kept and cookie.independent fail (and cookie.forged, cookie.random); one client alone counts right',
    specs: HTTP_SPECS,
    maxCorePoints: HTTP_CORE - 2,
    fails: ['cookie.kept', 'cookie.independent', 'cookie.forged', 'cookie.random'],
    start: () => startReference(sessions(() => '0123456789abcdef0123456789abcdef')),
  },
  {
    name: 'session ids from the clock',
    why: 'a correct server whose session ids are str(time.time_ns()): distinct and long, so every core check passes, but they rise, so cookie.random (security) fails',
    specs: HTTP_SPECS,
    maxCorePoints: HTTP_CORE,
    fails: ['cookie.random'],
    start: () => startReference(sessions(timeNs)),
  },
];
