// Request bytes for a declarative HTTP step (RFC 9112 §3, §5): the request
// line, the headers in order, CRLF line ends, then the body. Defaults make a
// polite client; a header set to null is left out so a spec can test a server
// without them (e.g. a request without Host).

export interface RequestInput {
  method: string;
  target: string;
  version: string;
  /** Spec headers in the order written; null removes a default. */
  headers: Array<[string, string | null]>;
  body?: Buffer;
  /** Host header value, e.g. `127.0.0.1:10000` or `[::1]:10000`. */
  host: string;
  /** Add `Connection: close` (a fresh connection per request). */
  close: boolean;
  /** A Cookie header from a cookie jar, used unless the spec sets Cookie itself. */
  cookie?: string;
}

/** Methods whose requests carry a body, so an empty one still gets `Content-Length: 0`. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function buildRequest(r: RequestInput): Buffer {
  const given = new Map(r.headers.map(([n, v]) => [n.toLowerCase(), v]));
  const lines: Array<[string, string]> = [];
  const add = (name: string, value: string | undefined) => {
    if (!given.has(name.toLowerCase()) && value !== undefined) lines.push([name, value]);
  };
  add('Host', r.host);
  for (const [n, v] of r.headers) if (v !== null) lines.push([n, v]);
  add('Cookie', r.cookie || undefined);
  add(
    'Content-Length',
    r.body !== undefined || BODY_METHODS.has(r.method.toUpperCase()) ? String(r.body?.length ?? 0) : undefined,
  );
  add('Connection', r.close ? 'close' : undefined);
  const head = `${r.method} ${r.target} ${r.version}\r\n` + lines.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n';
  return Buffer.concat([Buffer.from(head, 'utf8'), r.body ?? Buffer.alloc(0)]);
}

/** The Host header value for an endpoint: IPv6 literals in brackets (RFC 9110 §7.2). */
export function hostHeader(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return `${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

/** Splits bytes into `pieces` writes of near-equal size. */
export function splitBytes(data: Buffer, pieces: number): Buffer[] {
  const size = Math.ceil(data.length / pieces);
  const out: Buffer[] = [];
  for (let o = 0; o < data.length; o += size) out.push(data.subarray(o, o + size));
  return out;
}
