// The reference KV-HTTP server (PROTOCOLS.md §3-§5), written on node:net so that the protocol is
// in plain sight: node:http would answer an unknown method with its own 400 before any handler.
import { createServer, type Server, type Socket } from 'node:net';
import { createApp, type App } from './app.js';
import { RequestReader } from './reader.js';
import { headerTokens, type HttpRequest } from './request.js';
import { CONTINUE, serializeResponse, textResponse, type HttpResponse } from './wire.js';

export interface HttpServerOptions {
  host?: string;
  /** 0 picks any free port. */
  port?: number;
  /** A connection with no traffic for this long is closed (408 if a request is half sent). */
  idleTimeoutMs?: number;
  sessionMaxAgeSeconds?: number;
  /** Bound on the session table; the least recently used session goes first. */
  maxSessions?: number;
  /** Epoch milliseconds; tests inject a fake clock to expire sessions and move Last-Modified. */
  clock?: () => number;
  /**
   * Test seam, never set in production: netgrade's own tests build deliberately
   * broken servers by wrapping the reference instead of copying it.
   */
  faults?: Faults;
}

export interface Faults {
  /** Replaces the answer to a request; `next` gives the correct one. */
  handle?: (req: HttpRequest, next: (req: HttpRequest) => HttpResponse) => HttpResponse;
  /** Rewrites the bytes of an answer before they are written; null closes the connection without answering. */
  bytes?: (out: Buffer, req: HttpRequest | undefined, res: HttpResponse) => Buffer | null;
}

export interface RunningServer {
  host: string;
  port: number;
  /** Stops listening, destroys open connections, resolves when fully closed. */
  close(): Promise<void>;
}

const LIMITS = { maxHead: 64 * 1024, maxBody: 1024 * 1024 };

interface ConnectionContext {
  app: App;
  faults: Faults;
  clock: () => number;
  idleTimeoutMs: number;
}

export async function startHttpServer(opts: HttpServerOptions = {}): Promise<RunningServer> {
  const clock = opts.clock ?? Date.now;
  const maxAge = opts.sessionMaxAgeSeconds ?? 3600;
  const app = createApp({ sessionMaxAgeSeconds: maxAge, maxSessions: opts.maxSessions ?? 10_000, clock });
  const ctx: ConnectionContext = { app, clock, idleTimeoutMs: opts.idleTimeoutMs ?? 5000, faults: opts.faults ?? {} };
  const sockets = new Set<Socket>();
  // allowHalfOpen: a client that sends its requests and then shuts down its side still gets answers.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, ctx);
  });
  await listen(server, opts.host ?? '127.0.0.1', opts.port ?? 0);
  // Once listening, an error accepting one connection (EMFILE, say) must not end the process.
  server.on('error', () => {});
  const sweeper = setInterval(() => app.sessions.sweep(), Math.min(maxAge * 1000, 60_000));
  sweeper.unref();
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return {
    host: address.address,
    port: address.port,
    close: () => {
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      return closed;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** One connection: read requests, answer them in order, close when HTTP says so. */
function serveConnection(socket: Socket, ctx: ConnectionContext): void {
  const reader = new RequestReader(LIMITS);
  let closing = false;
  let peerEnded = false;
  let waitingForDrain = false;

  const finish = (): void => {
    closing = true;
    socket.end();
  };
  const send = (
    res: HttpResponse,
    req: HttpRequest | undefined,
    connection: 'close' | 'keep-alive' | undefined,
  ): void => {
    const out = serializeResponse(res, { head: req?.method === 'HEAD', connection, nowMs: ctx.clock() });
    const bytes = ctx.faults.bytes ? ctx.faults.bytes(out, req, res) : out;
    if (bytes === null) return void socket.destroy();
    socket.write(bytes);
  };

  const pump = (): void => {
    // Stop reading ahead while the client is not reading our answers (pipelining back-pressure).
    while (!closing && !socket.writableNeedDrain) {
      const result = reader.next();
      if (result.kind === 'incomplete') {
        if (result.sendContinue) socket.write(CONTINUE);
        break;
      }
      if (result.kind === 'error') {
        // RFC 9112 §9.6: after a framing error the rest of the stream cannot be trusted.
        send(textResponse(result.status, result.message), undefined, 'close');
        finish();
        return;
      }
      const keepAlive = persistence(result.request);
      send(answer(ctx, result.request), result.request, keepAlive.header);
      if (!keepAlive.persist || socket.destroyed) {
        finish();
        return;
      }
    }
    if (!closing && socket.writableNeedDrain && !waitingForDrain) {
      waitingForDrain = true;
      socket.pause();
      socket.once('drain', () => {
        waitingForDrain = false;
        socket.resume();
        pump();
      });
      return;
    }
    // The client has sent all it will send; whatever is left is an unfinished request.
    if (!closing && peerEnded && !waitingForDrain) finish();
  };

  socket.setTimeout(ctx.idleTimeoutMs);
  socket.on('timeout', () => {
    // RFC 9110 §15.5.9: a server may send 408 before closing an idle half-sent request.
    if (closing || !reader.midRequest) return void socket.destroy();
    send(textResponse(408, 'request timed out'), undefined, 'close');
    finish();
  });
  // A reset or any socket error ends this connection only; never let it reach the process.
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    if (closing) return; // lingering close (RFC 9112 §9.6): read and discard
    reader.push(chunk);
    pump();
  });
  // Once both sides have ended, the socket destroys itself (autoDestroy).
  socket.on('end', () => {
    peerEnded = true;
    if (!closing) pump();
  });
}

function answer(ctx: ConnectionContext, req: HttpRequest): HttpResponse {
  try {
    const handle = ctx.faults.handle;
    return handle ? handle(req, (r) => ctx.app.handle(r)) : ctx.app.handle(req);
  } catch (err) {
    return textResponse(500, `internal error: ${(err as Error).message}`);
  }
}

/**
 * RFC 9112 §9.3: HTTP/1.1 persists unless "close" is sent; HTTP/1.0 closes unless "keep-alive"
 * is asked for. When we will close, we say so (§9.6).
 */
function persistence(req: HttpRequest): { persist: boolean; header?: 'close' | 'keep-alive' } {
  const options = headerTokens(req, 'connection');
  if (options.includes('close')) return { persist: false, header: 'close' };
  if (req.minorVersion === 1) return { persist: true };
  return options.includes('keep-alive') ? { persist: true, header: 'keep-alive' } : { persist: false, header: 'close' };
}
