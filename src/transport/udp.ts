import dgram from 'node:dgram';
import { fromSocketError, MAX_EXCHANGE_BYTES, type Endpoint, type WireListener } from './errors.js';
import type { NetError } from '../errors.js';

export interface Datagram {
  data: Buffer;
  at: number;
}

/**
 * A connected UDP socket: connecting lets the kernel report an ICMP "port
 * unreachable" as ECONNREFUSED, so "nothing is listening" can be said plainly
 * instead of waiting out a timeout. Incoming datagrams queue up, capped in
 * total bytes so a flooding server cannot exhaust memory.
 */
export class UdpClient {
  private queue: Datagram[] = [];
  private received = 0;
  private wake: (() => void) | undefined;
  error: NetError | undefined;
  capped = false;
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly endpoint: Endpoint,
    private readonly onWire?: WireListener,
  ) {
    socket.on('message', (msg) => this.onMessage(msg));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.error = fromSocketError(err, endpoint, 'udp');
      this.onWire?.({ kind: 'error', note: this.error.message });
      this.notify();
    });
  }

  static open(endpoint: Endpoint, onWire?: WireListener): Promise<UdpClient> {
    const socket = dgram.createSocket(endpoint.family === 6 ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', (err: NodeJS.ErrnoException) => {
        socket.close();
        reject(fromSocketError(err, endpoint, 'udp'));
      });
      socket.connect(endpoint.port, endpoint.address, () => {
        socket.removeAllListeners('error');
        resolve(new UdpClient(socket, endpoint, onWire));
      });
    });
  }

  private onMessage(msg: Buffer): void {
    if (this.capped) return;
    this.received += msg.length;
    if (this.received > MAX_EXCHANGE_BYTES) {
      this.capped = true;
      this.onWire?.({ kind: 'close', note: `stopped reading: the server sent more than ${MAX_EXCHANGE_BYTES} bytes` });
    } else {
      this.queue.push({ data: msg, at: Date.now() });
      this.onWire?.({ kind: 'recv', data: msg });
    }
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async send(data: Buffer): Promise<void> {
    if (this.closed) return;
    this.onWire?.({ kind: 'send', data });
    await new Promise<void>((resolve) =>
      this.socket.send(data, (err) => {
        if (err) {
          this.error ??= fromSocketError(err as NodeJS.ErrnoException, this.endpoint, 'udp');
          this.notify();
        }
        resolve();
      }),
    );
  }

  /** The next datagram, or undefined at the deadline, on an error, or when capped. */
  async next(deadline: number): Promise<Datagram | undefined> {
    for (;;) {
      const d = this.queue.shift();
      if (d) return d;
      if (this.error || this.capped || this.closed || Date.now() >= deadline) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.notify(), Math.max(0, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Clears a refused error so a resend can try again (the server may have just started). */
  clearError(): void {
    if (this.error?.code === 'REFUSED') this.error = undefined;
  }

  /** Drops datagrams that came after an earlier exchange ended (late answers to resends). */
  drain(): number {
    const n = this.queue.length;
    this.queue = [];
    return n;
  }

  /** Datagrams that came and were not read. */
  pending(): number {
    return this.queue.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.notify();
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
