// For each kv-http check, a server with one bug: that check fails with the
// message a student reads, and every other case still passes (PROTOCOLS.md §3).
// Each server is the reference wrapped through its `faults` seam, or behind a
// small proxy for faults that live in the connection rather than the answer.
import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../reference/http/request.js';
import type { Faults } from '../../reference/http/server.js';
import { textResponse, type HttpResponse } from '../../reference/http/wire.js';
import type { RunResult } from '../../src/run/result.js';
import { loadSpecs } from '../../src/spec/load.js';
import net from 'node:net';
import { asksClose, bodyText, isRequest, joinHead, pairItems, runKv, splitHead, startBrokenHttp, startProxiedHttp, startSilentServer, withBody, type BrokenServer } from '../helpers/broken-http.js';
import { outcomes, passedExcept, type Outcome } from '../helpers/run-spec.js';

/** The run's unique value as it appears in keys: 8 hex digits and an attempt counter. */
const UID = '[0-9a-f]{8}[0-9a-z]+';

interface Fault {
  id: string;
  start: () => Promise<BrokenServer>;
  message: string | RegExp;
  stepLabel?: string;
  /** More to assert about the failure, e.g. numbers in the message that depend on the run. */
  also?: (message: string) => void;
}

/** A handle fault that replaces the answer to matching requests and passes the rest to the reference. */
function when(match: (req: HttpRequest) => boolean, answer: NonNullable<Faults['handle']>): Faults {
  return { handle: (req, next) => (match(req) ? answer(req, next) : next(req)) };
}

const ok = (): HttpResponse => textResponse(200, 'ok');
const isCreate = (req: HttpRequest) => isRequest(req, 'POST', '/create');
const isUpdate = (req: HttpRequest) => isRequest(req, 'PUT', '/update');
const hasPairWithoutColon = (body: string) => body !== '' && pairItems(body).some((p) => !p.hasColon);
const hasBlankKey = (body: string) => pairItems(body).some((p) => p.hasColon && p.key === '');

/** Keys in a listing body ("key: value" per line). */
const listedKeys = (listing: string) => new Set(listing.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(':'))));

/** The body kv.large-body posts, for a given uid. */
const largeBody = (uid: string) => Array.from({ length: 1000 }, (_, k) => `big-${k + 1}-${uid}: value-${k + 1}-0123456789abcdef0123456789abcdef`).join('&');
const KEEP = 16 * 1024;

/** Rewrites the Date header of a response to Korean time, labelled KST. */
function kstDate(out: Buffer): Buffer {
  const { head, body } = splitHead(out);
  const kst = head.replace(/^Date: (.*)$/m, (_, gmt: string) => `Date: ${new Date(Date.parse(gmt) + 9 * 3600_000).toUTCString().replace(/GMT$/, 'KST')}`);
  return joinHead(kst, body);
}

const FAULTS: Fault[] = [
  {
    // Content-keyed: the listing leaves out pairs whose key starts with "g-" (kv.get's).
    id: 'kv.get',
    start: () =>
      startBrokenHttp(
        when(
          (req) => isRequest(req, 'GET', '/') || isRequest(req, 'HEAD', '/'),
          (req, next) => {
            const res = next(req);
            return { ...res, body: res.body?.split('\n').filter((l) => !l.startsWith('g-')).join('\n') };
          },
        ),
      ),
    message: new RegExp(`^the body does not match /.*g-${UID}: v-${UID}.*/$`),
    stepLabel: 'GET /',
  },
  {
    id: 'kv.head',
    start: () => startBrokenHttp({ bytes: (out, req) => (req?.method === 'HEAD' ? Buffer.from('HTTP/1.1 100 CONTINUE\r\n\r\n', 'latin1') : out) }),
    message: 'expected status 200; got 100, a 1xx status is not a final response',
    stepLabel: 'HEAD /',
  },
  {
    // Content-keyed: storing only the first pair of every body would also break kv.post.atomic
    // (its second pair is the one that must be refused) and kv.large-body.
    id: 'kv.post.ok',
    start: () => startBrokenHttp(when((req) => isCreate(req) && bodyText(req).startsWith('a-'), (req, next) => next(withBody(req, bodyText(req).split('&')[0])))),
    message: new RegExp(`^the body does not contain "b-(${UID}): v-\\1-2"$`),
    stepLabel: 'GET / again',
  },
  {
    id: 'kv.post.empty',
    start: () => startBrokenHttp(when((req) => isCreate(req) && req.body.length === 0, ok)),
    message: 'expected status 400, got 200',
    stepLabel: 'POST an empty body',
  },
  {
    // A pair without ':' is stored as a key with an empty value.
    id: 'kv.post.no-colon',
    start: () => startBrokenHttp(when((req) => isCreate(req) && hasPairWithoutColon(bodyText(req)), (req, next) => next(withBody(req, `${bodyText(req)}:`)))),
    message: 'expected status 400, got 200',
    stepLabel: 'POST without a colon',
  },
  {
    id: 'kv.post.blank-key',
    start: () => startBrokenHttp(when((req) => isCreate(req) && hasBlankKey(bodyText(req)), ok)),
    message: 'expected status 400, got 200',
    stepLabel: 'POST a blank key',
  },
  {
    // Content-keyed: POST as an upsert would also store kv.post.atomic's new pair.
    id: 'kv.post.duplicate',
    start: () => startBrokenHttp(when((req) => isCreate(req) && bodyText(req).startsWith('dup-'), (req, next) => next({ ...req, method: 'PUT', target: '/update' }))),
    message: 'expected status 400, got 200',
    stepLabel: 'second POST',
  },
  {
    // Validates while storing: pairs before the refused one are already stored.
    id: 'kv.post.atomic',
    start: () =>
      startBrokenHttp(
        when(isCreate, (req, next) => {
          const items = bodyText(req).split('&');
          for (const item of items) {
            const res = next(withBody(req, item));
            if (res.status !== 200) return res;
          }
          return textResponse(200, `created ${items.length}`);
        }),
      ),
    message: new RegExp(`^the body contains "n-${UID}", which it must not$`),
    stepLabel: 'GET /',
  },
  {
    // PUT creates missing keys but never replaces one (an INSERT where an upsert was due).
    id: 'kv.put.update',
    start: () =>
      startBrokenHttp(
        when(isUpdate, (req, next) => {
          const res = next({ ...req, method: 'POST', target: '/create' });
          return res.status === 400 && res.body?.startsWith('key exists') ? textResponse(200, 'updated') : res;
        }),
      ),
    message: new RegExp(`^the body does not contain "k-(${UID}): new-\\1"$`),
    stepLabel: 'GET /',
  },
  {
    // PUT only updates keys that exist (an UPDATE ... WHERE that matches no row). Content-keyed
    // to kv.put.create's key ("p-"): the controls of kv.put.* create keys with PUT as well.
    id: 'kv.put.create',
    start: () =>
      startBrokenHttp(
        when(
          (req) => isUpdate(req) && bodyText(req).startsWith('p-'),
          (req, next) => {
            const listed = listedKeys(next({ ...req, method: 'GET', target: '/', body: Buffer.alloc(0) }).body ?? '');
            return pairItems(bodyText(req)).every((p) => listed.has(p.key)) ? next(req) : textResponse(400, 'no such key');
          },
        ),
      ),
    message: 'expected status 200, got 400',
    stepLabel: 'PUT',
  },
  {
    id: 'kv.put.empty',
    start: () => startBrokenHttp(when((req) => isUpdate(req) && req.body.length === 0, ok)),
    message: 'expected status 400, got 200',
    stepLabel: 'PUT an empty body',
  },
  {
    id: 'kv.put.no-colon',
    start: () => startBrokenHttp(when((req) => isUpdate(req) && hasPairWithoutColon(bodyText(req)), (req, next) => next(withBody(req, `${bodyText(req)}:`)))),
    message: 'expected status 400, got 200',
    stepLabel: 'PUT without a colon',
  },
  {
    id: 'kv.put.blank-key',
    start: () => startBrokenHttp(when((req) => isUpdate(req) && hasBlankKey(bodyText(req)), ok)),
    message: 'expected status 400, got 200',
    stepLabel: 'PUT a blank key',
  },
  {
    // Routes POST and PUT on the method alone, so PUT /create updates.
    id: 'kv.path.mismatch',
    start: () => startBrokenHttp(when((req) => isRequest(req, 'PUT', '/create'), (req, next) => next({ ...req, target: '/update' }))),
    message: 'expected status 404, got 200',
    stepLabel: 'PUT /create',
  },
  {
    // Every GET gets the listing, whatever the path.
    id: 'kv.path.unknown',
    start: () => startBrokenHttp(when((req) => req.method === 'GET', (req, next) => next({ ...req, target: '/' }))),
    message: 'expected status 404, got 200',
    stepLabel: 'GET an unknown path',
  },
  {
    // Content-keyed: refusing every unknown method with 400 would also fail kv.method.allow,
    // which sends PRRT; this server knows DELETE by name and calls it a bad request.
    id: 'kv.method.unknown',
    start: () => startBrokenHttp(when((req) => req.method === 'DELETE', () => textResponse(400, 'bad request'))),
    message: 'expected status 405, got 400',
    stepLabel: 'DELETE /',
  },
  {
    id: 'kv.method.allow',
    start: () =>
      startBrokenHttp({
        handle: (req, next) => {
          const res = next(req);
          return res.status === 405 ? { ...res, headers: res.headers?.filter(([name]) => name !== 'Allow') } : res;
        },
      }),
    message: 'the response has no Allow header',
    stepLabel: 'PRRT /',
  },
  {
    id: 'kv.host.missing',
    start: () => startBrokenHttp(when((req) => !req.headers.has('host'), (req, next) => next({ ...req, headers: new Map([...req.headers, ['host', ['localhost']]]) }))),
    message: 'expected status 400, got 200',
    stepLabel: 'GET / without Host',
  },
  {
    // An escape sequence in the reason phrase (colouring a terminal log, say).
    id: 'kv.status-line',
    start: () => startBrokenHttp({ bytes: (out) => Buffer.from(out.toString('latin1').replace(/^(HTTP\/1\.1 \d{3}) ([^\r]*)/, '$1 \x1b[32m$2\x1b[0m'), 'latin1') }),
    message: 'the reason phrase "\\x1b[32mOK\\x1b[0m" holds the control character "\\x1b"; only tabs, spaces and visible characters are allowed (RFC 9112 §4)',
  },
  {
    id: 'kv.crlf',
    start: () =>
      startBrokenHttp({
        bytes: (out) => {
          const { head, body } = splitHead(out);
          return joinHead(head.replace(/\r\n/g, '\n'), body);
        },
      }),
    // Status, Date, Content-Type, Content-Length, ETag, Last-Modified, Connection, then the empty line.
    message: 'line 1 (the status line) ends in LF without CR, as do 7 more lines; every line must end in CRLF',
  },
  {
    // A debugging header with a terminal escape in its value.
    id: 'kv.header-syntax',
    start: () => startBrokenHttp({ bytes: (out) => Buffer.from(out.toString('latin1').replace('\r\n', '\r\nX-Debug: \x1b[31mred\x1b[0m\r\n'), 'latin1') }),
    message: 'line 2 ("X-Debug: \\x1b[31mred\\x1b[0m") has the control character "\\x1b" in its value, which RFC 9110 §5.5 forbids',
  },
  {
    // Content-Length is the string's length in UTF-16 code units (JavaScript's body.length).
    // Two conditions keep the short count away from other cases: the listing is sorted by key,
    // so the UTF-8 pairs ("ü-...") come last and only their bytes are cut off; and requests
    // without Connection: close keep the true length, as on a persistent connection the cut
    // tail would be read as the start of the next response and fail kv.keep-alive too.
    id: 'kv.content-length',
    start: () =>
      startBrokenHttp({
        handle: (req, next) => {
          const res = next(req);
          if (!(isRequest(req, 'GET', '/') || isRequest(req, 'HEAD', '/')) || res.body === undefined) return res;
          return { ...res, body: res.body.split('\n').filter(Boolean).sort().map((l) => `${l}\n`).join('') };
        },
        bytes: (out, req, res) => {
          if (!asksClose(req)) return out;
          const { head, body } = splitHead(out);
          return joinHead(head.replace(/^Content-Length: \d+$/m, `Content-Length: ${(res.body ?? '').length}`), body);
        },
      }),
    message: /^Content-Length says \d+ but the body that came before close is \d+ bytes$/,
    stepLabel: 'GET /',
    // Each stored "ü-<uid>: 한국어-<uid>" pair is 7 bytes longer in UTF-8 than in UTF-16 code units.
    also: (message) => {
      const [said, came] = (message.match(/\d+/g) ?? []).map(Number);
      expect((came - said) % 7).toBe(0);
      expect(came - said).toBeGreaterThan(0);
    },
  },
  {
    id: 'kv.date',
    start: () => startBrokenHttp({ bytes: kstDate }),
    message: /^Date "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} KST" ends in KST; HTTP dates are always GMT \(the form is "Sun, 06 Nov 1994 08:49:37 GMT", IMF-fixdate\)$/,
  },
  {
    id: 'kv.keep-alive',
    start: () => startProxiedHttp({ closeAfterFirstResponse: true }),
    message: 'the server closed the connection after the response without sending Connection: close',
    stepLabel: 'first request',
  },
  {
    // After a request it cannot parse, the server drops the next connection unanswered.
    id: 'kv.garbage',
    start: () => {
      let dropNext = false;
      return startBrokenHttp({
        bytes: (out, req, res) => {
          const drop = dropNext;
          dropNext = req === undefined && res.status === 400;
          return drop ? null : out;
        },
      });
    },
    message: 'the server closed the connection without answering',
    stepLabel: 'GET / afterwards',
  },
  {
    // One recv() with a 50 ms timeout per request: kv.slow-request's pieces come 200 ms apart,
    // while a 64 KiB body, though it arrives in several chunks, comes within the window.
    id: 'kv.slow-request',
    start: () => startProxiedHttp({ burstQuietMs: 50 }),
    message: 'the server closed the connection after piece 1 of 3, before the whole request had arrived; a server must keep reading until the empty line after the headers and then Content-Length bytes of body',
    stepLabel: 'POST in 3 pieces',
  },
  {
    id: 'kv.large-body',
    start: () => startBrokenHttp(when((req) => req.body.length > KEEP, (req, next) => next({ ...req, body: req.body.subarray(0, KEEP) }))),
    message: new RegExp(`^the body lacks \\d+ of 1000 expected entries, e\\.g\\. "big-\\d+-${UID}: value-\\d+-0123456789abcdef0123456789abcdef\\\\n"$`),
    stepLabel: 'GET /',
    // The pairs lacking are those not wholly within the first 16 KiB, starting with the one cut.
    also: (message) => {
      const [, lacking, n, uid] = /lacks (\d+) .*"big-(\d+)-([0-9a-z]+):/.exec(message)!;
      const whole = largeBody(uid).slice(0, KEEP).split('&').length - 1;
      expect([Number(lacking), Number(n)]).toEqual([1000 - whole, whole + 1]);
    },
  },
  {
    // At most 5 connections at once; more get 503. Cases that meet it while sharing the server
    // pass when the scheduler confirms them alone; kv.concurrent runs its 20 clients alone.
    id: 'kv.concurrent',
    start: () => startProxiedHttp({ maxOpen: 5, busyAnswer: Buffer.from('HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy\n', 'latin1') }),
    message: /^client \d+: expected status 200, got 503$/,
    stepLabel: '20 POSTs at once',
  },
];

/** Answers 200 to the first bytes of every connection and closes, without reading the rest. */
function startEagerServer(): Promise<BrokenServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => {
          for (const s of sockets) s.destroy();
          return new Promise<void>((r) => server.close(() => r()));
        },
      }),
    ),
  );
}

const failureOf = (result: RunResult, id: string) => result.cases.find((c) => c.id === id)?.failure;

describe.concurrent('kv-http against a server with one bug', () => {
  it('has a broken server for every case of the spec', () => {
    expect(FAULTS.map((f) => f.id)).toEqual(loadSpecs(['kv-http'])[0].cases.map((c) => c.id));
  });

  it.for(FAULTS)('$id fails, and only $id', async ({ id, start, message, stepLabel, also }, { onTestFinished }) => {
    const server = await start();
    onTestFinished(() => server.close());
    const result = await runKv(server.port);
    const failure: Outcome = { status: 'failed', message: typeof message === 'string' ? message : expect.stringMatching(message), stepLabel: stepLabel ?? 'step 1' };
    expect(outcomes(result)).toEqual(passedExcept(result, { [id]: failure }));
    also?.(failureOf(result, id)!.message);
  });

  // What each case says when the server never answers: which step waited, and how long.
  const silent: Record<string, Partial<Outcome>> = {
    'kv.get': { stepLabel: 'POST /create' },
    'kv.head': { stepLabel: undefined },
    'kv.post.empty': { stepLabel: 'POST an empty body' },
    'kv.post.no-colon': { stepLabel: 'POST without a colon' },
    'kv.post.blank-key': { stepLabel: 'POST a blank key' },
    'kv.put.empty': { stepLabel: 'PUT an empty body' },
    'kv.put.no-colon': { stepLabel: 'PUT without a colon' },
    'kv.put.blank-key': { stepLabel: 'PUT a blank key' },
    'kv.path.unknown': { stepLabel: 'GET an unknown path' },
    'kv.method.allow': { stepLabel: 'PRRT /' },
    'kv.host.missing': { stepLabel: 'GET / without Host' },
    'kv.slow-request': { stepLabel: undefined },
    'kv.post.ok': { stepLabel: 'POST /create' },
    'kv.post.duplicate': { stepLabel: 'first POST' },
    'kv.post.atomic': { stepLabel: 'POST an existing key' },
    'kv.put.update': { stepLabel: 'POST' },
    'kv.put.create': { stepLabel: 'PUT' },
    'kv.path.mismatch': { stepLabel: 'PUT /create' },
    'kv.method.unknown': { stepLabel: 'PRRT /' },
    'kv.content-length': { stepLabel: 'POST a UTF-8 pair' },
    'kv.keep-alive': { stepLabel: undefined },
    'kv.garbage': { stepLabel: undefined },
    'kv.large-body': { message: 'no response within 5000 ms', stepLabel: 'POST 1,000 pairs' },
    'kv.concurrent': { stepLabel: undefined },
  };
  const notRunAlone = 'not run: the server answered none of the other http checks (no response within 2000 ms), so this one cannot pass';

  it('every case fails plainly, and soon, when the server accepts and never answers', async ({ onTestFinished }) => {
    const server = await startSilentServer();
    onTestFinished(() => server.close());
    const result = await runKv(server.port);
    const exclusive = new Set(loadSpecs(['kv-http'])[0].cases.filter((c) => c.exclusive).map((c) => c.id));
    const want = (id: string): Outcome => ({ status: 'failed', message: exclusive.has(id) ? notRunAlone : 'no response within 2000 ms', stepLabel: 'step 1', ...silent[id] });
    expect(outcomes(result)).toEqual(Object.fromEntries(result.cases.map((c) => [c.id, want(c.id)])));
    expect(result.summary.durationMs).toBeLessThan(10_000);
  });

  // A server that drips its answer one byte every 300 ms: the step fails at its deadline.
  it('a server that drips its answer fails at the deadline and does not hang the run', async ({ onTestFinished }) => {
    const server = await startProxiedHttp({ dripMs: 300 });
    onTestFinished(() => server.close());
    const result = await runKv(server.port, { selection: { tags: 'all', grep: /^kv\.(get|post\.ok|keep-alive)$/ } });
    const ran = result.cases.filter((c) => c.status !== 'skipped');
    expect(ran.map((c) => [c.id, c.status])).toEqual([
      ['kv.get', 'failed'],
      ['kv.post.ok', 'failed'],
      ['kv.keep-alive', 'failed'],
    ]);
    for (const c of ran) expect(c.durationMs, c.id).toBeGreaterThanOrEqual(2000);
    for (const c of ran) expect(c.durationMs, c.id).toBeLessThan(3000);
    // kv.keep-alive runs alone, after the cases that share the server: two deadlines.
    expect(result.summary.durationMs).toBeLessThan(5000);
  });

  // A server that answers as soon as the first piece of a request came: the answer must not
  // count, even though the request's later pieces then go to a closed connection.
  it('kv.slow-request fails a server that answers 200 after the first piece', async ({ onTestFinished }) => {
    const server = await startEagerServer();
    onTestFinished(() => server.close());
    const result = await runKv(server.port, { selection: { tags: 'all', grep: /^kv\.slow-request$/ } });
    expect(outcomes(result)['kv.slow-request']).toEqual({
      status: 'failed',
      message: 'the server answered after piece 1 of 3, before the whole request had arrived; a server must keep reading until the empty line after the headers and then Content-Length bytes of body',
      stepLabel: 'POST in 3 pieces',
    });
  });

  // A response cut off by the deadline is never judged as if it were whole: a cut head
  // "HTTP/1.1 200 OK\r" must not pass a status check.
  it('a dripped answer is reported as incomplete at the deadline', async ({ onTestFinished }) => {
    const server = await startProxiedHttp({ dripMs: 300 });
    onTestFinished(() => server.close());
    const result = await runKv(server.port, { selection: { tags: 'all', grep: /^kv\.get$/ } });
    expect(failureOf(result, 'kv.get')?.message).toMatch(/^the response was not complete within 2000 ms \(\d+ bytes came\)$/);
  });
});
