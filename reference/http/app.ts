// Request → response: the checks every request passes, then the route table.
import { createRoute, KvStore, listingRoute, updateRoute } from './kv.js';
import type { HttpRequest } from './request.js';
import { SessionTable, visitsRoute } from './session.js';
import { textResponse, type HttpResponse } from './wire.js';

export interface AppOptions {
  sessionMaxAgeSeconds: number;
  maxSessions: number;
  clock: () => number;
}

export interface App {
  handle(req: HttpRequest): HttpResponse;
  readonly sessions: SessionTable;
}

const ALLOW = 'GET, HEAD, POST, PUT';
const METHODS = new Set(ALLOW.split(', '));
// RFC 9110 §7.2: Host = uri-host [ ":" port ]; uri-host may be an IP-literal or a reg-name.
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(:\d*)?$/;

export function createApp(opts: AppOptions): App {
  const store = new KvStore(opts.clock);
  const sessions = new SessionTable({
    maxAgeSeconds: opts.sessionMaxAgeSeconds,
    maxSessions: opts.maxSessions,
    clock: opts.clock,
  });
  const handle = (req: HttpRequest): HttpResponse => {
    const hostError = checkHost(req);
    if (hostError) return textResponse(400, hostError);
    // RFC 9110 §15.5.6: a 405 lists the methods the resource does support in Allow.
    if (!METHODS.has(req.method)) return textResponse(405, `method ${req.method} not allowed`, [['Allow', ALLOW]]);
    const path = pathOf(req.target);
    if (path === undefined) return textResponse(400, 'bad request-target');
    const read = req.method === 'GET' || req.method === 'HEAD';
    // A path that does not serve this method answers 404, as PROTOCOLS.md §3 asks.
    if (path === '/' && read) return listingRoute(req, store);
    if (path === '/visits' && read) return visitsRoute(req, sessions);
    if (path === '/create' && req.method === 'POST') return createRoute(req, store);
    if (path === '/update' && req.method === 'PUT') return updateRoute(req, store);
    return textResponse(404, `no ${req.method} ${path}`);
  };
  return { handle, sessions };
}

// RFC 9112 §3.2: 400 for an HTTP/1.1 request without Host, with more than one, or an invalid one.
// HTTP/1.0 requests may lack it.
function checkHost(req: HttpRequest): string | undefined {
  const hosts = req.headers.get('host');
  if (!hosts) return req.minorVersion === 1 ? 'missing Host header' : undefined;
  if (hosts.length > 1) return 'more than one Host header';
  return HOST.test(hosts[0]) ? undefined : 'invalid Host header';
}

/**
 * The path of an origin-form or absolute-form target (RFC 9112 §3.2.1, §3.2.2), query dropped;
 * undefined for other forms, which no method we serve accepts.
 */
function pathOf(target: string): string | undefined {
  const absolute = /^https?:\/\/[^/?#]*(.*)$/i.exec(target);
  const rest = absolute ? absolute[1] : target;
  if (absolute && !rest.startsWith('/')) return '/';
  if (!rest.startsWith('/')) return undefined;
  return rest.split('?')[0];
}
