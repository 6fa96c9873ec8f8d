// For each kv-http check, a server with one bug (docs/protocols.md#kv-http): the
// reference wrapped through its `faults` seam, or behind a small proxy for faults that
// live in the connection rather than the answer. The tests in
// test/integration/kv-broken.test.ts pin each one's failure; bench/gauntlet.ts runs them
// all for its table of which servers fail which check. Nothing here imports vitest.
import assert from 'node:assert/strict';
import type { HttpRequest } from '../../reference/http/request.js';
import type { Faults } from '../../reference/http/server.js';
import { textResponse, type HttpResponse } from '../../reference/http/wire.js';
import {
  asksClose,
  bodyText,
  isRequest,
  joinHead,
  pairItems,
  splitHead,
  startBrokenHttp,
  startProxiedHttp,
  withBody,
  type BrokenServer,
} from './broken-http.js';

/** The run's unique value as it appears in keys: 8 hex digits and an attempt counter. */
export const UID = '[0-9a-f]{8}[0-9a-z]+';

export interface KvFault {
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
const listedKeys = (listing: string) =>
  new Set(
    listing
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(0, l.indexOf(':'))),
  );

/** The body kv.large-body posts, for a given uid. */
const largeBody = (uid: string) =>
  Array.from({ length: 1000 }, (_, k) => `big-${k + 1}-${uid}: value-${k + 1}-0123456789abcdef0123456789abcdef`).join(
    '&',
  );
const KEEP = 16 * 1024;

/** Rewrites the Date header of a response to Korean time, labelled KST. */
function kstDate(out: Buffer): Buffer {
  const { head, body } = splitHead(out);
  const kst = head.replace(
    /^Date: (.*)$/m,
    (_, gmt: string) => `Date: ${new Date(Date.parse(gmt) + 9 * 3600_000).toUTCString().replace(/GMT$/, 'KST')}`,
  );
  return joinHead(kst, body);
}

export const KV_FAULTS: KvFault[] = [
  {
    // Content-keyed: the listing leaves out pairs whose key starts with "g-" (kv.get's).
    id: 'kv.get',
    start: () =>
      startBrokenHttp(
        when(
          (req) => isRequest(req, 'GET', '/') || isRequest(req, 'HEAD', '/'),
          (req, next) => {
            const res = next(req);
            return {
              ...res,
              body: res.body
                ?.split('\n')
                .filter((l) => !l.startsWith('g-'))
                .join('\n'),
            };
          },
        ),
      ),
    message: new RegExp(`^the body does not match /.*g-${UID}: v-${UID}.*/$`),
    stepLabel: 'GET /',
  },
  {
    id: 'kv.head',
    start: () =>
      startBrokenHttp({
        bytes: (out, req) => (req?.method === 'HEAD' ? Buffer.from('HTTP/1.1 100 CONTINUE\r\n\r\n', 'latin1') : out),
      }),
    message: 'expected status 200; got 100, a 1xx status is not a final response',
    stepLabel: 'HEAD /',
  },
  {
    // Content-keyed: storing only the first pair of every body would also break kv.post.atomic
    // (its second pair is the one that must be refused) and kv.large-body.
    id: 'kv.post.ok',
    start: () =>
      startBrokenHttp(
        when(
          (req) => isCreate(req) && bodyText(req).startsWith('a-'),
          (req, next) => next(withBody(req, bodyText(req).split('&')[0])),
        ),
      ),
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
    start: () =>
      startBrokenHttp(
        when(
          (req) => isCreate(req) && hasPairWithoutColon(bodyText(req)),
          (req, next) => next(withBody(req, `${bodyText(req)}:`)),
        ),
      ),
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
    start: () =>
      startBrokenHttp(
        when(
          (req) => isCreate(req) && bodyText(req).startsWith('dup-'),
          (req, next) => next({ ...req, method: 'PUT', target: '/update' }),
        ),
      ),
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
            return pairItems(bodyText(req)).every((p) => listed.has(p.key))
              ? next(req)
              : textResponse(400, 'no such key');
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
    start: () =>
      startBrokenHttp(
        when(
          (req) => isUpdate(req) && hasPairWithoutColon(bodyText(req)),
          (req, next) => next(withBody(req, `${bodyText(req)}:`)),
        ),
      ),
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
    start: () =>
      startBrokenHttp(
        when(
          (req) => isRequest(req, 'PUT', '/create'),
          (req, next) => next({ ...req, target: '/update' }),
        ),
      ),
    message: 'expected status 404, got 200',
    stepLabel: 'PUT /create',
  },
  {
    // Every GET gets the listing, whatever the path.
    id: 'kv.path.unknown',
    start: () =>
      startBrokenHttp(
        when(
          (req) => req.method === 'GET',
          (req, next) => next({ ...req, target: '/' }),
        ),
      ),
    message: 'expected status 404, got 200',
    stepLabel: 'GET an unknown path',
  },
  {
    // Content-keyed: refusing every unknown method with 400 would also fail kv.method.allow,
    // which sends PRRT; this server knows DELETE by name and calls it a bad request.
    id: 'kv.method.unknown',
    start: () =>
      startBrokenHttp(
        when(
          (req) => req.method === 'DELETE',
          () => textResponse(400, 'bad request'),
        ),
      ),
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
    start: () =>
      startBrokenHttp(
        when(
          (req) => !req.headers.has('host'),
          (req, next) => next({ ...req, headers: new Map([...req.headers, ['host', ['localhost']]]) }),
        ),
      ),
    message: 'expected status 400, got 200',
    stepLabel: 'GET / without Host',
  },
  {
    // An escape sequence in the reason phrase (colouring a terminal log, say).
    id: 'kv.status-line',
    start: () =>
      startBrokenHttp({
        bytes: (out) =>
          Buffer.from(out.toString('latin1').replace(/^(HTTP\/1\.1 \d{3}) ([^\r]*)/, '$1 \x1b[32m$2\x1b[0m'), 'latin1'),
      }),
    message:
      'the reason phrase "\\x1b[32mOK\\x1b[0m" holds the control character "\\x1b"; only tabs, spaces and visible characters are allowed (RFC 9112 §4)',
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
    start: () =>
      startBrokenHttp({
        bytes: (out) =>
          Buffer.from(out.toString('latin1').replace('\r\n', '\r\nX-Debug: \x1b[31mred\x1b[0m\r\n'), 'latin1'),
      }),
    message:
      'line 2 ("X-Debug: \\x1b[31mred\\x1b[0m") has the control character "\\x1b" in its value, which RFC 9110 §5.5 forbids',
  },
  {
    // Content-Length is the string's length in UTF-16 code units (JavaScript's body.length).
    // Two conditions keep the short count away from other cases: the listing is sorted by key,
    // so the UTF-8 pairs ("ü-...") come last and only their bytes are cut off; and requests
    // without Connection: close keep the true length, as on a persistent connection the cut
    // tail would be read as the start of the next response and fail kv.keep-alive too.
    id: 'kv.content-length',
    start: () => charCountingStore('utf8-last'),
    message: /^Content-Length says \d+ but the body that came before close is \d+ bytes$/,
    stepLabel: 'GET /',
    // Each stored "ü-<uid>: 한국어-<uid>" pair is 7 bytes longer in UTF-8 than in UTF-16 code units.
    also: (message) => {
      const [said, came] = (message.match(/\d+/g) ?? []).map(Number);
      assert.equal((came - said) % 7, 0);
      assert.ok(came - said > 0);
    },
  },
  {
    id: 'kv.date',
    start: () => startBrokenHttp({ bytes: kstDate }),
    message:
      /^Date "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} KST" ends in KST; HTTP dates are always GMT \(the form is "Sun, 06 Nov 1994 08:49:37 GMT", IMF-fixdate\)$/,
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
    // while a 64 KiB body, though it arrives in several chunks, comes within the window. The
    // first piece holds the whole header block, so the request is cut in its body, at piece 2.
    id: 'kv.slow-request',
    start: () => startProxiedHttp({ burstQuietMs: 50 }),
    message:
      'the server closed the connection after piece 2 of 3, before the whole request had arrived; a server must keep reading until the empty line after the headers and then Content-Length bytes of body',
    stepLabel: 'POST in 3 pieces',
  },
  {
    id: 'kv.large-body',
    start: () =>
      startBrokenHttp(
        when(
          (req) => req.body.length > KEEP,
          (req, next) => next({ ...req, body: req.body.subarray(0, KEEP) }),
        ),
      ),
    message: new RegExp(
      `^the body lacks \\d+ of 1000 expected entries, e\\.g\\. "big-\\d+-${UID}: value-\\d+-0123456789abcdef0123456789abcdef"$`,
    ),
    stepLabel: 'GET /',
    // The pairs lacking are those not wholly within the first 16 KiB, starting with the one cut.
    also: (message) => {
      const [, lacking, n, uid] = /lacks (\d+) .*"big-(\d+)-([0-9a-z]+):/.exec(message)!;
      const whole = largeBody(uid).slice(0, KEEP).split('&').length - 1;
      assert.deepEqual([Number(lacking), Number(n)], [1000 - whole, whole + 1]);
    },
  },
  {
    // At most 5 connections at once; more get 503. Cases that meet it while sharing the server
    // pass when the scheduler confirms them alone; kv.concurrent runs its 20 clients alone.
    id: 'kv.concurrent',
    start: () =>
      startProxiedHttp({
        maxOpen: 5,
        busyAnswer: Buffer.from(
          'HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy\n',
          'latin1',
        ),
      }),
    message: /^client \d+: expected status 200, got 503$/,
    stepLabel: '20 POSTs at once',
  },
];

/**
 * A store whose Content-Length counts UTF-16 code units (JavaScript's body.length), on requests that say
 * Connection: close, with the listing sorted so the UTF-8 pairs ("ü-...") come last (only their bytes are cut
 * off) or first (the short count cuts other cases' pairs off the end).
 */
export function charCountingStore(utf8: 'utf8-last' | 'utf8-first'): Promise<BrokenServer> {
  return startBrokenHttp({
    handle: (req, next) => {
      const res = next(req);
      if (!(isRequest(req, 'GET', '/') || isRequest(req, 'HEAD', '/')) || res.body === undefined) return res;
      const lines = res.body.split('\n').filter(Boolean).sort();
      if (utf8 === 'utf8-first') lines.reverse();
      return { ...res, body: lines.map((l) => `${l}\n`).join('') };
    },
    bytes: (out, req, res) => {
      if (!asksClose(req)) return out;
      const { head, body } = splitHead(out);
      return joinHead(head.replace(/^Content-Length: \d+$/m, `Content-Length: ${(res.body ?? '').length}`), body);
    },
  });
}
