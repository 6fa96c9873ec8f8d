// Incremental decoder for the chunked transfer coding (RFC 9112 §7.1). It remembers how far it
// got, so data arriving in many small pieces is scanned once.
//
// Generous on purpose: a bare LF ends a line (RFC 9112 §2.2 allows it), chunk extensions and
// trailer fields are read and discarded (§7.1.1, §7.1.2 let a recipient ignore them).

export type ChunkedResult =
  | { kind: 'done'; body: Buffer; consumed: number }
  | { kind: 'incomplete' }
  | { kind: 'error'; status: 400 | 413; message: string };

export interface ChunkedLimits {
  maxBody: number;
  /** Longest chunk-size line, and longest trailer section. */
  maxLine: number;
}

const LF = 0x0a;
const CR = 0x0d;
// chunk-size = 1*HEXDIG, then optional BWS and chunk-ext (RFC 9112 §7.1, §7.1.1).
const CHUNK_SIZE_LINE = /^0*([0-9A-Fa-f]+)[ \t]*(;.*)?$/;

export class ChunkedDecoder {
  /** Offset (from the start of the body) of the next chunk-size line. */
  private pos = 0;
  private readonly parts: Buffer[] = [];
  private total = 0;

  constructor(private readonly limits: ChunkedLimits) {}

  /** `data` holds the body from its first byte; it may only have grown since the last call. */
  decode(data: Buffer): ChunkedResult {
    for (;;) {
      const line = readLine(data, this.pos);
      if (!line) return this.tooLong(data.length - this.pos, 'chunk-size line');
      const size = parseChunkSize(line.text);
      if (size === undefined) return { kind: 'error', status: 400, message: 'bad chunk-size line' };
      if (this.total + size > this.limits.maxBody) return { kind: 'error', status: 413, message: 'body too large' };
      if (size === 0) return this.finish(data, line.next);
      const dataEnd = line.next + size;
      const after = lineEndAt(data, dataEnd);
      if (after === undefined) return { kind: 'incomplete' };
      if (after < 0) return { kind: 'error', status: 400, message: 'chunk-data not followed by CRLF' };
      this.parts.push(Buffer.from(data.subarray(line.next, dataEnd)));
      this.total += size;
      this.pos = after;
    }
  }

  // last-chunk, then trailer-section CRLF (RFC 9112 §7.1): skip trailer lines up to an empty one.
  private finish(data: Buffer, from: number): ChunkedResult {
    let at = from;
    for (;;) {
      const line = readLine(data, at);
      if (!line) return this.tooLong(data.length - from, 'trailer section');
      if (line.text === '') return { kind: 'done', body: Buffer.concat(this.parts), consumed: line.next };
      at = line.next;
    }
  }

  private tooLong(pending: number, what: string): ChunkedResult {
    return pending > this.limits.maxLine
      ? { kind: 'error', status: 400, message: `${what} too long` }
      : { kind: 'incomplete' };
  }
}

function readLine(data: Buffer, from: number): { text: string; next: number } | undefined {
  const lf = data.indexOf(LF, from);
  if (lf < 0) return undefined;
  const end = lf > from && data[lf - 1] === CR ? lf - 1 : lf;
  return { text: data.toString('latin1', from, end), next: lf + 1 };
}

/** Offset after the CRLF (or LF) at `at`; undefined when not all there yet; -1 when something else is. */
function lineEndAt(data: Buffer, at: number): number | undefined {
  if (data.length <= at) return undefined;
  if (data[at] === LF) return at + 1;
  if (data[at] !== CR) return -1;
  if (data.length <= at + 1) return undefined;
  return data[at + 1] === LF ? at + 2 : -1;
}

function parseChunkSize(line: string): number | undefined {
  const m = CHUNK_SIZE_LINE.exec(line);
  if (!m) return undefined;
  // More than 12 significant hex digits is beyond any limit; avoid losing precision.
  return m[1].length > 12 ? Number.MAX_SAFE_INTEGER : parseInt(m[1], 16);
}
