// For each cookies check, a server with one bug (docs/protocols.md#cookies): the reference
// with a fault injected (./broken-cond.ts). The tests in test/integration/cookie-broken.test.ts
// pin each one's failure; bench/gauntlet.ts runs them all for its table of which servers fail
// which check. Nothing here imports vitest.
import { randomBytes } from 'node:crypto';
import type { Faults } from '../../reference/http/server.js';
import type { RunOptions } from '../../src/run/run.js';
import {
  Aliases,
  cookieIds,
  editRequest,
  editResponse,
  failed,
  on,
  reqHeader,
  resHeader,
  setCookieId,
  visitsOf,
  type ExpectedFailure,
  type Handle,
  type HttpResponse,
} from './broken-cond.js';

export interface CookieFault {
  /** The check this bug breaks. */
  id: string;
  bug: string;
  faults: () => Faults;
  message: string | RegExp;
  stepLabel: string;
  /** Cases that cannot help failing too, with why in a comment at the fault. */
  alsoFails?: Record<string, ExpectedFailure>;
  run?: Partial<RunOptions>;
}

const visits = (fault: Handle): Faults => ({ handle: on('/visits', fault) });
const withBody = (res: HttpResponse, n: number): HttpResponse => ({ ...res, body: `visits: ${n}\n` });

const ID = '[0-9a-f]{32}';
const notVisit = (n: number) => `the body does not match /visits: ${n}(?!\\d)/`;
const newCookie = new RegExp(`^the server set a new sid cookie \\("${ID}"\\) although the request carried sid=${ID}$`);

/** Continues the session under a new random id on each return visit (id rotation). */
function rotating(onlyWhenAlone: boolean): Faults {
  const aliases = new Aliases();
  return visits((req, next) => {
    const inbound = aliases.inbound(req);
    const res = next(inbound);
    const [id] = cookieIds(inbound);
    const alone = !reqHeader(req, 'cookie')?.includes(';');
    if (setCookieId(res) !== undefined || id === undefined || (onlyWhenAlone && !alone)) return res;
    const fresh = randomBytes(16).toString('hex');
    aliases.add(fresh, id);
    return editResponse(res, { 'set-cookie': `sid=${fresh}; Path=/; HttpOnly; Max-Age=3600` });
  });
}

/** A made-up id is taken as the session's: echoed in Set-Cookie, or silently. */
function adoptingForged(echo: boolean): Faults {
  const aliases = new Aliases();
  return visits((req, next) => {
    const res = next(aliases.inbound(req));
    const [claimed] = cookieIds(req);
    // The reference refused an id it never issued; this server keeps it for the new session.
    if (claimed === undefined || setCookieId(res) === undefined) return res;
    const adopted = aliases.outbound(res, claimed);
    return echo ? adopted : editResponse(adopted, { 'set-cookie': null, 'cache-control': 'private' });
  });
}

/** Ids from a counter: session-000000000001, session-000000000002, ... */
function countingIds(): Faults {
  const aliases = new Aliases();
  let n = 0;
  return visits((req, next) => {
    const res = next(aliases.inbound(req));
    return setCookieId(res) === undefined ? res : aliases.outbound(res, `session-${String(++n).padStart(12, '0')}`);
  });
}

/** Ids from the clock, as time.time_ns() gives them (never the same twice here). */
function clockIds(): Faults {
  const aliases = new Aliases();
  let last = 0n;
  return visits((req, next) => {
    const res = next(aliases.inbound(req));
    if (setCookieId(res) === undefined) return res;
    const now = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    last = now > last ? now : last + 1n;
    return aliases.outbound(res, String(last));
  });
}

/** A request with an id the server never issued gets, as its "new" id, the last id issued before. */
function reissuingLast(): Faults {
  const aliases = new Aliases();
  let lastIssued: string | undefined;
  return visits((req, next) => {
    const claimed = cookieIds(req)[0];
    const res = next(aliases.inbound(req));
    const id = setCookieId(res);
    if (id === undefined) return res;
    const unknown = claimed !== undefined && lastIssued !== undefined && claimed !== lastIssued;
    if (!unknown) return ((lastIssued = id), res);
    return aliases.outbound(res, lastIssued!);
  });
}

/**
 * One counter for everybody: a session is shown every visit anyone made since it began.
 * Alone, a session counts right (cookie.count, re-run alone after a failure alongside
 * others, passes); two interleaved sessions see each other's visits.
 */
function sharedCount(): Faults {
  let total = 0;
  const since = new Map<string, number>();
  return visits((req, next) => {
    const res = next(req);
    total++;
    const id = setCookieId(res) ?? cookieIds(req).find((i) => since.has(i));
    if (id === undefined) return res;
    if (!since.has(id)) since.set(id, total);
    return withBody(res, total - since.get(id)! + 1);
  });
}

export const COOKIE_FAULTS: CookieFault[] = [
  {
    id: 'cookie.set',
    bug: 'no space after the semicolons of Set-Cookie',
    faults: () =>
      visits((req, next) => {
        const res = next(req);
        const set = resHeader(res, 'set-cookie');
        return set === undefined ? res : editResponse(res, { 'set-cookie': set.replace(/; /g, ';') });
      }),
    message: new RegExp(
      `^Set-Cookie "sid=${ID};Path=/;HttpOnly;Max-Age=3600" is not valid RFC 6265 syntax: the separator between attributes must be "; " \\(semicolon and one space\\)$`,
    ),
    stepLabel: 'step 1',
  },
  {
    // Not isolable by nature: every other case needs the cookie, to read its name or to
    // continue a session; without one, each visit is a first visit.
    id: 'cookie.set',
    bug: 'no Set-Cookie at all',
    faults: () => visits((req, next) => editResponse(next(req), { 'set-cookie': null })),
    message: 'the response has no Set-Cookie header',
    stepLabel: 'step 1',
    alsoFails: {
      'cookie.attrs': failed('the response has no Set-Cookie header', 'step 1'),
      'cookie.kept': failed('the response has no Set-Cookie header to read the cookie name from', 'first visit'),
      'cookie.count': failed(notVisit(2), 'visit 2'),
      'cookie.independent': failed('the response has no Set-Cookie header to read the cookie name from', 'A, visit 1'),
      'cookie.multiple': failed('the response has no Set-Cookie header to read the cookie name from', 'first visit'),
      'cookie.cache-control': failed('the response has no Set-Cookie header', 'step 1'),
      'cookie.forged': failed(
        'the response has no Set-Cookie header to read the cookie name from',
        "a fresh client's id",
      ),
      'cookie.random': failed(
        'request 1 of 20: the response has no Set-Cookie header to read the cookie value from',
        'step 1',
      ),
    },
  },
  {
    id: 'cookie.attrs',
    bug: 'no HttpOnly',
    faults: () =>
      visits((req, next) => {
        const res = next(req);
        const set = resHeader(res, 'set-cookie');
        return set === undefined ? res : editResponse(res, { 'set-cookie': set.replace('; HttpOnly', '') });
      }),
    message: 'the cookie has no HttpOnly attribute',
    stepLabel: 'step 1',
  },
  {
    // Keyed on what a browser's jar sends, the session cookie alone: rotating on every
    // return visit also fails cookie.multiple (next entry), which asks for no new id too.
    id: 'cookie.kept',
    bug: 'a new id on every return visit',
    faults: () => rotating(true),
    message: newCookie,
    stepLabel: 'second visit',
  },
  {
    id: 'cookie.kept',
    bug: 'a new id on every return visit, with other cookies too',
    faults: () => rotating(false),
    message: newCookie,
    stepLabel: 'second visit',
    alsoFails: { 'cookie.multiple': failed(newCookie, 'visit with three cookies') },
  },
  {
    // A "returning visitor" flag instead of a count: 1, 2, 2, ...
    id: 'cookie.count',
    bug: 'the count stops at 2',
    faults: () =>
      visits((req, next) => {
        const res = next(req);
        return visitsOf(res) > 2 ? withBody(res, 2) : res;
      }),
    message: notVisit(3),
    stepLabel: 'visit 3',
  },
  {
    // Never counting at all also fails every case that looks at a second visit.
    id: 'cookie.count',
    bug: 'the count never rises',
    faults: () => visits((req, next) => withBody(next(req), 1)),
    message: notVisit(2),
    stepLabel: 'visit 2',
    alsoFails: {
      'cookie.independent': failed(notVisit(2), 'A, visit 2'),
      'cookie.multiple': failed(notVisit(2), 'visit with three cookies'),
    },
  },
  {
    id: 'cookie.independent',
    bug: 'one visit count shared by all sessions',
    faults: sharedCount,
    message: notVisit(2),
    stepLabel: 'A, visit 2',
    // cookie.count's control is a new visitor between its second and third visit.
    alsoFails: { 'cookie.count': failed(notVisit(3), 'visit 3') },
  },
  {
    id: 'cookie.multiple',
    bug: 'a Cookie header read only when it holds one cookie',
    faults: () =>
      visits((req, next) => next(reqHeader(req, 'cookie')?.includes(';') ? editRequest(req, { cookie: null }) : req)),
    message: notVisit(2),
    stepLabel: 'visit with three cookies',
  },
  {
    id: 'cookie.cache-control',
    bug: 'no Cache-Control',
    faults: () => visits((req, next) => editResponse(next(req), { 'cache-control': null })),
    message: 'the response has no Cache-Control header',
    stepLabel: 'step 1',
  },
  {
    id: 'cookie.forged',
    bug: 'a made-up id adopted and set',
    faults: () => adoptingForged(true),
    message: /^the server adopted the id the client made up \(sid=forged-[0-9a-z]+\) instead of issuing a fresh one$/,
    stepLabel: 'visit with a forged id',
  },
  {
    id: 'cookie.forged',
    bug: 'a made-up id adopted silently',
    faults: () => adoptingForged(false),
    message: 'the response sets no sid cookie; a new session needs a new id',
    stepLabel: 'visit with a forged id',
  },
  {
    // An id was made up for the forged request, but it is the last one the server issued.
    id: 'cookie.forged',
    bug: 'an unknown id answered with the last id issued',
    faults: reissuingLast,
    message: new RegExp(
      `^the server issued sid=${ID} again, an id it had already given another session; every new session needs its own id$`,
    ),
    stepLabel: 'visit with a forged id',
    // One case at a time, so the last id issued is the one this case saw: the check knows only those.
    run: { concurrency: 1 },
  },
  {
    // Other cases start sessions in between, so the counter's steps are uneven; still rising.
    id: 'cookie.random',
    bug: 'ids from a counter',
    faults: countingIds,
    message:
      /^the 20 values of sessionIds are all rising as strings \(session-0+\d+, session-0+\d+, session-0+\d+\), as a clock or a counter gives, so the next one is easy to guess; use a random 128-bit value$/,
    stepLabel: 'step 1',
    // cookie.forged's lookalike of an id is a neighbour in the count: another session's id, taken
    // as that session's, or the very id the counter issues next. Which one depends on the other cases.
    alsoFails: {
      'cookie.forged': failed(
        /^(the body does not match \/visits: 1\(\?!\\d\)\/|the server adopted the id the client made up \(sid=session-\d{12}\) instead of issuing a fresh one)$/,
        'visit with a well-formed id never issued',
      ),
    },
  },
  {
    // Python's str(time.time_ns()): 19 digits, distinct, long enough, and always rising.
    id: 'cookie.random',
    bug: 'ids from the clock in nanoseconds',
    faults: clockIds,
    message:
      /^the 20 values of sessionIds are all rising as strings \(\d{19}, \d{19}, \d{19}\), as a clock or a counter gives, so the next one is easy to guess; use a random 128-bit value$/,
    stepLabel: 'step 1',
  },
];
