// The reference KV-HTTP server, spoken to in raw bytes over node:net (PROTOCOLS.md §3-§5).
import { connect, type Socket } from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { parseEntityTags } from '../../reference/http/conditional.js';
import { formatHttpDate, parseHttpDate } from '../../reference/http/date.js';
import { startHttpServer, type HttpServerOptions, type RunningServer } from '../../reference/http/server.js';
import { SessionTable } from '../../reference/http/session.js';

// ---------------------------------------------------------------------------------------------
// A raw client: bytes out, responses parsed by hand (Content-Length framing only).

interface RawResponse {
  statusLine: string;
  /** Lower-cased name → value (repeated fields joined with ", "). */
  headers: Record<string, string>;
  /** Field names as sent, in order. */
  names: string[];
  body: Buffer;
  text: string;
}

function parseResponse(buf: Buffer, head: boolean): { response: RawResponse; rest: Buffer } | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...fields] = buf.toString('latin1', 0, end).split('\r\n');
  const headers: Record<string, string> = {};
  const names: string[] = [];
  for (const field of fields) {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon);
    const key = name.toLowerCase();
    const value = field.slice(colon + 1).trim();
    names.push(name);
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  const status = Number(statusLine.split(' ')[1]);
  const length = head || status === 304 || status < 200 ? 0 : Number(headers['content-length'] ?? 0);
  if (buf.length < end + 4 + length) return undefined;
  const body = buf.subarray(end + 4, end + 4 + length);
  return {
    response: { statusLine, headers, names, body, text: body.toString('utf8') },
    rest: buf.subarray(end + 4 + length),
  };
}

class RawClient {
  private buffered: Buffer = Buffer.alloc(0);
  private closed = false;
  private wake: () => void = () => {};

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static open(server: RunningServer): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: server.host, port: server.port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next whole response. */
  response(opts: { head?: boolean } = {}): Promise<RawResponse> {
    return this.waitFor(() => {
      const parsed = parseResponse(this.buffered, opts.head ?? false);
      if (parsed) this.buffered = parsed.rest;
      return parsed?.response;
    });
  }

  /** Whatever arrives until the server closes the connection. */
  async rest(): Promise<Buffer> {
    await this.waitFor(() => (this.closed ? true : undefined), 3000, true);
    return this.buffered;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private async waitFor<T>(probe: () => T | undefined, timeoutMs = 3000, closeIsFine = false): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (this.closed && !closeIsFine)
        throw new Error(`closed; got ${JSON.stringify(this.buffered.toString('latin1'))}`);
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.buffered.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now() + 1);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

interface RequestOptions {
  body?: string;
  headers?: string[];
  /** null: no Host field. */
  host?: string | null;
  version?: string;
  /** Leave out `Connection: close`. */
  keepAlive?: boolean;
}

function http(method: string, target: string, o: RequestOptions = {}): string {
  const lines = [`${method} ${target} HTTP/${o.version ?? '1.1'}`];
  if (o.host !== null) lines.push(`Host: ${o.host ?? 'localhost:10000'}`);
  lines.push(...(o.headers ?? []));
  if (o.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(o.body)}`);
  if (!o.keepAlive) lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${o.body ?? ''}`;
}

/** One request on a fresh connection; the server must close it after exactly one response. */
async function send(server: RunningServer, raw: string | Buffer, opts: { head?: boolean } = {}): Promise<RawResponse> {
  const client = await RawClient.open(server);
  client.write(raw);
  const response = await client.response(opts);
  expect((await client.rest()).toString('latin1')).toBe('');
  return response;
}

const listing = async (server: RunningServer): Promise<string> => (await send(server, http('GET', '/'))).text;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function useServer(opts: HttpServerOptions = {}): () => RunningServer {
  let server: RunningServer | undefined;
  beforeAll(async () => {
    server = await startHttpServer({ port: 0, ...opts });
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => server!;
}

// ---------------------------------------------------------------------------------------------

describe('KV-HTTP: the PROTOCOLS §3 table', () => {
  const server = useServer();

  it('GET / on an empty store: 200, exact framing headers, empty listing', async () => {
    const res = await send(server(), http('GET', '/'));
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(res.names).toEqual(['Date', 'Content-Type', 'Content-Length', 'ETag', 'Last-Modified', 'Connection']);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['date']).toMatch(IMF_FIXDATE);
    expect(res.headers['connection']).toBe('close');
    expect(res.text).toBe('');
  });

  it('POST /create stores every pair; GET / lists them one per line', async () => {
    const res = await send(server(), http('POST', '/create', { body: 'a: 1&b :  two words ' }));
    expect([res.statusLine, res.text]).toEqual(['HTTP/1.1 200 OK', 'created 2\n']);
    expect(await listing(server())).toBe('a: 1\nb: two words\n');
  });

  it('HEAD / has the headers of GET / and no body bytes', async () => {
    const get = await send(server(), http('GET', '/'));
    const head = await send(server(), http('HEAD', '/'), { head: true }); // send() checks nothing follows
    expect(head.statusLine).toBe('HTTP/1.1 200 OK');
    expect(head.names).toEqual(get.names);
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified']) {
      expect(head.headers[name]).toBe(get.headers[name]);
    }
    expect(head.headers['content-length']).toBe('18');
  });

  it.each([
    ['an empty body (Content-Length: 0)', http('POST', '/create', { body: '' }), 'empty body\n'],
    ['an empty body (no Content-Length)', http('POST', '/create'), 'empty body\n'],
    [
      'a pair without a colon',
      http('POST', '/create', { body: 'middle_exam70' }),
      `pair without ':': "middle_exam70"\n`,
    ],
    ['a blank key', http('POST', '/create', { body: ': 95' }), 'blank key in ": 95"\n'],
    ['a key that exists', http('POST', '/create', { body: 'a: again' }), 'key exists: a\n'],
    ['the same new key twice in one body', http('POST', '/create', { body: 'n1: x&n1: y' }), 'key given twice: n1\n'],
    ['a new key, then a key that exists', http('POST', '/create', { body: 'n2: x&b: y' }), 'key exists: b\n'],
    ['a good pair, then a bad one', http('POST', '/create', { body: 'n3: x&oops' }), `pair without ':': "oops"\n`],
    ['a trailing &', http('POST', '/create', { body: 'n4: x&' }), `pair without ':': ""\n`],
    [
      'a line break in a value',
      http('POST', '/create', { body: 'n5: x\nforged: y' }),
      'line break in pair "n5: x\\nforged: y"\n',
    ],
    ['PUT with an empty body', http('PUT', '/update', { body: '' }), 'empty body\n'],
    [
      'PUT with a pair without a colon',
      http('PUT', '/update', { body: 'retake_wheaterYes' }),
      `pair without ':': "retake_wheaterYes"\n`,
    ],
    ['PUT with a blank key', http('PUT', '/update', { body: 'n6: ok& : x' }), 'blank key in " : x"\n'],
  ])('400 for %s, and nothing of it stored', async (_, raw, message) => {
    const before = await listing(server());
    const res = await send(server(), raw);
    expect([res.statusLine, res.text]).toEqual(['HTTP/1.1 400 Bad Request', message]);
    expect(await listing(server())).toBe(before);
  });

  it('PUT /update changes existing keys and creates new ones', async () => {
    const res = await send(server(), http('PUT', '/update', { body: 'a: 100&c: 3' }));
    expect([res.statusLine, res.text]).toEqual(['HTTP/1.1 200 OK', 'updated 2\n']);
    expect(await listing(server())).toBe('a: 100\nb: two words\nc: 3\n');
  });

  it.each([
    ['PUT /create', http('PUT', '/create', { body: 'm1: x' }), 'no PUT /create\n'],
    ['POST /update', http('POST', '/update', { body: 'm2: x' }), 'no POST /update\n'],
    ['GET /create', http('GET', '/create'), 'no GET /create\n'],
    ['POST /', http('POST', '/', { body: 'm3: x' }), 'no POST /\n'],
    ['GET of an unknown path', http('GET', '/no-such-path'), 'no GET /no-such-path\n'],
  ])('404 for %s, store unchanged', async (_, raw, message) => {
    const before = await listing(server());
    const res = await send(server(), raw);
    expect([res.statusLine, res.text]).toEqual(['HTTP/1.1 404 Not Found', message]);
    expect(await listing(server())).toBe(before);
  });

  it.each(['PRRT', 'DELETE', 'OPTIONS', 'get'])('405 with Allow for the method %s', async (method) => {
    const res = await send(server(), http(method, '/'));
    expect(res.statusLine).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(res.headers['allow']).toBe('GET, HEAD, POST, PUT');
    expect(res.text).toBe(`method ${method} not allowed\n`);
  });

  it('400 for an HTTP/1.1 request without Host, or with two; HTTP/1.0 may omit it', async () => {
    const missing = await send(server(), http('GET', '/', { host: null }));
    expect([missing.statusLine, missing.text]).toEqual(['HTTP/1.1 400 Bad Request', 'missing Host header\n']);
    const two = await send(server(), http('GET', '/', { headers: ['Host: b'] }));
    expect([two.statusLine, two.text]).toEqual(['HTTP/1.1 400 Bad Request', 'more than one Host header\n']);
    const old = await send(server(), http('GET', '/', { host: null, version: '1.0' }));
    expect(old.statusLine).toBe('HTTP/1.1 200 OK');
  });

  it('garbage gets 400 and a close, and the server goes on serving', async () => {
    const res = await send(server(), Buffer.from('\x00\xff garbage\r\n\r\n', 'latin1'));
    expect(res.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(res.headers['connection']).toBe('close');
    expect(res.text).toBe('malformed request-line\n');
    expect((await send(server(), http('GET', '/'))).statusLine).toBe('HTTP/1.1 200 OK');
  });

  it('garbage without any line end is refused at once, not after a timeout', async () => {
    const res = await send(server(), Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])); // a TLS ClientHello
    expect([res.statusLine, res.text]).toEqual(['HTTP/1.1 400 Bad Request', 'malformed request-line\n']);
  });

  it.each([
    ['a space before the colon', 'Host : x', 'malformed field line: "Host : x"\n'],
    ['obs-fold', 'X-A: 1\r\n  folded', 'obsolete line folding\n'],
    ['two different Content-Lengths', 'Content-Length: 1\r\nContent-Length: 2', 'invalid Content-Length\n'],
    ['a negative Content-Length', 'Content-Length: -1', 'invalid Content-Length\n'],
    [
      'Transfer-Encoding with Content-Length',
      'Transfer-Encoding: chunked\r\nContent-Length: 3',
      'both Transfer-Encoding and Content-Length\n',
    ],
    ['chunked not last', 'Transfer-Encoding: chunked, gzip', 'chunked is not the final transfer coding\n'],
  ])('400 and close for %s (RFC 9112 §5, §6.3)', async (_, field, message) => {
    const res = await send(server(), `POST /create HTTP/1.1\r\nHost: h\r\n${field}\r\n\r\n`);
    expect([res.statusLine, res.headers['connection'], res.text]).toEqual([
      'HTTP/1.1 400 Bad Request',
      'close',
      message,
    ]);
  });

  it('505 for HTTP/2.0 in a request-line', async () => {
    const res = await send(server(), 'GET / HTTP/2.0\r\nHost: h\r\n\r\n');
    expect([res.statusLine, res.text]).toEqual([
      'HTTP/1.1 505 HTTP Version Not Supported',
      'HTTP/2.0 is not supported\n',
    ]);
  });

  it('accepts absolute-form targets and ignores the query', async () => {
    expect((await send(server(), http('GET', 'http://localhost:10000/'))).text).toBe(await listing(server()));
    expect((await send(server(), http('GET', '/?x=1'))).statusLine).toBe('HTTP/1.1 200 OK');
  });
});

describe('KV-HTTP: bytes, connections, limits', () => {
  const server = useServer({ idleTimeoutMs: 300 });

  it('Content-Length counts UTF-8 bytes, not characters', async () => {
    const post = await send(server(), http('POST', '/create', { body: 'ü: 한국어' }));
    expect(post.statusLine).toBe('HTTP/1.1 200 OK');
    const res = await send(server(), http('GET', '/'));
    expect(res.headers['content-length']).toBe('14');
    expect(res.body.equals(Buffer.from('ü: 한국어\n', 'utf8'))).toBe(true);
  });

  it('keeps an HTTP/1.1 connection open, and closes it after Connection: close', async () => {
    const client = await RawClient.open(server());
    client.write(http('GET', '/', { keepAlive: true }));
    const first = await client.response();
    expect([first.statusLine, first.headers['connection']]).toEqual(['HTTP/1.1 200 OK', undefined]);
    client.write(http('GET', '/nope', { keepAlive: true }));
    expect((await client.response()).statusLine).toBe('HTTP/1.1 404 Not Found');
    client.write(http('GET', '/'));
    expect((await client.response()).headers['connection']).toBe('close');
    expect((await client.rest()).length).toBe(0);
  });

  it('answers pipelined requests in order', async () => {
    const client = await RawClient.open(server());
    const body = 'pipe: 1';
    client.write(
      http('POST', '/create', { body, keepAlive: true }) + http('HEAD', '/', { keepAlive: true }) + http('GET', '/x'),
    );
    expect((await client.response()).text).toBe('created 1\n');
    const head = await client.response({ head: true });
    expect([head.statusLine, head.body.length]).toEqual(['HTTP/1.1 200 OK', 0]);
    expect((await client.response()).text).toBe('no GET /x\n');
    expect((await client.rest()).length).toBe(0);
  });

  it('reads a request sent in 3 pieces, 200 ms apart', async () => {
    const client = await RawClient.open(server());
    const raw = http('POST', '/create', { body: 'slow: yes' });
    const cuts = [0, 10, raw.length - 4, raw.length];
    for (let i = 0; i < 3; i++) {
      client.write(raw.slice(cuts[i], cuts[i + 1]));
      if (i < 2) await sleep(200);
    }
    expect((await client.response()).text).toBe('created 1\n');
    expect(await listing(server())).toContain('slow: yes\n');
  });

  it('HTTP/1.0: closes unless keep-alive is asked for', async () => {
    const plain = await send(server(), 'GET / HTTP/1.0\r\n\r\n');
    expect(plain.headers['connection']).toBe('close');
    const client = await RawClient.open(server());
    client.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect((await client.response()).headers['connection']).toBe('keep-alive');
    client.write('GET / HTTP/1.0\r\n\r\n');
    expect((await client.response()).headers['connection']).toBe('close');
    expect((await client.rest()).length).toBe(0);
  });

  it('431 for a head over 64 KiB, then close', async () => {
    const res = await send(server(), `GET / HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`);
    expect([res.statusLine, res.headers['connection']]).toEqual([
      'HTTP/1.1 431 Request Header Fields Too Large',
      'close',
    ]);
  });

  it('413 for a body over 1 MiB, before the body is sent', async () => {
    const res = await send(server(), 'POST /create HTTP/1.1\r\nHost: h\r\nContent-Length: 1048577\r\n\r\n');
    expect([res.statusLine, res.headers['connection'], res.text]).toEqual([
      'HTTP/1.1 413 Content Too Large',
      'close',
      'body too large\n',
    ]);
  });

  it('takes a 64 KiB body of 1,000 pairs', async () => {
    const pairs = Array.from({ length: 1000 }, (_, i) => `big-${i}: ${'v'.repeat(50)}-${i}`);
    const res = await send(server(), http('POST', '/create', { body: pairs.join('&') }));
    expect(res.text).toBe('created 1000\n');
    const list = await listing(server());
    expect(pairs.every((p) => list.includes(`${p}\n`))).toBe(true);
  });

  it('decodes a chunked body; answers 501 for another coding', async () => {
    const chunked = 'POST /create HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
    const res = await send(server(), `${chunked}4;ext=1\r\nch: \r\n6\r\nunked!\r\n0\r\nX-Trailer: t\r\n\r\n`);
    expect(res.text).toBe('created 1\n');
    expect(await listing(server())).toContain('ch: unked!\n');
    const gzip = await send(server(), 'POST /create HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n');
    expect([gzip.statusLine, gzip.text]).toEqual([
      'HTTP/1.1 501 Not Implemented',
      'transfer coding gzip not implemented\n',
    ]);
  });

  it('sends 100 Continue to a client that expects it, then the answer', async () => {
    const client = await RawClient.open(server());
    const body = 'expect: 100';
    client.write(
      `POST /create HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    const interim = await client.response();
    expect([interim.statusLine, interim.names]).toEqual(['HTTP/1.1 100 Continue', []]);
    client.write(body);
    expect((await client.response()).text).toBe('created 1\n');
  });

  it('serves 20 clients at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(server(), http('POST', '/create', { body: `con-${i}: ${i}` }))),
    );
    expect(results.map((r) => r.statusLine)).toEqual(Array(20).fill('HTTP/1.1 200 OK'));
    const list = await listing(server());
    expect(Array.from({ length: 20 }, (_, i) => list.includes(`con-${i}: ${i}\n`))).toEqual(Array(20).fill(true));
  });

  it('a silent client does not hold up others, and a reset does not bring the server down', async () => {
    const silent = await RawClient.open(server());
    silent.write('GET / HTTP/1.1\r\nHo');
    const reset = await RawClient.open(server());
    reset.write('POST /create HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nab');
    await sleep(20);
    reset.socket.resetAndDestroy();
    expect((await send(server(), http('GET', '/'))).statusLine).toBe('HTTP/1.1 200 OK');
    silent.destroy();
  });

  it('closes an idle connection silently, and a half-sent request with 408', async () => {
    const idle = await RawClient.open(server());
    expect((await idle.rest()).length).toBe(0);
    const half = await RawClient.open(server());
    half.write('GET / HTTP/1.1\r\n');
    const res = await half.response();
    expect([res.statusLine, res.headers['connection']]).toEqual(['HTTP/1.1 408 Request Timeout', 'close']);
  });

  it('listens on ::1 too', async () => {
    let v6: RunningServer;
    try {
      v6 = await startHttpServer({ host: '::1', port: 0 });
    } catch {
      return; // no IPv6 on this machine
    }
    try {
      expect(v6.host).toBe('::1');
      expect((await send(v6, http('GET', '/'))).statusLine).toBe('HTTP/1.1 200 OK');
    } finally {
      await v6.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('conditional GET (PROTOCOLS §4)', () => {
  const START = Date.parse('2024-03-01T12:00:00.700Z'); // mid-second on purpose
  let now = START;
  const server = useServer({ clock: () => now });
  let etag = '';
  const lastModified = 'Fri, 01 Mar 2024 12:00:00 GMT';
  const get = (headers: string[], method = 'GET') =>
    send(server(), http(method, '/', { headers }), { head: method === 'HEAD' });

  beforeAll(async () => {
    await send(server(), http('POST', '/create', { body: 'x: 1' }));
    now += 10_000;
    etag = (await get([])).headers['etag'];
  });

  it('a 200 carries a strong ETag and Last-Modified, not later than Date', async () => {
    const res = await get([]);
    expect(res.headers['etag']).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(res.headers['last-modified']).toBe(lastModified);
    expect(res.headers['date']).toBe('Fri, 01 Mar 2024 12:00:10 GMT');
  });

  it('304 for a matching If-None-Match: exact header block, no body', async () => {
    const client = await RawClient.open(server());
    client.write(http('GET', '/', { headers: [`If-None-Match: ${etag}`] }));
    const raw = (await client.rest()).toString('latin1');
    expect(raw).toBe(
      `HTTP/1.1 304 Not Modified\r\nDate: Fri, 01 Mar 2024 12:00:10 GMT\r\nETag: ${etag}\r\n` +
        `Last-Modified: ${lastModified}\r\nConnection: close\r\n\r\n`,
    );
  });

  it.each([
    ['a weak tag with the same opaque-tag', () => `W/${etag}`],
    ['a list holding the tag', () => `"x-1", ${etag}`],
    ['a list with odd whitespace and a comma inside a tag', () => `"a,b"  ,\t${etag} ,"z"`],
    ['*', () => '*'],
  ])('304 for If-None-Match: %s', async (_, value) => {
    expect((await get([`If-None-Match: ${value()}`])).statusLine).toBe('HTTP/1.1 304 Not Modified');
  });

  it('200 with the full body for a tag that does not match', async () => {
    const res = await get(['If-None-Match: "nomatch"']);
    expect([res.statusLine, res.text, res.headers['etag']]).toEqual(['HTTP/1.1 200 OK', 'x: 1\n', etag]);
  });

  it.each([
    ['equal to Last-Modified (which is compared on whole seconds)', lastModified, 304],
    ['one second later', 'Fri, 01 Mar 2024 12:00:01 GMT', 304],
    ['far in the future', 'Fri, 01 Mar 2099 12:00:01 GMT', 304],
    ['one day older', 'Thu, 29 Feb 2024 12:00:00 GMT', 200],
    ['one second older', 'Fri, 01 Mar 2024 11:59:59 GMT', 200],
    ['in rfc850 form', 'Friday, 01-Mar-24 12:00:00 GMT', 304],
    ['in asctime form', 'Fri Mar  1 12:00:00 2024', 304],
    ['not a date', 'not a date', 200],
    ['a date with a bad day', 'Fri, 31 Feb 2024 12:00:00 GMT', 200],
  ])('If-Modified-Since %s (%s) → %i', async (_, date, status) => {
    const res = await get([`If-Modified-Since: ${date}`]);
    expect(res.statusLine).toBe(status === 304 ? 'HTTP/1.1 304 Not Modified' : 'HTTP/1.1 200 OK');
    expect(res.text).toBe(status === 304 ? '' : 'x: 1\n');
  });

  it('If-None-Match takes precedence over If-Modified-Since (RFC 9110 §13.2.2)', async () => {
    const nomatch = await get(['If-None-Match: "nomatch"', `If-Modified-Since: ${lastModified}`]);
    expect(nomatch.statusLine).toBe('HTTP/1.1 200 OK');
    const match = await get([`If-None-Match: ${etag}`, 'If-Modified-Since: Thu, 29 Feb 2024 12:00:00 GMT']);
    expect(match.statusLine).toBe('HTTP/1.1 304 Not Modified');
  });

  it('HEAD is conditional like GET', async () => {
    const res = await get([`If-None-Match: ${etag}`], 'HEAD');
    expect([res.statusLine, res.headers['etag']]).toEqual(['HTTP/1.1 304 Not Modified', etag]);
  });

  it('a change moves the ETag and Last-Modified; an unchanging PUT moves neither', async () => {
    now += 5000;
    await send(server(), http('PUT', '/update', { body: 'x: 1' }));
    expect((await get([`If-None-Match: ${etag}`])).statusLine).toBe('HTTP/1.1 304 Not Modified');
    await send(server(), http('POST', '/create', { body: 'y: 2' }));
    const res = await get([`If-None-Match: ${etag}`]);
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(res.headers['etag']).not.toBe(etag);
    expect(res.headers['last-modified']).toBe('Fri, 01 Mar 2024 12:00:15 GMT');
    expect((await get([`If-Modified-Since: ${lastModified}`])).statusLine).toBe('HTTP/1.1 200 OK');
  });
});

// ---------------------------------------------------------------------------------------------

describe('cookies (PROTOCOLS §5)', () => {
  let now = Date.parse('2024-03-01T12:00:00Z');
  const server = useServer({ clock: () => now, sessionMaxAgeSeconds: 60 });
  const SET_COOKIE = /^sid=([0-9a-f]{32}); Path=\/; HttpOnly; Max-Age=60$/;
  const visit = (cookie?: string) =>
    send(server(), http('GET', '/visits', { headers: cookie ? [`Cookie: ${cookie}`] : [] }));
  const newId = (res: RawResponse): string => {
    expect(res.headers['set-cookie']).toMatch(SET_COOKIE);
    expect(res.headers['cache-control']).toBe('no-cache="set-cookie"');
    return SET_COOKIE.exec(res.headers['set-cookie'])![1];
  };

  it('a first visit starts a session; the cookie continues it, also among other cookies', async () => {
    const first = await visit();
    expect([first.statusLine, first.text]).toEqual(['HTTP/1.1 200 OK', 'visits: 1\n']);
    const id = newId(first);
    const second = await visit(`sid=${id}`);
    expect([second.text, second.headers['set-cookie'], second.headers['cache-control']]).toEqual([
      'visits: 2\n',
      undefined,
      'private',
    ]);
    const third = await visit(`theme=dark; sid=${id}; lang=ko`);
    expect([third.text, third.headers['set-cookie']]).toEqual(['visits: 3\n', undefined]);
  });

  it('an id the server never issued is not adopted', async () => {
    for (const forged of ['forged-1', 'f'.repeat(32)]) {
      const res = await visit(`sid=${forged}`);
      expect(res.text).toBe('visits: 1\n');
      expect(newId(res)).not.toBe(forged);
    }
  });

  it('20 new sessions get 20 distinct random ids', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, async () => newId(await visit())));
    expect(new Set(ids).size).toBe(20);
  });

  it('sessions are independent', async () => {
    const a = newId(await visit());
    const b = newId(await visit());
    expect((await visit(`sid=${a}`)).text).toBe('visits: 2\n');
    expect((await visit(`sid=${b}`)).text).toBe('visits: 2\n');
    expect((await visit(`sid=${a}`)).text).toBe('visits: 3\n');
  });

  it('a session lives Max-Age seconds from when its cookie was set', async () => {
    const id = newId(await visit());
    now += 59_000;
    expect((await visit(`sid=${id}`)).text).toBe('visits: 2\n');
    now += 1_000;
    const expired = await visit(`sid=${id}`);
    expect(expired.text).toBe('visits: 1\n');
    expect(newId(expired)).not.toBe(id);
  });
});

describe('the session table', () => {
  it('forgets the least recently used session beyond maxSessions', async () => {
    const server = await startHttpServer({ port: 0, maxSessions: 2 });
    try {
      const visit = (id?: string) => send(server, http('GET', '/visits', { headers: id ? [`Cookie: sid=${id}`] : [] }));
      const idOf = (res: RawResponse) => /^sid=(\w+);/.exec(res.headers['set-cookie'])![1];
      const a = idOf(await visit());
      const b = idOf(await visit());
      expect((await visit(a)).text).toBe('visits: 2\n'); // a is now the most recent
      await visit(); // c pushes out b
      expect((await visit(a)).text).toBe('visits: 3\n');
      const again = await visit(b);
      expect([again.text, idOf(again) === b]).toEqual(['visits: 1\n', false]);
    } finally {
      await server.close();
    }
  });

  it('sweep() drops expired sessions; the size stays bounded', () => {
    let now = 0;
    const table = new SessionTable({ maxAgeSeconds: 10, maxSessions: 5, clock: () => now });
    for (let i = 0; i < 8; i++) table.visit([]);
    expect(table.size).toBe(5);
    now = 9_999;
    const fresh = table.visit([]);
    table.sweep();
    expect(table.size).toBe(5);
    now = 10_000;
    table.sweep();
    expect(table.size).toBe(1);
    expect(table.visit([fresh.id])).toEqual({ id: fresh.id, visits: 2, isNew: false });
  });
});

describe('HTTP-dates and entity-tag lists', () => {
  it('formats IMF-fixdate and parses all three forms (RFC 9110 §5.6.7)', () => {
    const t = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(formatHttpDate(t)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(t);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(t);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(t);
    expect(parseHttpDate('Sun, 06 Nov 1994 24:00:00 GMT')).toBeUndefined();
    expect(parseHttpDate('Sun, 6 Nov 1994 08:49:37 GMT')).toBeUndefined();
    expect(parseHttpDate('2024-03-01T12:00:00Z')).toBeUndefined();
  });

  it('reads rfc850 two-digit years as at most 50 years ahead', () => {
    const now = Date.UTC(2024, 0, 1);
    expect(new Date(parseHttpDate('Monday, 01-Jan-74 00:00:00 GMT', now)!).getUTCFullYear()).toBe(2074);
    expect(new Date(parseHttpDate('Tuesday, 01-Jan-75 00:00:00 GMT', now)!).getUTCFullYear()).toBe(1975);
  });

  it('splits an If-None-Match list with OWS and commas inside tags', () => {
    expect(parseEntityTags(' "a", W/"b,c" ,,"d"\t')).toEqual(['"a"', 'W/"b,c"', '"d"']);
    expect(parseEntityTags('junk, "e", W/x, "f')).toEqual(['"e"']);
  });
});
