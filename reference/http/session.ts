// Sessions for GET /visits (RFC 6265): random ids, fixed lifetime, bounded table.
import { randomBytes } from 'node:crypto';
import type { RequestHead } from './request.js';
import type { HttpResponse } from './wire.js';

export const SESSION_COOKIE = 'sid';

export interface SessionOptions {
  maxAgeSeconds: number;
  /** Beyond this many live sessions the least recently used one is forgotten. */
  maxSessions: number;
  /** Epoch milliseconds. */
  clock: () => number;
}

interface Session {
  visits: number;
  expiresAtMs: number;
}

/** 128 random bits as 32 hex digits: unpredictable, and only cookie-octets (RFC 6265 §4.1.1). */
const ID = /^[0-9a-f]{32}$/;

export class SessionTable {
  /** Map order is recency order: a visit moves its session to the end. */
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly opts: SessionOptions) {}

  get maxAgeSeconds(): number {
    return this.opts.maxAgeSeconds;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Continues a live session we issued, if one is named; otherwise starts a new one. */
  visit(candidates: string[]): { id: string; visits: number; isNew: boolean } {
    const now = this.opts.clock();
    for (const id of candidates) {
      const session = this.live(id, now);
      if (!session) continue;
      session.visits++;
      this.sessions.delete(id);
      this.sessions.set(id, session);
      return { id, visits: session.visits, isNew: false };
    }
    // An id we never issued is not adopted (no session fixation): a fresh random one replaces it.
    const id = randomBytes(16).toString('hex');
    while (this.sessions.size >= this.opts.maxSessions) this.evictOldest();
    this.sessions.set(id, { visits: 1, expiresAtMs: now + this.opts.maxAgeSeconds * 1000 });
    return { id, visits: 1, isNew: true };
  }

  /** Forgets expired sessions; run now and then so abandoned ones do not pile up. */
  sweep(): void {
    const now = this.opts.clock();
    for (const [id, session] of this.sessions) {
      if (session.expiresAtMs <= now) this.sessions.delete(id);
    }
  }

  // The cookie lives Max-Age seconds from when it was set, so the session does too.
  private live(id: string, now: number): Session | undefined {
    const session = ID.test(id) ? this.sessions.get(id) : undefined;
    if (session && session.expiresAtMs <= now) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  private evictOldest(): void {
    const oldest = this.sessions.keys().next();
    if (!oldest.done) this.sessions.delete(oldest.value);
  }
}

/**
 * Values of the cookies called `name` in the Cookie header (RFC 6265 §5.4, §4.2.1:
 * `name=value` pairs separated by "; "). Generous: any whitespace, quoted values.
 */
export function cookieValues(req: RequestHead, name: string): string[] {
  // A client should send one Cookie line; if it sent several, they are one list joined by "; ".
  const header = (req.headers.get('cookie') ?? []).join('; ');
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    values.push(
      pair
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return values;
}

/** GET /visits: `visits: N`, N counting this session's requests, this one included. */
export function visitsRoute(req: RequestHead, table: SessionTable): HttpResponse {
  const { id, visits, isNew } = table.visit(cookieValues(req, SESSION_COOKIE));
  const headers: HttpResponse['headers'] = isNew
    ? [
        ['Set-Cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; Max-Age=${table.maxAgeSeconds}`],
        // RFC 9111 §5.2.2.4: a shared cache may store the body but must not reuse the cookie.
        ['Cache-Control', 'no-cache="set-cookie"'],
      ]
    : [['Cache-Control', 'private']]; // RFC 9111 §5.2.2.7: the count is for this user alone
  return { status: 200, headers, body: `visits: ${visits}\n` };
}
