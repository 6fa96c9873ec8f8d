// Echo servers that behave like reference/echo.ts (PROTOCOLS.md §1-2) except
// for one injected fault, so a test can show that exactly one check catches it.
// They bind 127.0.0.1 port 0, speak raw bytes, and close() destroys every socket.
import dgram from 'node:dgram';
import net from 'node:net';

export interface BrokenServer {
  port: number;
  close(): Promise<void>;
}

export interface Peer {
  address: string;
  port: number;
}

/** The reply to one sentence: bytes, nothing (null), or bytes sent to another address (UDP). */
export type Reply = Buffer | string | null | { to: Peer; data: Buffer | string };

// Case mappings: the reference one, and two that students write by mistake.
export const upper = (text: string): string => text.toUpperCase();
export const swapCase = (text: string): string =>
  [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
export const asciiUpper = (text: string): string => text.replace(/[a-z]/g, (c) => c.toUpperCase());

// ---- UDP -------------------------------------------------------------------

export interface UdpFaults {
  /** The reply to a datagram, given its text (UTF-8) and sender; default upper-case to the sender. */
  reply?: (text: string, from: Peer) => Reply;
  /** Datagrams are cut to this many bytes, like recvfrom() with a small buffer. */
  recvBytes?: number;
  /** Datagrams are served one at a time, each taking this long. */
  delayMs?: number;
}

export function startBrokenUdp(f: UdpFaults = {}): Promise<BrokenServer> {
  const socket = dgram.createSocket('udp4');
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let busyUntil = 0;
  const answer = (msg: Buffer, from: Peer) => {
    if (closed) return;
    const out = (f.reply ?? upper)(msg.toString('utf8'), from);
    if (out === null) return;
    const { to, data } = typeof out === 'string' || Buffer.isBuffer(out) ? { to: from, data: out } : out;
    socket.send(Buffer.from(data), to.port, to.address);
  };
  socket.on('message', (msg, from) => {
    const data = f.recvBytes === undefined ? msg : msg.subarray(0, f.recvBytes);
    if (!f.delayMs) return answer(data, from);
    busyUntil = Math.max(Date.now(), busyUntil) + f.delayMs;
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer(data, from);
    }, busyUntil - Date.now());
    timers.add(timer);
  });
  socket.on('error', () => undefined);
  return new Promise((resolve) =>
    socket.bind(0, '127.0.0.1', () =>
      resolve({
        port: socket.address().port,
        close: () => {
          closed = true;
          timers.forEach(clearTimeout);
          return new Promise<void>((r) => socket.close(() => r()));
        },
      }),
    ),
  );
}

// ---- TCP -------------------------------------------------------------------

/** What the server does to itself after an empty or reset connection. */
export type AfterFault = 'drop-next' | 'crash';

export interface TcpFaults {
  /** The reply to a sentence that came in `chunks` data events; null closes without replying. Default: upper-case. */
  reply?: (text: string, chunks: number) => Buffer | string | null;
  /** Only this many bytes of a sentence are kept, like recv() with a small buffer. */
  maxBytes?: number;
  /** Reply to the first data chunk instead of reading until the client half-closes. */
  firstChunkOnly?: boolean;
  /** Reply but leave the connection open. */
  keepOpen?: boolean;
  /** With keepOpen: close the connection left open when the next one is accepted (CPython closing a socket it no longer refers to). */
  closeOnNextAccept?: boolean;
  /** One connection at a time; the next is answered only once the one before it has closed (a single-threaded server). */
  iterative?: boolean;
  /** After a lone connection that sends nothing (no other connection came while it was open): close the next sentence's connection unanswered, or stop listening. */
  afterEmpty?: AfterFault;
  /** After a connection the client resets. */
  afterReset?: AfterFault;
  /** silent: accept and do nothing; flood: write endlessly and never read. */
  mode?: 'echo' | 'silent' | 'flood';
}

function flood(socket: net.Socket): void {
  const chunk = Buffer.alloc(1024 * 1024, 'x');
  const pump = () => {
    while (!socket.destroyed && socket.write(chunk));
  };
  socket.on('drain', pump);
  pump();
}

export function startBrokenTcp(f: TcpFaults = {}): Promise<BrokenServer> {
  const sockets = new Set<net.Socket>();
  let lastClosed = Promise.resolve();
  let dropNext = false;
  let previous: net.Socket | undefined;
  let accepted = 0;
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    if (f.closeOnNextAccept) previous?.end();
    previous = socket;
    sockets.add(socket);
    const number = ++accepted;
    const closed = new Promise<void>((r) => socket.on('close', () => r())).then(() => void sockets.delete(socket));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') apply(f.afterReset);
      socket.destroy();
    });
    // Bytes are read at once but answered in turn: a queue seen from the client.
    const turn = f.iterative ? lastClosed : Promise.resolve();
    if (f.iterative) lastClosed = closed;
    if (f.mode === 'flood') flood(socket);
    else if (f.mode !== 'silent') serve(socket, turn, () => accepted === number);
  });

  function apply(fault: AfterFault | undefined): void {
    if (fault === 'crash') server.close();
    if (fault === 'drop-next') dropNext = true;
  }

  function answer(socket: net.Socket, sentence: Buffer, chunks: number, lone: boolean): void {
    if (sentence.length === 0) {
      if (lone) apply(f.afterEmpty);
      return void socket.end();
    }
    const out = dropNext ? null : (f.reply ?? upper)(sentence.toString('utf8'), chunks);
    dropNext = false;
    if (out === null) socket.end();
    else if (f.keepOpen) socket.write(out);
    else socket.end(out);
  }

  function serve(socket: net.Socket, turn: Promise<void>, lone: () => boolean): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let answered = false;
    const done = () => {
      if (answered) return;
      answered = true;
      const sentence = Buffer.concat(chunks);
      void turn.then(() => answer(socket, sentence, chunks.length, lone()));
    };
    socket.on('data', (d: Buffer) => {
      const keep = d.subarray(0, Math.max(0, (f.maxBytes ?? Infinity) - size));
      chunks.push(keep);
      size += keep.length;
      if (f.firstChunkOnly) done();
    });
    socket.on('end', done);
  }

  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    ),
  );
}

/** A port on which nothing listens: bound, then closed at once. */
export async function deadPort(service: 'udp' | 'tcp'): Promise<number> {
  const s = service === 'udp' ? await startBrokenUdp() : await startBrokenTcp();
  await s.close();
  return s.port;
}
