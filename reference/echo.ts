// The reference uppercase-echo servers of the socket-programming lab
// (PROTOCOLS.md §1–2). They play the part of a model student solution, so they
// import nothing from netgrade itself.
import dgram from 'node:dgram';
import net from 'node:net';

export interface EchoServerOptions {
  host?: string;
  /** 0 picks any free port. */
  port?: number;
  /** TCP: answer a client that sends but never half-closes after this much silence. */
  idleReplyMs?: number;
  /** TCP: the most bytes kept from one sentence. */
  maxSentenceBytes?: number;
}

export interface RunningServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Unicode default case mapping, as Python's str.upper(): ß becomes SS. */
export function upper(data: Buffer): Buffer {
  return Buffer.from(data.toString('utf8').toUpperCase(), 'utf8');
}

export function startUdpEcho(opts: EchoServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const socket = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
  // §1: one reply per datagram, to the sender's address and port.
  socket.on('message', (msg, from) => socket.send(upper(msg), from.port, from.address));
  // A failed send (the client went away) must not stop the server.
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port ?? 12000, host, () => {
      socket.off('error', reject);
      resolve({ host, port: socket.address().port, close: () => new Promise<void>((r) => socket.close(() => r())) });
    });
  });
}

/**
 * §2: one sentence per connection. The sentence ends when the client
 * half-closes; a client that sends and then waits without half-closing is
 * answered after `idleReplyMs` of silence, so that a sentence that arrives in
 * segments is never cut at a segment boundary.
 */
function serveSentence(socket: net.Socket, idleReplyMs: number, maxBytes: number): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let answered = false;
  let timer: NodeJS.Timeout | undefined;
  const reply = () => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    if (size === 0) return void socket.end();
    socket.end(upper(Buffer.concat(chunks)));
  };
  socket.setNoDelay(true);
  socket.on('data', (d: Buffer) => {
    if (answered) return;
    const keep = d.subarray(0, Math.max(0, maxBytes - size));
    chunks.push(keep);
    size += keep.length;
    clearTimeout(timer);
    timer = setTimeout(reply, idleReplyMs);
  });
  socket.on('end', reply);
  // A reset or a vanished client ends this connection only.
  socket.on('error', () => {
    clearTimeout(timer);
    socket.destroy();
  });
  socket.on('close', () => clearTimeout(timer));
  socket.setTimeout(30_000, () => socket.destroy());
}

export function startTcpEcho(opts: EchoServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveSentence(socket, opts.idleReplyMs ?? 500, opts.maxSentenceBytes ?? 64 * 1024);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 12000, host, () => {
      server.off('error', reject);
      const port = (server.address() as net.AddressInfo).port;
      const close = () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        });
      resolve({ host, port, close });
    });
  });
}
