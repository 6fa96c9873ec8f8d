// KV-HTTP servers with one bug each (PROTOCOLS.md §3), built by wrapping the
// reference server rather than copying it: request/response faults go through
// its `faults` seam, and connection-level faults (closing early, reading one
// burst, dripping, refusing when busy) through a raw node:net proxy in front of
// it. Everything binds 127.0.0.1 port 0, and close() destroys every socket.
import net from 'node:net';
import { parseResponse } from '../../src/http/response.js';
import type { RunOptions } from '../../src/run/run.js';
import type { RunResult } from '../../src/model/result.js';
import type { HttpRequest } from '../../reference/http/request.js';
import { startHttpServer, type Faults } from '../../reference/http/server.js';
import { runSpec } from './run-spec.js';

export interface BrokenServer {
  port: number;
  close(): Promise<void>;
}

/** Runs kv-http with every tag selected, as `netgrade run --tags all` would. */
export function runKv(port: number, extra: Partial<RunOptions> = {}): Promise<RunResult> {
  return runSpec('kv-http', { http: port }, extra);
}

// ---- request/response faults (the reference's seam) --------------------------

export function startBrokenHttp(faults: Faults = {}): Promise<BrokenServer> {
  return startHttpServer({ port: 0, faults });
}

export const bodyText = (req: HttpRequest): string => req.body.toString('utf8');
export const isRequest = (req: HttpRequest, method: string, target: string): boolean =>
  req.method === method && req.target === target;
export const asksClose = (req: HttpRequest | undefined): boolean =>
  (req?.headers.get('connection') ?? []).some((v) => /(^|,)\s*close\s*(,|$)/i.test(v));
export const withBody = (req: HttpRequest, body: string): HttpRequest => ({ ...req, body: Buffer.from(body, 'utf8') });

/** A body's pairs split the way PROTOCOLS.md §3 says: on '&', then on the first ':', trimmed. */
export function pairItems(body: string): Array<{ key: string; hasColon: boolean }> {
  return body.split('&').map((item) => ({ key: item.split(':')[0].trim(), hasColon: item.includes(':') }));
}

/** Splits serialized response bytes at the empty line that ends the head (latin1, so bytes survive). */
export function splitHead(out: Buffer): { head: string; body: Buffer } {
  const end = out.indexOf('\r\n\r\n');
  return { head: out.toString('latin1', 0, end + 4), body: out.subarray(end + 4) };
}

export function joinHead(head: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

// ---- connection faults (a proxy in front of the reference) -------------------

export interface ProxyFaults {
  /**
   * One recv() per request with a short timeout: bytes are gathered until the client has been
   * quiet this long; a burst that does not hold a whole header block is passed on and the
   * upstream half-closed, so the reference gives up on it as it would on any cut request.
   */
  burstQuietMs?: number;
  /**
   * Reads the first request only until the empty line after its headers and takes the bytes that
   * came with them as the whole body, Content-Length ignored; the rest of that body is dropped.
   */
  ignoreContentLength?: boolean;
  /** Close the client's connection after the first whole response, without Connection: close. */
  closeAfterFirstResponse?: boolean;
  /** Deliver the server's bytes one at a time, this many milliseconds apart. */
  dripMs?: number;
  /** A client connecting while this many others are open gets `busyAnswer` instead of service. */
  maxOpen?: number;
  busyAnswer?: Buffer;
}

interface Tracked {
  sockets: Set<net.Socket>;
  timers: Set<NodeJS.Timeout>;
}

function listen(
  server: net.Server,
  tracked: Tracked,
  onClose: () => Promise<void> = async () => {},
): Promise<BrokenServer> {
  server.on('connection', (s) => {
    tracked.sockets.add(s);
    s.on('close', () => tracked.sockets.delete(s));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: async () => {
          tracked.timers.forEach(clearTimeout);
          tracked.timers.forEach(clearInterval);
          for (const s of tracked.sockets) s.destroy();
          await new Promise<void>((r) => server.close(() => r()));
          await onClose();
        },
      }),
    ),
  );
}

/** Accepts connections, reads whatever comes, and never answers. */
export function startSilentServer(): Promise<BrokenServer> {
  const tracked: Tracked = { sockets: new Set(), timers: new Set() };
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('data', () => undefined);
    s.on('error', () => s.destroy());
  });
  return listen(server, tracked);
}

/** The reference server (with `faults`, if any) behind a proxy that adds connection faults. */
export async function startProxiedHttp(proxy: ProxyFaults, faults: Faults = {}): Promise<BrokenServer> {
  const upstream = await startBrokenHttp(faults);
  const tracked: Tracked = { sockets: new Set(), timers: new Set() };
  let open = 0;
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    client.on('error', () => client.destroy());
    open++;
    client.once('close', () => open--);
    if (proxy.maxOpen !== undefined && open > proxy.maxOpen) return refuse(client, proxy.busyAnswer ?? Buffer.alloc(0));
    relay(client, upstream.port, proxy, tracked);
  });
  return listen(server, tracked, () => upstream.close());
}

// Answer once the request has arrived, then keep reading: closing with unread bytes would reset.
function refuse(client: net.Socket, answer: Buffer): void {
  client.once('data', () => client.end(answer));
  client.on('data', () => undefined);
}

function relay(client: net.Socket, port: number, f: ProxyFaults, tracked: Tracked): void {
  const upstream = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  tracked.sockets.add(upstream);
  upstream.on('close', () => tracked.sockets.delete(upstream));
  const kill = () => {
    client.destroy();
    upstream.destroy();
  };
  upstream.on('error', kill);
  client.on('error', kill);
  clientToServer(client, upstream, f, tracked);
  serverToClient(client, upstream, f, tracked);
}

function clientToServer(client: net.Socket, upstream: net.Socket, f: ProxyFaults, tracked: Tracked): void {
  if (f.ignoreContentLength) return headOnly(client, upstream);
  if (f.burstQuietMs === undefined) {
    client.on('data', (d: Buffer) => upstream.write(d));
    client.on('end', () => upstream.end());
    return;
  }
  let burst: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  let gaveUp = false;
  const flush = () => {
    const data = Buffer.concat(burst);
    burst = [];
    if (data.indexOf('\r\n\r\n') >= 0) return void upstream.write(data);
    gaveUp = true;
    upstream.end(data);
  };
  client.on('data', (d: Buffer) => {
    if (gaveUp) return;
    burst.push(d);
    clearTimeout(timer);
    tracked.timers.delete(timer!);
    timer = setTimeout(flush, f.burstQuietMs);
    tracked.timers.add(timer);
  });
  client.on('end', () => {
    if (!gaveUp) upstream.end();
  });
}

// The first request is passed on with Content-Length rewritten to the body bytes that came with
// its head; the bytes of the body that come later are dropped, what follows them passes.
function headOnly(client: net.Socket, upstream: net.Socket): void {
  let head = Buffer.alloc(0);
  let drop = -1;
  client.on('data', (d: Buffer) => {
    if (drop < 0) {
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const text = head.toString('latin1', 0, end + 4);
      const body = head.subarray(end + 4);
      const declared = Number(/^content-length:[ \t]*(\d+)/im.exec(text)?.[1] ?? 0);
      const got = body.subarray(0, declared);
      drop = declared - got.length;
      const rewritten = text.replace(/^(content-length:[ \t]*)\d+/im, `$1${got.length}`);
      return void upstream.write(Buffer.concat([Buffer.from(rewritten, 'latin1'), got, body.subarray(declared)]));
    }
    const skip = Math.min(drop, d.length);
    drop -= skip;
    if (skip < d.length) upstream.write(d.subarray(skip));
  });
  client.on('end', () => upstream.end());
}

function serverToClient(client: net.Socket, upstream: net.Socket, f: ProxyFaults, tracked: Tracked): void {
  if (f.closeAfterFirstResponse) {
    let method = 'GET';
    client.once('data', (d: Buffer) => (method = /^[A-Z]+/.exec(d.toString('latin1'))?.[0] ?? 'GET'));
    let got = Buffer.alloc(0);
    upstream.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const parsed = parseResponse(got, { method, closed: false });
      if (parsed.state !== 'complete') return;
      client.end(got.subarray(0, got.length - parsed.rest.length));
      upstream.destroy();
    });
    upstream.on('end', () => client.end());
    return;
  }
  if (f.dripMs !== undefined) {
    const queue: number[] = [];
    let ended = false;
    const tick = setInterval(() => {
      const b = queue.shift();
      if (b !== undefined) client.write(Buffer.of(b));
      else if (ended) client.end();
    }, f.dripMs);
    tracked.timers.add(tick);
    client.once('close', () => clearInterval(tick));
    upstream.on('data', (d: Buffer) => {
      for (const b of d) queue.push(b);
    });
    upstream.on('end', () => (ended = true));
    return;
  }
  upstream.on('data', (d: Buffer) => client.write(d));
  upstream.on('end', () => client.end());
}
