import net from 'node:net';
import { fromSocketError, describeEndpoint, MAX_EXCHANGE_BYTES, type Endpoint, type WireListener } from './errors.js';
import { NetError } from '../errors.js';

/** What became of a write: handed to the kernel, not taken before the deadline, or the connection was gone. */
export type WriteOutcome = 'sent' | 'timeout' | 'closed';

/** What a read saw, whether or not it got what it waited for. */
export interface ReadResult {
  bytes: Buffer;
  /** The read stopped because `done` said so. */
  satisfied: boolean;
  /** The server closed its side (FIN), with the time it did. */
  peerClosedAt?: number;
  /** The server reset the connection (or another socket error). */
  error?: NetError;
  timedOut: boolean;
  /** More than the cap arrived; reading stopped. */
  capped: boolean;
  /** When the last byte of the connection so far arrived. */
  lastByteAt?: number;
}

export interface ConnectOptions {
  endpoint: Endpoint;
  deadline: number;
  onWire?: WireListener;
  maxBytes?: number;
}

/**
 * A TCP client for talking to a server that may misbehave in any way: every
 * wait has a deadline, incoming bytes are capped, and errors become NetError
 * values instead of exceptions thrown from event handlers.
 */
export class TcpClient {
  /** Received bytes in one growing buffer (doubling), so reads never re-copy everything. */
  private buf = Buffer.alloc(0);
  private size = 0;
  private consumed = 0;
  private wake: (() => void) | undefined;
  peerClosedAt: number | undefined;
  error: NetError | undefined;
  capped = false;
  private lastByteAt: number | undefined;
  private ended = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly opts: ConnectOptions,
  ) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('end', () => {
      this.peerClosedAt = Date.now();
      opts.onWire?.({ kind: 'peer-close' });
      this.notify();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.error ??= fromSocketError(err, opts.endpoint, 'tcp');
      opts.onWire?.({ kind: err.code === 'ECONNRESET' ? 'peer-reset' : 'error', note: this.error.message });
      this.notify();
    });
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  static connect(opts: ConnectOptions): Promise<TcpClient> {
    const { endpoint, deadline } = opts;
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        host: endpoint.address,
        port: endpoint.port,
        family: endpoint.family,
        noDelay: true,
      });
      const timer = setTimeout(
        () => {
          socket.destroy();
          reject(
            new NetError(
              'CONNECT_TIMEOUT',
              `could not connect to ${describeEndpoint(endpoint, 'tcp')} within the deadline`,
            ),
          );
        },
        Math.max(0, deadline - Date.now()),
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        opts.onWire?.({ kind: 'connect' });
        resolve(new TcpClient(socket, opts));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(fromSocketError(err, endpoint, 'tcp'));
      });
    });
  }

  private onData(d: Buffer): void {
    // Once netgrade has closed or reset the connection no read can come: keeping what a flooding
    // server still sends only cost memory (up to the cap per connection, while the close finishes).
    if (this.released) return;
    this.lastByteAt = Date.now();
    const cap = this.opts.maxBytes ?? MAX_EXCHANGE_BYTES;
    const room = cap - this.size;
    const kept = d.length > room ? d.subarray(0, room) : d;
    if (kept.length > 0) {
      if (this.size + kept.length > this.buf.length) {
        // Unzeroed: only bytes[0, size) are ever read, and zeroing would touch every page of a 1 MiB buffer.
        // A flood (a full 64 KiB read) goes straight to the cap: growing there by doubling copied it all twice.
        const want = kept.length >= 65536 ? cap : Math.max(this.size + kept.length, this.buf.length * 2, 4096);
        const grown = Buffer.allocUnsafe(Math.min(cap, want));
        this.buf.copy(grown, 0, 0, this.size);
        this.buf = grown;
      }
      kept.copy(this.buf, this.size);
      this.size += kept.length;
      this.opts.onWire?.({ kind: 'recv', data: kept });
    }
    if (d.length > room) {
      this.capped = true;
      this.opts.onWire?.({ kind: 'close', note: `stopped reading: the server sent more than ${cap} bytes` });
      this.socket.destroy();
    }
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Bytes received and not yet consumed by an earlier read. */
  unread(): Buffer {
    return this.buf.subarray(this.consumed, this.size);
  }

  get open(): boolean {
    return !this.ended && !this.socket.destroyed;
  }

  /**
   * Writes and waits until the bytes are handed to the kernel, or the deadline. 'timeout': they
   * were not (the server stopped reading and the buffers are full); without a deadline a large
   * send to a server that never reads waited forever. 'closed': the connection was closed or
   * reset first, so the bytes never left; reporting that as sent let a server that answered
   * before the whole request arrived pass.
   */
  async write(data: Buffer, deadline = Infinity): Promise<WriteOutcome> {
    if (!this.socket.writable || this.socket.destroyed) return 'closed';
    this.opts.onWire?.({ kind: 'send', data });
    return new Promise<WriteOutcome>((resolve) => {
      const timer = Number.isFinite(deadline)
        ? setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))
        : undefined;
      this.socket.write(data, (err) => {
        clearTimeout(timer);
        resolve(err ? 'closed' : 'sent');
      });
    });
  }

  halfClose(): void {
    if (!this.socket.writable) return;
    this.opts.onWire?.({ kind: 'half-close' });
    this.socket.end();
  }

  /** netgrade has closed or reset this connection (it may still be finishing). */
  released = false;

  close(): void {
    this.released = true;
    if (this.socket.destroyed) return;
    this.opts.onWire?.({ kind: 'close' });
    this.socket.end();
    this.socket.destroySoon();
    // A server that never closes its side must not keep this socket alive.
    setTimeout(() => this.socket.destroy(), 200).unref();
  }

  reset(): void {
    this.released = true;
    if (this.socket.destroyed) return;
    this.opts.onWire?.({ kind: 'reset' });
    this.socket.resetAndDestroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /**
   * Waits until `done(unread bytes)` holds, the server closes or resets, the
   * cap is hit, or the deadline passes; then consumes what it returns.
   * `done` returning a number consumes only that many bytes (framing).
   */
  async read(
    deadline: number,
    done: (bytes: Buffer, closed: boolean) => boolean | number = () => false,
  ): Promise<ReadResult> {
    for (;;) {
      const bytes = this.unread();
      const closed = this.peerClosedAt !== undefined || this.error !== undefined || this.capped || this.ended;
      const verdict = done(bytes, closed);
      if (verdict !== false || closed || Date.now() >= deadline) {
        const take = typeof verdict === 'number' ? verdict : bytes.length;
        this.consumed += take;
        return {
          bytes: bytes.subarray(0, take),
          satisfied: verdict !== false,
          peerClosedAt: this.peerClosedAt,
          error: this.error,
          timedOut: verdict === false && !closed,
          capped: this.capped,
          lastByteAt: this.lastByteAt,
        };
      }
      await this.waitForEvent(deadline);
    }
  }

  /** Waits until the server closes (or deadline); returns when it closed, if it did. */
  async waitForClose(deadline: number): Promise<number | undefined> {
    while (this.peerClosedAt === undefined && this.error === undefined && !this.ended && Date.now() < deadline) {
      await this.waitForEvent(deadline);
    }
    return this.peerClosedAt ?? (this.error || this.ended ? Date.now() : undefined);
  }

  private waitForEvent(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.notify(), Math.max(0, deadline - Date.now()));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
