// For each conditional-get check, a server with one bug (docs/protocols.md#conditional-get):
// the reference with a fault injected (./broken-cond.ts). The tests in
// test/integration/cond-broken.test.ts pin each one's failure; bench/gauntlet.ts runs them
// all for its table of which servers fail which check. Nothing here imports vitest.
import { parseEntityTags } from '../../reference/http/conditional.js';
import { formatHttpDate } from '../../reference/http/date.js';
import type { Faults } from '../../reference/http/server.js';
import {
  dateOf,
  editRequest,
  editResponse,
  failed,
  on,
  reqHeader,
  resHeader,
  unconditional,
  type ExpectedFailure,
  type Handle,
  type HttpRequest,
  type HttpResponse,
} from './broken-cond.js';

const HOUR = 3600_000;

export interface CondFault {
  /** The check this bug breaks. */
  id: string;
  bug: string;
  faults: Faults;
  message: string | RegExp;
  stepLabel: string;
  /** Cases that cannot help failing too, with why in a comment at the fault. */
  alsoFails?: Record<string, ExpectedFailure>;
}

const handle = (fault: Handle): Faults => ({ handle: on('/', fault) });

/** Last-Modified moved by `shift` ms, and If-Modified-Since moved back, so only the header is wrong. */
function shiftedLastModified(
  shift: number,
  write: (ms: number) => string,
  read: (v: string) => number | undefined,
): Faults {
  return handle((req, next) => {
    const ims = reqHeader(req, 'if-modified-since');
    const since = ims === undefined ? undefined : read(ims);
    const res = next(
      since === undefined ? req : editRequest(req, { 'if-modified-since': formatHttpDate(since - shift) }),
    );
    return editResponse(res, { 'last-modified': write(dateOf(resHeader(res, 'last-modified'))! + shift) });
  });
}

const inKst = (ms: number) => formatHttpDate(ms).replace('GMT', 'KST');
const fromKst = (v: string) => dateOf(v.replace(/ KST$/, ' GMT'));

/** Bytes after the header block of every 304, framed as a 200's body would be. */
export function bodyOn304(out: Buffer, res: { status: number }): Buffer {
  if (res.status !== 304) return out;
  const body = 'not modified\n';
  return Buffer.concat([
    out.subarray(0, out.length - 2),
    Buffer.from(`Content-Length: ${body.length}\r\n\r\n${body}`, 'latin1'),
  ]);
}

// Every capture of the ETag fails with it. cond.304.no-body is not among them: it takes
// whichever validator the server offers, here Last-Modified.
const NEEDS_ETAG = [
  'cond.inm.match',
  'cond.inm.nomatch',
  'cond.304.etag',
  'cond.after-update',
  'cond.after-put',
  'cond.precedence',
  'cond.inm.weak',
  'cond.inm.list',
  'cond.head',
];

/**
 * An ETag of the server's own making: `tagOf` computes it for each request, and If-None-Match is
 * judged against it (a tag equal to it by weak comparison stands for the reference's current one).
 */
function madeUpEtag(tagOf: (req: HttpRequest, full: HttpResponse) => string): Faults {
  return handle((req, next) => {
    const full = next(unconditional(req));
    const current = resHeader(full, 'etag')!;
    const mine = tagOf(req, full);
    const inm = reqHeader(req, 'if-none-match');
    const asCurrent = (tag: string) => (tag.replace(/^W\//, '') === mine ? tag.replace(mine, current) : tag);
    const judged =
      inm === undefined || inm.trim() === '*'
        ? req
        : editRequest(req, { 'if-none-match': parseEntityTags(inm).map(asCurrent).join(', ') });
    return editResponse(next(judged), { etag: mine });
  });
}

/** The ETag is refreshed in the PUT handler only: adding a pair with POST leaves it as it was. */
function etagRefreshedByPutOnly(): Faults {
  let tag: string | undefined;
  let stale = true;
  const reads = madeUpEtag((_req, full) => {
    if (stale || tag === undefined) tag = resHeader(full, 'etag')!;
    stale = false;
    return tag;
  });
  return {
    handle: (req, next) => {
      if (req.method === 'PUT' && req.target === '/update') stale = true;
      return reads.handle!(req, next);
    },
  };
}

/** Last-Modified frozen at the first request, and If-Modified-Since judged against that date. */
function frozenLastModified(): Faults {
  let frozen: string | undefined;
  return handle((req, next) => {
    const full = next(unconditional(req));
    frozen ??= resHeader(full, 'last-modified')!;
    const since = dateOf(reqHeader(req, 'if-modified-since'));
    const judged =
      reqHeader(req, 'if-none-match') !== undefined || since === undefined
        ? req
        : editRequest(req, {
            'if-modified-since': since >= dateOf(frozen)! ? formatHttpDate(Date.now() + HOUR) : formatHttpDate(0),
          });
    return editResponse(next(judged), { 'last-modified': frozen });
  });
}

export const COND_FAULTS: CondFault[] = [
  {
    // Not isolable by nature: cond.etag's GET is byte for byte the first step of every case
    // that captures the ETag, so those fail too, at their capture.
    id: 'cond.etag',
    bug: 'no ETag header',
    faults: handle((req, next) => editResponse(next(req), { etag: null })),
    message: 'the response has no ETag header',
    stepLabel: 'step 1',
    alsoFails: Object.fromEntries(
      NEEDS_ETAG.map((id) => [
        id,
        failed('the response has no ETag header, which the next request needs (as {{etag}})', 'GET'),
      ]),
    ),
  },
  {
    // If-Modified-Since is moved back by the same hour, so the date comparisons still hold.
    id: 'cond.last-modified',
    bug: 'Last-Modified an hour in the future',
    faults: shiftedLastModified(HOUR, formatHttpDate, dateOf),
    message:
      /^Last-Modified \(\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\) is later than Date \(\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\); it must not be in the future$/,
    stepLabel: 'step 1',
  },
  {
    // Korean wall-clock time labelled KST, as the course's example code wrote it. The server reads
    // its own KST dates back, but netgrade cannot add a second or subtract a day from a date that
    // is not an HTTP-date, so the two cases that must compute one fail too (without a step label).
    id: 'cond.last-modified',
    bug: 'Last-Modified in KST',
    faults: shiftedLastModified(9 * HOUR, inKst, fromKst),
    message:
      /^Last-Modified "\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d KST" ends in KST; HTTP dates are always GMT \(the form is "Sun, 06 Nov 1994 08:49:37 GMT", IMF-fixdate\)$/,
    stepLabel: 'step 1',
    alsoFails: {
      ...Object.fromEntries(
        [
          ['cond.ims.match', 'control, a day earlier'],
          ['cond.ims.later', 'control, a day earlier'],
          ['cond.ims.older', 'GET with an older If-Modified-Since'],
        ].map(([id, stepLabel]) => [
          id,
          failed(
            /^"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d KST" is not an HTTP date, so netgrade cannot compute a date from it$/,
            stepLabel,
          ),
        ]),
      ),
      // And the one that compares the new Last-Modified with the old one cannot compare KST dates.
      'cond.ims.after-update': failed(
        /^Last-Modified "\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d KST" ends in KST; HTTP dates are always GMT$/,
        'GET with the old Last-Modified',
      ),
    },
  },
  {
    // Not isolable by nature: cond.304.no-body and cond.304.etag send byte for byte the same
    // request as cond.inm.match and need its 304 before they can judge the 304 itself, and the
    // controls of cond.inm.nomatch and cond.precedence are that very request.
    id: 'cond.inm.match',
    bug: 'If-None-Match with exactly the current tag ignored',
    faults: handle((req, next) => {
      const full = next(unconditional(req));
      return req.method === 'GET' && reqHeader(req, 'if-none-match')?.trim() === resHeader(full, 'etag')
        ? full
        : next(req);
    }),
    message: 'expected status 304, got 200',
    stepLabel: 'GET with If-None-Match',
    alsoFails: {
      'cond.304.no-body': failed('expected status 304, got 200', 'conditional GET'),
      'cond.304.etag': failed('expected status 304, got 200', 'GET with If-None-Match'),
      'cond.inm.nomatch': failed('expected status 304, got 200', 'control, the current tag'),
      'cond.precedence': failed('expected status 304, got 200', 'control, If-None-Match alone'),
    },
  },
  {
    // A 200, but not the representation: keyed on the made-up tag the controls send, whose
    // checks look at the status alone (cond.after-update's old tag gets the real listing).
    id: 'cond.inm.nomatch',
    bug: 'a tag that does not match answered 200 without the listing',
    faults: handle((req, next) => {
      const res = next(req);
      return res.status === 200 && reqHeader(req, 'if-none-match')?.includes('"nomatch-')
        ? { ...res, body: 'modified\n' }
        : res;
    }),
    // How the body differs depends on the listing at that moment (empty on a fresh server).
    message: /^the body .*"modified\\n"$/,
    stepLabel: 'GET with another tag',
  },
  {
    // "Last-Modified < since" instead of "<=": an equal date is taken as modified. Not isolable by
    // nature: the controls of cond.ims.older, cond.ims.invalid, cond.precedence and
    // cond.ims.after-update (304 after a pause without change) are that request.
    id: 'cond.ims.match',
    bug: 'If-Modified-Since compared with < instead of <=',
    faults: handle((req, next) => {
      const since = dateOf(reqHeader(req, 'if-modified-since'));
      const full = next(unconditional(req));
      const equal =
        reqHeader(req, 'if-none-match') === undefined &&
        since !== undefined &&
        since === dateOf(resHeader(full, 'last-modified'));
      return equal ? full : next(req);
    }),
    message: 'expected status 304, got 200',
    stepLabel: 'GET with If-Modified-Since',
    alsoFails: {
      'cond.ims.older': failed('expected status 304, got 200', 'control, Last-Modified itself'),
      'cond.ims.invalid': failed('expected status 304, got 200', 'control, Last-Modified itself'),
      'cond.precedence': failed('expected status 304, got 200', 'control, If-Modified-Since alone'),
      'cond.ims.after-update': failed('expected status 304, got 200', 'control, 1.1 s later and nothing changed'),
    },
  },
  {
    id: 'cond.ims.later',
    bug: 'If-Modified-Since compared as a string',
    faults: handle((req, next) => {
      const ims = reqHeader(req, 'if-modified-since');
      if (ims === undefined || reqHeader(req, 'if-none-match') !== undefined) return next(req);
      const full = next(unconditional(req));
      return ims === resHeader(full, 'last-modified') ? next(req) : full;
    }),
    message: 'expected status 304, got 200',
    stepLabel: 'GET with a later If-Modified-Since',
  },
  {
    // A copy older than an hour gets a 200 that is not the representation. (Answering such dates
    // 304 would fail the controls of cond.ims.match and cond.ims.later, which send a day-old date.)
    id: 'cond.ims.older',
    bug: 'an old If-Modified-Since answered 200 without the listing',
    faults: handle((req, next) => {
      const res = next(req);
      const since = dateOf(reqHeader(req, 'if-modified-since'));
      const old = since !== undefined && since < dateOf(resHeader(res, 'last-modified'))! - HOUR;
      return res.status === 200 && old ? { ...res, body: 'your copy is old\n' } : res;
    }),
    message: /^the body .*"your copy is old\\n"$/,
    stepLabel: 'GET with an older If-Modified-Since',
  },
  {
    // A date that does not parse becomes NaN, and "!(lastModified > NaN)" says not modified.
    // (Taking it as the epoch would give the right 200: everything changed since 1970.)
    id: 'cond.ims.invalid',
    bug: 'an invalid If-Modified-Since answered 304',
    faults: handle((req, next) => {
      const ims = reqHeader(req, 'if-modified-since');
      return next(
        ims !== undefined && dateOf(ims) === undefined
          ? editRequest(req, { 'if-modified-since': formatHttpDate(Date.now() + HOUR) })
          : req,
      );
    }),
    message: 'expected status 200, got 304',
    stepLabel: 'GET with an invalid date',
  },
  {
    id: 'cond.304.no-body',
    bug: 'a 304 with a body',
    faults: { bytes: (out, _req, res) => bodyOn304(out, res) },
    // The count is checked exactly in the known-bug test below; the engine now reports 26.
    message: /^\d+ bytes came after a 304 response, which must not have a body$/,
    stepLabel: 'conditional GET',
  },
  {
    id: 'cond.304.etag',
    bug: 'a 304 without ETag',
    faults: handle((req, next) => {
      const res = next(req);
      return res.status === 304 ? editResponse(res, { etag: null }) : res;
    }),
    message: 'the response has no ETag header',
    stepLabel: 'GET with If-None-Match',
  },
  {
    // Judged consistently: the old tag still "matches", so 304.
    id: 'cond.after-update',
    bug: 'an ETag refreshed by PUT only',
    faults: etagRefreshedByPutOnly(),
    message: 'expected status 200, got 304',
    stepLabel: 'GET with the old ETag',
  },
  {
    // The example: an ETag that counts keys does not change when a value does.
    id: 'cond.after-put',
    bug: 'an ETag that counts the keys',
    faults: madeUpEtag((_req, full) => `"keys-${(full.body ?? '').split('\n').filter(Boolean).length}"`),
    message: 'expected status 200, got 304',
    stepLabel: 'GET with the old ETag',
  },
  {
    id: 'cond.ims.after-update',
    bug: 'a Last-Modified that never moves',
    faults: frozenLastModified(),
    message: 'expected status 200, got 304',
    stepLabel: 'GET with the old Last-Modified',
  },
  {
    id: 'cond.precedence',
    bug: 'If-Modified-Since evaluated before If-None-Match',
    faults: handle((req, next) =>
      next(
        dateOf(reqHeader(req, 'if-modified-since')) === undefined ? req : editRequest(req, { 'if-none-match': null }),
      ),
    ),
    message: 'expected status 200, got 304',
    stepLabel: 'GET with both conditions',
  },
  {
    id: 'cond.inm.weak',
    bug: 'weak tags never match',
    faults: handle((req, next) => {
      const inm = reqHeader(req, 'if-none-match');
      if (inm === undefined || !inm.includes('W/')) return next(req);
      const strong = parseEntityTags(inm).filter((t) => !t.startsWith('W/'));
      return next(editRequest(req, { 'if-none-match': strong.length > 0 ? strong.join(', ') : null }));
    }),
    message: 'expected status 304, got 200',
    stepLabel: 'GET with the weak tag',
  },
  {
    // The whole value compared as one tag; a value with a comma never matches.
    id: 'cond.inm.list',
    bug: 'If-None-Match lists not split',
    faults: handle((req, next) =>
      next(reqHeader(req, 'if-none-match')?.includes(',') ? editRequest(req, { 'if-none-match': null }) : req),
    ),
    message: 'expected status 304, got 200',
    stepLabel: 'GET with a list',
  },
  {
    id: 'cond.inm.star',
    bug: '"*" not honoured',
    faults: handle((req, next) =>
      next(reqHeader(req, 'if-none-match')?.trim() === '*' ? editRequest(req, { 'if-none-match': null }) : req),
    ),
    message: 'expected status 304, got 200',
    stepLabel: 'GET with If-None-Match *',
  },
  {
    id: 'cond.head',
    bug: 'HEAD not conditional',
    faults: handle((req, next) => next(req.method === 'HEAD' ? unconditional(req) : req)),
    message: 'expected status 304, got 200',
    stepLabel: 'HEAD with If-None-Match',
  },
];
