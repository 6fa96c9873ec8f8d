// HTTP servers that flood, stall, stop half-way or speak unusual but valid HTTP each end in a
// plain verdict: never a pass for a response netgrade never saw whole, never a failure for a
// correct one. Servers bind 127.0.0.1 port 0 and are always closed.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../reference/http/server.js';
import { CONTINUE } from '../../reference/http/wire.js';
import type { RunResult } from '../../src/model/result.js';
import { run } from '../../src/run/run.js';
import { parseSpec } from '../../src/spec/load.js';
import { outcomes, passedExcept, runSpec } from '../helpers/run-spec.js';

type Handler = (socket: net.Socket, request: Buffer) => void;

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** A raw server: `handle` gets each connection's first chunk of request bytes. */
async function rawServer(handle: Handler): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.once('data', (d) => handle(s, d));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as net.AddressInfo).port;
}

const GET_200 = `
name: hostile
title: Hostile servers
service: http
port: 10000
cases:
  - id: h.get
    title: GET / answers 200
    requirement: GET / answers 200.
    tags: [core]
    steps:
      - request: { target: / }
        expect: { status: 200 }
  - id: h.crlf
    title: Lines end in CRLF
    requirement: Every line ends in CRLF and the header block in CRLF CRLF.
    tags: [core]
    steps:
      - request: { target: / }
        expect: { framing: [crlf] }
  - id: h.content-length
    title: Content-Length counts the body
    requirement: Content-Length equals the body's length in bytes.
    tags: [core]
    steps:
      - request: { target: / }
        expect: { status: 200, framing: [content-length] }
  - id: h.capture
    title: A capture from a response cut short
    requirement: GET / has an ETag.
    tags: [core]
    steps:
      - request: { target: / }
        capture: { etag: { header: ETag } }
`;

function runHostile(port: number): Promise<RunResult> {
  return run({
    specs: [parseSpec(GET_200, 'hostile.yaml')],
    host: '127.0.0.1',
    ports: { http: port },
    selection: { tags: 'all' },
  });
}

const messages = (r: RunResult) =>
  Object.fromEntries(r.cases.map((c) => [c.id, `${c.status}: ${c.failure?.message ?? ''}`]));

describe('a response netgrade never saw whole is not an answer', () => {
  it('an endless chunk fails at the 1 MiB cap, it does not pass status 200', async () => {
    const port = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffff\r\n');
      const timer = setInterval(() => (s.destroyed ? clearInterval(timer) : s.write(Buffer.alloc(64 * 1024, 0x62))), 2);
      s.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const result = await runHostile(port);
    const capped = 'failed: the server sent more than 1 MiB without finishing the response; netgrade stopped reading';
    expect(messages(result)).toEqual({
      'h.get': capped,
      'h.crlf': capped,
      'h.content-length': capped,
      'h.capture': capped,
    });
    // The cap ends each exchange, long before the 2 s deadline.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a whole listing over the 1 MiB cap says how long it is and that the store may hold earlier runs', async () => {
    const body = 'k: v\n'.repeat(300_000); // 1.5 MB, as a store kept through many runs lists
    const port = await rawServer((s) =>
      s.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nETag: "x"\r\nConnection: close\r\n\r\n${body}`),
    );
    const grown =
      `failed: the response says Content-Length: ${body.length}, more than the 1 MiB netgrade reads; if this is a ` +
      'listing, your store has grown with the pairs of earlier runs: restart your server to empty it';
    expect(messages(await runHostile(port))).toEqual({
      'h.get': grown,
      'h.crlf': grown,
      'h.content-length': grown,
      'h.capture': grown,
    });
  });

  it('a status line and a close is not a 200 (nor lines that end in CRLF)', async () => {
    const port = await rawServer((s) => s.end('HTTP/1.1 200'));
    const cut =
      'failed: the server closed the connection before the header block ended (no empty line after the headers)';
    expect(messages(await runHostile(port))).toEqual({
      'h.get': cut,
      'h.crlf': cut,
      'h.content-length': cut,
      'h.capture': cut,
    });
  });

  it('a header block over 64 KiB is not a 200', async () => {
    const port = await rawServer((s) =>
      s.end('HTTP/1.1 200 OK\r\n' + `X-Pad: ${'a'.repeat(1000)}\r\n`.repeat(100) + '\r\nbody'),
    );
    const long =
      'failed: the header block is longer than the 65536-byte limit without reaching the empty line that ends it';
    expect(messages(await runHostile(port))).toEqual({
      'h.get': long,
      'h.crlf': long,
      'h.content-length': long,
      'h.capture': long,
    });
  });

  it('a Content-Length that falls short fails content-length even when the server keeps the connection open', async () => {
    // "hello" is 5 bytes, but 4 more follow; the server ignores Connection: close.
    const port = await rawServer((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: "x"\r\n\r\nhello + 3'));
    expect(messages(await runHostile(port))).toEqual({
      'h.get': 'passed: ',
      'h.crlf': 'passed: ',
      'h.content-length': 'failed: Content-Length says 5 but 4 more bytes came right after that body',
      'h.capture': 'passed: ',
    });
  });
});

describe('valid HTTP that netgrade failed', () => {
  it('a 100 Continue before the final response is skipped (RFC 9110 §15.2)', async () => {
    const server = await startHttpServer({ port: 0, faults: { bytes: (out) => Buffer.concat([CONTINUE, out]) } });
    open.push(() => server.close());
    const result = await runSpec('kv-http', { http: server.port });
    expect(outcomes(result)).toEqual(passedExcept(result));
  });

  it('a 100 CONTINUE as the only answer to HEAD still fails kv.head with the interim message', async () => {
    const server = await startHttpServer({
      port: 0,
      faults: { bytes: (out, req) => (req?.method === 'HEAD' ? CONTINUE : out) },
    });
    open.push(() => server.close());
    const result = await runSpec('kv-http', { http: server.port }, { selection: { tags: 'all', grep: /^kv\.head$/ } });
    expect(result.cases.find((c) => c.id === 'kv.head')?.failure?.message).toBe(
      'expected status 200; got 100, a 1xx status is not a final response',
    );
  });

  it('an ETag holding UTF-8 (obs-text, RFC 9110 §8.8.3) goes back byte for byte in If-None-Match', async () => {
    const etag = Buffer.from('"straße-1"', 'utf8');
    const port = await rawServer((s, req) => {
      const inm = /\r\nIf-None-Match: ([^\r]*)\r\n/i.exec(req.toString('latin1'))?.[1];
      const match = inm !== undefined && Buffer.from(inm, 'latin1').includes(etag);
      const head = match ? 'HTTP/1.1 304 Not Modified\r\n' : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n';
      s.end(
        Buffer.concat([
          Buffer.from(`${head}Connection: close\r\nETag: `),
          etag,
          Buffer.from(match ? '\r\n\r\n' : '\r\n\r\nok'),
        ]),
      );
    });
    const result = await runSpec(
      'conditional-get',
      { http: port },
      { selection: { tags: 'all', grep: /^cond\.(etag|inm\.match|inm\.list|304\.etag)$/ } },
    );
    expect(outcomes(result)).toEqual(
      passedExcept(
        result,
        Object.fromEntries(
          result.cases
            .filter((c) => c.status === 'skipped')
            .map((c) => [c.id, { status: 'skipped', message: c.failure?.message, stepLabel: undefined }]),
        ),
      ),
    );
  });
});
