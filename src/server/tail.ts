// The last bytes of a stream, bounded: a server that floods its stdout costs
// netgrade a fixed amount of memory, and the report keeps what came last
// (where a traceback is).

export class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes seen in all, kept or not. */
  total = 0;

  constructor(private readonly limit = 64 * 1024) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk.length > this.limit ? chunk.subarray(chunk.length - this.limit) : chunk);
    this.size += Math.min(chunk.length, this.limit);
    while (this.size - this.chunks[0].length >= this.limit) this.size -= this.chunks.shift()!.length;
  }

  /** The kept bytes as text; a cut at the front may split a UTF-8 sequence, which decodes as U+FFFD. */
  text(): string {
    const all = Buffer.concat(this.chunks);
    const kept = all.subarray(Math.max(0, all.length - this.limit));
    const cut = this.total - kept.length;
    return (cut > 0 ? `[${cut} earlier bytes not kept]\n` : '') + kept.toString('utf8');
  }

  /** The last `n` non-empty lines. */
  lastLines(n: number): string[] {
    const lines = Buffer.concat(this.chunks)
      .toString('utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '');
    return lines.slice(-n);
  }
}
