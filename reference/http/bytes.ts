// A growable byte queue: appending is amortised O(1), so a client that trickles a request one
// byte at a time costs linear work, not the quadratic cost of Buffer.concat on every 'data'.

const INITIAL = 4096;
const KEEP_AT_MOST = 64 * 1024;

export class ByteQueue {
  private buf = Buffer.allocUnsafe(INITIAL);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** The queued bytes. Valid until the next append or consume: copy what you keep. */
  view(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  append(data: Buffer): void {
    if (this.end + data.length > this.buf.length) this.makeRoom(data.length);
    data.copy(this.buf, this.end);
    this.end += data.length;
  }

  consume(n: number): void {
    this.start += Math.min(n, this.length);
    if (this.start !== this.end) return;
    this.start = this.end = 0;
    // After a large request, do not hold on to its buffer for the rest of the connection.
    if (this.buf.length > KEEP_AT_MOST) this.buf = Buffer.allocUnsafe(INITIAL);
  }

  private makeRoom(extra: number): void {
    const length = this.length;
    const needed = length + extra;
    const size = needed * 2 > this.buf.length ? Math.max(this.buf.length * 2, needed) : this.buf.length;
    const next = size === this.buf.length ? this.buf : Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, this.start, this.end); // Buffer#copy handles overlapping regions
    this.buf = next;
    this.start = 0;
    this.end = length;
  }
}
